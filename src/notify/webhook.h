#pragma once
// Canary webhooks (analysis.webhooks) with Flagger's types and JSON payload. Selecting hooks and
// building payloads are pure; callWebhook() is the one I/O function, on the http seam.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/webhook_type.h"
#include "common/json.h"
#include "common/status.h"
#include "http/http_client.h"

namespace pennant::notify {

using api::HookType;
using api::hookTypeName;

struct Webhook {
  std::string name;
  HookType type = HookType::kRollout;
  std::string url;
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};  // Flagger's default
  int retries = 0;
  bool disableTls = false;
  bool muteAlert = false;
  std::map<std::string, std::string> metadata;  // sorted: deterministic payloads
};

// Parses analysis.webhooks; one problem per line naming the field ("analysis.webhooks[1].url: required").
StatusOr<std::vector<Webhook>> parseWebhooks(const Json& webhooks);

// Hooks of one type, in the order the user wrote them.
std::vector<Webhook> hooksOfType(const std::vector<Webhook>& hooks, HookType type);

struct WebhookPayload {
  std::string name;
  std::string namespace_;
  std::string phase;
  std::string checksum;
  std::map<std::string, std::string> metadata;
};

// Flagger's CanaryWebhookPayload: {name, namespace, phase, checksum, metadata (omitted when empty)}.
Json payloadJson(const WebhookPayload& payload);

// Flagger's checksum of a Canary: changes whenever status.trackedConfigs or status.lastAppliedSpec
// changes. Stable across restarts (FNV-1a of the canonical JSON).
std::string canaryChecksum(const Json& trackedConfigs, std::string_view lastAppliedSpec);

// The payload of an `event` hook: the hook's metadata plus eventMessage, eventType and timestamp
// (Unix milliseconds), which the hook's own metadata cannot override.
WebhookPayload eventPayload(WebhookPayload base, const Webhook& hook, std::string_view message,
                            std::string_view eventType, int64_t unixMillis);

struct WebhookResult {
  bool ok = false;
  int httpStatus = 0;   // 0 when no answer arrived
  std::string message;  // on failure: the response body (truncated) or the transport error
  int attempts = 0;
};

using Sleeper = std::function<void(std::chrono::milliseconds)>;

// POSTs the payload. Only a 2xx answer is success. Transport errors, 429 and 5xx are retried
// `hook.retries` times with a short back-off; other answers fail at once.
WebhookResult callWebhook(http::Client& client, const Webhook& hook, const WebhookPayload& payload,
                          const Sleeper& sleep = {});

}  // namespace pennant::notify
