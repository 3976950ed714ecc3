#pragma once
// Canary manifests for router tests: a base per route kind, edited per test case as JSON.
#include <gtest/gtest.h>

#include <string_view>

#include "api/canary.h"
#include "common/json.h"

namespace pennant::testing {

inline Json yaml(std::string_view text) {
  auto doc = parseYaml(text);
  EXPECT_TRUE(doc.ok()) << doc.status();
  return doc.ok() ? *doc : Json();
}

// gRPC canary "greeter" in namespace demo with two user rules on a managed GRPCRoute.
inline Json grpcCanaryManifest() {
  return yaml(R"(
apiVersion: flagger.app/v1beta1
kind: Canary
metadata: {name: greeter, namespace: demo, uid: 1111-2222}
spec:
  provider: gatewayapi:v1
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: greeter}
  service:
    port: 9090
    gatewayRefs: [{name: public-gw, namespace: gateway-system}]
    hosts: [grpc.example.com]
    route:
      kind: GRPCRoute
      rules:
        - name: login
          matches:
            - method: {service: com.example.UserService, method: Login}
              headers: [{name: x-tenant, value: acme}]
          filters:
            - type: RequestHeaderModifier
              requestHeaderModifier: {set: [{name: x-route, value: v2}]}
        - matches:
            - method: {type: RegularExpression, service: 'com\.example\..*'}
  analysis: {interval: 30s, threshold: 5, maxWeight: 50, stepWeight: 10}
)");
}

// Flagger's podinfo HTTPRoute canary (no route.rules).
inline Json httpCanaryManifest() {
  return yaml(R"(
apiVersion: flagger.app/v1beta1
kind: Canary
metadata: {name: podinfo, namespace: test, uid: 3333-4444}
spec:
  provider: gatewayapi:v1
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
  service:
    port: 9898
    hosts: [www.example.com]
    gatewayRefs: [{name: gateway, namespace: istio-ingress}]
  analysis: {interval: 15s, threshold: 15, maxWeight: 50, stepWeight: 10}
)");
}

inline api::Canary canaryFrom(const Json& manifest) {
  auto canary = api::parseCanary(manifest);
  EXPECT_TRUE(canary.ok()) << canary.status();
  return canary.ok() ? *canary : api::Canary{};
}

}  // namespace pennant::testing
