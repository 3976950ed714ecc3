#pragma once
// HTTP load (GET LoadOptions::httpPath) through the one network seam, http::Client, on the
// schedule of load_runner.h; the answering version comes from a response header as for gRPC.
#include "common/status.h"
#include "http/http_client.h"
#include "load/load_options.h"
#include "load/load_report.h"
#include "load/load_runner.h"

namespace pennant::load {

class HttpLoad {
 public:
  HttpLoad(LoadOptions options, http::ClientPtr client);
  ~HttpLoad() { runner_.stop(); }
  Status start();
  void wait() { runner_.wait(); }
  void stop() { runner_.stop(); }
  Report snapshot() const { return runner_.snapshot(); }

 private:
  CallRecord get();

  LoadOptions options_;
  http::ClientPtr client_;
  LoadRunner runner_;
};

StatusOr<Report> runHttpLoad(const LoadOptions& options);

}  // namespace pennant::load
