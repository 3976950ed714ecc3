#pragma once
// The simple Credentials: none, a fixed bearer token, basic auth, and a token file that is
// re-read when it changes (service-account tokens and kubeconfig tokenFile rotate).
#include <chrono>
#include <memory>
#include <string>

#include "common/clock.h"
#include "kube/config.h"

namespace pennant::kube {

// authorization() is "" (client certificate or anonymous).
std::shared_ptr<Credentials> makeNoCredentials();

// authorization() is "Bearer <token>".
std::shared_ptr<Credentials> makeBearerCredentials(const std::string& token);

// authorization() is "Basic base64(username:password)".
std::shared_ptr<Credentials> makeBasicCredentials(const std::string& username, const std::string& password);

struct TokenFileOptions {
  std::string path;
  // Re-read at least this often even when the file looks unchanged (mtime granularity, bind
  // mounts that hide changes); a change of mtime, size or inode triggers a re-read at once.
  std::chrono::seconds maxAge{60};
  std::shared_ptr<const Clock> clock;  // nullptr = systemClock()
};

// Reads the token now (an unreadable or empty file is an error) and re-reads it on change, after
// maxAge, and after invalidate(). When a later re-read fails, the last good token is kept.
StatusOr<std::shared_ptr<Credentials>> makeTokenFileCredentials(TokenFileOptions options);

// Removes surrounding whitespace (token files often end in a newline).
std::string trimToken(std::string_view text);

}  // namespace pennant::kube
