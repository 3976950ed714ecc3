#pragma once
// Splits a watch stream (newline-delimited JSON, arbitrary chunk boundaries) into WatchEvents.
// Malformed data is kDataLoss; an ERROR event with code 410 is kOutOfRange (the caller re-lists);
// other ERROR events are delivered as Type::kError and then end the stream with their mapped
// status (kube/errors.h). Never throws, whatever the input.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "kube/client.h"

namespace pennant::kube {

// Decodes one event line ({"type":"ADDED","object":{...}}); kDataLoss when malformed.
StatusOr<WatchEvent> decodeWatchEvent(std::string_view line);

class WatchDecoder {
 public:
  // `what` names the watch in messages; a line longer than maxLineBytes is kDataLoss.
  explicit WatchDecoder(std::string what = "watch", size_t maxLineBytes = size_t{256} << 20);

  // Decodes every complete line in `chunk`, handing events to onEvent. Returns the first error,
  // and keeps returning it. After onEvent returns false, stopped() is true and input is ignored.
  Status feed(std::string_view chunk, const WatchHandler& onEvent);
  // End of the stream: decodes a last line that had no trailing newline.
  Status finish(const WatchHandler& onEvent);

  bool stopped() const { return stopped_; }
  const Status& status() const { return status_; }
  uint64_t events() const { return events_; }

 private:
  void handleLine(std::string_view line, const WatchHandler& onEvent);

  std::string what_;
  size_t maxLineBytes_;
  std::string pending_;  // a line split across chunks
  Status status_;
  bool stopped_ = false;
  uint64_t events_ = 0;
};

}  // namespace pennant::kube
