#include "api/canary.h"

#include <cctype>
#include <charconv>

#include "api/field_reader.h"

namespace pennant::api {
namespace {

// gatewayRefs become parentRefs verbatim; the CRD defaults group and kind, so apply them here
// too (the Accepted gate compares parentRefs with status.parents[].parentRef field by field).
Json parseGatewayRefs(FieldReader& service, Problems& problems) {
  Json out = Json::array();
  auto refs = service.array("gatewayRefs");
  if (!refs) return out;
  for (size_t i = 0; i < refs->size(); ++i) {
    const Json& ref = (*refs)[i];
    std::string path = service.fieldPath("gatewayRefs") + "[" + std::to_string(i) + "]";
    if (!ref.is_object()) {
      problems.push_back({path, "must be an object"});
      continue;
    }
    Json parent = ref;
    if (!parent.contains("group")) parent["group"] = kGatewayGroup;
    if (!parent.contains("kind")) parent["kind"] = "Gateway";
    out.push_back(std::move(parent));
  }
  return out;
}

SessionAffinity parseSessionAffinity(FieldReader r) {
  SessionAffinity sa;
  sa.cookieName = r.string("cookieName").value_or("");
  sa.primaryCookieName = r.string("primaryCookieName").value_or("");
  sa.domain = r.string("domain").value_or("");
  sa.httpOnly = r.boolean("httpOnly").value_or(false);
  sa.maxAge = r.integer("maxAge").value_or(86400);
  sa.partitioned = r.boolean("partitioned").value_or(false);
  sa.path = r.string("path").value_or("");
  sa.sameSite = r.string("sameSite").value_or("");
  sa.secure = r.boolean("secure").value_or(false);
  return sa;
}

Analysis parseAnalysis(FieldReader r) {
  Analysis a;
  a.intervalSet = r.has("interval");
  a.thresholdSet = r.has("threshold");
  a.iterationsSet = r.has("iterations");
  if (auto interval = r.string("interval")) {
    a.interval = *interval;
    a.intervalSeconds = parseDurationSeconds(*interval).value_or(-1);
  }
  a.threshold = r.integer("threshold").value_or(1);
  a.iterations = r.integer("iterations").value_or(0);
  a.maxWeight = r.integer("maxWeight");
  a.stepWeight = r.integer("stepWeight");
  a.stepWeights = r.integerList("stepWeights");
  a.stepWeightPromotion = r.integer("stepWeightPromotion");
  a.mirror = r.boolean("mirror").value_or(false);
  a.mirrorWeight = r.integer("mirrorWeight");
  a.match = r.array("match").value_or(Json::array());
  a.metrics = r.array("metrics").value_or(Json::array());
  a.webhooks = r.array("webhooks").value_or(Json::array());
  a.alerts = r.array("alerts").value_or(Json::array());
  a.primaryReadyThreshold = r.integer("primaryReadyThreshold").value_or(100);
  a.canaryReadyThreshold = r.integer("canaryReadyThreshold").value_or(100);
  if (auto drain = r.string("drainPeriod")) a.drainSeconds = parseDurationSeconds(*drain).value_or(-1);
  if (r.has("sessionAffinity")) a.sessionAffinity = parseSessionAffinity(r.child("sessionAffinity"));
  return a;
}

CanaryService parseService(FieldReader r, Problems& problems) {
  CanaryService s;
  s.name = r.string("name").value_or("");
  s.port = r.integer("port").value_or(0);
  s.portName = r.string("portName").value_or("http");
  s.appProtocol = r.string("appProtocol").value_or("");
  if (const Json* tp = r.field("targetPort")) s.targetPort = *tp;
  s.hosts = r.stringList("hosts");
  s.gatewayRefs = parseGatewayRefs(r, problems);
  FieldReader route = r.child("route");
  s.routeKind = route.string("kind").value_or(kHttpRouteKind);
  if (auto rules = route.array("rules")) s.routeRules = *rules;
  s.match = r.array("match").value_or(Json::array());
  s.headers = r.object("headers").value_or(Json());
  s.rewrite = r.object("rewrite").value_or(Json());
  s.corsPolicy = r.object("corsPolicy").value_or(Json());
  s.mirror = r.array("mirror").value_or(Json::array());
  s.retries = r.object("retries").value_or(Json());
  s.timeout = r.string("timeout").value_or("");
  s.backendTimeout = r.string("backendTimeout").value_or("");
  FieldReader apex = r.child("apex");
  s.apexLabels = apex.object("labels").value_or(Json::object());
  s.apexAnnotations = apex.object("annotations").value_or(Json::object());
  FieldReader primary = r.child("primary");
  s.primaryLabels = primary.object("labels").value_or(Json::object());
  s.primaryAnnotations = primary.object("annotations").value_or(Json::object());
  FieldReader canary = r.child("canary");
  s.canaryLabels = canary.object("labels").value_or(Json::object());
  s.canaryAnnotations = canary.object("annotations").value_or(Json::object());
  FieldReader unmanaged = r.child("unmanagedMetadata");
  s.unmanagedLabels = unmanaged.stringList("labels");
  s.unmanagedAnnotations = unmanaged.stringList("annotations");
  s.headless = r.boolean("headless").value_or(false);
  s.trafficDistribution = r.string("trafficDistribution").value_or("");
  return s;
}

CanaryStatus parseStatus(FieldReader r) {
  CanaryStatus st;
  // The CRD's enum admits only Flagger's phases; anything else reads as no status yet.
  st.phase = parsePhase(r.string("phase").value_or("")).value_or(Phase::kNone);
  st.failedChecks = r.integer("failedChecks").value_or(0);
  st.canaryWeight = r.integer("canaryWeight").value_or(0);
  st.iterations = r.integer("iterations").value_or(0);
  st.lastAppliedSpec = r.string("lastAppliedSpec").value_or("");
  st.lastPromotedSpec = r.string("lastPromotedSpec").value_or("");
  st.lastTransitionTime = r.string("lastTransitionTime").value_or("");
  st.sessionAffinityCookie = r.string("sessionAffinityCookie").value_or("");
  st.primarySessionAffinityCookie = r.string("primarySessionAffinityCookie").value_or("");
  st.previousSessionAffinityCookie = r.string("previousSessionAffinityCookie").value_or("");
  st.trackedConfigs = r.object("trackedConfigs").value_or(Json::object());
  st.conditions = r.array("conditions").value_or(Json::array());
  FieldReader handled = r.child("handledRequests");
  st.handledRequests.promote = handled.string("promote").value_or("");
  st.handledRequests.abort = handled.string("abort").value_or("");
  for (const auto& c : st.conditions) {
    if (c.is_object() && c.value("type", "") == kDrainingCondition && c.value("status", "") == "True")
      st.draining = true;
  }
  return st;
}

}  // namespace

Strategy Canary::strategy() const {
  if (analysis.iterations > 0 && !analysis.match.empty()) return Strategy::kAbTesting;
  if (analysis.iterations > 0) return Strategy::kBlueGreen;
  return Strategy::kCanary;
}

StatusOr<Canary> parseCanary(const Json& manifest) {
  Problems problems;
  if (!manifest.is_object()) return absl::InvalidArgumentError("Canary: the document must be an object");
  Canary c;
  FieldReader root(&manifest, "", problems);
  std::string kind = root.string("kind").value_or("");
  if (kind != "Canary") problems.push_back({"kind", "must be Canary, got \"" + kind + "\""});
  std::string apiVersion = root.string("apiVersion").value_or("");
  if (apiVersion != kCanaryApiVersion) {
    problems.push_back({"apiVersion", std::string("must be ") + kCanaryApiVersion + ", got \"" + apiVersion + "\""});
  }
  FieldReader meta = root.child("metadata");
  c.metadata = root.object("metadata").value_or(Json::object());
  c.name = meta.string("name").value_or("");
  c.namespace_ = meta.string("namespace").value_or("default");
  c.uid = meta.string("uid").value_or("");

  FieldReader spec = root.child("spec");
  c.provider = spec.string("provider").value_or("");
  FieldReader target = spec.child("targetRef");
  c.targetRef = {target.string("apiVersion").value_or(""), target.string("kind").value_or(""),
                 target.string("name").value_or("")};
  c.autoscalerRef = spec.object("autoscalerRef").value_or(Json());
  if (spec.has("routeRef")) {
    FieldReader ref = spec.child("routeRef");
    c.routeRef = RouteRef{ref.string("apiVersion").value_or(std::string(kGatewayGroup) + "/v1"),
                          ref.string("kind").value_or(""), ref.string("name").value_or("")};
  }
  c.service = parseService(spec.child("service"), problems);
  // Flagger still accepts the deprecated canaryAnalysis spelling.
  c.analysis = parseAnalysis(spec.child(spec.has("analysis") ? "analysis" : "canaryAnalysis"));
  c.analysis.declared = spec.has("analysis") || spec.has("canaryAnalysis");
  c.progressDeadlineSeconds = spec.integer("progressDeadlineSeconds").value_or(600);
  c.skipAnalysis = spec.boolean("skipAnalysis").value_or(false);
  c.revertOnDeletion = spec.boolean("revertOnDeletion").value_or(false);
  c.suspend = spec.boolean("suspend").value_or(false);
  c.status = parseStatus(root.child("status"));
  if (!problems.empty()) return toStatus(problems);
  return c;
}

std::optional<int64_t> parseDurationSeconds(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text == "0") return 0;
  // Go's time.ParseDuration units; hand-written because no installed library parses Go durations.
  double total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    if (start == i) return std::nullopt;
    double value = 0;
    auto [end, ec] = std::from_chars(text.data() + start, text.data() + i, value);
    if (ec != std::errc() || end != text.data() + i) return std::nullopt;
    size_t unitStart = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view unit = text.substr(unitStart, i - unitStart);
    double scale = 0;
    if (unit == "h")
      scale = 3600;
    else if (unit == "m")
      scale = 60;
    else if (unit == "s")
      scale = 1;
    else if (unit == "ms")
      scale = 1e-3;
    else if (unit == "us" || unit == "µs")
      scale = 1e-6;
    else if (unit == "ns")
      scale = 1e-9;
    else
      return std::nullopt;
    total += value * scale;
  }
  return static_cast<int64_t>(total);
}

}  // namespace pennant::api
