#include "kube/packed_object.h"

#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <vector>

namespace pennant::kube {
namespace {

// Layout: 4-byte little-endian length of the CBOR, then the zlib stream of it.
constexpr size_t kHeader = 4;
constexpr int kLevel = 1;  // fastest: level 6 saves a few percent more for several times the CPU
// An 8 KB window holds the preset dictionary and a whole cached object (a Deployment's CBOR is
// ~1-2 KB), and keeps zlib's per-call state ~40 KB instead of ~270 KB for the default 32 KB.
constexpr int kWindowBits = 13;
constexpr int kMemLevel = 6;

// zlib's preset dictionary: byte strings a cached object probably repeats. A lone object is too
// small for deflate to find much to back-reference within itself (field names occur once), so
// each object is compressed as if it followed these bytes. They are the CBOR encodings of the
// Kubernetes vocabulary the controller caches (object metadata, Deployments and their pod
// templates, Services, Gateway API routes, Flagger Canaries, ConfigMaps and Secrets), built once
// from JSON so they match the encoder's bytes. zlib favours the dictionary's end, so the most
// common parts (metadata, status conditions) come last. Changing them changes nothing outside
// this process: packed bytes never leave the cache.
const std::vector<std::uint8_t>& dictionary() {
  static const std::vector<std::uint8_t> bytes = [] {
    const Json condition = {{"lastTransitionTime", "2026-01-01T00:00:00Z"},
                            {"lastUpdateTime", "2026-01-01T00:00:00Z"},
                            {"message", ""},
                            {"observedGeneration", 1},
                            {"reason", ""},
                            {"status", "True"},
                            {"type", "Ready"}};
    const Json probe = {
        {"failureThreshold", 3},    {"httpGet", {{"path", "/healthz"}, {"port", 8080}, {"scheme", "HTTP"}}},
        {"initialDelaySeconds", 5}, {"periodSeconds", 10},
        {"successThreshold", 1},    {"timeoutSeconds", 1}};
    const Json container = {
        {"args", Json::array()},
        {"command", Json::array()},
        {"env",
         {{{"name", "POD_NAME"},
           {"valueFrom", {{"fieldRef", {{"apiVersion", "v1"}, {"fieldPath", "metadata.name"}}}}}}}},
        {"image", "registry.example/app:1.0.0"},
        {"imagePullPolicy", "IfNotPresent"},
        {"livenessProbe", probe},
        {"name", "app"},
        {"ports", {{{"containerPort", 8080}, {"name", "http"}, {"protocol", "TCP"}}}},
        {"readinessProbe", probe},
        {"resources",
         {{"limits", {{"cpu", "1000m"}, {"memory", "512Mi"}}}, {"requests", {{"cpu", "100m"}, {"memory", "64Mi"}}}}},
        {"securityContext",
         {{"allowPrivilegeEscalation", false}, {"readOnlyRootFilesystem", true}, {"runAsNonRoot", true}}},
        {"terminationMessagePath", "/dev/termination-log"},
        {"terminationMessagePolicy", "File"},
        {"volumeMounts", {{{"mountPath", "/etc/config"}, {"name", "config"}}}}};
    const Json deployment = {
        {"apiVersion", "apps/v1"},
        {"kind", "Deployment"},
        {"spec",
         {{"progressDeadlineSeconds", 600},
          {"replicas", 1},
          {"revisionHistoryLimit", 10},
          {"selector", {{"matchLabels", {{"app", ""}}}}},
          {"strategy",
           {{"rollingUpdate", {{"maxSurge", "25%"}, {"maxUnavailable", "25%"}}}, {"type", "RollingUpdate"}}},
          {"template",
           {{"metadata",
             {{"annotations", {{"prometheus.io/scrape", "true"}}},
              {"creationTimestamp", nullptr},
              {"labels", {{"app", ""}}}}},
            {"spec",
             {{"containers", {container}},
              {"dnsPolicy", "ClusterFirst"},
              {"restartPolicy", "Always"},
              {"schedulerName", "default-scheduler"},
              {"securityContext", Json::object()},
              {"serviceAccountName", "default"},
              {"terminationGracePeriodSeconds", 30},
              {"volumes", {{{"configMap", {{"defaultMode", 420}, {"name", "config"}}}, {"name", "config"}}}}}}}}}},
        {"status",
         {{"availableReplicas", 1},
          {"conditions", {condition}},
          {"observedGeneration", 1},
          {"readyReplicas", 1},
          {"replicas", 1},
          {"updatedReplicas", 1},
          {"unavailableReplicas", 1}}}};
    const Json service = {{"apiVersion", "v1"},
                          {"kind", "Service"},
                          {"spec",
                           {{"clusterIP", "10.96.0.1"},
                            {"clusterIPs", {"10.96.0.1"}},
                            {"internalTrafficPolicy", "Cluster"},
                            {"ipFamilies", {"IPv4"}},
                            {"ipFamilyPolicy", "SingleStack"},
                            {"ports",
                             {{{"appProtocol", "kubernetes.io/h2c"},
                               {"name", "http"},
                               {"port", 80},
                               {"protocol", "TCP"},
                               {"targetPort", 8080}}}},
                            {"selector", {{"app", ""}}},
                            {"sessionAffinity", "None"},
                            {"type", "ClusterIP"}}},
                          {"status", {{"loadBalancer", Json::object()}}}};
    const Json backend = {{"group", ""}, {"kind", "Service"}, {"name", ""}, {"port", 80}, {"weight", 100}};
    const Json route = {
        {"apiVersion", "gateway.networking.k8s.io/v1"},
        {"kind", "HTTPRoute"},
        {"spec",
         {{"hostnames", {""}},
          {"parentRefs",
           {{{"group", "gateway.networking.k8s.io"},
             {"kind", "Gateway"},
             {"name", "gateway"},
             {"namespace", ""},
             {"sectionName", "http"}}}},
          {"rules",
           {{{"backendRefs", {backend, backend}},
             {"matches",
              {{{"headers", {{{"name", "x-canary"}, {"type", "Exact"}, {"value", "always"}}}},
                {"method", {{"method", ""}, {"service", ""}, {"type", "Exact"}}},
                {"path", {{"type", "PathPrefix"}, {"value", "/"}}}}}},
             {"timeouts", {{"request", "15s"}}}}}}}},
        {"status",
         {{"parents",
           {{{"conditions", {condition}},
             {"controllerName", "gateway.envoyproxy.io/gatewayclass-controller"},
             {"parentRef", {{"group", "gateway.networking.k8s.io"}, {"kind", "Gateway"}, {"name", "gateway"}}}}}}}}};
    const Json canary = {
        {"apiVersion", "flagger.app/v1beta1"},
        {"kind", "Canary"},
        {"spec",
         {{"analysis",
           {{"interval", "1m"},
            {"iterations", 10},
            {"maxWeight", 50},
            {"stepWeight", 10},
            {"stepWeights", {1, 5, 10}},
            {"threshold", 5},
            {"match", {{{"headers", {{"x-canary", {{"exact", "insider"}}}}}}}},
            {"metrics",
             {{{"interval", "1m"},
               {"name", "request-success-rate"},
               {"templateRef", {{"name", ""}, {"namespace", ""}}},
               {"thresholdRange", {{"max", 500}, {"min", 99}}}}}},
            {"webhooks",
             {{{"metadata", {{"cmd", ""}}},
               {"name", "load-test"},
               {"timeout", "5s"},
               {"type", "pre-rollout"},
               {"url", "http://flagger-loadtester/"}}}}}},
          {"autoscalerRef", {{"apiVersion", "autoscaling/v2"}, {"kind", "HorizontalPodAutoscaler"}, {"name", ""}}},
          {"progressDeadlineSeconds", 60},
          {"service",
           {{"gatewayRefs", {{{"name", "gateway"}, {"namespace", ""}}}},
            {"port", 80},
            {"targetPort", 8080},
            {"routeRef", {{"apiVersion", "gateway.networking.k8s.io/v1"}, {"kind", "GRPCRoute"}, {"name", ""}}}}},
          {"targetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", ""}}}}},
        {"status",
         {{"canaryWeight", 0},
          {"conditions", {condition}},
          {"failedChecks", 0},
          {"iterations", 0},
          {"lastAppliedSpec", ""},
          {"lastPromotedSpec", ""},
          {"lastTransitionTime", "2026-01-01T00:00:00Z"},
          {"phase", "Succeeded"},
          {"trackedConfigs", Json::object()}}}};
    const Json data = {{"apiVersion", "v1"}, {"data", Json::object()}, {"kind", "ConfigMap"}, {"type", "Opaque"}};
    const Json metadata = {
        {"metadata",
         {{"annotations", {{"deployment.kubernetes.io/revision", "1"}, {"flagger.app/config-tracking", "disabled"}}},
          {"creationTimestamp", "2026-01-01T00:00:00Z"},
          {"generation", 1},
          {"labels", {{"app", ""}, {"app.kubernetes.io/name", ""}, {"app.kubernetes.io/managed-by", "pennant"}}},
          {"name", ""},
          {"namespace", "default"},
          {"ownerReferences",
           {{{"apiVersion", "flagger.app/v1beta1"},
             {"blockOwnerDeletion", true},
             {"controller", true},
             {"kind", "Canary"},
             {"name", ""},
             {"uid", "00000000-0000-0000-0000-000000000000"}}}},
          {"resourceVersion", "1"},
          {"uid", "00000000-0000-0000-0000-000000000000"}}}};
    std::vector<std::uint8_t> out;
    for (const Json* part : {&data, &canary, &route, &service, &deployment, &metadata}) {
      const std::vector<std::uint8_t> cbor = Json::to_cbor(*part);
      out.insert(out.end(), cbor.begin(), cbor.end());
    }
    return out;
  }();
  return bytes;
}

}  // namespace

size_t packDictionarySize() { return dictionary().size(); }

std::string packObject(const Json& object) {
  std::vector<std::uint8_t> cbor = Json::to_cbor(object);
  const auto& dict = dictionary();
  z_stream stream{};
  if (deflateInit2(&stream, kLevel, Z_DEFLATED, kWindowBits, kMemLevel, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(kHeader + deflateBound(&stream, static_cast<uLong>(cbor.size())), '\0');
  const auto size = static_cast<std::uint32_t>(cbor.size());
  for (size_t i = 0; i < kHeader; ++i) out[i] = static_cast<char>((size >> (8 * i)) & 0xff);
  stream.next_in = cbor.data();
  stream.avail_in = static_cast<uInt>(cbor.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data() + kHeader);
  stream.avail_out = static_cast<uInt>(out.size() - kHeader);
  const bool ok = deflateSetDictionary(&stream, dict.data(), static_cast<uInt>(dict.size())) == Z_OK &&
                  deflate(&stream, Z_FINISH) == Z_STREAM_END;
  const size_t written = stream.total_out;
  deflateEnd(&stream);
  if (!ok) return {};
  out.resize(kHeader + written);
  out.shrink_to_fit();
  return out;
}

Json unpackObject(std::string_view packed) {
  const Json invalid(Json::value_t::discarded);
  if (packed.size() < kHeader) return invalid;
  std::uint32_t size = 0;
  for (size_t i = 0; i < kHeader; ++i)
    size |= static_cast<std::uint32_t>(static_cast<unsigned char>(packed[i])) << (8 * i);
  std::vector<std::uint8_t> cbor(size);
  z_stream stream{};
  if (inflateInit2(&stream, kWindowBits) != Z_OK) return invalid;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(packed.data() + kHeader));
  stream.avail_in = static_cast<uInt>(packed.size() - kHeader);
  stream.next_out = cbor.data();
  stream.avail_out = static_cast<uInt>(cbor.size());
  int rc = inflate(&stream, Z_FINISH);
  if (rc == Z_NEED_DICT) {
    const auto& dict = dictionary();
    rc = inflateSetDictionary(&stream, dict.data(), static_cast<uInt>(dict.size()));
    if (rc == Z_OK) rc = inflate(&stream, Z_FINISH);
  }
  const bool ok = rc == Z_STREAM_END && stream.total_out == size;
  inflateEnd(&stream);
  if (!ok) return invalid;
  return Json::from_cbor(cbor, true, false);
}

}  // namespace pennant::kube
