#include "load/http_load.h"

namespace pennant::load {

HttpLoad::HttpLoad(LoadOptions options, http::ClientPtr client)
    : options_(std::move(options)), client_(std::move(client)) {}

Status HttpLoad::start() {
  PENNANT_RETURN_IF_ERROR(checkSchedule(options_));
  if (options_.target.empty()) return absl::InvalidArgumentError("target: required (host:port)");
  if (options_.httpPath.empty() || options_.httpPath.front() != '/') {
    return absl::InvalidArgumentError("path \"" + options_.httpPath + "\": must start with /");
  }
  runner_.start(options_, [this](int) { return get(); });
  return absl::OkStatus();
}

CallRecord HttpLoad::get() {
  http::Request request;
  request.url = "http://" + options_.target + options_.httpPath;
  request.timeout = options_.timeout;
  if (!options_.authority.empty()) request.headers.emplace_back("Host", options_.authority);
  for (const auto& [k, v] : options_.metadata) request.headers.emplace_back(k, v);
  CallRecord call;
  call.http = true;
  call.start = std::chrono::steady_clock::now();
  auto response = client_->send(request);
  call.latency = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - call.start);
  if (!response.ok()) return call;  // code 0: no answer
  call.code = response->status;
  call.messages = 1;
  call.version = response->header(options_.versionHeader).value_or("");
  for (const auto& h : options_.tallyHeaders) {
    if (auto v = response->header(h)) call.headers[h] = *v;
  }
  return call;
}

StatusOr<Report> runHttpLoad(const LoadOptions& options) {
  HttpLoad load(options, http::makeCurlClient());
  PENNANT_RETURN_IF_ERROR(load.start());
  load.wait();
  return load.snapshot();
}

}  // namespace pennant::load
