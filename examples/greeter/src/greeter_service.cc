#include "greeter_service.h"

#include <algorithm>
#include <chrono>
#include <thread>

namespace greeter {
namespace {

using Clock = std::chrono::steady_clock;

bool echoes(const std::vector<std::string>& patterns, const std::string& name) {
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) {
    if (!p.empty() && p.back() == '*') return name.compare(0, p.size() - 1, p, 0, p.size() - 1) == 0;
    return name == p;
  });
}

// Sleeps `d`, waking early when the call is cancelled; false if it was.
bool pause(grpc::ServerContext* ctx, std::chrono::milliseconds d) {
  const auto until = Clock::now() + d;
  while (Clock::now() < until) {
    if (ctx->IsCancelled()) return false;
    std::this_thread::sleep_for(std::min<Clock::duration>(std::chrono::milliseconds(20), until - Clock::now()));
  }
  return !ctx->IsCancelled();
}

// What every call does first: headers naming the answer's origin, echoed headers, added latency,
// and the fault decision. Returns the error to answer with, or OK to go on.
grpc::Status begin(Backend& b, grpc::ServerContext* ctx, const std::string& fullMethod) {
  const Identity& id = b.identity;
  ctx->AddInitialMetadata("x-version", id.version);
  ctx->AddInitialMetadata("x-pod", id.pod);
  ctx->AddTrailingMetadata("x-version", id.version);
  ctx->AddTrailingMetadata("x-pod", id.pod);
  for (const auto& [key, value] : ctx->client_metadata()) {
    std::string name(key.data(), key.size());
    if (echoes(id.echoHeaders, name)) ctx->AddInitialMetadata("echo-" + name, std::string(value.data(), value.size()));
  }
  if (b.faults.options().latency.count() > 0 && !pause(ctx, b.faults.options().latency)) {
    return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
  }
  if (b.faults.nextFails(fullMethod)) {
    return grpc::Status(static_cast<grpc::StatusCode>(b.faults.options().grpcCode),
                        "injected fault from " + id.version + " (" + id.pod + ")");
  }
  return grpc::Status::OK;
}

grpc::Status unary(Backend& b, grpc::ServerContext* ctx, const std::string& service, const std::string& method,
                   const std::string& greeting, const helloworld::HelloRequest* req, helloworld::HelloReply* reply) {
  CallObserver call(b.metrics, "unary", service, method);
  grpc::Status status = begin(b, ctx, service + "/" + method);
  // A client error, which gRPC-aware success rates do not count against the server.
  if (status.ok() && req->name().empty()) status = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "name is required");
  if (status.ok()) {
    reply->set_message(greeting + " " + req->name());
    reply->set_version(b.identity.version);
    reply->set_pod(b.identity.pod);
    call.sent();
  }
  call.finish(status.error_code());
  return status;
}

grpc::Status stream(Backend& b, grpc::ServerContext* ctx, const std::string& service, const std::string& method,
                    const helloworld::StreamRequest* req, grpc::ServerWriter<helloworld::HelloReply>* writer) {
  CallObserver call(b.metrics, "server_stream", service, method);
  grpc::Status status = begin(b, ctx, service + "/" + method);
  const int count = std::max(1, req->count());
  const auto interval = std::chrono::milliseconds(std::max(0, req->interval_ms()));
  for (int i = 0; status.ok() && i < count; ++i) {
    if (i > 0 && !pause(ctx, interval)) {
      status = grpc::Status(grpc::StatusCode::CANCELLED, "stream cut after " + std::to_string(i) + " messages");
      break;
    }
    helloworld::HelloReply reply;
    reply.set_message("hello " + req->name() + " #" + std::to_string(i + 1));
    reply.set_version(b.identity.version);
    reply.set_pod(b.identity.pod);
    if (!writer->Write(reply)) {
      status = grpc::Status(grpc::StatusCode::CANCELLED, "client went away");
      break;
    }
    call.sent();
  }
  call.finish(status.error_code());
  return status;
}

}  // namespace

grpc::Status GreeterService::SayHello(grpc::ServerContext* ctx, const helloworld::HelloRequest* req,
                                      helloworld::HelloReply* reply) {
  return unary(backend_, ctx, "helloworld.Greeter", "SayHello", "hello", req, reply);
}

grpc::Status GreeterService::SayGoodbye(grpc::ServerContext* ctx, const helloworld::HelloRequest* req,
                                        helloworld::HelloReply* reply) {
  return unary(backend_, ctx, "helloworld.Greeter", "SayGoodbye", "goodbye", req, reply);
}

grpc::Status GreeterService::StreamHellos(grpc::ServerContext* ctx, const helloworld::StreamRequest* req,
                                          grpc::ServerWriter<helloworld::HelloReply>* writer) {
  return stream(backend_, ctx, "helloworld.Greeter", "StreamHellos", req, writer);
}

grpc::Status FarewellService::Wave(grpc::ServerContext* ctx, const helloworld::HelloRequest* req,
                                   helloworld::HelloReply* reply) {
  return unary(backend_, ctx, "helloworld.Farewell", "Wave", "bye", req, reply);
}

grpc::Status FarewellService::WaveMany(grpc::ServerContext* ctx, const helloworld::StreamRequest* req,
                                       grpc::ServerWriter<helloworld::HelloReply>* writer) {
  return stream(backend_, ctx, "helloworld.Farewell", "WaveMany", req, writer);
}

}  // namespace greeter
