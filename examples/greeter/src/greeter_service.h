#pragma once
// The two gRPC services of the greeter (proto/greeter.proto). Every answer names the version and
// the pod that gave it, in the reply and in the `x-version` / `x-pod` response headers (initial
// and trailing metadata, so trailers-only errors carry them too); selected request headers are
// echoed back as `echo-<name>`.
#include <memory>
#include <string>
#include <vector>

#include "faults.h"
#include "greeter.grpc.pb.h"
#include "grpc_metrics.h"

namespace greeter {

struct Identity {
  std::string version;
  std::string pod;
  // Request headers to echo: exact names, or prefixes ending in '*' ("x-*").
  std::vector<std::string> echoHeaders;
};

// Shared by both services: identity, faults, metrics.
struct Backend {
  Identity identity;
  Faults faults;
  Metrics& metrics;
};

class GreeterService final : public helloworld::Greeter::Service {
 public:
  explicit GreeterService(Backend& backend) : backend_(backend) {}
  // helloworld::Greeter::Service
  grpc::Status SayHello(grpc::ServerContext* ctx, const helloworld::HelloRequest* req,
                        helloworld::HelloReply* reply) override;
  grpc::Status SayGoodbye(grpc::ServerContext* ctx, const helloworld::HelloRequest* req,
                          helloworld::HelloReply* reply) override;
  grpc::Status StreamHellos(grpc::ServerContext* ctx, const helloworld::StreamRequest* req,
                            grpc::ServerWriter<helloworld::HelloReply>* writer) override;

 private:
  Backend& backend_;
};

class FarewellService final : public helloworld::Farewell::Service {
 public:
  explicit FarewellService(Backend& backend) : backend_(backend) {}
  // helloworld::Farewell::Service
  grpc::Status Wave(grpc::ServerContext* ctx, const helloworld::HelloRequest* req,
                    helloworld::HelloReply* reply) override;
  grpc::Status WaveMany(grpc::ServerContext* ctx, const helloworld::StreamRequest* req,
                        grpc::ServerWriter<helloworld::HelloReply>* writer) override;

 private:
  Backend& backend_;
};

}  // namespace greeter
