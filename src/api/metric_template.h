#pragma once
// MetricTemplate and AlertProvider (flagger.app/v1beta1): parsing with Flagger's defaults and
// validation naming the field. The metrics and notify areas consume these models.
#include <map>
#include <string>
#include <vector>

#include "api/problem.h"
#include "common/json.h"
#include "common/status.h"

namespace pennant::api {

struct MetricProvider {
  std::string type;  // prometheus (the one Pennant queries)
  std::string address;
  std::map<std::string, std::vector<std::string>> headers;  // sorted: deterministic requests
  std::string secretRefName;
  bool insecureSkipVerify = false;
};

struct MetricTemplate {
  std::string name;
  std::string namespace_ = "default";
  MetricProvider provider;
  std::string query;  // Go text/template with Flagger's functions
};

struct AlertProvider {
  std::string name;
  std::string namespace_ = "default";
  std::string type;  // slack | msteams | discord | rocket | gchat
  std::string channel;
  std::string username;
  std::string address;
  std::string proxy;
  std::string secretRefName;
};

// kInvalidArgument listing every problem (one per line) when the manifest is malformed or invalid.
StatusOr<MetricTemplate> parseMetricTemplate(const Json& manifest);
StatusOr<AlertProvider> parseAlertProvider(const Json& manifest);

}  // namespace pennant::api
