#pragma once
// The Canary resource (flagger.app/v1beta1), parsed into typed fields where Pennant makes
// decisions on them. Blocks Pennant passes through to the route unchanged (Istio-style matches,
// header modifiers, CORS, user route rules) stay JSON so newer fields survive.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/phase.h"
#include "api/problem.h"
#include "common/json.h"
#include "common/status.h"

namespace pennant::api {

inline constexpr const char* kCanaryApiVersion = "flagger.app/v1beta1";
inline constexpr const char* kProviderGatewayV1 = "gatewayapi:v1";
inline constexpr const char* kProviderGatewayV1Beta1 = "gatewayapi:v1beta1";
inline constexpr const char* kHttpRouteKind = "HTTPRoute";
inline constexpr const char* kGrpcRouteKind = "GRPCRoute";
inline constexpr const char* kGatewayGroup = "gateway.networking.k8s.io";
inline constexpr const char* kDrainingCondition = "Draining";

enum class Strategy { kCanary, kBlueGreen, kAbTesting };

struct TargetRef {
  std::string apiVersion;
  std::string kind;
  std::string name;
};

// spec.routeRef: a route the user owns; Pennant changes only weights and its named A/B rules.
struct RouteRef {
  std::string apiVersion;  // gateway.networking.k8s.io/v1
  std::string kind;        // HTTPRoute | GRPCRoute
  std::string name;
};

struct SessionAffinity {
  std::string cookieName;
  std::string primaryCookieName;
  std::string domain;
  bool httpOnly = false;
  int64_t maxAge = 86400;
  bool partitioned = false;
  std::string path;
  std::string sameSite;
  bool secure = false;
};

struct Analysis {
  // Which of the fields the CRD's oneOf names were written (defaults hide their absence).
  bool declared = false;
  bool intervalSet = false;
  bool thresholdSet = false;
  bool iterationsSet = false;
  std::string interval = "60s";  // as written
  int64_t intervalSeconds = 60;  // parsed; -1 when unparseable (a validation problem)
  int64_t threshold = 1;
  int64_t iterations = 0;
  std::optional<int64_t> maxWeight;
  std::optional<int64_t> stepWeight;
  std::vector<int64_t> stepWeights;
  std::optional<int64_t> stepWeightPromotion;
  bool mirror = false;
  std::optional<int64_t> mirrorWeight;
  Json match = Json::array();  // [{headers: {name: {exact|prefix|suffix|regex}}, queryParams, grpcMethod}]
  Json metrics = Json::array();
  Json webhooks = Json::array();
  Json alerts = Json::array();
  std::optional<SessionAffinity> sessionAffinity;
  // Share (%) of the updated replicas that must be available for the Deployment to count as ready.
  int64_t primaryReadyThreshold = 100;
  int64_t canaryReadyThreshold = 100;
  // analysis.drainPeriod (a Pennant addition): how long a version that lost its traffic keeps
  // running before it is scaled down. nullopt: the controller's default; -1: unparseable.
  std::optional<int64_t> drainSeconds;
};

struct CanaryService {
  std::string name;  // apex override; default targetRef.name
  int64_t port = 0;
  std::string portName = "http";
  std::string appProtocol;
  Json targetPort;                         // int or string; null when unset
  std::vector<std::string> hosts;          // -> spec.hostnames verbatim
  Json gatewayRefs = Json::array();        // ParentReferences, group/kind defaults applied
  std::string routeKind = kHttpRouteKind;  // service.route.kind
  Json routeRules;                         // service.route.rules: null when absent, else the array as written
  // Flagger's HTTPRoute fields (Istio-shaped), used only without route.rules.
  Json match = Json::array();
  Json headers;  // {request|response: {add, set, remove}}
  Json rewrite;  // {uri, authority, type}
  Json corsPolicy;
  Json mirror = Json::array();  // [{backendRef}]
  Json retries;
  std::string timeout;
  std::string backendTimeout;
  Json apexLabels = Json::object();
  Json apexAnnotations = Json::object();
  // service.primary / service.canary: metadata of `<apex>-primary` and `<apex>-canary`.
  Json primaryLabels = Json::object();
  Json primaryAnnotations = Json::object();
  Json canaryLabels = Json::object();
  Json canaryAnnotations = Json::object();
  // service.unmanagedMetadata: keys others may set on the generated Services and Pennant keeps.
  std::vector<std::string> unmanagedLabels;
  std::vector<std::string> unmanagedAnnotations;
  bool headless = false;            // clusterIP: None on the generated Services
  std::string trafficDistribution;  // copied to the generated Services when set
};

// Ids of the user requests (pennant.io/promote, pennant.io/abort annotations) the controller has
// acted on or dismissed (status.handledRequests, a Pennant addition).
struct HandledRequests {
  std::string promote;
  std::string abort;
  bool operator==(const HandledRequests&) const = default;
};

struct CanaryStatus {
  Phase phase = Phase::kNone;
  int64_t failedChecks = 0;
  int64_t canaryWeight = 0;
  int64_t iterations = 0;
  std::string lastAppliedSpec;
  std::string lastPromotedSpec;
  std::string lastTransitionTime;
  std::string sessionAffinityCookie;
  std::string primarySessionAffinityCookie;
  std::string previousSessionAffinityCookie;
  Json trackedConfigs = Json::object();
  Json conditions = Json::array();
  HandledRequests handledRequests;
  // The canary lost its traffic and is owed a scale-down once the drain period is over. Stored as
  // the condition Draining=True (kDrainingCondition): a condition survives a CRD schema older than
  // the controller, a new status field would be pruned and the scale-down forgotten.
  bool draining = false;
};

struct Canary {
  std::string name;
  std::string namespace_ = "default";
  std::string uid;
  Json metadata = Json::object();
  std::string provider;  // as written ("" = controller default)
  TargetRef targetRef;
  Json autoscalerRef;
  std::optional<RouteRef> routeRef;
  CanaryService service;
  Analysis analysis;
  int64_t progressDeadlineSeconds = 600;
  bool skipAnalysis = false;
  bool revertOnDeletion = false;
  bool suspend = false;
  CanaryStatus status;

  // Generated names (Flagger's GetServiceNames).
  std::string apexName() const { return service.name.empty() ? targetRef.name : service.name; }
  std::string primaryName() const { return apexName() + "-primary"; }
  std::string canaryName() const { return apexName() + "-canary"; }
  // provider with the controller default applied.
  std::string effectiveProvider() const { return provider.empty() ? kProviderGatewayV1 : provider; }
  // The route kind: routeRef.kind when referenced, else service.route.kind.
  std::string routeKind() const { return routeRef ? routeRef->kind : service.routeKind; }
  Strategy strategy() const;
};

// Parses a Canary manifest (JSON document of kind Canary) with Flagger's defaults. Fields of the
// wrong type are kInvalidArgument with one line per problem naming the field.
StatusOr<Canary> parseCanary(const Json& manifest);

// Go duration ("10s", "1m30s", "500ms", "1h") in whole seconds rounded down; nullopt when malformed.
std::optional<int64_t> parseDurationSeconds(std::string_view text);

}  // namespace pennant::api
