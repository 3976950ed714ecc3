#pragma once
// Credentials for a metric provider, read from the Secret named by MetricTemplate
// spec.provider.secretRef. The controller fetches the Secret; turning it into credentials is pure.
#include <string>

#include "common/json.h"
#include "common/status.h"

namespace pennant::metrics {

struct Credentials {
  std::string bearerToken;  // Secret key "token": Authorization: Bearer <token>
  std::string username;     // Secret keys "username" + "password": basic auth
  std::string password;

  bool empty() const { return bearerToken.empty() && username.empty() && password.empty(); }
};

// Flagger's rules: a "token" key wins; otherwise both "username" and "password" are required.
// `secret` is the Secret object as the API server returns it (base64 `data`; `stringData` is
// accepted too for manifests). Errors name the missing key, never a value.
StatusOr<Credentials> credentialsFromSecret(const Json& secret);

// The Authorization header value for `credentials` ("" when empty).
std::string authorizationHeader(const Credentials& credentials);

}  // namespace pennant::metrics
