#pragma once
// gRPC load over HTTP/2 (h2c) without the service's .proto: calls go through grpc::GenericStub
// with the request as raw bytes, on the schedule of load_runner.h (the rate holds while calls are
// fast and degrades to closed-loop when the server is slower than the workers, as ghz's -c/-r do).
#include <memory>
#include <vector>

#include "common/status.h"
#include "load/load_options.h"
#include "load/load_report.h"
#include "load/load_runner.h"

namespace grpc {
class Channel;
class ByteBuffer;
template <class R, class W>
class TemplatedGenericStub;
using GenericStub = TemplatedGenericStub<ByteBuffer, ByteBuffer>;
}  // namespace grpc

namespace pennant::load {

class GrpcLoad {
 public:
  explicit GrpcLoad(LoadOptions options);
  ~GrpcLoad();  // stops and joins

  // Checks the options, connects, starts the workers.
  Status start();
  // Blocks until the run is over (duration or call count reached, or stop()).
  void wait() { runner_.wait(); }
  // No new calls; waits for those in flight.
  void stop() { runner_.stop(); }
  // What has finished so far (latencies sorted). Thread-safe.
  Report snapshot() const { return runner_.snapshot(); }

 private:
  CallRecord unary(grpc::GenericStub& stub);
  CallRecord streaming(grpc::GenericStub& stub);

  LoadOptions options_;
  std::string method_;
  std::vector<std::shared_ptr<grpc::Channel>> channels_;
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs_;  // one per worker
  LoadRunner runner_;
};

// Runs one load to the end and returns its report.
StatusOr<Report> runGrpcLoad(const LoadOptions& options);

}  // namespace pennant::load
