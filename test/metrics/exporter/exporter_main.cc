// pennant-test-exporter: the test exporter as a program, for scripts and e2e tests.
//   pennant-test-exporter [--host 127.0.0.1] [--port 0]
// Prints "listening on HOST:PORT", then serves until SIGINT/SIGTERM. Set traffic with
//   curl -d '{"namespace":"test","workload":"podinfo","service":"podinfo-canary","grpcCodes":{"0":90,"14":10}}'
//        http://HOST:PORT/backends      (one command)
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>

#include <unistd.h>

#include "metrics/exporter/exporter.h"

namespace {
volatile std::sig_atomic_t gStop = 0;
void onSignal(int) { gStop = 1; }
}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  int port = 0;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--host" && i + 1 < argc) {
      host = argv[++i];
    } else if (arg == "--port" && i + 1 < argc) {
      port = std::atoi(argv[++i]);
    } else {
      std::cerr << "usage: " << argv[0] << " [--host HOST] [--port PORT]\n";
      return 2;
    }
  }
  pennant::testing::TestExporter exporter;
  auto bound = exporter.start(host, port);
  if (!bound.ok()) {
    std::cerr << bound.status() << "\n";
    return 1;
  }
  std::cout << "listening on " << host << ":" << *bound << std::endl;
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  while (!gStop) pause();
  exporter.stop();
  return 0;
}
