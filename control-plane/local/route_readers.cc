// HTTPRoute and GRPCRoute readers (see object_readers.h). Gateway API defaults
// are applied here, as the API server would: a rule without matches gets one
// PathPrefix "/" match.

#include <string>
#include <vector>

#include "control-plane/local/manifest_fields.h"
#include "control-plane/local/object_readers.h"

namespace weft::control_plane::local {
namespace {

using config::YamlReader;

void ReadParentRef(YamlReader& reader, const YAML::Node& n, const std::string& p, ParentRef& r) {
  reader.ReadMapping(
      n, p,
      {reader.StringField("group", r.group), reader.StringField("kind", r.kind),
       reader.StringField("namespace", r.ns), reader.StringField("name", r.name),
       Int32Field(reader, "port", r.port), reader.StringField("sectionName", r.section_name)});
}

void ReadBackendRef(YamlReader& reader, const YAML::Node& n, const std::string& p, BackendRef& r) {
  reader.ReadMapping(n, p,
                     {reader.StringField("group", r.group), reader.StringField("kind", r.kind),
                      reader.StringField("namespace", r.ns), reader.StringField("name", r.name),
                      Int32Field(reader, "port", r.port), Int32Field(reader, "weight", r.weight)});
}

void ReadNameValueMatch(YamlReader& reader, const YAML::Node& n, const std::string& p,
                        NameValueMatch& m) {
  reader.ReadMapping(n, p,
                     {reader.EnumField<StringMatchType>(
                          "type", "a match type",
                          {{"Exact", StringMatchType::kExact},
                           {"RegularExpression", StringMatchType::kRegularExpression}},
                          m.type),
                      reader.StringField("name", m.name), reader.StringField("value", m.value)});
}

void ReadHeaderModifier(YamlReader& reader, const YAML::Node& n, const std::string& p,
                        HeaderModifier& h) {
  auto read_header = [&reader](const YAML::Node& hn, const std::string& hp, HttpHeader& header) {
    reader.ReadMapping(
        hn, hp,
        {reader.StringField("name", header.name), reader.StringField("value", header.value)});
  };
  reader.ReadMapping(n, p,
                     {reader.ListField<HttpHeader>("set", h.set, read_header),
                      reader.ListField<HttpHeader>("add", h.add, read_header),
                      reader.StringListField("remove", h.remove)});
}

void ReadPathModifier(YamlReader& reader, const YAML::Node& n, const std::string& p,
                      PathModifier& m) {
  std::string full, prefix;
  reader.ReadMapping(n, p,
                     {reader.EnumField<PathModifier::Type>(
                          "type", "a path modifier type",
                          {{"ReplaceFullPath", PathModifier::Type::kReplaceFullPath},
                           {"ReplacePrefixMatch", PathModifier::Type::kReplacePrefixMatch}},
                          m.type),
                      reader.StringField("replaceFullPath", full),
                      reader.StringField("replacePrefixMatch", prefix)});
  const bool want_full = m.type == PathModifier::Type::kReplaceFullPath;
  m.value = want_full ? full : prefix;
  if (m.value.empty()) {
    reader.Problem(n, p,
                   want_full ? "type ReplaceFullPath needs replaceFullPath"
                             : "type ReplacePrefixMatch needs replacePrefixMatch");
  }
}

void ReadFilter(YamlReader& reader, const YAML::Node& n, const std::string& p, HttpFilter& f) {
  auto header_modifier = [&reader](const YAML::Node& hn, const std::string& hp, HeaderModifier& h) {
    ReadHeaderModifier(reader, hn, hp, h);
  };
  auto path_modifier = [&reader](const YAML::Node& pn, const std::string& pp, PathModifier& m) {
    ReadPathModifier(reader, pn, pp, m);
  };
  auto redirect = [&reader, path_modifier](const YAML::Node& rn, const std::string& rp,
                                           RequestRedirect& r) {
    reader.ReadMapping(
        rn, rp,
        {reader.StringField("scheme", r.scheme), reader.StringField("hostname", r.hostname),
         OptionalStructField<PathModifier>("path", r.path, path_modifier),
         Int32Field(reader, "port", r.port), Int32Field(reader, "statusCode", r.status_code)});
  };
  auto rewrite = [&reader, path_modifier](const YAML::Node& rn, const std::string& rp,
                                          UrlRewrite& r) {
    reader.ReadMapping(rn, rp,
                       {reader.StringField("hostname", r.hostname),
                        OptionalStructField<PathModifier>("path", r.path, path_modifier)});
  };
  reader.ReadMapping(
      n, p,
      {reader.EnumField<HttpFilter::Type>(
           "type", "a supported filter type",
           {{"RequestHeaderModifier", HttpFilter::Type::kRequestHeaderModifier},
            {"ResponseHeaderModifier", HttpFilter::Type::kResponseHeaderModifier},
            {"RequestRedirect", HttpFilter::Type::kRequestRedirect},
            {"URLRewrite", HttpFilter::Type::kUrlRewrite}},
           f.type),
       OptionalStructField<HeaderModifier>("requestHeaderModifier", f.request_header_modifier,
                                           header_modifier),
       OptionalStructField<HeaderModifier>("responseHeaderModifier", f.response_header_modifier,
                                           header_modifier),
       OptionalStructField<RequestRedirect>("requestRedirect", f.request_redirect, redirect),
       OptionalStructField<UrlRewrite>("urlRewrite", f.url_rewrite, rewrite)});
}

void ReadHttpMatch(YamlReader& reader, const YAML::Node& n, const std::string& p,
                   HttpRouteMatch& m) {
  auto read_path = [&reader](const YAML::Node& pn, const std::string& pp, PathMatch& path) {
    reader.ReadMapping(
        pn, pp,
        {reader.EnumField<PathMatchType>("type", "a path match type",
                                         {{"Exact", PathMatchType::kExact},
                                          {"PathPrefix", PathMatchType::kPathPrefix},
                                          {"RegularExpression", PathMatchType::kRegularExpression}},
                                         path.type),
         reader.StringField("value", path.value)});
  };
  auto name_value = [&reader](const YAML::Node& vn, const std::string& vp, NameValueMatch& v) {
    ReadNameValueMatch(reader, vn, vp, v);
  };
  reader.ReadMapping(n, p,
                     {StructField<PathMatch>("path", m.path, read_path),
                      reader.ListField<NameValueMatch>("headers", m.headers, name_value),
                      reader.ListField<NameValueMatch>("queryParams", m.query_params, name_value),
                      reader.StringField("method", m.method)});
}

// Fields every route kind shares.
template <typename Route>
std::vector<YamlReader::Field> CommonRouteFields(YamlReader& reader, Route& route) {
  auto parent = [&reader](const YAML::Node& n, const std::string& p, ParentRef& r) {
    ReadParentRef(reader, n, p, r);
  };
  return {reader.ListField<ParentRef>("parentRefs", route.parent_refs, parent),
          reader.StringListField("hostnames", route.hostnames)};
}

}  // namespace

void ReadHttpRouteSpec(YamlReader& reader, const YAML::Node& node, const std::string& path,
                       HttpRoute& route) {
  auto read_rule = [&reader](const YAML::Node& n, const std::string& p, HttpRouteRule& rule) {
    auto match = [&reader](const YAML::Node& mn, const std::string& mp, HttpRouteMatch& m) {
      ReadHttpMatch(reader, mn, mp, m);
    };
    auto filter = [&reader](const YAML::Node& fn, const std::string& fp, HttpFilter& f) {
      ReadFilter(reader, fn, fp, f);
    };
    auto backend = [&reader](const YAML::Node& bn, const std::string& bp, BackendRef& b) {
      ReadBackendRef(reader, bn, bp, b);
    };
    auto timeouts = [&reader](const YAML::Node& tn, const std::string& tp, HttpRouteTimeouts& t) {
      reader.ReadMapping(tn, tp,
                         {OptionalDurationField(reader, "request", t.request),
                          OptionalDurationField(reader, "backendRequest", t.backend_request)});
    };
    reader.ReadMapping(n, p,
                       {reader.StringField("name", rule.name),
                        reader.ListField<HttpRouteMatch>("matches", rule.matches, match),
                        reader.ListField<HttpFilter>("filters", rule.filters, filter),
                        reader.ListField<BackendRef>("backendRefs", rule.backend_refs, backend),
                        StructField<HttpRouteTimeouts>("timeouts", rule.timeouts, timeouts)});
    if (rule.matches.empty()) rule.matches.emplace_back();
  };
  std::vector<YamlReader::Field> fields = CommonRouteFields(reader, route);
  fields.push_back(reader.ListField<HttpRouteRule>("rules", route.rules, read_rule));
  reader.ReadMapping(node, path, fields);
}

void ReadGrpcRouteSpec(YamlReader& reader, const YAML::Node& node, const std::string& path,
                       GrpcRoute& route) {
  auto read_rule = [&reader](const YAML::Node& n, const std::string& p, GrpcRouteRule& rule) {
    auto match = [&reader](const YAML::Node& mn, const std::string& mp, GrpcRouteMatch& m) {
      auto method = [&reader](const YAML::Node& an, const std::string& ap, GrpcMethodMatch& g) {
        reader.ReadMapping(
            an, ap,
            {reader.EnumField<StringMatchType>(
                 "type", "a match type",
                 {{"Exact", StringMatchType::kExact},
                  {"RegularExpression", StringMatchType::kRegularExpression}},
                 g.type),
             reader.StringField("service", g.service), reader.StringField("method", g.method)});
      };
      auto header = [&reader](const YAML::Node& hn, const std::string& hp, NameValueMatch& h) {
        ReadNameValueMatch(reader, hn, hp, h);
      };
      reader.ReadMapping(mn, mp,
                         {OptionalStructField<GrpcMethodMatch>("method", m.method, method),
                          reader.ListField<NameValueMatch>("headers", m.headers, header)});
    };
    auto filter = [&reader](const YAML::Node& fn, const std::string& fp, HttpFilter& f) {
      ReadFilter(reader, fn, fp, f);
    };
    auto backend = [&reader](const YAML::Node& bn, const std::string& bp, BackendRef& b) {
      ReadBackendRef(reader, bn, bp, b);
    };
    reader.ReadMapping(n, p,
                       {reader.StringField("name", rule.name),
                        reader.ListField<GrpcRouteMatch>("matches", rule.matches, match),
                        reader.ListField<HttpFilter>("filters", rule.filters, filter),
                        reader.ListField<BackendRef>("backendRefs", rule.backend_refs, backend)});
  };
  std::vector<YamlReader::Field> fields = CommonRouteFields(reader, route);
  fields.push_back(reader.ListField<GrpcRouteRule>("rules", route.rules, read_rule));
  reader.ReadMapping(node, path, fields);
}

}  // namespace weft::control_plane::local
