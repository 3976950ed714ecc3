// libFuzzer target for the watch-event and object decoders: whatever the bytes and wherever the
// chunk boundaries fall, decoding returns a status and never crashes, throws or leaks.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kube/errors.h"
#include "kube/object_decoder.h"
#include "kube/watch_decoder.h"

using namespace pennant::kube;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks the chunk size, so the fuzzer also explores chunk boundaries.
  const size_t chunk = 1 + data[0] % 64;
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);

  WatchDecoder decoder("fuzz", size_t{1} << 20);
  const WatchHandler handler = [](const WatchEvent& event) {
    (void)event.object.dump();  // decoded objects must be valid JSON values
    return true;
  };
  for (size_t pos = 0; pos < input.size(); pos += chunk) {
    if (!decoder.feed(input.substr(pos, chunk), handler).ok()) break;
  }
  (void)decoder.finish(handler);

  (void)decodeWatchEvent(input);
  (void)decodeObject(input, "fuzz");
  (void)decodeList(input, resources::pods(), "fuzz");
  const pennant::Status mapped = statusFromResponse(422, input, "create", "fuzz");
  (void)causesOf(mapped);
  (void)reasonOf(mapped);
  return 0;
}
