#include "kube/object_decoder.h"

#include "common/strings.h"

namespace pennant::kube {
namespace {

StatusOr<Json> parseObject(std::string_view body, std::string_view what) {
  Json doc = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return absl::DataLossError(strCat(what, ": malformed JSON in response"));
  if (!doc.is_object()) return absl::DataLossError(strCat(what, ": response is not a JSON object"));
  return doc;
}

}  // namespace

StatusOr<Json> decodeObject(std::string_view body, std::string_view what) { return parseObject(body, what); }

StatusOr<ObjectList> decodeList(std::string_view body, const Resource& r, std::string_view what) {
  PENNANT_ASSIGN_OR_RETURN(Json doc, parseObject(body, what));
  ObjectList out;
  out.resourceVersion = stringAt(doc, {"metadata", "resourceVersion"});
  out.continueToken = stringAt(doc, {"metadata", "continue"});
  std::string apiVersion = stringAt(doc, {"apiVersion"}, r.apiVersion());
  std::string kind = stringAt(doc, {"kind"});
  if (kind.size() > 4 && kind.ends_with("List")) kind.resize(kind.size() - 4);
  auto items = doc.find("items");
  if (items == doc.end() || items->is_null()) return out;  // an empty list may omit items
  if (!items->is_array()) return absl::DataLossError(strCat(what, ": list items is not an array"));
  out.items.reserve(items->size());
  for (Json& item : *items) {
    if (!item.is_object()) return absl::DataLossError(strCat(what, ": list item is not an object"));
    if (!item.contains("apiVersion")) item["apiVersion"] = apiVersion;
    if (!item.contains("kind") && !kind.empty()) item["kind"] = kind;
    out.items.push_back(std::move(item));
  }
  return out;
}

}  // namespace pennant::kube
