#include "workload/config_refs.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstdio>

#include "workload/metadata.h"

namespace pennant::workload {
namespace {

constexpr std::string_view kPrimarySuffix = "-primary";

std::string kindName(ConfigKind kind) { return kind == ConfigKind::kConfigMap ? "configmap" : "secret"; }

// Collects references keyed by tracking key; a config is required when any reference to it is
// mandatory (Flagger keeps whichever reference it saw last; "any" does not depend on order).
class RefCollector {
 public:
  void add(ConfigKind kind, const Json& ref, std::string_view nameField) {
    if (!ref.is_object()) return;
    std::string name = stringAt(ref, {nameField});
    if (name.empty()) return;
    bool required = !boolField(ref, "optional");
    ConfigRef entry{kind, name, required};
    auto [it, inserted] = refs_.try_emplace(entry.trackingKey(), entry);
    if (!inserted) it->second.required = it->second.required || required;
  }
  std::vector<ConfigRef> sorted() const {
    std::vector<ConfigRef> out;
    for (const auto& [key, ref] : refs_) out.push_back(ref);
    return out;
  }

 private:
  std::map<std::string, ConfigRef> refs_;
};

template <typename Fn>
void forEachContainer(const Json& podSpec, Fn&& fn) {
  for (const char* list : {"containers", "initContainers"}) {
    const Json* containers = findPath(podSpec, {list});
    if (containers == nullptr || !containers->is_array()) continue;
    for (const Json& container : *containers) fn(container);
  }
}

template <typename Fn>
void forEachArrayItem(const Json& root, std::initializer_list<std::string_view> path, Fn&& fn) {
  const Json* items = findPath(root, path);
  if (items == nullptr || !items->is_array()) return;
  for (const Json& item : *items) fn(item);
}

// Appends the primary suffix to ref[nameField] when that config is tracked.
void renameIfTracked(Json& ref, ConfigKind kind, const char* nameField,
                     const std::map<std::string, std::string>& tracked) {
  if (!ref.is_object() || !ref.contains(nameField) || !ref[nameField].is_string()) return;
  std::string name = ref[nameField].get<std::string>();
  if (tracked.contains(ConfigRef{kind, name}.trackingKey())) ref[nameField] = name + std::string(kPrimarySuffix);
}

void renameInList(Json& podSpec, const char* listName, const std::map<std::string, std::string>& tracked) {
  if (!podSpec.contains(listName) || !podSpec[listName].is_array()) return;
  for (Json& container : podSpec[listName]) {
    if (container.contains("env") && container["env"].is_array()) {
      for (Json& env : container["env"]) {
        if (!env.contains("valueFrom") || !env["valueFrom"].is_object()) continue;
        Json& from = env["valueFrom"];
        if (from.contains("configMapKeyRef")) {
          renameIfTracked(from["configMapKeyRef"], ConfigKind::kConfigMap, "name", tracked);
        } else if (from.contains("secretKeyRef")) {
          renameIfTracked(from["secretKeyRef"], ConfigKind::kSecret, "name", tracked);
        }
      }
    }
    if (container.contains("envFrom") && container["envFrom"].is_array()) {
      for (Json& from : container["envFrom"]) {
        if (from.contains("configMapRef")) {
          renameIfTracked(from["configMapRef"], ConfigKind::kConfigMap, "name", tracked);
        } else if (from.contains("secretRef")) {
          renameIfTracked(from["secretRef"], ConfigKind::kSecret, "name", tracked);
        }
      }
    }
  }
}

// json.Marshal-compatible bytes: compact, keys sorted, and Go's HTML-safe escapes of <, >, &
// and U+2028/U+2029 (nlohmann does not escape them; the checksum must equal Flagger's).
std::string goJsonMarshal(const Json& value) {
  std::string plain = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::string out;
  out.reserve(plain.size());
  for (size_t i = 0; i < plain.size(); ++i) {
    char c = plain[i];
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xE2' && i + 2 < plain.size() && plain[i + 1] == '\x80' &&
               (plain[i + 2] == '\xA8' || plain[i + 2] == '\xA9')) {
      out += plain[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string ConfigRef::trackingKey() const { return kindName(kind) + "/" + name; }

std::vector<ConfigRef> referencedConfigs(const Json& podSpec) {
  RefCollector refs;
  forEachArrayItem(podSpec, {"volumes"}, [&](const Json& volume) {
    if (const Json* cm = findPath(volume, {"configMap"})) refs.add(ConfigKind::kConfigMap, *cm, "name");
    if (const Json* secret = findPath(volume, {"secret"})) refs.add(ConfigKind::kSecret, *secret, "secretName");
    forEachArrayItem(volume, {"projected", "sources"}, [&](const Json& source) {
      if (const Json* cm = findPath(source, {"configMap"})) refs.add(ConfigKind::kConfigMap, *cm, "name");
      if (const Json* secret = findPath(source, {"secret"})) refs.add(ConfigKind::kSecret, *secret, "name");
    });
  });
  forEachContainer(podSpec, [&](const Json& container) {
    forEachArrayItem(container, {"env"}, [&](const Json& env) {
      if (const Json* cm = findPath(env, {"valueFrom", "configMapKeyRef"})) {
        refs.add(ConfigKind::kConfigMap, *cm, "name");
      } else if (const Json* secret = findPath(env, {"valueFrom", "secretKeyRef"})) {
        refs.add(ConfigKind::kSecret, *secret, "name");
      }
    });
    forEachArrayItem(container, {"envFrom"}, [&](const Json& from) {
      if (const Json* cm = findPath(from, {"configMapRef"})) {
        refs.add(ConfigKind::kConfigMap, *cm, "name");
      } else if (const Json* secret = findPath(from, {"secretRef"})) {
        refs.add(ConfigKind::kSecret, *secret, "name");
      }
    });
  });
  return refs.sorted();
}

bool isTracked(ConfigKind kind, const Json& object) {
  if (stringAt(object, {"metadata", "annotations", "flagger.app/config-tracking"}).starts_with("disable")) {
    return false;
  }
  if (kind == ConfigKind::kConfigMap) return true;
  std::string type = stringAt(object, {"type"}, "Opaque");
  return type == "Opaque" || type == "kubernetes.io/basic-auth" || type == "kubernetes.io/ssh-auth" ||
         type == "kubernetes.io/tls";
}

std::string configChecksum(const Json& object) {
  const Json* data = findPath(object, {"data"});
  std::string bytes = goJsonMarshal(data == nullptr ? Json(nullptr) : *data);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr);
  std::string hex;
  char buf[3];
  for (int i = 0; i < 8; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", digest[i]);
    hex += buf;
  }
  return hex;
}

std::map<std::string, std::string> trackedConfigs(const std::map<std::string, Json>& objects) {
  std::map<std::string, std::string> out;
  for (const auto& [key, object] : objects) {
    ConfigKind kind = key.starts_with("secret/") ? ConfigKind::kSecret : ConfigKind::kConfigMap;
    if (isTracked(kind, object)) out[key] = configChecksum(object);
  }
  return out;
}

bool haveConfigsChanged(const std::map<std::string, std::string>& current, const Json* statusTrackedConfigs) {
  bool recorded = statusTrackedConfigs != nullptr && statusTrackedConfigs->is_object();
  if (!recorded) return !current.empty();
  if (current.size() != statusTrackedConfigs->size()) return true;
  for (const auto& [key, checksum] : current) {
    auto it = statusTrackedConfigs->find(key);
    if (it == statusTrackedConfigs->end() || !it->is_string() || it->get<std::string>() != checksum) return true;
  }
  return false;
}

Json applyPrimaryConfigs(Json podSpec, const std::map<std::string, std::string>& tracked) {
  if (!podSpec.is_object()) return podSpec;
  if (podSpec.contains("volumes") && podSpec["volumes"].is_array()) {
    for (Json& volume : podSpec["volumes"]) {
      if (volume.contains("configMap")) renameIfTracked(volume["configMap"], ConfigKind::kConfigMap, "name", tracked);
      if (volume.contains("secret")) renameIfTracked(volume["secret"], ConfigKind::kSecret, "secretName", tracked);
      Json* sources = volume.contains("projected") && volume["projected"].is_object() &&
                              volume["projected"].contains("sources") && volume["projected"]["sources"].is_array()
                          ? &volume["projected"]["sources"]
                          : nullptr;
      if (sources == nullptr) continue;
      for (Json& source : *sources) {
        if (source.contains("configMap")) renameIfTracked(source["configMap"], ConfigKind::kConfigMap, "name", tracked);
        if (source.contains("secret")) renameIfTracked(source["secret"], ConfigKind::kSecret, "name", tracked);
      }
    }
  }
  renameInList(podSpec, "containers", tracked);
  renameInList(podSpec, "initContainers", tracked);
  return podSpec;
}

Json primaryConfigCopy(ConfigKind kind, const Json& source, const std::vector<std::string>& includeLabelPrefixes) {
  const Json* labels = findPath(source, {"metadata", "labels"});
  Json copy{{"apiVersion", "v1"},
            {"kind", kind == ConfigKind::kConfigMap ? "ConfigMap" : "Secret"},
            {"metadata",
             {{"name", stringAt(source, {"metadata", "name"}) + std::string(kPrimarySuffix)},
              {"namespace", stringAt(source, {"metadata", "namespace"})},
              {"labels", includeByPrefix(labels == nullptr ? Json() : *labels, includeLabelPrefixes)}}}};
  if (source.contains("data")) copy["data"] = source["data"];
  // Flagger copies only `data`; binaryData is copied too so the primary pods see the same files.
  if (kind == ConfigKind::kConfigMap && source.contains("binaryData")) copy["binaryData"] = source["binaryData"];
  if (kind == ConfigKind::kSecret && source.contains("type")) copy["type"] = source["type"];
  return copy;
}

}  // namespace pennant::workload
