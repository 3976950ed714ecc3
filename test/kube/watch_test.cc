// RestClient::watch() against the test server: streaming, faults, cancellation.
#include <gtest/gtest.h>

#include <thread>

#include "kube/errors.h"
#include "kube/kube_test_objects.h"
#include "kube/rest_client.h"
#include "kube/rest_test_support.h"

namespace pennant::kube {
namespace {

using namespace kube::test_objects;  // NOLINT: kube_test_objects.h

using namespace std::chrono_literals;
using testing::TestChunk;
using testing::TestRequest;
using testing::TestResponse;
using testing::watchEventLine;
using SteadyClock = std::chrono::steady_clock;

class WatchTest : public ::testing::Test, public RestFixture {
 protected:
  std::shared_ptr<RestClient> client_ = makeClient();
  std::vector<WatchEvent> events_;

  Status watch(WatchOptions opts = {}) {
    return client_->watch(resources::pods(), "default", opts, [this](const WatchEvent& e) {
      events_.push_back(e);
      return true;
    });
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : events_) out.push_back(stringAt(e.object, {"metadata", "name"}));
    return out;
  }
};

TEST_F(WatchTest, SendsWatchParameters) {
  server.on("GET", kPodsPath, [](const TestRequest&) {
    TestResponse r;
    r.chunks = {{"", 0ms}};
    return r;
  });
  WatchOptions opts;
  opts.resourceVersion = "41";
  opts.labelSelector = "app=web";
  opts.fieldSelector = "metadata.name=web";
  opts.timeoutSeconds = 120;
  ASSERT_TRUE(watch(opts).ok());
  const TestRequest req = server.requests().at(0);
  EXPECT_EQ(req.param("watch"), "1");
  EXPECT_EQ(req.param("allowWatchBookmarks"), "true");
  EXPECT_EQ(req.param("resourceVersion"), "41");
  EXPECT_EQ(req.param("timeoutSeconds"), "120");
  EXPECT_EQ(req.param("labelSelector"), "app=web");
  EXPECT_EQ(req.param("fieldSelector"), "metadata.name=web");
  EXPECT_EQ(req.header("authorization"), "Bearer token-1");
  EXPECT_EQ(client_->requestCounts().watches, 1u);
}

TEST_F(WatchTest, DeliversEventsSplitAcrossChunksInOrder) {
  const std::string stream = watchEventLine("ADDED", pod("a", "1")) + watchEventLine("MODIFIED", pod("a", "2")) +
                             watchEventLine("BOOKMARK", {{"kind", "Pod"}, {"metadata", {{"resourceVersion", "3"}}}}) +
                             watchEventLine("DELETED", pod("b", "4"));
  TestResponse r;
  for (size_t i = 0; i < stream.size(); i += 37) r.chunks.push_back({stream.substr(i, 37), i % 3 == 0 ? 5ms : 0ms});
  server.enqueue("GET", kPodsPath, r);
  ASSERT_TRUE(watch().ok());
  ASSERT_EQ(events_.size(), 4u);
  EXPECT_EQ(events_[0].type, WatchEvent::Type::kAdded);
  EXPECT_EQ(events_[1].type, WatchEvent::Type::kModified);
  EXPECT_EQ(events_[2].type, WatchEvent::Type::kBookmark);
  EXPECT_EQ(events_[3].type, WatchEvent::Type::kDeleted);
  EXPECT_EQ(names()[3], "b");
}

TEST_F(WatchTest, LastEventWithoutNewlineIsDelivered) {
  std::string line = watchEventLine("ADDED", pod("a", "1"));
  line.pop_back();
  TestResponse r;
  r.chunks = {{line, 0ms}};
  server.enqueue("GET", kPodsPath, r);
  ASSERT_TRUE(watch().ok());
  EXPECT_EQ(events_.size(), 1u);
}

TEST_F(WatchTest, GoneOnResumeIsOutOfRange) {
  server.enqueue("GET", kPodsPath, TestResponse::kubeStatus(410, "Expired", "too old resource version: 5 (90)"));
  WatchOptions opts;
  opts.resourceVersion = "5";
  Status s = watch(opts);
  EXPECT_TRUE(isGone(s)) << s;
  EXPECT_EQ(reasonOf(s), "Expired");
  EXPECT_EQ(server.requestCount(), 1u);  // watches are never retried here: the Reflector re-lists
}

TEST_F(WatchTest, ExpiredErrorEventInTheStreamIsOutOfRange) {
  TestResponse r;
  r.chunks = {
      {watchEventLine("ADDED", pod("a", "1")), 0ms},
      {watchEventLine("ERROR", {{"kind", "Status"}, {"code", 410}, {"reason", "Expired"}, {"message", "gone"}}), 0ms}};
  r.holdOpen = 5s;  // the client must not wait for the server to close
  server.enqueue("GET", kPodsPath, r);
  const auto start = SteadyClock::now();
  Status s = watch();
  EXPECT_EQ(s.code(), StatusCode::kOutOfRange) << s;
  EXPECT_EQ(names(), std::vector<std::string>{"a"});
  EXPECT_LT(SteadyClock::now() - start, 2s);
}

TEST_F(WatchTest, DisconnectMidStreamKeepsDeliveredEventsAndIsUnavailable) {
  const std::string second = watchEventLine("ADDED", pod("b", "2"));
  TestResponse r;
  r.chunks = {{watchEventLine("ADDED", pod("a", "1")), 0ms}, {second.substr(0, 20), 10ms}};  // cut inside an event
  r.disconnect = true;
  server.enqueue("GET", kPodsPath, r);
  Status s = watch();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s;
  EXPECT_EQ(names(), std::vector<std::string>{"a"});  // the half event is dropped, never half-decoded
}

TEST_F(WatchTest, MalformedStreamDataIsDataLoss) {
  TestResponse r;
  r.chunks = {{watchEventLine("ADDED", pod("a", "1")), 0ms}, {"{\"type\":\"ADDED\",\"object\":{]}\n", 0ms}};
  r.holdOpen = 5s;
  server.enqueue("GET", kPodsPath, r);
  Status s = watch();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s;
  EXPECT_EQ(events_.size(), 1u);
}

TEST_F(WatchTest, HandlerReturningFalseEndsTheWatchPromptly) {
  TestResponse r;
  r.chunks = {{watchEventLine("ADDED", pod("a", "1")) + watchEventLine("ADDED", pod("b", "2")), 0ms}};
  r.holdOpen = 10s;
  server.enqueue("GET", kPodsPath, r);
  int calls = 0;
  const auto start = SteadyClock::now();
  Status s = client_->watch(resources::pods(), "default", {}, [&](const WatchEvent&) { return ++calls < 1; });
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(calls, 1);
  EXPECT_LT(SteadyClock::now() - start, 2s);
}

TEST_F(WatchTest, CancelEndsAnIdleWatchWithOk) {
  TestResponse r;
  r.chunks = {{watchEventLine("ADDED", pod("a", "1")), 0ms}};
  r.holdOpen = 10s;
  server.enqueue("GET", kPodsPath, r);
  WatchOptions opts;
  opts.cancel = std::make_shared<std::atomic<bool>>(false);
  std::thread canceller([cancel = opts.cancel] {
    std::this_thread::sleep_for(200ms);
    cancel->store(true);
  });
  const auto start = SteadyClock::now();
  Status s = watch(opts);
  canceller.join();
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(events_.size(), 1u);
  EXPECT_LT(SteadyClock::now() - start, 2s);
}

TEST_F(WatchTest, UnauthorizedRefreshesCredentialsOnce) {
  server.enqueue("GET", kPodsPath, TestResponse::kubeStatus(401, "Unauthorized", "token expired"));
  TestResponse r;
  r.chunks = {{watchEventLine("ADDED", pod("a", "1")), 0ms}};
  server.enqueue("GET", kPodsPath, r);
  ASSERT_TRUE(watch().ok());
  EXPECT_EQ(credentials->invalidations.load(), 1);
  EXPECT_EQ(server.requests().at(1).header("authorization"), "Bearer token-2");
  EXPECT_EQ(events_.size(), 1u);
}

TEST_F(WatchTest, ServerErrorAnswerIsMappedNotRetried) {
  server.enqueue("GET", kPodsPath,
                 TestResponse::kubeStatus(503, "ServiceUnavailable", "busy").header("Retry-After", "1"));
  Status s = watch();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(server.requestCount(), 1u);
  EXPECT_TRUE(sleeps.empty());
}

}  // namespace
}  // namespace pennant::kube
