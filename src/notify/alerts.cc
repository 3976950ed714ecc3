#include "notify/alerts.h"

#include <chrono>

namespace pennant::notify {
namespace {

Json slackLikeBody(const AlertTarget& t, std::string_view author, std::string_view message,
                   const std::vector<Field>& fields, std::string_view color) {
  Json sfields = Json::array();
  for (const auto& f : fields) sfields.push_back({{"title", f.name}, {"value", f.value}, {"short", false}});
  Json attachment = {
      {"color", color}, {"author_name", author}, {"text", message}, {"mrkdwn_in", {"text"}}, {"fields", sfields}};
  return {{"channel", t.channel},
          {"username", t.username},
          {"icon_url", ""},
          {"icon_emoji", ":rocket:"},
          {"attachments", Json::array({attachment})}};
}

Json teamsBody(std::string_view author, std::string_view message, const std::vector<Field>& fields, Severity s) {
  Json facts = Json::array();
  for (const auto& f : fields) facts.push_back({{"name", f.name}, {"value", f.value}});
  return {{"@type", "MessageCard"},
          {"@context", "http://schema.org/extensions"},
          {"themeColor", s == Severity::kError ? "FF0000" : "0076D7"},
          {"summary", author},
          {"sections", Json::array({{{"activityTitle", message}, {"activitySubtitle", author}, {"facts", facts}}})}};
}

Json gchatBody(std::string_view author, std::string_view message, const std::vector<Field>& fields) {
  auto paragraph = [](std::string text) {
    return Json{{"widgets", Json::array({{{"textParagraph", {{"text", std::move(text)}}}}})}};
  };
  Json sections = Json::array();
  sections.push_back(paragraph("<font color=#848484><strong>" + std::string(message) + "</strong></font>"));
  for (const auto& f : fields) {
    sections.push_back(paragraph(f.name + "<br><font color=#848484><strong>" + f.value + "</strong></font>"));
  }
  return {
      {"cards",
       Json::array(
           {{{"header", {{"title", "Flagger"}, {"subtitle", author}, {"imageUrl", "https://flagger.app/favicon.png"}}},
             {"sections", sections}}})}};
}

// Pennant's own `generic` provider: the alert as plain JSON for any receiver (no chat layout).
Json genericBody(std::string_view workload, std::string_view ns, std::string_view message,
                 const std::vector<Field>& fields, Severity s) {
  Json fieldMap = Json::object();
  for (const auto& f : fields) fieldMap[f.name] = f.value;
  return {
      {"name", workload}, {"namespace", ns}, {"message", message}, {"severity", severityName(s)}, {"fields", fieldMap}};
}

// The address read from a Secret (and a token) is itself a credential: errors must not carry it.
Status redacted(const Status& s, const AlertTarget& t) {
  if (s.ok() || !t.fromSecret) return s;
  std::string message(s.message());
  for (const std::string* secret : {&t.url, &t.token}) {
    if (secret->empty()) continue;
    for (size_t at = message.find(*secret); at != std::string::npos; at = message.find(*secret, at)) {
      message.replace(at, secret->size(), "<address from secret>");
    }
  }
  return Status(s.code(), message);
}

bool looksLikeUrl(std::string_view url) { return url.starts_with("http://") || url.starts_with("https://"); }

}  // namespace

std::string_view severityName(Severity s) {
  switch (s) {
    case Severity::kInfo:
      return "info";
    case Severity::kWarn:
      return "warn";
    case Severity::kError:
      return "error";
  }
  return "info";
}

StatusOr<Severity> parseSeverity(std::string_view name) {
  if (name.empty() || name == "info") return Severity::kInfo;
  if (name == "warn") return Severity::kWarn;
  if (name == "error") return Severity::kError;
  return absl::InvalidArgumentError("unknown severity \"" + std::string(name) + "\" (info, warn or error)");
}

StatusOr<std::vector<AlertRef>> parseAlertRefs(const Json& alerts) {
  std::vector<AlertRef> out;
  if (alerts.is_null()) return out;
  if (!alerts.is_array()) return absl::InvalidArgumentError("analysis.alerts: must be a list");
  std::string problems;
  auto problem = [&](size_t i, std::string_view what) {
    if (!problems.empty()) problems += "\n";
    problems += "analysis.alerts[" + std::to_string(i) + "]" + std::string(what);
  };
  for (size_t i = 0; i < alerts.size(); ++i) {
    const Json& a = alerts[i];
    AlertRef ref;
    ref.name = stringAt(a, {"name"});
    ref.providerName = stringAt(a, {"providerRef", "name"});
    ref.providerNamespace = stringAt(a, {"providerRef", "namespace"});
    auto sev = parseSeverity(stringAt(a, {"severity"}));
    if (sev.ok())
      ref.severity = *sev;
    else
      problem(i, ".severity: " + std::string(sev.status().message()));
    if (ref.providerName.empty()) problem(i, ".providerRef.name: required");
    out.push_back(std::move(ref));
  }
  if (!problems.empty()) return absl::InvalidArgumentError(problems);
  return out;
}

bool shouldAlert(Severity subscribed, Severity event) {
  if (subscribed == Severity::kInfo) return true;
  if (subscribed == event) return true;
  return subscribed == Severity::kWarn && event == Severity::kError;
}

std::string providerNamespace(const AlertRef& ref, std::string_view canaryNamespace) {
  return ref.providerNamespace.empty() ? std::string(canaryNamespace) : ref.providerNamespace;
}

std::vector<Field> alertFields(const api::Canary& canary, std::string_view clusterName, bool withMetadata) {
  std::vector<Field> fields;
  if (!clusterName.empty()) fields.push_back({"Cluster", std::string(clusterName)});
  if (!withMetadata) return fields;
  fields.push_back({"Target", canary.targetRef.kind + "/" + canary.targetRef.name + "." + canary.namespace_});
  fields.push_back({"Failed checks threshold", std::to_string(canary.analysis.threshold)});
  fields.push_back({"Progress deadline", std::to_string(canary.progressDeadlineSeconds) + "s"});
  const auto& a = canary.analysis;
  std::string maxWeight = std::to_string(a.maxWeight.value_or(0));
  switch (canary.strategy()) {
    case api::Strategy::kAbTesting:
      fields.push_back({"Traffic routing", "A/B Testing"});
      break;
    case api::Strategy::kBlueGreen:
      fields.push_back({"Traffic routing", "Blue/Green"});
      break;
    case api::Strategy::kCanary:
      if (a.stepWeight.value_or(0) > 0) {
        fields.push_back({"Traffic routing", "Weight step: " + std::to_string(*a.stepWeight) + " max: " + maxWeight});
      } else if (!a.stepWeights.empty()) {
        std::string steps;
        for (auto w : a.stepWeights) steps += (steps.empty() ? "" : ",") + std::to_string(w);
        fields.push_back({"Traffic routing", "Weight steps: " + steps + " max: " + maxWeight});
      }
      break;
  }
  return fields;
}

StatusOr<AlertTarget> resolveAlertTarget(const api::AlertProvider& provider, const Json* secretData) {
  AlertTarget t;
  t.type = provider.type;
  t.url = provider.address;
  if (!provider.secretRefName.empty()) {
    const Json* address = secretData ? findPath(*secretData, {"address"}) : nullptr;
    if (address == nullptr || !address->is_string()) {
      return absl::FailedPreconditionError("alert provider " + provider.namespace_ + "/" + provider.name + ": secret " +
                                           provider.secretRefName + " has no \"address\"");
    }
    t.url = address->get<std::string>();
    t.token = stringAt(*secretData, {"token"});
    t.fromSecret = true;
  }
  if (!provider.username.empty()) t.username = provider.username;
  if (!provider.channel.empty()) t.channel = provider.channel;
  return t;
}

StatusOr<Json> alertBody(const AlertTarget& target, std::string_view workload, std::string_view ns,
                         std::string_view message, const std::vector<Field>& fields, Severity severity) {
  if (!looksLikeUrl(target.url)) {
    if (target.fromSecret) return absl::InvalidArgumentError("invalid " + target.type + " hook URL in the secret");
    return absl::InvalidArgumentError("invalid " + target.type + " hook URL \"" + target.url + "\"");
  }
  std::string author = std::string(workload) + "." + std::string(ns);
  bool error = severity == Severity::kError;
  if (target.type == "slack" || target.type == "discord") {
    return slackLikeBody(target, author, message, fields, error ? "danger" : "good");
  }
  if (target.type == "rocket") return slackLikeBody(target, author, message, fields, error ? "#FF0000" : "#0076D7");
  if (target.type == "msteams") return teamsBody(author, message, fields, severity);
  if (target.type == "gchat") return gchatBody(author, message, fields);
  if (target.type == "generic") return genericBody(workload, ns, message, fields, severity);
  return absl::InvalidArgumentError("alert provider type \"" + target.type + "\" is not supported");
}

std::string alertUrl(const AlertTarget& target) {
  if (target.type == "discord" && !target.url.ends_with("/slack")) {
    return target.url + (target.url.ends_with("/") ? "slack" : "/slack");
  }
  return target.url;
}

namespace {

Status postAlertUnredacted(http::Client& client, const AlertTarget& target, std::string_view workload,
                           std::string_view ns, std::string_view message, const std::vector<Field>& fields,
                           Severity severity) {
  PENNANT_ASSIGN_OR_RETURN(Json body, alertBody(target, workload, ns, message, fields, severity));
  http::Request request;
  request.method = "POST";
  request.url = alertUrl(target);
  request.headers = {{"Content-Type", "application/json"}};
  if (target.type == "slack" && !target.token.empty())
    request.headers.push_back({"Authorization", "Bearer " + target.token});
  request.body = body.dump();
  request.timeout = std::chrono::seconds(5);  // Flagger's notifier timeout
  auto response = client.send(request);
  if (!response.ok()) return annotate(response.status(), "sending " + target.type + " alert");
  if (response->status < 200 || response->status >= 300) {
    return absl::UnavailableError("sending " + target.type + " alert: bad response " +
                                  std::to_string(response->status) + ": " + response->body.substr(0, 512));
  }
  return absl::OkStatus();
}

}  // namespace

Status postAlert(http::Client& client, const AlertTarget& target, std::string_view workload, std::string_view ns,
                 std::string_view message, const std::vector<Field>& fields, Severity severity) {
  return redacted(postAlertUnredacted(client, target, workload, ns, message, fields, severity), target);
}

}  // namespace pennant::notify
