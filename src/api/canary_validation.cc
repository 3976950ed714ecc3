#include "api/canary_validation.h"

#include <regex>

namespace pennant::api {
namespace {

std::string indexed(std::string_view path, size_t i) { return std::string(path) + "[" + std::to_string(i) + "]"; }

void checkPercent(Problems& out, const std::string& field, std::optional<int64_t> value) {
  if (value && (*value < 0 || *value > 100)) {
    out.push_back({field, "must be between 0 and 100, got " + std::to_string(*value)});
  }
}

bool isGatewayDuration(const std::string& text) {
  // Gateway API Duration (GEP-2257).
  static const std::regex pattern("^([0-9]{1,5}(h|m|s|ms)){1,4}$");
  return std::regex_match(text, pattern);
}

bool isHeaderName(const std::string& name) {
  static const std::regex pattern("^[A-Za-z0-9!#$%&'*+\\-.^_`|~]+$");
  return !name.empty() && name.size() <= 256 && std::regex_match(name, pattern);
}

void validateProvider(const Canary& c, Problems& out) {
  if (!isSupportedProvider(c.effectiveProvider())) {
    out.push_back({"spec.provider", "unsupported provider \"" + c.provider +
                                        "\"; Pennant supports gatewayapi:v1 and gatewayapi:v1beta1"});
  } else if (c.effectiveProvider() == kProviderGatewayV1Beta1 && c.routeKind() == kGrpcRouteKind) {
    out.push_back({"spec.provider", "GRPCRoute is served only as gateway.networking.k8s.io/v1; use gatewayapi:v1"});
  }
}

void validateRouteChoice(const Canary& c, Problems& out) {
  const auto& s = c.service;
  if (s.routeKind != kHttpRouteKind && s.routeKind != kGrpcRouteKind) {
    out.push_back({"spec.service.route.kind", "must be HTTPRoute or GRPCRoute, got \"" + s.routeKind + "\""});
  }
  if (!s.routeRules.is_null()) {
    if (s.routeRules.empty()) out.push_back({"spec.service.route.rules", "must list at least one rule when set"});
    for (size_t i = 0; i < s.routeRules.size(); ++i) {
      if (!s.routeRules[i].is_object()) out.push_back({indexed("spec.service.route.rules", i), "must be an object"});
    }
  }
  if (c.routeRef) {
    const auto& ref = *c.routeRef;
    if (ref.kind != kHttpRouteKind && ref.kind != kGrpcRouteKind) {
      out.push_back({"spec.routeRef.kind", "must be HTTPRoute or GRPCRoute, got \"" + ref.kind + "\""});
    }
    if (ref.name.empty()) out.push_back({"spec.routeRef.name", "is required"});
    std::string group = std::string(kGatewayGroup) + "/";
    if (ref.apiVersion != group + "v1" && !(ref.apiVersion == group + "v1beta1" && ref.kind == kHttpRouteKind)) {
      out.push_back(
          {"spec.routeRef.apiVersion",
           "must be gateway.networking.k8s.io/v1 (or v1beta1 for HTTPRoute), got \"" + ref.apiVersion + "\""});
    }
    if (!s.routeRules.is_null()) {
      out.push_back(
          {"spec.service.route.rules", "cannot be combined with spec.routeRef: the referenced route's rules are used"});
    }
    if (s.routeKind != kHttpRouteKind && s.routeKind != ref.kind) {
      out.push_back({"spec.service.route.kind", "is " + s.routeKind + " but spec.routeRef.kind is " + ref.kind});
    }
    return;
  }
  // Managed route: Pennant writes parentRefs, so it needs at least one Gateway.
  if (s.gatewayRefs.empty()) {
    out.push_back(
        {"spec.service.gatewayRefs",
         "must list at least one Gateway (GatewayRefs must be specified when using Gateway API as a provider)"});
  }
}

void validateParentsAndHosts(const Canary& c, Problems& out) {
  const auto& s = c.service;
  if (s.gatewayRefs.size() > static_cast<size_t>(kMaxParentRefs)) {
    out.push_back({"spec.service.gatewayRefs", "has " + std::to_string(s.gatewayRefs.size()) +
                                                   " entries; Gateway API allows at most 32 parentRefs"});
  }
  for (size_t i = 0; i < s.gatewayRefs.size(); ++i) {
    const Json& ref = s.gatewayRefs[i];
    if (!ref.contains("name") || !ref["name"].is_string() || ref["name"].get<std::string>().empty()) {
      out.push_back({indexed("spec.service.gatewayRefs", i) + ".name", "is required"});
    }
  }
  if (s.hosts.size() > static_cast<size_t>(kMaxHostnames)) {
    out.push_back({"spec.service.hosts",
                   "has " + std::to_string(s.hosts.size()) + " entries; Gateway API allows at most 16 hostnames"});
  }
  for (size_t i = 0; i < s.hosts.size(); ++i) {
    if (!isValidHostname(s.hosts[i])) {
      out.push_back(
          {indexed("spec.service.hosts", i),
           "\"" + s.hosts[i] +
               "\" is not a valid Gateway API hostname (lower-case DNS name, optional leading \"*.\", no IP)"});
    }
  }
}

// The CRD's oneOf on spec.analysis: interval and threshold, and exactly one of iterations,
// stepWeight and stepWeights. The API server rejects anything else, so Pennant says so first.
void validateAnalysisShape(const Analysis& a, Problems& out) {
  if (!a.declared) {
    out.push_back({"spec.analysis", "is required"});
    return;
  }
  if (!a.intervalSet) out.push_back({"spec.analysis.interval", "is required"});
  if (!a.thresholdSet) out.push_back({"spec.analysis.threshold", "is required"});
  int kinds = int(a.iterationsSet) + int(a.stepWeight.has_value()) + int(!a.stepWeights.empty());
  if (kinds != 1) {
    out.push_back({"spec.analysis", std::string(kinds == 0 ? "needs" : "must set only") +
                                        " one of iterations, stepWeight or stepWeights"});
  }
}

void validateWeights(const Canary& c, Problems& out) {
  const Analysis& a = c.analysis;
  validateAnalysisShape(a, out);
  if (a.intervalSeconds < 0) {
    out.push_back({"spec.analysis.interval", "\"" + a.interval + "\" is not a duration (e.g. 30s, 1m)"});
  } else if (a.intervalSeconds < kMinIntervalSeconds) {
    out.push_back({"spec.analysis.interval", "must be at least 10s, got " + a.interval});
  }
  if (a.drainSeconds && *a.drainSeconds < 0) {
    out.push_back({"spec.analysis.drainPeriod", "is not a duration (e.g. 10s, 1m; 0s scales down at once)"});
  }
  if (a.threshold < 0) out.push_back({"spec.analysis.threshold", "must not be negative"});
  if (a.iterations < 0) out.push_back({"spec.analysis.iterations", "must not be negative"});
  checkPercent(out, "spec.analysis.stepWeight", a.stepWeight);
  checkPercent(out, "spec.analysis.maxWeight", a.maxWeight);
  checkPercent(out, "spec.analysis.stepWeightPromotion", a.stepWeightPromotion);
  checkPercent(out, "spec.analysis.mirrorWeight", a.mirrorWeight);
  checkPercent(out, "spec.analysis.primaryReadyThreshold", a.primaryReadyThreshold);
  checkPercent(out, "spec.analysis.canaryReadyThreshold", a.canaryReadyThreshold);
  if (c.strategy() == Strategy::kCanary && a.stepWeights.empty() && a.stepWeight.has_value() && *a.stepWeight == 0) {
    out.push_back({"spec.analysis.stepWeight",
                   "must be greater than 0 for a canary analysis (or set stepWeights or iterations)"});
  }
  for (size_t i = 0; i < a.stepWeights.size(); ++i) {
    int64_t w = a.stepWeights[i];
    if (w < 1 || w > 100) {
      out.push_back({indexed("spec.analysis.stepWeights", i), "must be between 1 and 100, got " + std::to_string(w)});
    } else if (i > 0 && w <= a.stepWeights[i - 1]) {
      out.push_back({indexed("spec.analysis.stepWeights", i), "must be greater than the previous step"});
    }
  }
}

void validateAnalysisMatch(const Canary& c, Problems& out) {
  const bool grpc = c.routeKind() == kGrpcRouteKind;
  const Json& match = c.analysis.match;
  for (size_t i = 0; i < match.size(); ++i) {
    std::string path = indexed("spec.analysis.match", i);
    const Json& m = match[i];
    if (!m.is_object()) {
      out.push_back({path, "must be an object"});
      continue;
    }
    if (auto it = m.find("headers"); it != m.end()) {
      if (!it->is_object()) {
        out.push_back({path + ".headers", "must be a map of header name to {exact|prefix|suffix|regex}"});
        continue;
      }
      if (it->size() > 16)
        out.push_back({path + ".headers",
                       "has " + std::to_string(it->size()) + " headers; Gateway API allows at most 16 per match"});
      for (const auto& [name, cond] : it->items()) {
        std::string hp = path + ".headers." + name;
        if (!isHeaderName(name)) out.push_back({hp, "is not a valid HTTP header name"});
        int kinds = 0;
        for (const char* k : {"exact", "prefix", "suffix", "regex"}) {
          if (cond.is_object() && cond.contains(k)) {
            ++kinds;
            if (!cond[k].is_string() || cond[k].get<std::string>().empty())
              out.push_back({hp + "." + k, "must be a non-empty string"});
          }
        }
        if (kinds != 1) out.push_back({hp, "must set exactly one of exact, prefix, suffix, regex"});
      }
    }
    if (m.contains("queryParams") && grpc)
      out.push_back({path + ".queryParams", "GRPCRoute has no query parameter matches"});
    if (m.contains("grpcMethod")) {
      if (!grpc)
        out.push_back({path + ".grpcMethod", "applies only to GRPCRoute"});
      else if (!m["grpcMethod"].is_object())
        out.push_back({path + ".grpcMethod", "must be an object {service, method, type}"});
    }
    if (!m.contains("headers") && !m.contains("queryParams") && !m.contains("grpcMethod")) {
      out.push_back({path, "must set headers" + std::string(grpc ? " or grpcMethod" : " or queryParams")});
    }
  }
}

void validateKindOnlyFields(const Canary& c, Problems& out) {
  const auto& s = c.service;
  const auto& sa = c.analysis.sessionAffinity;
  if (c.routeKind() == kGrpcRouteKind) {
    const char* why = ": GRPCRoute has no such field in Gateway API v1.6";
    if (sa)
      out.push_back({"spec.analysis.sessionAffinity", std::string("cookie session affinity is HTTPRoute only") + why});
    if (!s.timeout.empty()) out.push_back({"spec.service.timeout", std::string("not supported for GRPCRoute") + why});
    if (!s.backendTimeout.empty())
      out.push_back({"spec.service.backendTimeout", std::string("not supported for GRPCRoute") + why});
    if (!s.retries.is_null()) out.push_back({"spec.service.retries", std::string("not supported for GRPCRoute") + why});
    if (!s.rewrite.is_null()) out.push_back({"spec.service.rewrite", std::string("not supported for GRPCRoute") + why});
    if (!s.corsPolicy.is_null())
      out.push_back({"spec.service.corsPolicy", std::string("not supported for GRPCRoute") + why});
    if (!s.match.empty())
      out.push_back(
          {"spec.service.match", "HTTP (Istio-style) matches do not apply to GRPCRoute; use spec.service.route.rules"});
    return;
  }
  for (const auto& [field, value] :
       {std::pair{"spec.service.timeout", &s.timeout}, std::pair{"spec.service.backendTimeout", &s.backendTimeout}}) {
    if (!value->empty() && !isGatewayDuration(*value))
      out.push_back({field, "\"" + *value + "\" is not a Gateway API duration (e.g. 30s, 1m, 500ms)"});
  }
  if (sa) {
    if (sa->cookieName.empty()) out.push_back({"spec.analysis.sessionAffinity.cookieName", "is required"});
    if (!sa->cookieName.empty() && sa->cookieName == sa->primaryCookieName) {
      out.push_back({"spec.analysis.sessionAffinity.primaryCookieName", "must differ from cookieName"});
    }
    if (!sa->sameSite.empty() && sa->sameSite != "Strict" && sa->sameSite != "Lax" && sa->sameSite != "None") {
      out.push_back({"spec.analysis.sessionAffinity.sameSite", "must be Strict, Lax or None"});
    }
    if (c.routeRef)
      out.push_back(
          {"spec.analysis.sessionAffinity", "is not supported with spec.routeRef (it rewrites the route's rules)"});
  }
}

}  // namespace

bool isSupportedProvider(std::string_view provider) {
  return provider == kProviderGatewayV1 || provider == kProviderGatewayV1Beta1;
}

bool isValidHostname(std::string_view host) {
  static const std::regex pattern("^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  return !host.empty() && host.size() <= 253 && std::regex_match(host.begin(), host.end(), pattern);
}

Problems validateCanary(const Canary& c) {
  Problems out;
  if (c.name.empty()) out.push_back({"metadata.name", "is required"});
  validateProvider(c, out);
  if (c.targetRef.name.empty()) out.push_back({"spec.targetRef.name", "is required"});
  if (c.targetRef.kind != "Deployment" && c.targetRef.kind != "DaemonSet" && c.targetRef.kind != "Service") {
    out.push_back(
        {"spec.targetRef.kind", "must be Deployment, DaemonSet or Service, got \"" + c.targetRef.kind + "\""});
  }
  if (c.service.port < 1 || c.service.port > 65535) {
    out.push_back({"spec.service.port", "is required and must be between 1 and 65535"});
  }
  if (!c.autoscalerRef.is_null()) {
    // Only HPAs are mirrored for the primary; a KEDA ScaledObject would silently be ignored.
    if (stringAt(c.autoscalerRef, {"name"}).empty()) out.push_back({"spec.autoscalerRef.name", "is required"});
    if (std::string kind = stringAt(c.autoscalerRef, {"kind"}); kind != "HorizontalPodAutoscaler") {
      out.push_back({"spec.autoscalerRef.kind", "must be HorizontalPodAutoscaler, got \"" + kind + "\""});
    }
  }
  validateRouteChoice(c, out);
  validateParentsAndHosts(c, out);
  validateWeights(c, out);
  validateAnalysisMatch(c, out);
  validateKindOnlyFields(c, out);
  return out;
}

}  // namespace pennant::api
