#include "notify/alerts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes/test_http_server.h"

namespace pennant::notify {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::TestResponse;

api::Canary canaryWith(const Json& analysis) {
  Json manifest = {{"apiVersion", "flagger.app/v1beta1"},
                   {"kind", "Canary"},
                   {"metadata", {{"name", "podinfo"}, {"namespace", "test"}}},
                   {"spec",
                    {{"provider", "gatewayapi:v1"},
                     {"targetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "podinfo"}}},
                     {"service", {{"port", 9898}, {"gatewayRefs", {{{"name", "gw"}}}}}},
                     {"analysis", analysis}}}};
  auto c = api::parseCanary(manifest);
  EXPECT_TRUE(c.ok()) << c.status();
  return *c;
}

TEST(ShouldAlert, FlaggerSeverityFilter) {
  struct Row {
    Severity subscribed, event;
    bool expect;
  };
  for (auto r : {Row{Severity::kInfo, Severity::kInfo, true}, Row{Severity::kInfo, Severity::kError, true},
                 Row{Severity::kWarn, Severity::kInfo, false}, Row{Severity::kWarn, Severity::kWarn, true},
                 Row{Severity::kWarn, Severity::kError, true}, Row{Severity::kError, Severity::kWarn, false},
                 Row{Severity::kError, Severity::kError, true}}) {
    EXPECT_EQ(shouldAlert(r.subscribed, r.event), r.expect)
        << severityName(r.subscribed) << " <- " << severityName(r.event);
  }
}

TEST(ParseAlertRefs, DefaultsAndErrors) {
  auto refs = parseAlertRefs(
      Json::parse(R"([{"name":"on-call","severity":"error","providerRef":{"name":"pd","namespace":"ops"}},
                                               {"name":"team","providerRef":{"name":"slack"}}])"));
  ASSERT_TRUE(refs.ok()) << refs.status();
  EXPECT_EQ((*refs)[0].severity, Severity::kError);
  EXPECT_EQ(providerNamespace((*refs)[0], "test"), "ops");
  EXPECT_EQ((*refs)[1].severity, Severity::kInfo);
  EXPECT_EQ(providerNamespace((*refs)[1], "test"), "test");
  auto bad = parseAlertRefs(Json::parse(R"([{"name":"x","severity":"fatal"}])"));
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()),
              HasSubstr("analysis.alerts[0].severity: unknown severity \"fatal\""));
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("analysis.alerts[0].providerRef.name: required"));
}

TEST(AlertFields, FlaggerMetadataPerStrategy) {
  auto canary = canaryWith({{"interval", "1m"}, {"threshold", 5}, {"stepWeight", 10}, {"maxWeight", 50}});
  auto fields = alertFields(canary, "prod-eu", true);
  ASSERT_EQ(fields.size(), 5u);
  EXPECT_EQ(fields[0].name, "Cluster");
  EXPECT_EQ(fields[1].value, "Deployment/podinfo.test");
  EXPECT_EQ(fields[2].value, "5");
  EXPECT_EQ(fields[3].value, "600s");
  EXPECT_EQ(fields[4].value, "Weight step: 10 max: 50");

  auto steps = alertFields(canaryWith({{"interval", "1m"}, {"stepWeights", {1, 10, 50}}}), "", true);
  EXPECT_EQ(steps.back().value, "Weight steps: 1,10,50 max: 0");
  auto bg = alertFields(canaryWith({{"interval", "1m"}, {"iterations", 3}}), "", true);
  EXPECT_EQ(bg.back().value, "Blue/Green");
  auto ab = alertFields(
      canaryWith({{"interval", "1m"}, {"iterations", 3}, {"match", {{{"headers", {{"x", {{"exact", "1"}}}}}}}}}), "",
      true);
  EXPECT_EQ(ab.back().value, "A/B Testing");
  EXPECT_TRUE(alertFields(canary, "", false).empty());
}

TEST(ResolveAlertTarget, SecretAddressAndDefaults) {
  api::AlertProvider p{.name = "slack", .namespace_ = "ops", .type = "slack", .address = "https://hooks.example/x"};
  auto t = resolveAlertTarget(p, nullptr);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->url, "https://hooks.example/x");
  EXPECT_EQ(t->username, "flagger");
  EXPECT_EQ(t->channel, "general");
  p.secretRefName = "slack-url";
  Json data = {{"address", "https://hooks.example/secret"}, {"token", "xoxb"}};
  auto s = resolveAlertTarget(p, &data);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->url, "https://hooks.example/secret");
  EXPECT_EQ(s->token, "xoxb");
  EXPECT_TRUE(s->fromSecret);
  EXPECT_FALSE(t->fromSecret);
  Json empty = Json::object();
  auto missing = resolveAlertTarget(p, &empty);
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("secret slack-url has no \"address\""));
}

TEST(AlertBody, EachProviderFlaggerShape) {
  std::vector<Field> fields = {{"Target", "Deployment/podinfo.test"}};
  AlertTarget slack{.type = "slack", .url = "https://h/x", .channel = "deploys"};
  auto s = alertBody(slack, "podinfo", "test", "Canary analysis failed", fields, Severity::kError);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, Json::parse(R"({"channel":"deploys","username":"flagger","icon_url":"","icon_emoji":":rocket:",
    "attachments":[{"color":"danger","author_name":"podinfo.test","text":"Canary analysis failed","mrkdwn_in":["text"],
    "fields":[{"title":"Target","value":"Deployment/podinfo.test","short":false}]}]})"));

  auto rocket = alertBody({.type = "rocket", .url = "https://r/"}, "podinfo", "test", "ok", {}, Severity::kInfo);
  EXPECT_EQ((*rocket)["attachments"][0]["color"], "#0076D7");

  auto teams = alertBody({.type = "msteams", .url = "https://t/"}, "podinfo", "test", "ok", fields, Severity::kWarn);
  EXPECT_EQ(*teams,
            Json::parse(R"({"@type":"MessageCard","@context":"http://schema.org/extensions","themeColor":"0076D7",
    "summary":"podinfo.test","sections":[{"activityTitle":"ok","activitySubtitle":"podinfo.test",
    "facts":[{"name":"Target","value":"Deployment/podinfo.test"}]}]})"));

  auto gchat = alertBody({.type = "gchat", .url = "https://g/"}, "podinfo", "test", "ok", fields, Severity::kInfo);
  EXPECT_EQ((*gchat)["cards"][0]["header"]["subtitle"], "podinfo.test");
  EXPECT_EQ((*gchat)["cards"][0]["sections"].size(), 2u);
  EXPECT_EQ((*gchat)["cards"][0]["sections"][1]["widgets"][0]["textParagraph"]["text"],
            "Target<br><font color=#848484><strong>Deployment/podinfo.test</strong></font>");

  EXPECT_EQ(alertUrl({.type = "discord", .url = "https://d/api/webhooks/1/t"}), "https://d/api/webhooks/1/t/slack");
  EXPECT_FALSE(alertBody({.type = "pagerduty", .url = "https://p/"}, "a", "b", "m", {}, Severity::kInfo).ok());
  EXPECT_FALSE(alertBody({.type = "slack", .url = "not a url"}, "a", "b", "m", {}, Severity::kInfo).ok());
}

TEST(PostAlert, PostsToTheServerAndReportsBadAnswers) {
  testing::TestHttpServer server;
  auto client = http::makeCurlClient();
  AlertTarget t{.type = "slack", .url = server.url() + "/hook", .token = "xoxb"};
  server.enqueue("POST", "/hook", TestResponse::text(200, "ok"));
  ASSERT_TRUE(postAlert(*client, t, "podinfo", "test", "hello", {}, Severity::kInfo).ok());
  auto req = server.requests().at(0);
  EXPECT_EQ(req.header("authorization").value_or(""), "Bearer xoxb");
  EXPECT_EQ(Json::parse(req.body)["attachments"][0]["text"], "hello");

  server.enqueue("POST", "/hook", TestResponse::text(404, "no_service"));
  auto bad = postAlert(*client, t, "podinfo", "test", "hello", {}, Severity::kInfo);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.message()), HasSubstr("bad response 404: no_service"));
}

TEST(AlertBody, GenericIsPlainJson) {
  auto body = alertBody({.type = "generic", .url = "https://alerts.example/in"}, "podinfo", "test", "Canary failed",
                        {{"Target", "Deployment/podinfo.test"}}, Severity::kError);
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(*body, Json::parse(R"({"name": "podinfo", "namespace": "test", "message": "Canary failed",
                                   "severity": "error", "fields": {"Target": "Deployment/podinfo.test"}})"));
}

TEST(PostAlert, AnAddressFromTheSecretNeverAppearsInAnError) {
  auto client = http::makeCurlClient();
  // Port 1 on loopback refuses the connection; curl's error names the URL.
  AlertTarget inline_{.type = "generic", .url = "http://127.0.0.1:1/hooks/T0KEN-123"};
  auto plain = postAlert(*client, inline_, "podinfo", "test", "m", {}, Severity::kInfo);
  ASSERT_FALSE(plain.ok());
  EXPECT_THAT(std::string(plain.message()), HasSubstr("T0KEN-123"));  // spec.address is not a secret

  AlertTarget secret = inline_;
  secret.fromSecret = true;
  auto hidden = postAlert(*client, secret, "podinfo", "test", "m", {}, Severity::kInfo);
  ASSERT_FALSE(hidden.ok());
  EXPECT_THAT(std::string(hidden.message()), Not(HasSubstr("T0KEN-123")));
  EXPECT_THAT(std::string(hidden.message()), HasSubstr("<address from secret>"));

  secret.url = "T0KEN-123";  // not even a URL
  auto malformed = postAlert(*client, secret, "podinfo", "test", "m", {}, Severity::kInfo);
  ASSERT_FALSE(malformed.ok());
  EXPECT_THAT(std::string(malformed.message()), Not(HasSubstr("T0KEN-123")));
}

}  // namespace
}  // namespace pennant::notify
