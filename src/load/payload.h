#pragma once
// Request messages without the service's .proto: `pennant load` sends raw protobuf bytes, built
// from field specs ("1=alice" for a string field, "2:int=10" for a varint) or given in base64.
#include <string>
#include <vector>

#include "common/status.h"

namespace pennant::load {

// Each spec is NUMBER[:TYPE]=VALUE with TYPE string (default), int (varint, int32/int64/bool) or
// bytes-base64. Fields are written in the order given.
StatusOr<std::string> encodeFields(const std::vector<std::string>& specs);
StatusOr<std::string> decodeBase64(const std::string& text);

}  // namespace pennant::load
