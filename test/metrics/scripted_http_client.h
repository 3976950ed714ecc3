#pragma once
// An in-memory http::Client for metrics tests: answers from a script, records every request.
#include <deque>
#include <mutex>
#include <vector>

#include "http/http_client.h"

namespace pennant::metrics::testing {

class ScriptedHttpClient final : public http::Client {
 public:
  void answer(int status, std::string body) {
    http::Response response;
    response.status = status;
    response.body = std::move(body);
    script_.push_back(std::move(response));
  }
  void fail(Status status) { script_.push_back(std::move(status)); }

  StatusOr<http::Response> send(const http::Request& request) override {
    requests.push_back(request);
    if (script_.empty()) return absl::InternalError("scripted client: no answer left");
    auto next = script_.front();
    script_.pop_front();
    return next;
  }
  StatusOr<http::Response> stream(const http::Request& request, const http::ChunkHandler&) override {
    return send(request);
  }

  std::vector<http::Request> requests;

 private:
  std::deque<StatusOr<http::Response>> script_;
};

}  // namespace pennant::metrics::testing
