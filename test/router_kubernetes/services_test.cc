#include "router/kubernetes/services.h"

#include <gtest/gtest.h>

#include <functional>

namespace pennant::router::kubernetes {
namespace {

// podinfo as in Flagger's router tests: port 9898, selector app=podinfo.
ServiceSpec podinfo() {
  ServiceSpec spec;
  spec.apex = "podinfo";
  spec.namespace_ = "test";
  spec.port = 9898;
  spec.selectorLabel = "app";
  spec.selectorValue = "podinfo";
  spec.owner = {"podinfo", "c-uid"};
  return spec;
}

const char* kOwnerRefs = R"([{"apiVersion": "flagger.app/v1beta1", "kind": "Canary", "name": "podinfo",
  "uid": "c-uid", "controller": true, "blockOwnerDeletion": true}])";

// Flagger's markers on every Service it writes, so Flux and Helm leave the controller's changes alone.
Json fluxOff(Json annotations = Json::object()) {
  annotations["kustomize.toolkit.fluxcd.io/reconcile"] = "disabled";
  annotations["helm.toolkit.fluxcd.io/driftDetection"] = "disabled";
  return annotations;
}

Json service(const std::string& name, const std::string& selector, Json port, Json annotations = fluxOff()) {
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata",
           {{"name", name},
            {"namespace", "test"},
            {"labels", {{"app", name}}},
            {"annotations", annotations},
            {"ownerReferences", Json::parse(kOwnerRefs)}}},
          {"spec", {{"type", "ClusterIP"}, {"selector", {{"app", selector}}}, {"ports", Json::array({port})}}}};
}

TEST(ServicesTest, ThreeServicesAsFlaggerWritesThem) {
  ServiceSpec spec = podinfo();
  Json port = {{"name", "http"}, {"protocol", "TCP"}, {"port", 9898}, {"targetPort", 9898}};
  EXPECT_EQ(desiredService(spec, ServiceRole::kApex), service("podinfo", "podinfo-primary", port));
  EXPECT_EQ(desiredService(spec, ServiceRole::kPrimary), service("podinfo-primary", "podinfo-primary", port));
  EXPECT_EQ(desiredService(spec, ServiceRole::kCanary), service("podinfo-canary", "podinfo", port));
}

TEST(ServicesTest, PortFields) {
  struct Case {
    const char* name;
    std::function<void(ServiceSpec&)> edit;
    Json port;
  };
  const Case cases[] = {
      {"targetPort number",
       [](ServiceSpec& s) { s.targetPort = 8080; },
       {{"name", "http"}, {"protocol", "TCP"}, {"port", 9898}, {"targetPort", 8080}}},
      {"targetPort name",
       [](ServiceSpec& s) { s.targetPort = "http-metrics"; },
       {{"name", "http"}, {"protocol", "TCP"}, {"port", 9898}, {"targetPort", "http-metrics"}}},
      {"targetPort 0 means port",
       [](ServiceSpec& s) { s.targetPort = 0; },
       {{"name", "http"}, {"protocol", "TCP"}, {"port", 9898}, {"targetPort", 9898}}},
      {"gRPC over h2c",
       [](ServiceSpec& s) {
         s.port = 9090;
         s.portName = "grpc";
         s.appProtocol = "kubernetes.io/h2c";
       },
       {{"name", "grpc"},
        {"protocol", "TCP"},
        {"port", 9090},
        {"targetPort", 9090},
        {"appProtocol", "kubernetes.io/h2c"}}},
      {"empty portName is http",
       [](ServiceSpec& s) { s.portName = ""; },
       {{"name", "http"}, {"protocol", "TCP"}, {"port", 9898}, {"targetPort", 9898}}},
  };
  for (const Case& c : cases) {
    ServiceSpec spec = podinfo();
    c.edit(spec);
    for (ServiceRole role : {ServiceRole::kApex, ServiceRole::kPrimary, ServiceRole::kCanary}) {
      EXPECT_EQ(desiredService(spec, role)["spec"]["ports"], Json::array({c.port})) << c.name;
    }
  }
}

TEST(ServicesTest, HeadlessTrafficDistributionAndCustomMetadata) {
  ServiceSpec spec = podinfo();
  spec.headless = true;
  spec.trafficDistribution = "PreferClose";
  spec.apexMetadata = {{{"team", "web"}}, {{"a", "b"}, {"kustomize.toolkit.fluxcd.io/name", "x"}}};
  spec.canaryMetadata = {{{"track", "canary"}, {"app", "ignored"}}, {}};
  Json apex = desiredService(spec, ServiceRole::kApex);
  EXPECT_EQ(apex["spec"]["clusterIP"], "None");
  EXPECT_EQ(apex["spec"]["trafficDistribution"], "PreferClose");
  EXPECT_EQ(apex["metadata"]["labels"], (Json{{"app", "podinfo"}, {"team", "web"}}));
  EXPECT_EQ(apex["metadata"]["annotations"], fluxOff({{"a", "b"}, {"kustomize.toolkit.fluxcd.io/name", "x"}}));
  // The selector-label key always names the Service itself.
  EXPECT_EQ(desiredService(spec, ServiceRole::kCanary)["metadata"]["labels"],
            (Json{{"app", "podinfo-canary"}, {"track", "canary"}}));
  EXPECT_EQ(desiredService(spec, ServiceRole::kPrimary)["metadata"]["labels"], (Json{{"app", "podinfo-primary"}}));
}

// An existing Service as the API server returns it: defaults and allocations added.
Json asStored(Json desired) {
  desired["metadata"]["resourceVersion"] = "17";
  desired["spec"]["clusterIP"] = "10.0.0.12";
  desired["spec"]["sessionAffinity"] = "None";
  return desired;
}

TEST(ServicesTest, NoUpdateWhenTheServiceMatches) {
  ServiceSpec spec = podinfo();
  Json desired = desiredService(spec, ServiceRole::kApex);
  EXPECT_EQ(serviceUpdate(asStored(desired), desired, spec), std::nullopt);
  Json noProtocol = asStored(desired);
  noProtocol["spec"]["ports"][0].erase("protocol");  // TCP is the default
  EXPECT_EQ(serviceUpdate(noProtocol, desired, spec), std::nullopt);
}

TEST(ServicesTest, PortAndSelectorDriftIsCorrectedKeepingTheRest) {
  ServiceSpec spec = podinfo();
  Json desired = desiredService(spec, ServiceRole::kApex);
  Json existing = asStored(desired);
  existing["spec"]["ports"][0]["targetPort"] = 8080;
  existing["spec"]["ports"][0]["nodePort"] = 30080;
  existing["spec"]["selector"] = {{"app", "podinfo"}};
  auto updated = serviceUpdate(existing, desired, spec);
  ASSERT_TRUE(updated.has_value());
  Json expected = asStored(desired);
  expected["spec"]["ports"][0]["nodePort"] = 30080;  // allocated node ports survive
  EXPECT_EQ(*updated, expected);
}

TEST(ServicesTest, MetadataIsManagedOnlyOnOwnedServices) {
  ServiceSpec spec = podinfo();
  spec.unmanagedAnnotations = {"owner"};
  Json desired = desiredService(spec, ServiceRole::kApex);

  Json owned = asStored(desired);
  owned["metadata"]["annotations"] = {{"owner", "team-a"}, {"stray", "x"}};
  auto updated = serviceUpdate(owned, desired, spec);
  ASSERT_TRUE(updated.has_value());
  EXPECT_EQ((*updated)["metadata"]["annotations"], fluxOff({{"owner", "team-a"}}));  // unmanaged key kept

  Json foreign = asStored(desired);
  foreign["metadata"].erase("ownerReferences");
  foreign["metadata"]["labels"] = {{"app", "podinfo"}, {"user", "label"}};
  EXPECT_EQ(serviceUpdate(foreign, desired, spec), std::nullopt);
  foreign["spec"]["selector"] = {{"app", "podinfo"}};
  updated = serviceUpdate(foreign, desired, spec);
  ASSERT_TRUE(updated.has_value());
  EXPECT_EQ((*updated)["spec"]["selector"], (Json{{"app", "podinfo-primary"}}));
  EXPECT_EQ((*updated)["metadata"]["labels"], (Json{{"app", "podinfo"}, {"user", "label"}}));
}

TEST(ServicesTest, AnUpdateTurnsFluxOffOnATakenOverService) {
  ServiceSpec spec = podinfo();
  Json desired = desiredService(spec, ServiceRole::kApex);
  Json foreign = asStored(desired);
  foreign["metadata"].erase("ownerReferences");
  foreign["metadata"]["annotations"] = {{"kustomize.toolkit.fluxcd.io/checksum", "x"}, {"keep", "y"}};
  foreign["spec"]["ports"][0]["port"] = 80;
  auto updated = serviceUpdate(foreign, desired, spec);
  ASSERT_TRUE(updated.has_value());
  // As Flagger: the user's annotations stay, Flux reconciliation and Helm drift detection go off.
  EXPECT_EQ((*updated)["metadata"]["annotations"],
            fluxOff({{"kustomize.toolkit.fluxcd.io/checksum", "x"}, {"keep", "y"}}));
}

}  // namespace
}  // namespace pennant::router::kubernetes
