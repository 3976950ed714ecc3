#pragma once
// The e2e tests' stand-in for a Gateway API data plane, the pure part: which backends a route
// sends a batch of calls to. There is no gateway in the test bed, so this reads the route the
// controller wrote (GRPCRoute or HTTPRoute JSON) and applies the Gateway API's matching rules:
// a call goes to the matching rule of highest precedence (GRPCRoute: longest matching service,
// then method, then most header matches; HTTPRoute: Exact path, longest prefix, then most header
// matches; ties go to the earlier rule), then is split over that rule's backendRefs by weight.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/json.h"

namespace pennant::e2e {

// One kind of call a client makes, `count` of them per tick.
struct CallClass {
  std::string grpcService;                     // GRPCRoute: "helloworld.Greeter"
  std::string grpcMethod;                      // GRPCRoute: "SayHello"
  std::string path = "/";                      // HTTPRoute
  std::map<std::string, std::string> headers;  // names lower-case
  int count = 100;
};

// Index of the rule `call` matches, -1 when none does (the gateway would answer 404).
int matchRule(const Json& route, const CallClass& call);

// `calls` calls over the backendRefs of `rule`: Service name -> calls. Weights are relative (an
// absent weight is 1); the split is exact in integers (largest remainder, ties to the earlier
// backend). All weights 0: nobody (the gateway would answer 500).
std::map<std::string, int64_t> splitByWeight(const Json& rule, int64_t calls);

}  // namespace pennant::e2e
