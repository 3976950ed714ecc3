#include "router/gatewayapi/session_affinity.h"

#include <cstdint>

#include "router/gatewayapi/route_json.h"

namespace pennant::router::gatewayapi {
namespace {

// 10 letters from FNV-1a of the seed: Flagger uses 10 random letters; a hash keeps output stable.
std::string derivedValue(const std::string& seed) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char ch : seed) h = (h ^ ch) * 1099511628211ULL;
  static constexpr char kLetters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string out;
  for (int i = 0; i < 10; ++i) {
    out.push_back(kLetters[h % 52]);
    h = h / 52 + (h << 7) * 31 + static_cast<uint64_t>(i);
  }
  return out;
}

Json setCookieModifier(const std::string& value) {
  return {{"type", "ResponseHeaderModifier"},
          {"responseHeaderModifier", {{"add", Json::array({{{"name", "Set-Cookie"}, {"value", value}}})}}}};
}

// Adds a Set-Cookie to the ResponseHeaderModifier of `owner` (creating it): a second
// ResponseHeaderModifier would be rejected by the API server.
void addSetCookie(Json& owner, const std::string& value) {
  Json& filters = owner["filters"];
  if (!filters.is_array()) filters = Json::array();
  for (auto& f : filters) {
    if (stringAt(f, {"type"}) == "ResponseHeaderModifier" && f.contains("responseHeaderModifier")) {
      f["responseHeaderModifier"]["add"].push_back({{"name", "Set-Cookie"}, {"value", value}});
      return;
    }
  }
  filters.push_back(setCookieModifier(value));
}

Json cookieMatch(const std::string& nameValue) {
  auto eq = nameValue.find('=');
  std::string name = nameValue.substr(0, eq);
  std::string value = eq == std::string::npos ? "" : nameValue.substr(eq + 1);
  return {{"headers", Json::array({{{"name", "Cookie"},
                                    {"type", "RegularExpression"},
                                    {"value", ".*" + escapeRegex(name) + ".*" + escapeRegex(value) + ".*"}}})}};
}

Json stickyRule(const RouteKind& kind, const Json& weighted, const std::string& cookie) {
  Json rule = weighted;
  Json matches = Json::array();
  Json own = weighted.value("matches", Json::array());
  if (own.empty()) own.push_back(Json::object());
  for (const auto& m : own) {
    if (auto merged = kind.mergeMatch(m, cookieMatch(cookie))) matches.push_back(std::move(*merged));
  }
  rule["matches"] = std::move(matches);
  return rule;
}

void setWeights(Json& rule, const api::Canary& c, int64_t primary, int64_t canary) {
  for (auto& ref : rule["backendRefs"]) {
    std::string name = stringAt(ref, {"name"});
    if (name == c.primaryName()) ref["weight"] = primary;
    if (name == c.canaryName()) ref["weight"] = canary;
  }
}

}  // namespace

SessionCookies sessionCookiesFor(const api::Canary& c, int64_t weight) {
  const auto& st = c.status;
  const auto& sa = *c.analysis.sessionAffinity;
  std::string seed = c.namespace_ + "/" + c.name + "/" + st.lastAppliedSpec;
  SessionCookies out;
  if (weight != 0) {
    out.canary = !st.sessionAffinityCookie.empty() ? st.sessionAffinityCookie
                                                   : sa.cookieName + "=" + derivedValue(seed + "/canary");
    out.primary = st.primarySessionAffinityCookie;
    if (out.primary.empty() && !sa.primaryCookieName.empty())
      out.primary = sa.primaryCookieName + "=" + derivedValue(seed + "/primary");
    out.previous = st.previousSessionAffinityCookie;
  } else {
    out.previous = !st.sessionAffinityCookie.empty() ? st.sessionAffinityCookie : st.previousSessionAffinityCookie;
    out.primary = st.primarySessionAffinityCookie;
  }
  return out;
}

std::string buildCookie(const api::SessionAffinity& sa, const std::string& nameValue, int64_t maxAge) {
  std::string cookie = nameValue + "; Max-Age=" + std::to_string(maxAge);
  if (!sa.domain.empty()) cookie += "; Domain=" + sa.domain;
  if (sa.httpOnly) cookie += "; HttpOnly";
  if (sa.partitioned) cookie += "; Partitioned";
  if (!sa.path.empty()) cookie += "; Path=" + sa.path;
  if (!sa.sameSite.empty()) cookie += "; SameSite=" + sa.sameSite;
  if (sa.secure) cookie += "; Secure";
  return cookie;
}

Json sessionAffinityRules(const api::Canary& c, const RouteKind& kind, const Json& weighted, int64_t weight) {
  const auto& sa = *c.analysis.sessionAffinity;
  SessionCookies cookies = sessionCookiesFor(c, weight);
  Json rules = Json::array();
  if (weight == 0) {
    // After a run: requests still carrying the old canary cookie get it deleted.
    if (!cookies.previous.empty()) {
      Json expire = stickyRule(kind, weighted, cookies.previous);
      addSetCookie(expire, cookies.previous + "; Max-Age=-1");
      rules.push_back(std::move(expire));
    }
    rules.push_back(weighted);
    return rules;
  }
  Json sticky = stickyRule(kind, weighted, cookies.canary);
  setWeights(sticky, c, 0, 100);
  rules.push_back(std::move(sticky));
  if (!cookies.primary.empty()) {
    Json stickyPrimary = stickyRule(kind, weighted, cookies.primary);
    setWeights(stickyPrimary, c, 100, 0);
    rules.push_back(std::move(stickyPrimary));
  }
  Json out = weighted;
  for (auto& ref : out["backendRefs"]) {
    std::string name = stringAt(ref, {"name"});
    if (name == c.canaryName()) addSetCookie(ref, buildCookie(sa, cookies.canary, sa.maxAge));
    // The primary cookie lives one interval, so clients are re-rolled every step.
    if (name == c.primaryName() && !cookies.primary.empty())
      addSetCookie(ref, buildCookie(sa, cookies.primary, c.analysis.intervalSeconds));
  }
  rules.push_back(std::move(out));
  return rules;
}

}  // namespace pennant::router::gatewayapi
