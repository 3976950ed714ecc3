#include "load/grpc_load.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/support/byte_buffer.h>

#include <condition_variable>

namespace pennant::load {
namespace {

using Clock = std::chrono::steady_clock;

grpc::ByteBuffer toBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string metadataValue(const std::multimap<grpc::string_ref, grpc::string_ref>& md, const std::string& key) {
  auto it = md.find(key);
  return it == md.end() ? "" : std::string(it->second.data(), it->second.size());
}

// The version and tallied headers of a finished call: initial metadata first, then trailers (a
// trailers-only error carries its headers there). Both are complete once the call is done.
void readHeaders(const grpc::ClientContext& ctx, const LoadOptions& o, CallRecord& call) {
  auto pick = [&](const std::string& key) {
    std::string v = metadataValue(ctx.GetServerInitialMetadata(), key);
    return v.empty() ? metadataValue(ctx.GetServerTrailingMetadata(), key) : v;
  };
  call.version = pick(o.versionHeader);
  for (const auto& h : o.tallyHeaders) {
    if (std::string v = pick(h); !v.empty()) call.headers[h] = v;
  }
}

void prepare(grpc::ClientContext& ctx, const LoadOptions& o) {
  ctx.set_deadline(std::chrono::system_clock::now() + o.timeout);
  if (!o.authority.empty()) ctx.set_authority(o.authority);
  for (const auto& [k, v] : o.metadata) ctx.AddMetadata(k, v);
}

// A server-streaming call through the generic (bidi) interface: one request, half-close, read
// until the server ends the call.
class StreamReactor final : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  explicit StreamReactor(const std::string& payload) : request_(toBuffer(payload)) {}

  void run(grpc::GenericStub& stub, grpc::ClientContext& ctx, const std::string& method) {
    stub.PrepareBidiStreamingCall(&ctx, method, grpc::StubOptions(), this);
    StartWrite(&request_);
    StartRead(&response_);
    StartCall();
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return done_; });
  }
  // grpc::ClientBidiReactor
  void OnWriteDone(bool ok) override {
    if (ok) StartWritesDone();
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    ++messages_;
    StartRead(&response_);
  }
  void OnDone(const grpc::Status& status) override {
    std::lock_guard lock(mutex_);
    status_ = status;
    done_ = true;
    cv_.notify_one();
  }

  grpc::Status status_;
  int64_t messages_ = 0;

 private:
  grpc::ByteBuffer request_, response_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;
};

}  // namespace

GrpcLoad::GrpcLoad(LoadOptions options) : options_(std::move(options)) {}

GrpcLoad::~GrpcLoad() { runner_.stop(); }

Status GrpcLoad::start() {
  const LoadOptions& o = options_;
  PENNANT_RETURN_IF_ERROR(checkSchedule(o));
  if (o.target.empty()) return absl::InvalidArgumentError("target: required (host:port)");
  method_ = o.method;
  if (method_.empty() || method_.find('/') == std::string::npos) {
    return absl::InvalidArgumentError("method \"" + o.method + "\": want package.Service/Method");
  }
  if (method_.front() != '/') method_ = "/" + method_;
  for (int i = 0; i < o.connections; ++i) {
    grpc::ChannelArguments args;
    // A subchannel pool per channel: separate connections even to one target.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    channels_.push_back(grpc::CreateCustomChannel(o.target, grpc::InsecureChannelCredentials(), args));
  }
  for (int w = 0; w < o.concurrency; ++w) {
    stubs_.push_back(std::make_unique<grpc::GenericStub>(channels_[w % channels_.size()]));
  }
  runner_.start(o,
                [this](int worker) { return options_.stream ? streaming(*stubs_[worker]) : unary(*stubs_[worker]); });
  return absl::OkStatus();
}

CallRecord GrpcLoad::unary(grpc::GenericStub& stub) {
  CallRecord call;
  grpc::ClientContext ctx;
  prepare(ctx, options_);
  grpc::ByteBuffer request = toBuffer(options_.payload), response;
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  grpc::Status status;
  call.start = Clock::now();
  stub.UnaryCall(&ctx, method_, grpc::StubOptions(), &request, &response, [&](grpc::Status s) {
    std::lock_guard lock(m);
    status = std::move(s);
    done = true;
    cv.notify_one();
  });
  {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return done; });
  }
  call.latency = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - call.start);
  call.code = status.error_code();
  call.messages = status.ok() ? 1 : 0;
  readHeaders(ctx, options_, call);
  return call;
}

CallRecord GrpcLoad::streaming(grpc::GenericStub& stub) {
  CallRecord call;
  grpc::ClientContext ctx;
  prepare(ctx, options_);
  StreamReactor reactor(options_.payload);
  call.start = Clock::now();
  reactor.run(stub, ctx, method_);
  call.latency = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - call.start);
  call.code = reactor.status_.error_code();
  call.messages = reactor.messages_;
  readHeaders(ctx, options_, call);
  return call;
}

StatusOr<Report> runGrpcLoad(const LoadOptions& options) {
  GrpcLoad load(options);
  PENNANT_RETURN_IF_ERROR(load.start());
  load.wait();
  return load.snapshot();
}

}  // namespace pennant::load
