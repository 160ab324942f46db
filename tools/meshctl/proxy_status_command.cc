#include "tools/meshctl/proxy_status_command.h"

#include <chrono>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "tools/meshctl/cli_args.h"
#include "tools/meshctl/table.h"
#include "weft/controlplane/v1/mesh_status.grpc.pb.h"

namespace weft::meshctl {
namespace {

namespace v1 = weft::controlplane::v1;

constexpr char kDefaultControlPlane[] = "127.0.0.1:15010";
constexpr int kDeadlineSeconds = 5;

const std::vector<FlagSpec>& Flags() {
  static const auto* const flags = new std::vector<FlagSpec>{
      {"control_plane", "", true, "HOST:PORT",
       "control plane's plaintext gRPC address (default 127.0.0.1:15010)"},
      {"output", "o", true, "FORMAT", "table (default) or json"},
  };
  return *flags;
}

constexpr char kUsage[] =
    "Usage: meshctl proxy-status [NODE_ID] [--control_plane=HOST:PORT] [-o table|json]\n"
    "\n"
    "Shows every proxy connected to the control plane and, per xDS type, whether it\n"
    "applied the latest configuration: SYNCED (ACKed), STALE (sent, no answer yet),\n"
    "NACKED (rejected; the proxy's error is printed below the row) or NOT SENT,\n"
    "each with the version sent.\n"
    "\n"
    "Flags:\n";

struct TypeColumn {
  const char* header;
  const char* type_suffix;  // the type URL's message name
};
constexpr TypeColumn kColumns[] = {
    {"LDS", "envoy.config.listener.v3.Listener"},
    {"CDS", "envoy.config.cluster.v3.Cluster"},
    {"EDS", "envoy.config.endpoint.v3.ClusterLoadAssignment"},
    {"RDS", "envoy.config.route.v3.RouteConfiguration"},
    // The trust bundle (ROOTCA) for proxies with mTLS; NOT SENT without a CA.
    {"SDS", "envoy.extensions.transport_sockets.tls.v3.Secret"},
};

const v1::TypeStatus* FindType(const v1::ProxyStatus& proxy, absl::string_view suffix) {
  for (const v1::TypeStatus& type : proxy.types()) {
    if (absl::EndsWith(type.type_url(), suffix)) return &type;
  }
  return nullptr;
}

std::string Cell(const v1::TypeStatus* type) {
  if (type == nullptr || type->responses_sent() == 0) return "NOT SENT";
  std::string state;
  switch (type->state()) {
    case v1::SYNCED:
      state = "SYNCED";
      break;
    case v1::STALE:
      state = "STALE";
      break;
    case v1::NACKED:
      state = "NACKED";
      break;
    default:
      state = "UNKNOWN";
  }
  const std::string& version =
      type->state() == v1::SYNCED ? type->version_acked() : type->version_sent();
  return version.empty() ? state : absl::StrCat(state, " ", version);
}

int UsageError(const CommandEnv& env, absl::string_view message) {
  *env.err << "meshctl proxy-status: " << message << "\n"
           << "Run 'meshctl proxy-status --help' for usage.\n";
  return kExitUsage;
}

}  // namespace

std::string FormatProxyStatusTable(const v1::ListProxiesResponse& response) {
  std::vector<std::string> header = {"NAME", "PEER"};
  for (const TypeColumn& column : kColumns) header.push_back(column.header);
  // Each proxy is a row plus, for every NACKED type, a detail line under it; the
  // detail lines must not widen the columns, so rows are formatted in one table
  // and detail lines are spliced in after.
  std::vector<std::vector<std::string>> rows;
  std::vector<std::vector<std::string>> details;
  for (const v1::ProxyStatus& proxy : response.proxies()) {
    std::vector<std::string> row = {proxy.node_id().empty() ? "<unknown>" : proxy.node_id(),
                                    proxy.peer().empty() ? "-" : proxy.peer()};
    std::vector<std::string> lines;
    for (const TypeColumn& column : kColumns) {
      const v1::TypeStatus* type = FindType(proxy, column.type_suffix);
      row.push_back(Cell(type));
      if (type != nullptr && type->state() == v1::NACKED) {
        lines.push_back(absl::StrCat("  NACK ", column.header, " (version ", type->version_sent(),
                                     "): ", type->last_nack_error()));
      }
    }
    rows.push_back(std::move(row));
    details.push_back(std::move(lines));
  }
  const std::string table = FormatTable(header, rows);
  std::string out;
  size_t row = 0;
  size_t start = 0;
  for (size_t line = 0; start < table.size(); ++line) {
    const size_t end = table.find('\n', start);
    absl::StrAppend(&out, table.substr(start, end - start + 1));
    start = end + 1;
    if (line > 0) {
      for (const std::string& detail : details[row]) absl::StrAppend(&out, detail, "\n");
      ++row;
    }
  }
  return out;
}

int RunProxyStatus(const std::vector<std::string>& argv, const CommandEnv& env) {
  absl::StatusOr<ParsedArgs> args = ParseArgs(argv, Flags());
  if (!args.ok()) return UsageError(env, args.status().message());
  if (args->help) {
    *env.out << kUsage << FlagsHelp(Flags());
    return kExitOk;
  }
  if (args->positionals.size() > 1) {
    return UsageError(env, absl::StrCat("unexpected argument \"", args->positionals[1], "\""));
  }
  const std::string output = args->Get("output", "table");
  if (output != "table" && output != "json") {
    return UsageError(env, absl::StrCat("unknown output format \"", output, "\" (table or json)"));
  }
  const std::string address = args->Get("control_plane", kDefaultControlPlane);

  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  std::unique_ptr<v1::MeshStatus::Stub> stub = v1::MeshStatus::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(
      absl::ToChronoTime(env.time->SystemNow() + absl::Seconds(kDeadlineSeconds)));
  v1::ListProxiesRequest request;
  if (!args->positionals.empty()) request.set_node_id(args->positionals[0]);
  v1::ListProxiesResponse response;
  const grpc::Status status = stub->ListProxies(&context, request, &response);
  if (!status.ok()) {
    const bool unreachable = status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                             status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
    *env.err << "error: " << (unreachable ? "cannot reach the control plane" : "ListProxies failed")
             << " at " << address << ": " << status.error_message() << "\n";
    if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
      *env.err << "(is this a Weft control plane? MeshStatus is served on its plaintext port)\n";
    }
    return kExitUsage;
  }

  if (output == "json") {
    std::string json;
    google::protobuf::util::JsonPrintOptions options;
    options.add_whitespace = true;
    options.preserve_proto_field_names = true;
    if (!google::protobuf::util::MessageToJsonString(response, &json, options).ok()) {
      *env.err << "error: cannot render the response as JSON\n";
      return kExitInvalid;
    }
    *env.out << json;
    if (json.empty() || json.back() != '\n') *env.out << "\n";
    return kExitOk;
  }
  if (response.proxies().empty()) {
    *env.err << "No proxies connected to " << address << ".\n";
    return kExitOk;
  }
  *env.out << FormatProxyStatusTable(response);
  return kExitOk;
}

}  // namespace weft::meshctl
