#pragma once
// The type of a Kubernetes Event, apart from the recorder so pure code (the analysis' RecordEvent
// actions) can name it without the client.
#include <string_view>

namespace pennant::kube {

enum class EventType { kNormal, kWarning };

// "Normal", "Warning" (the Event's `type` field).
constexpr std::string_view eventTypeName(EventType type) { return type == EventType::kWarning ? "Warning" : "Normal"; }

}  // namespace pennant::kube
