#include "e2e/greeter_objects.h"

#include "kube/resource.h"

namespace pennant::e2e {
namespace {

Json envList(const std::map<std::string, std::string>& env) {
  Json list = Json::array();
  for (const auto& [k, v] : env) list.push_back({{"name", k}, {"value", v}});
  return list;
}

}  // namespace

Json greeterDeployment(const std::string& name, const std::string& version,
                       const std::map<std::string, std::string>& env, int replicas) {
  Json container = {{"name", "greeter"},
                    {"image", "example.com/greeter:" + version},
                    {"ports", Json::array({{{"name", "grpc"}, {"containerPort", kGrpcPort}},
                                           {{"name", "http"}, {"containerPort", kHttpPort}},
                                           {{"name", "metrics"}, {"containerPort", kMetricsPort}}})},
                    {"env", envList(env)},
                    {"lifecycle", {{"preStop", {{"sleep", {{"seconds", 2}}}}}}}};
  return {
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata", {{"name", name}, {"labels", {{"app", name}}}}},
      {"spec",
       {{"replicas", replicas},
        {"selector", {{"matchLabels", {{"app", name}}}}},
        {"template",
         {{"metadata",
           {{"labels", {{"app", name}, {"pennant.dev/pod-runner", "greeter"}}},
            {"annotations", {{"prometheus.io/scrape", "true"}, {"prometheus.io/port", std::to_string(kMetricsPort)}}}}},
          {"spec", {{"terminationGracePeriodSeconds", 10}, {"containers", Json::array({container})}}}}}}}};
}

Json greeterService(const std::string& name, const std::string& app) {
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata", {{"name", name}}},
          {"spec",
           {{"selector", {{"app", app}}},
            {"ports",
             Json::array(
                 {{{"name", "grpc"}, {"port", kGrpcPort}, {"targetPort", "grpc"}, {"appProtocol", "kubernetes.io/h2c"}},
                  {{"name", "http"}, {"port", kHttpPort}, {"targetPort", "http"}}})}}}};
}

Status release(kube::Client& admin, const std::string& ns, const std::string& name, const std::string& version,
               const std::map<std::string, std::string>& env) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    PENNANT_ASSIGN_OR_RETURN(Json d, admin.get(kube::resources::deployments(), ns, name));
    Json& c = d["spec"]["template"]["spec"]["containers"][0];
    c["image"] = "example.com/greeter:" + version;
    c["env"] = envList(env);
    auto updated = admin.update(kube::resources::deployments(), ns, d);
    if (updated.ok() || updated.status().code() != StatusCode::kAborted) return updated.status();
  }
  return absl::AbortedError("release " + name + ": conflicts on every attempt");
}

}  // namespace pennant::e2e
