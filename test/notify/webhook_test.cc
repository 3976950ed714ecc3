#include "notify/webhook.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes/test_http_server.h"

namespace pennant::notify {
namespace {

using ::testing::HasSubstr;
using testing::TestResponse;

TEST(ParseWebhooks, DefaultsAndAllTypes) {
  auto hooks = parseWebhooks(Json::parse(R"([
    {"name": "load", "url": "http://lt/"},
    {"name": "gate", "type": "confirm-rollout", "url": "http://g/", "timeout": "30s", "retries": 2,
     "metadata": {"cmd": "hey"}, "muteAlert": true, "disableTLS": true},
    {"name": "a", "type": "pre-rollout", "url": "http://x/"},
    {"name": "b", "type": "confirm-traffic-increase", "url": "http://x/"},
    {"name": "c", "type": "confirm-promotion", "url": "http://x/"},
    {"name": "d", "type": "post-rollout", "url": "http://x/"},
    {"name": "e", "type": "rollback", "url": "http://x/"},
    {"name": "f", "type": "event", "url": "http://x/"}
  ])"));
  ASSERT_TRUE(hooks.ok()) << hooks.status();
  ASSERT_EQ(hooks->size(), 8u);
  EXPECT_EQ((*hooks)[0].type, HookType::kRollout);
  EXPECT_EQ((*hooks)[0].timeout, std::chrono::seconds(10));
  EXPECT_EQ((*hooks)[1].type, HookType::kConfirmRollout);
  EXPECT_EQ((*hooks)[1].timeout, std::chrono::seconds(30));
  EXPECT_EQ((*hooks)[1].retries, 2);
  EXPECT_TRUE((*hooks)[1].muteAlert);
  EXPECT_TRUE((*hooks)[1].disableTls);
  EXPECT_EQ((*hooks)[1].metadata.at("cmd"), "hey");
  EXPECT_EQ(hookTypeName((*hooks)[7].type), "event");
  EXPECT_EQ(hooksOfType(*hooks, HookType::kPreRollout).size(), 1u);
  EXPECT_EQ(hooksOfType(*hooks, HookType::kRollout)[0].name, "load");
}

TEST(ParseWebhooks, OneProblemPerFieldNamingIt) {
  auto hooks = parseWebhooks(Json::parse(R"([
    {"name": "x", "type": "pre-flight", "url": "http://x/"},
    {"url": "http://y/", "timeout": "soon"},
    {"name": "z", "metadata": {"n": 1}}
  ])"));
  ASSERT_FALSE(hooks.ok());
  std::string msg(hooks.status().message());
  EXPECT_THAT(msg, HasSubstr("analysis.webhooks[0].type: unknown webhook type \"pre-flight\""));
  EXPECT_THAT(msg, HasSubstr("analysis.webhooks[1].name: required"));
  EXPECT_THAT(msg, HasSubstr("analysis.webhooks[1].timeout"));
  EXPECT_THAT(msg, HasSubstr("analysis.webhooks[2].url: required"));
  EXPECT_THAT(msg, HasSubstr("analysis.webhooks[2].metadata.n: must be a string"));
}

TEST(PayloadJson, FlaggerShapeMetadataOmittedWhenEmpty) {
  WebhookPayload p{"podinfo", "test", "Progressing", "abc", {}};
  EXPECT_EQ(payloadJson(p), Json::parse(R"({"name":"podinfo","namespace":"test","phase":"Progressing","checksum":"abc"})"));
  p.metadata["type"] = "bash";
  EXPECT_EQ(payloadJson(p)["metadata"], Json::parse(R"({"type":"bash"})"));
}

TEST(CanaryChecksum, ChangesWithEitherInputAndIsStable) {
  Json tracked = {{"configmap/podinfo-config", "a1"}};
  auto base = canaryChecksum(tracked, "5d4f");
  EXPECT_EQ(base, canaryChecksum(tracked, "5d4f"));
  EXPECT_NE(base, canaryChecksum(tracked, "5d50"));
  EXPECT_NE(base, canaryChecksum({{"configmap/podinfo-config", "a2"}}, "5d4f"));
  EXPECT_EQ(canaryChecksum(nullptr, "x"), canaryChecksum(Json::object(), "x"));
}

TEST(EventPayload, EventFieldsWinOverHookMetadata) {
  Webhook hook{.name = "ev", .type = HookType::kEvent, .url = "http://x/"};
  hook.metadata = {{"eventType", "spoofed"}, {"team", "payments"}};
  auto p = eventPayload({"podinfo", "test", "Progressing", "c", {}}, hook, "Advance podinfo canary weight 10", "Normal",
                        1764148914000);
  EXPECT_EQ(p.metadata.at("eventType"), "Normal");
  EXPECT_EQ(p.metadata.at("eventMessage"), "Advance podinfo canary weight 10");
  EXPECT_EQ(p.metadata.at("timestamp"), "1764148914000");
  EXPECT_EQ(p.metadata.at("team"), "payments");
}

class CallWebhookTest : public ::testing::Test {
 protected:
  testing::TestHttpServer server_;
  http::ClientPtr client_ = http::makeCurlClient();
  WebhookPayload payload_{"podinfo", "test", "Progressing", "c0ffee", {{"k", "v"}}};
  Webhook hook(std::string path) { return Webhook{.name = "gate", .url = server_.url() + path}; }
  std::vector<std::chrono::milliseconds> sleeps_;
  Sleeper sleeper() {
    return [this](std::chrono::milliseconds d) { sleeps_.push_back(d); };
  }
};

TEST_F(CallWebhookTest, PostsFlaggerPayloadAndAcceptsAny2xx) {
  for (int code : {200, 202, 204}) {
    server_.enqueue("POST", "/hook", TestResponse::text(code, ""));
    auto r = callWebhook(*client_, hook("/hook"), payload_);
    EXPECT_TRUE(r.ok) << code << " " << r.message;
    EXPECT_EQ(r.httpStatus, code);
  }
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].header("content-type").value_or(""), "application/json");
  EXPECT_EQ(Json::parse(requests[0].body), payloadJson(payload_));
}

TEST_F(CallWebhookTest, Non2xxFailsWithTheBodyInTheMessage) {
  for (int code : {301, 400, 403}) {
    server_.enqueue("POST", "/hook", TestResponse::text(code, "not approved yet"));
    auto r = callWebhook(*client_, hook("/hook"), payload_);
    EXPECT_FALSE(r.ok) << code;
    EXPECT_EQ(r.httpStatus, code);
    EXPECT_THAT(r.message, HasSubstr("answered " + std::to_string(code) + ": not approved yet"));
    EXPECT_EQ(r.attempts, 1) << "4xx/3xx are not retried";
  }
}

TEST_F(CallWebhookTest, RetriesServerErrorsUpToRetries) {
  auto h = hook("/flaky");
  h.retries = 2;
  server_.enqueue("POST", "/flaky", TestResponse::text(503, "busy"));
  server_.enqueue("POST", "/flaky", TestResponse::text(500, "oops"));
  server_.on("POST", "/flaky", [](const testing::TestRequest&) { return TestResponse::text(200, "ok"); });
  auto r = callWebhook(*client_, h, payload_, sleeper());
  EXPECT_TRUE(r.ok) << r.message;
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(sleeps_.size(), 2u);

  server_.on("POST", "/down", [](const testing::TestRequest&) { return TestResponse::text(500, "still down"); });
  auto h2 = hook("/down");
  h2.retries = 1;
  auto r2 = callWebhook(*client_, h2, payload_, sleeper());
  EXPECT_FALSE(r2.ok);
  EXPECT_EQ(r2.attempts, 2);
  EXPECT_THAT(r2.message, HasSubstr("still down"));
}

TEST_F(CallWebhookTest, TimeoutIsHonoured) {
  auto slow = TestResponse::text(200, "late");
  slow.delay = std::chrono::milliseconds(3000);
  server_.enqueue("POST", "/slow", slow);
  auto h = hook("/slow");
  h.timeout = std::chrono::milliseconds(300);
  auto start = std::chrono::steady_clock::now();
  auto r = callWebhook(*client_, h, payload_);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.httpStatus, 0);
  EXPECT_LT(took, std::chrono::milliseconds(2500)) << "the hook's timeout, not the server's delay, ends the call";
  server_.stop();
}

TEST_F(CallWebhookTest, UnreachableUrlNamesTheHook) {
  Webhook h{.name = "gone", .url = "http://127.0.0.1:1/hook"};
  auto r = callWebhook(*client_, h, payload_);
  EXPECT_FALSE(r.ok);
  EXPECT_THAT(r.message, HasSubstr("webhook gone (http://127.0.0.1:1/hook)"));
}

}  // namespace
}  // namespace pennant::notify
