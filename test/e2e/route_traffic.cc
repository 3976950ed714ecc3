#include "e2e/route_traffic.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <tuple>

namespace pennant::e2e {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Exact or RegularExpression (matched against the whole value, as Envoy does).
bool valueMatches(const std::string& type, const std::string& pattern, const std::string& value) {
  if (type == "RegularExpression") return std::regex_match(value, std::regex(pattern));
  return value == pattern;
}

bool headersMatch(const Json& match, const CallClass& call) {
  for (const auto& h : match.value("headers", Json::array())) {
    auto it = call.headers.find(lower(h.value("name", "")));
    if (it == call.headers.end()) return false;
    if (!valueMatches(h.value("type", "Exact"), h.value("value", ""), it->second)) return false;
  }
  return true;
}

bool isGrpc(const Json& route) { return route.value("kind", "") == "GRPCRoute"; }

// Precedence of a matching match; bigger wins. nullopt-like {-1} when it does not match.
using Rank = std::tuple<int, int, int>;
constexpr Rank kNoMatch{-1, -1, -1};

Rank grpcRank(const Json& match, const CallClass& call) {
  if (!headersMatch(match, call)) return kNoMatch;
  int headers = static_cast<int>(match.value("headers", Json::array()).size());
  const Json method = match.value("method", Json::object());
  const std::string type = method.value("type", "Exact");
  const std::string service = method.value("service", "");
  const std::string name = method.value("method", "");
  if (!service.empty() && !valueMatches(type, service, call.grpcService)) return kNoMatch;
  if (!name.empty() && !valueMatches(type, name, call.grpcMethod)) return kNoMatch;
  return {static_cast<int>(service.size()), static_cast<int>(name.size()), headers};
}

bool pathPrefixMatches(const std::string& prefix, const std::string& path) {
  // Element-wise: "/api" matches "/api" and "/api/x", not "/apix".
  std::string p = prefix.size() > 1 && prefix.back() == '/' ? prefix.substr(0, prefix.size() - 1) : prefix;
  if (p == "/") return true;
  return path.compare(0, p.size(), p) == 0 && (path.size() == p.size() || path[p.size()] == '/');
}

Rank httpRank(const Json& match, const CallClass& call) {
  if (!headersMatch(match, call)) return kNoMatch;
  if (match.contains("queryParams") && !match["queryParams"].empty()) return kNoMatch;  // calls carry none
  if (match.contains("method") && match.value("method", "") != "GET") return kNoMatch;  // calls are GETs
  const Json path = match.value("path", Json{{"type", "PathPrefix"}, {"value", "/"}});
  const std::string type = path.value("type", "PathPrefix");
  const std::string value = path.value("value", "/");
  int headers = static_cast<int>(match.value("headers", Json::array()).size());
  if (type == "Exact") return value == call.path ? Rank{1, 0, headers} : kNoMatch;
  if (type == "RegularExpression")
    return std::regex_match(call.path, std::regex(value)) ? Rank{0, 0, headers} : kNoMatch;
  return pathPrefixMatches(value, call.path) ? Rank{0, static_cast<int>(value.size()), headers} : kNoMatch;
}

}  // namespace

int matchRule(const Json& route, const CallClass& call) {
  const bool grpc = isGrpc(route);
  const Json* rules = findPath(route, {"spec", "rules"});
  if (!rules || !rules->is_array()) return -1;
  int best = -1;
  Rank bestRank = kNoMatch;
  for (size_t i = 0; i < rules->size(); ++i) {
    Json matches = (*rules)[i].value("matches", Json::array());
    if (matches.empty()) matches = Json::array({Json::object()});  // no matches: every call (HTTP: PathPrefix /)
    for (const auto& match : matches) {
      Rank rank = grpc ? grpcRank(match, call) : httpRank(match, call);
      if (rank > bestRank) {  // strictly greater: ties stay with the earlier rule
        bestRank = rank;
        best = static_cast<int>(i);
      }
    }
  }
  return best;
}

std::map<std::string, int64_t> splitByWeight(const Json& rule, int64_t calls) {
  struct Share {
    std::string name;
    int64_t weight;
    int64_t calls;
    int64_t remainder;
  };
  std::vector<Share> shares;
  int64_t total = 0;
  for (const auto& ref : rule.value("backendRefs", Json::array())) {
    int64_t w = ref.value("weight", int64_t{1});
    shares.push_back({ref.value("name", ""), w, 0, 0});
    total += w;
  }
  std::map<std::string, int64_t> out;
  if (total <= 0) return out;
  int64_t given = 0;
  for (auto& s : shares) {
    s.calls = calls * s.weight / total;
    s.remainder = calls * s.weight % total;
    given += s.calls;
  }
  // Largest remainder first; stable, so ties go to the earlier backend.
  std::vector<Share*> order;
  for (auto& s : shares) order.push_back(&s);
  std::stable_sort(order.begin(), order.end(),
                   [](const Share* a, const Share* b) { return a->remainder > b->remainder; });
  for (size_t i = 0; given < calls && i < order.size(); ++i, ++given) order[i]->calls++;
  for (const auto& s : shares) {
    if (s.calls > 0) out[s.name] += s.calls;
  }
  return out;
}

}  // namespace pennant::e2e
