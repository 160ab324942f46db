#ifndef WEFT_PROXY_XDS_XDS_TRANSLATOR_RBAC_H_
#define WEFT_PROXY_XDS_XDS_TRANSLATOR_RBAC_H_

// The authorization half of the xDS edge (issue 5): the RBAC HTTP filters
// (envoy.extensions.filters.http.rbac.v3.RBAC) of a filter chain's
// HttpConnectionManager, read in order into config::Authorization
// (proxy/config/authz_model.h). Part of TranslateXds.
//
// Supported: actions ALLOW and DENY; policies (taken in name order, as Envoy
// does) of permissions any / and_rules / or_rules / not_rule /
// destination_port / url_path / header and principals any / and_ids / or_ids /
// not_id / authenticated.principal_name / header; string matchers exact,
// prefix, suffix and contains; header present_match and invert_match. Anything
// else (LOG, shadow rules, regexes, ignore_case, IP, metadata or SNI matchers)
// is reported through `problem` with the field's path, so the Listener is
// NACKed rather than enforced differently from what the server meant.
//
//   if (!ReadChainAuthz(fc.filters(), where, Sink(), chain.authz)) ...
//
// Pure functions.

#include <string>

#include "envoy/config/listener/v3/listener_components.pb.h"
#include "proxy/config/authz_model.h"
#include "proxy/xds/xds_translator_resilience.h"

namespace weft::xds {

inline constexpr char kRbacFilterType[] =
    "type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC";

// Reads the RBAC filters of the HttpConnectionManager among `filters` (nothing
// when there is none) into `out`; false after reporting problems.
bool ReadChainAuthz(
    const google::protobuf::RepeatedPtrField<envoy::config::listener::v3::Filter>& filters,
    const std::string& where, const ProblemSink& problem, config::Authorization& out);

}  // namespace weft::xds

#endif  // WEFT_PROXY_XDS_XDS_TRANSLATOR_RBAC_H_
