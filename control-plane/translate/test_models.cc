#include "control-plane/translate/test_models.h"

#include <algorithm>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "control-plane/core/build_model.h"
#include "control-plane/local/manifest_parser.h"
#include "proxy/config/problem_list.h"

namespace weft::control_plane::testing {

// Namespace "default" throughout (proxyless names without a namespace use it).
//   frontend:80 (http)            -> frontend-0
//   backend:8080 (grpc), :5432    -> HTTPRoute split + GRPCRoute, TrafficPolicy
//   backend-v1:8080, backend-v2:8080
//   db:5432 headless (tcp)
const char kMeshYaml[] = R"(apiVersion: v1
kind: Service
metadata: {name: frontend}
spec:
  selector: {app: frontend}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: backend}
spec:
  selector: {app: backend}
  clusterIP: 10.96.0.10
  ports:
    - {name: grpc, port: 8080}
    - {name: tcp-db, port: 5432}
---
apiVersion: v1
kind: Service
metadata: {name: backend-v1}
spec:
  selector: {app: backend, version: v1}
  clusterIP: 10.96.0.11
  ports: [{name: grpc, port: 8080, targetPort: 9000}]
---
apiVersion: v1
kind: Service
metadata: {name: backend-v2}
spec:
  selector: {app: backend, version: v2}
  clusterIP: 10.96.0.12
  ports: [{name: grpc, port: 8080, targetPort: 9000}]
---
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  selector: {app: db}
  clusterIP: None
  ports: [{port: 5432}]
---
apiVersion: mesh.weft.dev/v1alpha1
kind: Workload
metadata: {name: frontend-0, labels: {app: frontend}}
spec: {address: 10.1.0.2, locality: {region: r1, zone: a}}
---
apiVersion: mesh.weft.dev/v1alpha1
kind: Workload
metadata: {name: backend-v1-0, labels: {app: backend, version: v1}}
spec: {address: 10.1.0.3, locality: {region: r1, zone: b}}
---
apiVersion: mesh.weft.dev/v1alpha1
kind: Workload
metadata: {name: backend-v1-1, labels: {app: backend, version: v1}}
spec: {address: 10.1.0.4, locality: {region: r1, zone: a}}
---
apiVersion: mesh.weft.dev/v1alpha1
kind: Workload
metadata: {name: backend-v2-0, labels: {app: backend, version: v2}}
spec: {address: 10.1.0.5, locality: {region: r1, zone: b}}
---
apiVersion: mesh.weft.dev/v1alpha1
kind: Workload
metadata: {name: backend-v2-1, labels: {app: backend, version: v2}}
spec: {address: 10.1.0.6, ready: false}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: backend-split}
spec:
  parentRefs: [{kind: Service, name: backend, port: 8080}]
  rules:
    - filters:
        - type: RequestHeaderModifier
          requestHeaderModifier:
            set: [{name: x-route, value: split}]
            add: [{name: x-added, value: "1"}]
            remove: [x-internal]
        - type: ResponseHeaderModifier
          responseHeaderModifier:
            set: [{name: x-served-by, value: weft}]
      backendRefs:
        - {name: backend-v1, port: 8080, weight: 90}
        - {name: backend-v2, port: 8080, weight: 10}
      timeouts: {request: 10s, backendRequest: 2s}
    - matches:
        - path: {type: PathPrefix, value: /api}
          headers: [{name: X-Canary, value: "true"}]
          method: GET
          queryParams: [{name: debug, type: RegularExpression, value: "[01]"}]
      backendRefs: [{name: backend-v2, port: 8080}]
    - matches:
        - path: {type: RegularExpression, value: "/items/[0-9]+"}
      backendRefs: [{name: backend-v1, port: 8080}]
    - matches:
        - path: {type: Exact, value: /healthz}
      backendRefs: [{name: backend-v1, port: 8080}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: backend-grpc}
spec:
  parentRefs: [{kind: Service, name: backend, port: 8080}]
  rules:
    - matches:
        - method: {service: shop.Inventory, method: Reserve}
      backendRefs: [{name: backend-v2, port: 8080}]
---
apiVersion: mesh.weft.dev/v1alpha1
kind: TrafficPolicy
metadata: {name: backend}
spec:
  targetRef: {kind: Service, name: backend}
  loadBalancer: {type: LeastRequest}
  retries:
    attempts: 2
    perTryTimeout: 500ms
    retryOn: [5xx, unavailable]
    backoff: {baseInterval: 50ms, maxInterval: 1s}
  timeouts: {request: 15s, connect: 2s}
  circuitBreaker: {maxConnections: 100, maxRequests: 200}
  outlierDetection:
    consecutive5xx: 3
    interval: 5s
    baseEjectionTime: 30s
    maxEjectionPercent: 50
)";

absl::StatusOr<Model> ModelFromYaml(const std::string& yaml) {
  config::ProblemList problems;
  local::ParsedManifests parsed = local::ParseManifests(yaml, "test.yaml", problems);
  if (!problems.empty()) return problems.ToStatus("manifests");
  return BuildModel(parsed.resources);
}

std::string ReversedDocuments(const std::string& yaml) {
  std::vector<std::string> documents = absl::StrSplit(yaml, "\n---\n");
  std::reverse(documents.begin(), documents.end());
  for (std::string& document : documents) {
    if (!document.empty() && document.back() != '\n') document.push_back('\n');
  }
  return absl::StrJoin(documents, "---\n");
}

}  // namespace weft::control_plane::testing
