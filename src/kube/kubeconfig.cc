#include "kube/kubeconfig.h"

#include <absl/strings/escaping.h>
#include <absl/strings/match.h>
#include <absl/strings/str_split.h>
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>

#include "common/strings.h"
#include "kube/credentials.h"
#include "kube/exec_credentials.h"

namespace pennant::kube {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kExecExtensionName = "client.authentication.k8s.io/exec";

// Reads one kubeconfig document; every error names the file and the field path.
class Reader {
 public:
  Reader(const Json& doc, std::string file, std::shared_ptr<const Clock> clock)
      : doc_(doc), file_(std::move(file)), dir_(fs::path(file_).parent_path()), clock_(std::move(clock)) {}

  Status error(std::string_view field, std::string_view problem) const {
    return absl::InvalidArgumentError(strCat(file_, ": ", field, ": ", problem));
  }

  // Optional string field; "" when absent.
  StatusOr<std::string> str(const Json& obj, std::string_view key, std::string_view path) const {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return std::string();
    if (!it->is_string()) return error(strCat(path, ".", key), "must be a string");
    return it->get<std::string>();
  }

  StatusOr<bool> boolean(const Json& obj, std::string_view key, std::string_view path) const {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return false;
    if (!it->is_boolean()) return error(strCat(path, ".", key), "must be true or false");
    return it->get<bool>();
  }

  // Base64 field decoded; "" when absent. `pem` also requires a PEM block in the result.
  StatusOr<std::string> base64(const Json& obj, std::string_view key, std::string_view path, bool pem) const {
    PENNANT_ASSIGN_OR_RETURN(std::string text, str(obj, key, path));
    if (text.empty()) return text;
    std::string decoded;
    if (!absl::Base64Unescape(text, &decoded)) return error(strCat(path, ".", key), "not valid base64");
    if (pem && !absl::StrContains(decoded, "-----BEGIN ")) {
      return error(strCat(path, ".", key), "decoded data is not PEM");
    }
    return decoded;
  }

  // A file path field resolved against the kubeconfig's directory; must be readable.
  StatusOr<std::string> file(const Json& obj, std::string_view key, std::string_view path) const {
    PENNANT_ASSIGN_OR_RETURN(std::string p, str(obj, key, path));
    if (p.empty()) return p;
    std::string resolved = resolve(p);
    if (!readFile(resolved).ok()) return error(strCat(path, ".", key), strCat("cannot read ", resolved));
    return resolved;
  }

  std::string resolve(const std::string& p) const {
    if (fs::path(p).is_absolute() || dir_.empty()) return p;
    return (dir_ / p).lexically_normal().string();
  }

  // The entry named `name` in the list `listKey` ("clusters"), and its path ("clusters[2]").
  StatusOr<std::pair<const Json*, std::string>> named(std::string_view listKey, std::string_view itemKey,
                                                      const std::string& name) const {
    auto list = doc_.find(listKey);
    if (list != doc_.end() && !list->is_null() && !list->is_array()) return error(listKey, "must be a list");
    if (list != doc_.end() && list->is_array()) {
      for (size_t i = 0; i < list->size(); ++i) {
        const Json& entry = (*list)[i];
        std::string path = strCat(listKey, "[", i, "]");
        if (!entry.is_object()) return error(path, "must be a mapping");
        if (stringAt(entry, {"name"}) != name) continue;
        const Json* body = findPath(entry, {itemKey});
        if (body == nullptr || !body->is_object()) return error(strCat(path, ".", itemKey), "missing");
        return std::make_pair(body, strCat(path, ".", itemKey));
      }
    }
    std::string singular(listKey.substr(0, listKey.size() - 1));
    return absl::InvalidArgumentError(strCat(file_, ": ", singular, " \"", name, "\" not found"));
  }

  StatusOr<ClusterConfig> load(std::string contextName) const {
    if (!doc_.is_object()) return absl::InvalidArgumentError(file_ + ": not a kubeconfig (expected a mapping)");
    if (contextName.empty()) {
      PENNANT_ASSIGN_OR_RETURN(contextName, str(doc_, "current-context", ""));
      if (contextName.empty()) {
        return absl::InvalidArgumentError(file_ + ": current-context: not set (choose a context)");
      }
    }
    PENNANT_ASSIGN_OR_RETURN(auto context, named("contexts", "context", contextName));
    const auto& [ctx, ctxPath] = context;
    PENNANT_ASSIGN_OR_RETURN(std::string clusterName, str(*ctx, "cluster", ctxPath));
    if (clusterName.empty()) return error(ctxPath + ".cluster", "missing");
    PENNANT_ASSIGN_OR_RETURN(std::string userName, str(*ctx, "user", ctxPath));
    PENNANT_ASSIGN_OR_RETURN(std::string ns, str(*ctx, "namespace", ctxPath));

    ClusterConfig config;
    config.source = strCat(file_, " (context ", contextName, ")");
    if (!ns.empty()) config.defaultNamespace = ns;
    PENNANT_ASSIGN_OR_RETURN(auto cluster, named("clusters", "cluster", clusterName));
    PENNANT_RETURN_IF_ERROR(readCluster(*cluster.first, cluster.second, config));
    config.credentials = makeNoCredentials();
    if (!userName.empty()) {
      PENNANT_ASSIGN_OR_RETURN(auto user, named("users", "user", userName));
      PENNANT_RETURN_IF_ERROR(readUser(*user.first, user.second, *cluster.first, config));
    }
    return config;
  }

 private:
  Status readCluster(const Json& c, const std::string& path, ClusterConfig& config) const {
    PENNANT_ASSIGN_OR_RETURN(std::string server, str(c, "server", path));
    if (server.empty()) return error(path + ".server", "missing");
    if (!absl::StrContains(server, "://")) server = "https://" + server;  // as client-go defaults
    if (!absl::StartsWith(server, "https://") && !absl::StartsWith(server, "http://")) {
      return error(path + ".server", strCat("\"", server, "\" is not an http(s) URL"));
    }
    while (absl::EndsWith(server, "/")) server.pop_back();
    config.server = server;
    PENNANT_ASSIGN_OR_RETURN(config.tls.caPem, base64(c, "certificate-authority-data", path, true));
    if (config.tls.caPem.empty()) {
      PENNANT_ASSIGN_OR_RETURN(config.tls.caFile, file(c, "certificate-authority", path));
    }
    PENNANT_ASSIGN_OR_RETURN(config.tls.insecureSkipVerify, boolean(c, "insecure-skip-tls-verify", path));
    if (config.tls.insecureSkipVerify && (!config.tls.caPem.empty() || !config.tls.caFile.empty())) {
      return error(path + ".insecure-skip-tls-verify", "set together with a certificate-authority; choose one");
    }
    PENNANT_ASSIGN_OR_RETURN(config.tlsServerName, str(c, "tls-server-name", path));
    return absl::OkStatus();
  }

  Status readUser(const Json& u, const std::string& path, const Json& cluster, ClusterConfig& config) const {
    for (std::string_view unsupported : {"auth-provider", "as", "as-uid", "as-groups", "as-user-extra"}) {
      if (u.contains(unsupported)) {
        return error(strCat(path, ".", unsupported), "not supported (use a token, a certificate or exec)");
      }
    }
    PENNANT_ASSIGN_OR_RETURN(config.tls.clientCertPem, base64(u, "client-certificate-data", path, true));
    if (config.tls.clientCertPem.empty()) {
      PENNANT_ASSIGN_OR_RETURN(config.tls.clientCertFile, file(u, "client-certificate", path));
    }
    PENNANT_ASSIGN_OR_RETURN(config.tls.clientKeyPem, base64(u, "client-key-data", path, true));
    if (config.tls.clientKeyPem.empty()) {
      PENNANT_ASSIGN_OR_RETURN(config.tls.clientKeyFile, file(u, "client-key", path));
    }
    bool hasCert = !config.tls.clientCertPem.empty() || !config.tls.clientCertFile.empty();
    bool hasKey = !config.tls.clientKeyPem.empty() || !config.tls.clientKeyFile.empty();
    if (hasCert != hasKey) {
      return error(path, hasCert ? "client-certificate without client-key" : "client-key without client-certificate");
    }

    PENNANT_ASSIGN_OR_RETURN(std::string token, str(u, "token", path));
    PENNANT_ASSIGN_OR_RETURN(std::string tokenFile, file(u, "tokenFile", path));
    PENNANT_ASSIGN_OR_RETURN(std::string username, str(u, "username", path));
    PENNANT_ASSIGN_OR_RETURN(std::string password, str(u, "password", path));
    bool hasToken = !token.empty() || !tokenFile.empty();
    bool hasBasic = !username.empty() || !password.empty();
    bool hasExec = u.contains("exec") && !u["exec"].is_null();
    if (int(hasToken) + int(hasBasic) + int(hasExec) > 1) {
      return error(path, "more than one of token/tokenFile, username/password and exec; choose one");
    }
    if (hasExec) {
      PENNANT_ASSIGN_OR_RETURN(ExecConfig exec, readExec(u["exec"], path + ".exec", cluster, config));
      config.credentials = makeExecCredentials(std::move(exec), clock_);
    } else if (!tokenFile.empty()) {
      // The file wins over an inline token, as in client-go: it is the one that rotates.
      auto creds = makeTokenFileCredentials({.path = tokenFile, .clock = clock_});
      if (!creds.ok()) return error(path + ".tokenFile", std::string(creds.status().message()));
      config.credentials = std::move(*creds);
    } else if (!token.empty()) {
      config.credentials = makeBearerCredentials(token);
    } else if (hasBasic) {
      config.credentials = makeBasicCredentials(username, password);
    }
    return absl::OkStatus();
  }

  StatusOr<ExecConfig> readExec(const Json& e, const std::string& path, const Json& cluster,
                                const ClusterConfig& config) const {
    if (!e.is_object()) return error(path, "must be a mapping");
    ExecConfig exec;
    PENNANT_ASSIGN_OR_RETURN(exec.apiVersion, str(e, "apiVersion", path));
    if (exec.apiVersion != kExecApiV1 && exec.apiVersion != kExecApiV1Beta1) {
      return error(path + ".apiVersion",
                   strCat("\"", exec.apiVersion, "\" not supported (use ", kExecApiV1, " or ", kExecApiV1Beta1, ")"));
    }
    PENNANT_ASSIGN_OR_RETURN(exec.command, str(e, "command", path));
    if (exec.command.empty()) return error(path + ".command", "missing");
    // A bare name is looked up in PATH; a relative path is relative to the kubeconfig.
    if (absl::StrContains(exec.command, '/')) exec.command = resolve(exec.command);
    if (const Json* args = findPath(e, {"args"}); args != nullptr && !args->is_null()) {
      if (!args->is_array()) return error(path + ".args", "must be a list of strings");
      for (const auto& a : *args) {
        if (!a.is_string()) return error(path + ".args", "must be a list of strings");
        exec.args.push_back(a.get<std::string>());
      }
    }
    if (const Json* env = findPath(e, {"env"}); env != nullptr && !env->is_null()) {
      if (!env->is_array()) return error(path + ".env", "must be a list of {name, value}");
      for (size_t i = 0; i < env->size(); ++i) {
        const Json& item = (*env)[i];
        if (!item.is_object() || !item.value("name", Json()).is_string() || !item.value("value", Json()).is_string()) {
          return error(strCat(path, ".env[", i, "]"), "must have string name and value");
        }
        exec.env.emplace_back(item["name"].get<std::string>(), item["value"].get<std::string>());
      }
    }
    PENNANT_ASSIGN_OR_RETURN(exec.installHint, str(e, "installHint", path));
    PENNANT_ASSIGN_OR_RETURN(std::string mode, str(e, "interactiveMode", path));
    if (!mode.empty()) {
      if (mode != "Never" && mode != "IfAvailable" && mode != "Always") {
        return error(path + ".interactiveMode", "must be Never, IfAvailable or Always");
      }
      exec.interactiveMode = mode;
    }
    PENNANT_ASSIGN_OR_RETURN(bool provideClusterInfo, boolean(e, "provideClusterInfo", path));
    if (provideClusterInfo) exec.cluster = clusterInfo(cluster, config);
    return exec;
  }

  // spec.cluster of KUBERNETES_EXEC_INFO: the cluster as the plugin should see it.
  Json clusterInfo(const Json& cluster, const ClusterConfig& config) const {
    Json info = {{"server", config.server}};
    std::string ca = config.tls.caPem;
    if (ca.empty() && !config.tls.caFile.empty()) ca = readFile(config.tls.caFile).value_or("");
    if (!ca.empty()) info["certificate-authority-data"] = absl::Base64Escape(ca);
    if (config.tls.insecureSkipVerify) info["insecure-skip-tls-verify"] = true;
    if (!config.tlsServerName.empty()) info["tls-server-name"] = config.tlsServerName;
    if (const Json* exts = findPath(cluster, {"extensions"}); exts != nullptr && exts->is_array()) {
      for (const auto& ext : *exts) {
        if (stringAt(ext, {"name"}) == kExecExtensionName && ext.contains("extension"))
          info["config"] = ext["extension"];
      }
    }
    return info;
  }

  const Json& doc_;
  const std::string file_;
  const fs::path dir_;
  const std::shared_ptr<const Clock> clock_;
};

}  // namespace

StatusOr<std::string> kubeconfigPath(const std::string& explicitPath) {
  if (!explicitPath.empty()) return explicitPath;
  if (const char* env = std::getenv("KUBECONFIG"); env != nullptr && *env != '\0') {
    std::vector<std::string> entries = absl::StrSplit(env, ':', absl::SkipEmpty());
    for (const std::string& entry : entries) {
      std::error_code ec;
      if (fs::is_regular_file(fs::path(entry), ec)) return entry;
    }
    return absl::NotFoundError(strCat("no kubeconfig: none of $KUBECONFIG (", env, ") exists"));
  }
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') return absl::NotFoundError("no kubeconfig: $KUBECONFIG and $HOME are unset");
  return std::string(home) + "/.kube/config";
}

StatusOr<ClusterConfig> clusterConfigFromKubeconfig(const Json& doc, const std::string& file,
                                                    const std::string& context, std::shared_ptr<const Clock> clock) {
  if (!clock) clock = systemClock();
  return Reader(doc, file, std::move(clock)).load(context);
}

StatusOr<ClusterConfig> loadKubeconfig(const KubeconfigOptions& options) {
  PENNANT_ASSIGN_OR_RETURN(std::string path, kubeconfigPath(options.path));
  auto text = readFile(path);
  if (!text.ok()) return absl::NotFoundError(strCat(path, ": cannot read kubeconfig"));
  PENNANT_ASSIGN_OR_RETURN(Json doc, parseYaml(*text, path));
  return clusterConfigFromKubeconfig(doc, path, options.context, options.clock);
}

}  // namespace pennant::kube
