// pennant-load: the program behind `pennant load` (the pennant binary hands the subcommand over,
// so the controller never maps gRPC's libraries). Sends gRPC calls through a gateway and reports
// them by gRPC code, by answering version and by latency.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "load/grpc_load.h"
#include "load/http_load.h"
#include "load/payload.h"

int main(int argc, char** argv) {
  using namespace pennant::load;
  // gRPC's own log lines (e.g. about a gateway's non-gRPC 404 answer) would mix with the report;
  // the report counts those calls.
  if (!std::getenv("GRPC_VERBOSITY")) setenv("GRPC_VERBOSITY", "NONE", 1);
  CLI::App app{"pennant load: gRPC load through a gateway, counted by gRPC code and by answering version"};
  app.name("pennant load");
  LoadOptions o;
  std::vector<std::string> headers, fields;
  std::string payloadBase64, output = "text";
  double durationSeconds = 0, timeoutSeconds = 20;
  app.add_option("target", o.target, "host:port of the gateway listener (or of a server)")->required();
  auto* method = app.add_option("-m,--method", o.method, "gRPC: full method, e.g. helloworld.Greeter/SayHello");
  app.add_option("--http", o.httpPath, "HTTP load instead: GET this path (e.g. /)")->excludes(method);
  app.add_option("-a,--authority", o.authority, ":authority / Host (the route's hostname); default: the target");
  app.add_option("-H,--header", headers, "request metadata NAME:VALUE (repeatable)");
  app.add_option("-f,--field", fields,
                 "request field NUMBER[:TYPE]=VALUE, TYPE string (default), int or bytes-base64 (repeatable)");
  app.add_option("--payload-base64", payloadBase64, "the serialized request message, base64");
  app.add_flag("--stream", o.stream, "server-streaming method: read every message until the call ends");
  app.add_option("-r,--rps", o.rps, "calls started per second in all (0: as fast as the concurrency allows)");
  app.add_option("-c,--concurrency", o.concurrency, "calls in flight at most")->check(CLI::PositiveNumber);
  app.add_option("--connections", o.connections, "HTTP/2 connections")->check(CLI::PositiveNumber);
  app.add_option("-d,--duration", durationSeconds, "seconds to send for");
  app.add_option("-n,--calls", o.calls, "calls to send");
  app.add_option("--timeout", timeoutSeconds, "per-call deadline in seconds");
  app.add_option("--version-header", o.versionHeader, "response header naming the answering version");
  app.add_option("--tally-header", o.tallyHeaders, "also count calls by this response header's values (repeatable)");
  app.add_option("-o,--output", output, "text or json")->check(CLI::IsMember({"text", "json"}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  for (const auto& h : headers) {
    auto colon = h.find(':');
    if (colon == std::string::npos || colon == 0) {
      std::cerr << "pennant load: header \"" << h << "\": want NAME:VALUE\n";
      return 2;
    }
    std::string name = h.substr(0, colon), value = h.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.erase(0, 1);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    o.metadata.emplace_back(name, value);
  }
  if (!fields.empty() && !payloadBase64.empty()) {
    std::cerr << "pennant load: --field and --payload-base64 exclude each other\n";
    return 2;
  }
  auto payload = payloadBase64.empty() ? encodeFields(fields) : decodeBase64(payloadBase64);
  if (!payload.ok()) {
    std::cerr << "pennant load: " << payload.status().message() << "\n";
    return 2;
  }
  o.payload = *payload;
  o.duration = std::chrono::milliseconds(static_cast<int64_t>(durationSeconds * 1000));
  o.timeout = std::chrono::milliseconds(static_cast<int64_t>(timeoutSeconds * 1000));
  if (o.method.empty() && o.httpPath.empty()) {
    std::cerr << "pennant load: give --method (gRPC) or --http PATH\n";
    return 2;
  }
  auto report = o.httpPath.empty() ? runGrpcLoad(o) : runHttpLoad(o);
  if (!report.ok()) {
    std::cerr << "pennant load: " << report.status().message() << "\n";
    return report.status().code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
  }
  if (output == "json") {
    std::cout << report->toJson().dump() << "\n";
  } else {
    std::cout << report->toText();
  }
  return 0;
}
