#pragma once
// Shared set-up for RestClient tests: a TestHttpServer, a curl client, scripted credentials and
// recorded (not slept) back-off delays.
#include <atomic>
#include <chrono>
#include <mutex>
#include <vector>

#include "fakes/test_http_server.h"
#include "kube/rest_client.h"

namespace pennant::kube {

// Hands out "Bearer token-<n>"; invalidate() moves to the next token.
class CountingCredentials final : public Credentials {
 public:
  StatusOr<std::string> authorization() override { return "Bearer token-" + std::to_string(generation_.load()); }
  void invalidate() override {
    ++generation_;
    ++invalidations;
  }
  std::atomic<int> generation_{1};
  std::atomic<int> invalidations{0};
};

struct RestFixture {
  testing::TestHttpServer server;
  std::shared_ptr<CountingCredentials> credentials = std::make_shared<CountingCredentials>();
  std::mutex sleepsMutex;
  std::vector<std::chrono::milliseconds> sleeps;

  std::shared_ptr<RestClient> makeClient(int maxAttempts = 4,
                                         std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    ClusterConfig config;
    config.server = server.url();
    config.credentials = credentials;
    RestClientOptions options;
    options.retry.maxAttempts = maxAttempts;
    options.retry.initialBackoff = std::chrono::milliseconds(100);
    options.retry.maxBackoff = std::chrono::milliseconds(1000);
    options.requestTimeout = timeout;
    options.random = [] { return 0.5; };
    options.sleep = [this](std::chrono::milliseconds d) {
      std::lock_guard lock(sleepsMutex);
      sleeps.push_back(d);
    };
    return std::make_shared<RestClient>(config, http::makeCurlClient(), options);
  }
};

}  // namespace pennant::kube
