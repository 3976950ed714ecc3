#include "kube/watch_decoder.h"

#include <absl/strings/escaping.h>

#include <cctype>
#include <exception>

#include "common/strings.h"
#include "kube/errors.h"

namespace pennant::kube {
namespace {

std::optional<WatchEvent::Type> eventType(std::string_view name) {
  if (name == "ADDED") return WatchEvent::Type::kAdded;
  if (name == "MODIFIED") return WatchEvent::Type::kModified;
  if (name == "DELETED") return WatchEvent::Type::kDeleted;
  if (name == "BOOKMARK") return WatchEvent::Type::kBookmark;
  if (name == "ERROR") return WatchEvent::Type::kError;
  return std::nullopt;
}

std::string excerpt(std::string_view line) {
  return std::string(line.substr(0, 120)) + (line.size() > 120 ? "..." : "");
}

}  // namespace

StatusOr<WatchEvent> decodeWatchEvent(std::string_view line) {
  Json doc = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return absl::DataLossError(strCat("malformed watch event: ", absl::CHexEscape(excerpt(line))));
  }
  auto type = doc.find("type");
  auto object = doc.find("object");
  if (type == doc.end() || !type->is_string()) return absl::DataLossError("watch event without a type");
  std::optional<WatchEvent::Type> parsed = eventType(type->get_ref<const std::string&>());
  if (!parsed) return absl::DataLossError(strCat("unknown watch event type ", type->dump()));
  if (object == doc.end() || !object->is_object()) return absl::DataLossError("watch event without an object");
  WatchEvent event;
  event.type = *parsed;
  event.object = std::move(*object);
  return event;
}

WatchDecoder::WatchDecoder(std::string what, size_t maxLineBytes)
    : what_(std::move(what)), maxLineBytes_(maxLineBytes) {}

void WatchDecoder::handleLine(std::string_view line, const WatchHandler& onEvent) {
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) line.remove_prefix(1);
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.remove_suffix(1);
  if (line.empty()) return;  // keep-alive blank lines
  StatusOr<WatchEvent> event = decodeWatchEvent(line);
  if (!event.ok()) {
    status_ = annotate(event.status(), what_);
    return;
  }
  ++events_;
  if (event->type == WatchEvent::Type::kError) {
    const Json* code = findPath(event->object, {"code"});
    const int httpStatus = (code != nullptr && code->is_number_integer()) ? code->get<int>() : 500;
    Status mapped = statusFromResponse(httpStatus, event->object.dump(), "watch", what_);
    if (httpStatus != 410 && !onEvent(*event)) stopped_ = true;
    status_ = mapped.ok() ? absl::UnknownError(strCat("watch ", what_, ": ERROR event")) : mapped;
    return;
  }
  if (!onEvent(*event)) stopped_ = true;
}

Status WatchDecoder::feed(std::string_view chunk, const WatchHandler& onEvent) {
  if (!status_.ok() || stopped_) return status_;
  try {
    size_t pos = 0;
    if (!pending_.empty()) {
      const size_t newline = chunk.find('\n');
      if (newline == std::string_view::npos) {
        pending_.append(chunk);
        pos = chunk.size();
      } else {
        pending_.append(chunk.substr(0, newline));
        std::string line = std::move(pending_);
        pending_.clear();
        handleLine(line, onEvent);
        pos = newline + 1;
      }
    }
    while (pos < chunk.size() && status_.ok() && !stopped_) {
      const size_t newline = chunk.find('\n', pos);
      if (newline == std::string_view::npos) {
        pending_.assign(chunk.substr(pos));
        break;
      }
      handleLine(chunk.substr(pos, newline - pos), onEvent);  // whole lines parse straight from the chunk
      pos = newline + 1;
    }
    if (status_.ok() && pending_.size() > maxLineBytes_) {
      status_ = absl::DataLossError(strCat(what_, ": watch event longer than ", maxLineBytes_, " bytes"));
    }
  } catch (const std::exception& e) {
    status_ = absl::DataLossError(strCat(what_, ": cannot decode watch stream: ", e.what()));
  }
  return status_;
}

Status WatchDecoder::finish(const WatchHandler& onEvent) {
  if (!status_.ok() || stopped_ || pending_.empty()) return status_;
  std::string line = std::move(pending_);
  pending_.clear();
  try {
    handleLine(line, onEvent);
  } catch (const std::exception& e) {
    status_ = absl::DataLossError(strCat(what_, ": cannot decode watch stream: ", e.what()));
  }
  return status_;
}

}  // namespace pennant::kube
