#include "notify/webhook.h"

#include <cstdio>
#include <thread>
#include <utility>

#include "api/canary.h"

namespace pennant::notify {
namespace {

// Webhook receivers can answer with whole HTML pages; keep events and conditions readable.
constexpr size_t kMaxBodyInMessage = 512;

std::string truncated(std::string_view body) {
  if (body.size() <= kMaxBodyInMessage) return std::string(body);
  return std::string(body.substr(0, kMaxBodyInMessage)) + "... (" + std::to_string(body.size()) + " bytes)";
}

bool retryableAnswer(int status) { return status == 429 || status >= 500; }

}  // namespace

StatusOr<std::vector<Webhook>> parseWebhooks(const Json& webhooks) {
  std::vector<Webhook> out;
  if (webhooks.is_null()) return out;
  if (!webhooks.is_array()) return absl::InvalidArgumentError("analysis.webhooks: must be a list");
  std::string problems;
  auto problem = [&](size_t i, std::string_view field, std::string_view what) {
    if (!problems.empty()) problems += "\n";
    problems += "analysis.webhooks[" + std::to_string(i) + "]" + std::string(field) + ": " + std::string(what);
  };
  for (size_t i = 0; i < webhooks.size(); ++i) {
    const Json& item = webhooks[i];
    if (!item.is_object()) {
      problem(i, "", "must be an object");
      continue;
    }
    Webhook hook;
    hook.name = stringAt(item, {"name"});
    hook.url = stringAt(item, {"url"});
    if (hook.name.empty()) problem(i, ".name", "required");
    if (hook.url.empty()) problem(i, ".url", "required");
    std::string typeName = stringAt(item, {"type"});
    if (auto type = api::parseHookType(typeName)) hook.type = *type;
    else problem(i, ".type", "unknown webhook type \"" + typeName + "\"");
    if (auto it = item.find("timeout"); it != item.end() && !it->is_null()) {
      auto secs = it->is_string() ? api::parseDurationSeconds(it->get<std::string>()) : std::nullopt;
      if (secs && *secs > 0) hook.timeout = std::chrono::seconds(*secs);
      else problem(i, ".timeout", "not a duration like \"30s\" or \"1m\"");
    }
    if (auto it = item.find("retries"); it != item.end() && !it->is_null()) {
      if (it->is_number_integer() && it->get<int64_t>() >= 0) hook.retries = it->get<int>();
      else problem(i, ".retries", "must be a non-negative integer");
    }
    if (auto it = item.find("disableTLS"); it != item.end() && it->is_boolean()) hook.disableTls = it->get<bool>();
    if (auto it = item.find("muteAlert"); it != item.end() && it->is_boolean()) hook.muteAlert = it->get<bool>();
    if (auto it = item.find("metadata"); it != item.end() && !it->is_null()) {
      if (!it->is_object()) {
        problem(i, ".metadata", "must be a map of strings");
      } else {
        for (const auto& [k, v] : it->items()) {
          if (v.is_string()) hook.metadata[k] = v.get<std::string>();
          else problem(i, ".metadata." + k, "must be a string");
        }
      }
    }
    out.push_back(std::move(hook));
  }
  if (!problems.empty()) return absl::InvalidArgumentError(problems);
  return out;
}

std::vector<Webhook> hooksOfType(const std::vector<Webhook>& hooks, HookType type) {
  std::vector<Webhook> out;
  for (const auto& h : hooks) {
    if (h.type == type) out.push_back(h);
  }
  return out;
}

Json payloadJson(const WebhookPayload& payload) {
  Json out = {{"name", payload.name},
              {"namespace", payload.namespace_},
              {"phase", payload.phase},
              {"checksum", payload.checksum}};
  if (!payload.metadata.empty()) out["metadata"] = payload.metadata;
  return out;
}

std::string canaryChecksum(const Json& trackedConfigs, std::string_view lastAppliedSpec) {
  // Flagger hashes a Go struct with its own printer; any stable digest of the same two inputs
  // serves the receivers, which only compare checksums for equality.
  Json canonical = {{"trackedConfigs", trackedConfigs.is_null() ? Json::object() : trackedConfigs},
                    {"lastAppliedSpec", lastAppliedSpec}};
  uint32_t hash = 2166136261u;
  for (unsigned char c : canonical.dump()) {
    hash ^= c;
    hash *= 16777619u;
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", hash);
  return buf;
}

WebhookPayload eventPayload(WebhookPayload base, const Webhook& hook, std::string_view message,
                            std::string_view eventType, int64_t unixMillis) {
  base.metadata = hook.metadata;
  base.metadata["eventMessage"] = std::string(message);
  base.metadata["eventType"] = std::string(eventType);
  base.metadata["timestamp"] = std::to_string(unixMillis);
  return base;
}

WebhookResult callWebhook(http::Client& client, const Webhook& hook, const WebhookPayload& payload,
                          const Sleeper& sleep) {
  http::Request request;
  request.method = "POST";
  request.url = hook.url;
  request.headers = {{"Content-Type", "application/json"}};
  request.body = payloadJson(payload).dump();
  request.timeout = hook.timeout;

  WebhookResult result;
  std::chrono::milliseconds backoff{200};
  for (int attempt = 0; attempt <= hook.retries; ++attempt) {
    if (attempt > 0) {
      if (sleep) sleep(backoff);
      else std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
    }
    result.attempts = attempt + 1;
    auto response = client.send(request);
    if (!response.ok()) {
      result.httpStatus = 0;
      result.message = "webhook " + hook.name + " (" + hook.url + "): " + std::string(response.status().message());
      continue;
    }
    result.httpStatus = response->status;
    if (response->status >= 200 && response->status < 300) {
      result.ok = true;
      result.message.clear();
      return result;
    }
    result.message = "webhook " + hook.name + " answered " + std::to_string(response->status) + ": " +
                     truncated(response->body);
    if (!retryableAnswer(response->status)) break;
  }
  return result;
}

}  // namespace pennant::notify
