#include "proxy/listener/session.h"

#include "absl/strings/str_cat.h"

namespace weft::listener {

ListenerStats::ListenerStats(stats::Scope& scope, const std::string& name)
    : cx_total(scope.counter(absl::StrCat("listener.", name, ".cx_total"))),
      cx_active(scope.gauge(absl::StrCat("listener.", name, ".cx_active"))),
      tcp_cx_total(scope.counter(absl::StrCat("listener.", name, ".tcp_cx_total"))),
      http_rq_total(scope.counter(absl::StrCat("listener.", name, ".http_rq_total"))),
      http_rq_1xx(scope.counter(absl::StrCat("listener.", name, ".http_rq_1xx"))),
      http_rq_2xx(scope.counter(absl::StrCat("listener.", name, ".http_rq_2xx"))),
      http_rq_3xx(scope.counter(absl::StrCat("listener.", name, ".http_rq_3xx"))),
      http_rq_4xx(scope.counter(absl::StrCat("listener.", name, ".http_rq_4xx"))),
      http_rq_5xx(scope.counter(absl::StrCat("listener.", name, ".http_rq_5xx"))),
      detect_timeout(scope.counter(absl::StrCat("listener.", name, ".protocol_detect_timeout"))),
      tls_detected(scope.counter(absl::StrCat("listener.", name, ".tls_detected"))),
      mtls_handshakes(scope.counter(absl::StrCat("listener.", name, ".mtls_handshakes"))),
      mtls_resumed(scope.counter(absl::StrCat("listener.", name, ".mtls_resumed"))),
      mtls_handshake_failed(
          scope.counter(absl::StrCat("listener.", name, ".mtls_handshake_failed"))),
      plaintext_refused(scope.counter(absl::StrCat("listener.", name, ".plaintext_refused"))) {}

void ListenerStats::CountResponse(int status) {
  switch (status / 100) {
    case 1: http_rq_1xx.Inc(); break;
    case 2: http_rq_2xx.Inc(); break;
    case 3: http_rq_3xx.Inc(); break;
    case 4: http_rq_4xx.Inc(); break;
    default: http_rq_5xx.Inc(); break;
  }
}

}  // namespace weft::listener
