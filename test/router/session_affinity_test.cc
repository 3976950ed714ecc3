#include "router/gatewayapi/session_affinity.h"

#include <gtest/gtest.h>

#include "analysis/route_state.h"
#include "router/canary_fixtures.h"
#include "router/gatewayapi/route_core.h"

namespace pennant::router::gatewayapi {
namespace {

using testing::canaryFrom;
using testing::httpCanaryManifest;
using testing::yaml;

Json affinityManifest(const char* status = nullptr) {
  Json m = httpCanaryManifest();
  m["spec"]["analysis"] = yaml(R"({interval: 30s, threshold: 2, stepWeight: 10, maxWeight: 50,
    sessionAffinity: {cookieName: canary-cookie, primaryCookieName: primary-cookie, domain: flagger.app, httpOnly: true,
                      maxAge: 300, partitioned: true, path: /app, sameSite: Strict, secure: true}})");
  if (status != nullptr) m["status"] = yaml(status);
  return m;
}

Json rulesAt(const api::Canary& c, int64_t weight) {
  auto route = desiredRoute(c, nullptr, analysis::routeStateFor(c, weight, api::Phase::kNone));
  EXPECT_TRUE(route.ok()) << route.status();
  return route.ok() ? (*route)["spec"]["rules"] : Json();
}

std::string setCookieOf(const Json& backend) {
  return backend["filters"][0]["responseHeaderModifier"]["add"][0]["value"];
}

TEST(SessionAffinity, DuringARunStickyRulesAndSetCookie) {
  api::Canary c = canaryFrom(affinityManifest("{lastAppliedSpec: abc123}"));
  Json rules = rulesAt(c, 10);
  ASSERT_EQ(rules.size(), 3u);
  SessionCookies cookies = sessionCookiesFor(c, 10);
  ASSERT_TRUE(cookies.canary.starts_with("canary-cookie="));
  ASSERT_TRUE(cookies.primary.starts_with("primary-cookie="));
  // Sticky canary rule: Cookie regex on the canary cookie, all to the canary.
  const Json& cookieHeader = rules[0]["matches"][0]["headers"][0];
  EXPECT_EQ(cookieHeader["name"], "Cookie");
  EXPECT_EQ(cookieHeader["type"], "RegularExpression");
  EXPECT_EQ(cookieHeader["value"], ".*canary-cookie.*" + cookies.canary.substr(14) + ".*");
  EXPECT_EQ(rules[0]["matches"][0]["path"], yaml("{type: PathPrefix, value: /}"));
  EXPECT_EQ(rules[0]["backendRefs"][0]["weight"], 0);
  EXPECT_EQ(rules[0]["backendRefs"][1]["weight"], 100);
  // Sticky primary rule.
  EXPECT_NE(rules[1]["matches"][0]["headers"][0]["value"].get<std::string>().find("primary-cookie"), std::string::npos);
  EXPECT_EQ(rules[1]["backendRefs"][0]["weight"], 100);
  EXPECT_EQ(rules[1]["backendRefs"][1]["weight"], 0);
  // Weighted rule: Set-Cookie on both backends, Flagger's attributes.
  EXPECT_EQ(rules[2]["backendRefs"][0]["weight"], 90);
  EXPECT_EQ(rules[2]["backendRefs"][1]["weight"], 10);
  EXPECT_EQ(
      setCookieOf(rules[2]["backendRefs"][1]),
      cookies.canary + "; Max-Age=300; Domain=flagger.app; HttpOnly; Partitioned; Path=/app; SameSite=Strict; Secure");
  EXPECT_TRUE(setCookieOf(rules[2]["backendRefs"][0]).starts_with(cookies.primary + "; Max-Age=30;"));
  // The weighted rule is the one read back.
  Json route = *desiredRoute(c, nullptr, analysis::routeStateFor(c, 10, api::Phase::kNone));
  EXPECT_EQ(readWeights(c, route)->canary, 10);
}

TEST(SessionAffinity, CookiesAreStableAndFollowTheRevision) {
  api::Canary a = canaryFrom(affinityManifest("{lastAppliedSpec: rev1}"));
  api::Canary b = canaryFrom(affinityManifest("{lastAppliedSpec: rev2}"));
  EXPECT_EQ(sessionCookiesFor(a, 10).canary, sessionCookiesFor(a, 20).canary);
  EXPECT_NE(sessionCookiesFor(a, 10).canary, sessionCookiesFor(b, 10).canary);
  EXPECT_EQ(rulesAt(a, 10).dump(), rulesAt(a, 10).dump());
  api::Canary kept = canaryFrom(affinityManifest("{sessionAffinityCookie: canary-cookie=Existing}"));
  EXPECT_EQ(sessionCookiesFor(kept, 10).canary, "canary-cookie=Existing");
}

TEST(SessionAffinity, StatusTransitionsFollowFlagger) {
  struct Case {
    const char* status;
    int64_t weight;
    SessionCookies want;
  };
  for (const Case& tc :
       {Case{"{sessionAffinityCookie: c=1, primarySessionAffinityCookie: p=2}", 20, {"c=1", "p=2", ""}},
        Case{"{sessionAffinityCookie: c=1, primarySessionAffinityCookie: p=2}", 0, {"", "p=2", "c=1"}},
        Case{"{previousSessionAffinityCookie: c=0}", 0, {"", "", "c=0"}},
        Case{"{sessionAffinityCookie: c=1, previousSessionAffinityCookie: c=0, primarySessionAffinityCookie: p=2}",
             10,
             {"c=1", "p=2", "c=0"}}}) {
    SessionCookies got = sessionCookiesFor(canaryFrom(affinityManifest(tc.status)), tc.weight);
    EXPECT_EQ(got.canary, tc.want.canary) << tc.status;
    EXPECT_EQ(got.primary, tc.want.primary) << tc.status;
    EXPECT_EQ(got.previous, tc.want.previous) << tc.status;
  }
}

TEST(SessionAffinity, AfterTheRunThePreviousCookieIsExpired) {
  api::Canary c = canaryFrom(affinityManifest("{sessionAffinityCookie: canary-cookie=Abc}"));
  Json rules = rulesAt(c, 0);
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0]["matches"][0]["headers"][0]["value"], ".*canary-cookie.*Abc.*");
  EXPECT_EQ(rules[0]["filters"], yaml("[{type: ResponseHeaderModifier, responseHeaderModifier: {add: [{name: "
                                      "Set-Cookie, value: 'canary-cookie=Abc; Max-Age=-1'}]}}]"));
  EXPECT_EQ(rules[0]["backendRefs"][0]["weight"], 100);
  EXPECT_FALSE(rules[1].contains("filters"));
}

TEST(SessionAffinity, ExpiryMergesIntoAnExistingResponseHeaderModifier) {
  Json m = affinityManifest("{sessionAffinityCookie: canary-cookie=Abc}");
  m["spec"]["service"]["headers"] = yaml("{response: {remove: [server]}}");
  Json rules = rulesAt(canaryFrom(m), 0);
  ASSERT_EQ(rules[0]["filters"].size(), 1u);  // a second ResponseHeaderModifier would be rejected
  EXPECT_EQ(rules[0]["filters"][0]["responseHeaderModifier"],
            yaml("{remove: [server], add: [{name: Set-Cookie, value: 'canary-cookie=Abc; Max-Age=-1'}]}"));
}

TEST(SessionAffinity, NoCookiesNoStickyRules) {
  Json m = affinityManifest();
  EXPECT_EQ(rulesAt(canaryFrom(m), 0).size(), 1u);
}

TEST(SessionAffinity, BuildCookieOnlyNamesSetAttributes) {
  api::SessionAffinity sa;
  sa.cookieName = "c";
  EXPECT_EQ(buildCookie(sa, "c=v", 60), "c=v; Max-Age=60");
}

}  // namespace
}  // namespace pennant::router::gatewayapi
