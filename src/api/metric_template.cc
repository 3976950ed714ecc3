#include "api/metric_template.h"

#include <algorithm>

#include "api/canary.h"
#include "api/field_reader.h"

namespace pennant::api {
namespace {

// Checks kind/apiVersion and reads metadata; returns the spec reader.
FieldReader readHeader(const Json& manifest, std::string_view kind, std::string& name, std::string& ns,
                       Problems& problems) {
  FieldReader root(&manifest, "", problems);
  if (root.string("kind").value_or("") != kind) problems.push_back({"kind", "must be " + std::string(kind)});
  if (root.string("apiVersion").value_or("") != kCanaryApiVersion) {
    problems.push_back({"apiVersion", std::string("must be ") + kCanaryApiVersion});
  }
  FieldReader meta = root.child("metadata");
  name = meta.string("name").value_or("");
  ns = meta.string("namespace").value_or("default");
  if (name.empty()) problems.push_back({"metadata.name", "is required"});
  return root.child("spec");
}

}  // namespace

StatusOr<MetricTemplate> parseMetricTemplate(const Json& manifest) {
  Problems problems;
  MetricTemplate t;
  FieldReader spec = readHeader(manifest, "MetricTemplate", t.name, t.namespace_, problems);
  FieldReader provider = spec.child("provider");
  t.provider.type = provider.string("type").value_or("");
  t.provider.address = provider.string("address").value_or("");
  t.provider.secretRefName = provider.child("secretRef").string("name").value_or("");
  t.provider.insecureSkipVerify = provider.boolean("insecureSkipVerify").value_or(false);
  if (auto headers = provider.object("headers")) {
    for (const auto& [key, values] : headers->items()) {
      FieldReader h(&*headers, provider.fieldPath("headers"), problems);
      if (values.is_string())
        t.provider.headers[key] = {values.get<std::string>()};
      else
        t.provider.headers[key] = h.stringList(key);
    }
  }
  t.query = spec.string("query").value_or("");
  if (t.provider.type.empty())
    problems.push_back({"spec.provider.type", "is required"});
  else if (t.provider.type != "prometheus") {
    problems.push_back(
        {"spec.provider.type", "unsupported metric provider \"" + t.provider.type + "\"; Pennant supports prometheus"});
  }
  if (t.query.empty()) problems.push_back({"spec.query", "is required"});
  if (!problems.empty()) return toStatus(problems);
  return t;
}

StatusOr<AlertProvider> parseAlertProvider(const Json& manifest) {
  Problems problems;
  AlertProvider p;
  FieldReader spec = readHeader(manifest, "AlertProvider", p.name, p.namespace_, problems);
  p.type = spec.string("type").value_or("");
  p.channel = spec.string("channel").value_or("");
  p.username = spec.string("username").value_or("");
  p.address = spec.string("address").value_or("");
  p.proxy = spec.string("proxy").value_or("");
  p.secretRefName = spec.child("secretRef").string("name").value_or("");
  static const std::vector<std::string> kTypes = {"slack", "msteams", "discord", "rocket", "gchat", "generic"};
  if (p.type.empty())
    problems.push_back({"spec.type", "is required"});
  else if (std::find(kTypes.begin(), kTypes.end(), p.type) == kTypes.end()) {
    problems.push_back({"spec.type", "must be one of slack, msteams, discord, rocket, gchat, generic"});
  }
  if (p.address.empty() && p.secretRefName.empty()) {
    problems.push_back({"spec.address", "address or secretRef is required"});
  }
  if (!problems.empty()) return toStatus(problems);
  return p;
}

}  // namespace pennant::api
