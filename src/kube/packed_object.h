#pragma once
// A cached object kept as bytes instead of a JSON tree. nlohmann's tree costs ~6x the object's
// JSON size (a map node, a std::string and a value per key); CBOR deflated with zlib costs about
// a quarter of the JSON size. Unpacking (~10 µs for a Deployment) is paid on each cache read.
#include <cstddef>
#include <string>
#include <string_view>

#include "common/json.h"

namespace pennant::kube {

std::string packObject(const Json& object);
// The object packObject() packed; a discarded (null) Json for bytes it did not make.
Json unpackObject(std::string_view packed);
// Bytes of the preset zlib dictionary packObject() compresses against (for the benchmarks).
size_t packDictionarySize();

}  // namespace pennant::kube
