// greeter: the example gRPC (and HTTP) service Pennant's data-plane tests and demo run behind a
// real Gateway API gateway. Flags and environment are in ../README.md.
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdlib>
#include <iostream>

#include "greeter_service.h"
#include "http_app.h"

namespace {

std::string env(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

std::vector<std::string> splitList(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"greeter: an example gRPC service for Pennant's canaries (helloworld.Greeter, helloworld.Farewell)"};
  std::string grpcListen = env("GREETER_GRPC_LISTEN", "127.0.0.1:9090");
  std::string httpListen = env("GREETER_HTTP_LISTEN", "");
  std::string metricsListen = env("GREETER_METRICS_LISTEN", "");
  std::string version = env("GREETER_VERSION", "v1");
  std::string pod = env("POD_NAME", env("HOSTNAME", "greeter"));
  std::string echo = env("GREETER_ECHO_HEADERS", "x-*");
  double faultRate = std::stod(env("GREETER_FAULT_RATE", "0"));
  std::string faultCode = env("GREETER_FAULT_CODE", "UNAVAILABLE");
  int httpFaultStatus = std::stoi(env("GREETER_HTTP_FAULT_STATUS", "503"));
  int latencyMs = std::stoi(env("GREETER_LATENCY_MS", "0"));
  std::string faultMethods = env("GREETER_FAULT_METHODS", "");
  double shutdownGrace = std::stod(env("GREETER_SHUTDOWN_GRACE", "5"));
  app.add_option("--grpc-listen", grpcListen, "gRPC (h2c) listen address [GREETER_GRPC_LISTEN]");
  app.add_option("--http-listen", httpListen, "HTTP/1.1 listen address, off when empty [GREETER_HTTP_LISTEN]");
  app.add_option("--metrics-listen", metricsListen, "/metrics listen address, off when empty [GREETER_METRICS_LISTEN]");
  app.add_option("--version", version, "version reported in replies and x-version [GREETER_VERSION]");
  app.add_option("--pod", pod, "pod name reported in replies and x-pod [POD_NAME, HOSTNAME]");
  app.add_option("--echo-headers", echo,
                 "request headers echoed as echo-<name>; 'x-*' is a prefix [GREETER_ECHO_HEADERS]");
  app.add_option("--fault-rate", faultRate, "share of calls (0..1) answered with --fault-code [GREETER_FAULT_RATE]")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--fault-code", faultCode, "gRPC code of injected faults, name or number [GREETER_FAULT_CODE]");
  app.add_option("--http-fault-status", httpFaultStatus, "HTTP status of injected faults [GREETER_HTTP_FAULT_STATUS]");
  app.add_option("--latency-ms", latencyMs, "latency added to every call [GREETER_LATENCY_MS]");
  app.add_option(
      "--fault-methods", faultMethods,
      "comma-separated services or service/methods the faults apply to; all when empty [GREETER_FAULT_METHODS]");
  app.add_option("--shutdown-grace", shutdownGrace,
                 "seconds in-flight calls get after SIGTERM before they are cancelled [GREETER_SHUTDOWN_GRACE]");
  CLI11_PARSE(app, argc, argv);

  greeter::FaultOptions faults;
  faults.rate = faultRate;
  faults.grpcCode = greeter::parseGrpcCode(faultCode);
  if (faults.grpcCode < 0) {
    std::cerr << "greeter: unknown gRPC code \"" << faultCode << "\"\n";
    return 2;
  }
  faults.httpStatus = httpFaultStatus;
  faults.latency = std::chrono::milliseconds(latencyMs);
  faults.methods = splitList(faultMethods);

  greeter::Metrics metrics;
  greeter::Backend backend{{version, pod, splitList(echo)}, greeter::Faults(faults), metrics};
  greeter::GreeterService greeterService(backend);
  greeter::FarewellService farewellService(backend);

  // Block the stop signals before any thread starts, so only sigwait below sees them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  int boundPort = 0;
  builder.AddListeningPort(grpcListen, grpc::InsecureServerCredentials(), &boundPort);
  builder.RegisterService(&greeterService);
  builder.RegisterService(&farewellService);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || boundPort == 0) {
    std::cerr << "greeter: cannot listen on " << grpcListen << "\n";
    return 1;
  }
  greeter::HttpListener http, metricsHttp;
  if (!httpListen.empty() && !http.start(httpListen, backend, false)) {
    std::cerr << "greeter: cannot listen on " << httpListen << "\n";
    return 1;
  }
  if (!metricsListen.empty() && !metricsHttp.start(metricsListen, backend, true)) {
    std::cerr << "greeter: cannot listen on " << metricsListen << "\n";
    return 1;
  }
  std::cout << "greeter " << version << " (" << pod << ") serving gRPC on " << grpcListen
            << (httpListen.empty() ? "" : ", HTTP on " + httpListen)
            << (metricsListen.empty() ? "" : ", metrics on " + metricsListen) << std::endl;

  int signal = 0;
  sigwait(&stop, &signal);
  std::cout << "greeter: signal " << signal << ", shutting down (grace " << shutdownGrace << "s)" << std::endl;
  server->GetHealthCheckService()->SetServingStatus(false);
  http.stop();
  server->Shutdown(std::chrono::system_clock::now() +
                   std::chrono::milliseconds(static_cast<int64_t>(shutdownGrace * 1000)));
  metricsHttp.stop();
  std::cout << "greeter: stopped" << std::endl;
  return 0;
}
