#pragma once
// Alerts through AlertProviders (slack, msteams, discord, rocket, gchat with Flagger's message
// formats; Pennant's `generic`: plain JSON) and severity filtering. Choosing and formatting are pure; postAlert() is
// the I/O.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/canary.h"
#include "api/metric_template.h"
#include "common/json.h"
#include "common/status.h"
#include "http/http_client.h"

namespace pennant::notify {

enum class Severity { kInfo, kWarn, kError };

std::string_view severityName(Severity s);
// "" means info, as in Flagger.
StatusOr<Severity> parseSeverity(std::string_view name);

// One entry of analysis.alerts.
struct AlertRef {
  std::string name;
  Severity severity = Severity::kInfo;
  std::string providerName;
  std::string providerNamespace;  // "" = the Canary's namespace
};

StatusOr<std::vector<AlertRef>> parseAlertRefs(const Json& alerts);

// Flagger's filter: an info alert receives everything, a warn alert warn and error, an error
// alert only error.
bool shouldAlert(Severity subscribed, Severity event);

// Namespace of the AlertProvider an alert names.
std::string providerNamespace(const AlertRef& ref, std::string_view canaryNamespace);

struct Field {
  std::string name;
  std::string value;
};

// The metadata fields Flagger attaches to alerts: Target, Failed checks threshold, Progress
// deadline, Traffic routing; "Cluster" first when clusterName is set.
std::vector<Field> alertFields(const api::Canary& canary, std::string_view clusterName, bool withMetadata);

// Where and how to post: an AlertProvider with its secret resolved.
struct AlertTarget {
  std::string type;  // slack | msteams | discord | rocket | gchat | generic
  std::string url;
  std::string token;        // slack only: sent as a bearer token
  bool fromSecret = false;  // url/token came from the Secret: never put them in an error or a log
  std::string username = "flagger";
  std::string channel = "general";
};

// Resolves an AlertProvider: with secretRef, `secretData` (the Secret's decoded data) must hold
// `address` (and optionally `token`). Defaults username "flagger", channel "general".
StatusOr<AlertTarget> resolveAlertTarget(const api::AlertProvider& provider, const Json* secretData);

// The JSON body for the provider type; unknown types and malformed targets are kInvalidArgument.
StatusOr<Json> alertBody(const AlertTarget& target, std::string_view workload, std::string_view ns,
                         std::string_view message, const std::vector<Field>& fields, Severity severity);

// The URL the body goes to (discord hooks get Flagger's "/slack" suffix).
std::string alertUrl(const AlertTarget& target);

// POSTs the alert; only 2xx is success, the body of a failure is in the message. An address or
// token read from the Secret never appears in the returned error.
Status postAlert(http::Client& client, const AlertTarget& target, std::string_view workload, std::string_view ns,
                 std::string_view message, const std::vector<Field>& fields, Severity severity);

}  // namespace pennant::notify
