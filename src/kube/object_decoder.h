#pragma once
// Decodes API server answer bodies into JSON objects and list pages. Malformed data is kDataLoss
// (the server or something in between sent garbage), never an exception.
#include <string_view>

#include "common/json.h"
#include "common/status.h"
#include "kube/client.h"
#include "kube/resource.h"

namespace pennant::kube {

// One object (a JSON object, else kDataLoss). `what` names it in messages.
StatusOr<Json> decodeObject(std::string_view body, std::string_view what);

// A list page: items get apiVersion and kind (the API server omits them in lists; kind is the
// list kind without its "List" suffix), plus the list's resourceVersion and continue token.
StatusOr<ObjectList> decodeList(std::string_view body, const Resource& r, std::string_view what);

}  // namespace pennant::kube
