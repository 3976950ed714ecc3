#include "metrics/credentials.h"

#include <absl/strings/escaping.h>
#include <absl/strings/str_cat.h>

#include <optional>

#include "metrics/strings.h"

namespace pennant::metrics {
namespace {

StatusOr<std::optional<std::string>> secretValue(const Json& secret, const std::string& key) {
  if (const Json* data = findPath(secret, {"data", key}); data != nullptr && data->is_string()) {
    std::string decoded;
    if (!absl::Base64Unescape(data->get<std::string>(), &decoded)) {
      return absl::InvalidArgumentError(strCat("secret key \"", key, "\" is not valid base64"));
    }
    return std::optional<std::string>(std::move(decoded));
  }
  if (const Json* plain = findPath(secret, {"stringData", key}); plain != nullptr && plain->is_string()) {
    return std::optional<std::string>(plain->get<std::string>());
  }
  return std::optional<std::string>();
}

}  // namespace

StatusOr<Credentials> credentialsFromSecret(const Json& secret) {
  const std::string name = stringAt(secret, {"metadata", "name"}, "<unnamed>");
  Credentials credentials;
  PENNANT_ASSIGN_OR_RETURN(auto token, secretValue(secret, "token"));
  if (token) {
    credentials.bearerToken = *token;
    return credentials;
  }
  PENNANT_ASSIGN_OR_RETURN(auto username, secretValue(secret, "username"));
  if (!username) {
    return absl::InvalidArgumentError(strCat("secret ", name, " has neither a \"token\" nor a \"username\" key"));
  }
  PENNANT_ASSIGN_OR_RETURN(auto password, secretValue(secret, "password"));
  if (!password) return absl::InvalidArgumentError(strCat("secret ", name, " has no \"password\" key"));
  credentials.username = *username;
  credentials.password = *password;
  return credentials;
}

std::string authorizationHeader(const Credentials& credentials) {
  if (!credentials.bearerToken.empty()) return strCat("Bearer ", credentials.bearerToken);
  if (!credentials.username.empty() || !credentials.password.empty()) {
    return strCat("Basic ", absl::Base64Escape(strCat(credentials.username, ":", credentials.password)));
  }
  return "";
}

}  // namespace pennant::metrics
