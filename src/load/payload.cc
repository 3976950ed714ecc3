#include "load/payload.h"

#include <absl/strings/escaping.h>
#include <absl/strings/numbers.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/wire_format_lite.h>

namespace pennant::load {

using google::protobuf::internal::WireFormatLite;

StatusOr<std::string> encodeFields(const std::vector<std::string>& specs) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    for (const std::string& spec : specs) {
      auto eq = spec.find('=');
      if (eq == std::string::npos)
        return absl::InvalidArgumentError("field \"" + spec + "\": want NUMBER[:TYPE]=VALUE");
      std::string key = spec.substr(0, eq), value = spec.substr(eq + 1), type = "string";
      if (auto colon = key.find(':'); colon != std::string::npos) {
        type = key.substr(colon + 1);
        key = key.substr(0, colon);
      }
      uint32_t number = 0;
      if (!absl::SimpleAtoi(key, &number) || number == 0 || number > (1u << 29) - 1) {
        return absl::InvalidArgumentError("field \"" + spec + "\": bad field number \"" + key + "\"");
      }
      if (type == "int") {
        int64_t v = 0;
        if (value == "true")
          v = 1;
        else if (value != "false" && !absl::SimpleAtoi(value, &v)) {
          return absl::InvalidArgumentError("field \"" + spec + "\": \"" + value + "\" is not an integer");
        }
        WireFormatLite::WriteInt64(static_cast<int>(number), v, &coded);
      } else if (type == "string" || type == "bytes-base64") {
        std::string bytes = value;
        if (type == "bytes-base64") {
          PENNANT_ASSIGN_OR_RETURN(bytes, decodeBase64(value));
        }
        WireFormatLite::WriteBytes(static_cast<int>(number), bytes, &coded);
      } else {
        return absl::InvalidArgumentError("field \"" + spec + "\": unknown type \"" + type +
                                          "\" (want string, int or bytes-base64)");
      }
    }
  }
  return out;
}

StatusOr<std::string> decodeBase64(const std::string& text) {
  std::string out;
  if (!absl::Base64Unescape(text, &out)) return absl::InvalidArgumentError("not valid base64");
  return out;
}

}  // namespace pennant::load
