#include "kube/credentials.h"

#include <absl/strings/ascii.h>
#include <absl/strings/escaping.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <mutex>
#include <optional>

#include "common/json.h"

namespace pennant::kube {
namespace {

class FixedCredentials final : public Credentials {
 public:
  explicit FixedCredentials(std::string header) : header_(std::move(header)) {}
  StatusOr<std::string> authorization() override { return header_; }
  void invalidate() override {}

 private:
  const std::string header_;
};

// What identifies one version of a file cheaply; any difference means "re-read".
struct FileStamp {
  dev_t device = 0;
  ino_t inode = 0;
  off_t size = 0;
  int64_t mtimeNs = 0;
  bool operator==(const FileStamp&) const = default;
};

std::optional<FileStamp> stampOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return FileStamp{st.st_dev, st.st_ino, st.st_size,
                   static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

class TokenFileCredentials final : public Credentials {
 public:
  explicit TokenFileCredentials(TokenFileOptions options) : options_(std::move(options)) {}

  // Reads under the lock; used once at construction and whenever the file may have changed.
  Status reload() {
    auto stamp = stampOf(options_.path);
    auto text = readFile(options_.path);
    if (!text.ok()) return absl::NotFoundError("token file " + options_.path + ": cannot read");
    std::string token = trimToken(*text);
    if (token.empty()) return absl::InvalidArgumentError("token file " + options_.path + ": empty");
    token_ = std::move(token);
    stamp_ = stamp;
    readAt_ = options_.clock->monotonic();
    stale_ = false;
    return absl::OkStatus();
  }

  StatusOr<std::string> authorization() override {
    std::lock_guard lock(mu_);
    bool due = stale_ || options_.clock->monotonic() - readAt_ >= options_.maxAge || stampOf(options_.path) != stamp_;
    if (due) {
      Status s = reload();
      if (!s.ok()) {
        if (token_.empty()) return s;
        // Keep serving the last good token: a rotation in progress is not an outage.
        spdlog::warn("keeping the previous token: {}", std::string(s.message()));
        readAt_ = options_.clock->monotonic();
        stale_ = false;
      }
    }
    return "Bearer " + token_;
  }

  void invalidate() override {
    std::lock_guard lock(mu_);
    stale_ = true;
  }

 private:
  const TokenFileOptions options_;
  std::mutex mu_;
  std::string token_;
  std::optional<FileStamp> stamp_;
  std::chrono::steady_clock::time_point readAt_{};
  bool stale_ = false;
};

}  // namespace

std::string trimToken(std::string_view text) {
  return std::string(absl::StripAsciiWhitespace(absl::string_view(text.data(), text.size())));
}

std::shared_ptr<Credentials> makeNoCredentials() { return std::make_shared<FixedCredentials>(""); }

std::shared_ptr<Credentials> makeBearerCredentials(const std::string& token) {
  return std::make_shared<FixedCredentials>("Bearer " + token);
}

std::shared_ptr<Credentials> makeBasicCredentials(const std::string& username, const std::string& password) {
  return std::make_shared<FixedCredentials>("Basic " + absl::Base64Escape(username + ":" + password));
}

StatusOr<std::shared_ptr<Credentials>> makeTokenFileCredentials(TokenFileOptions options) {
  if (!options.clock) options.clock = systemClock();
  auto creds = std::make_shared<TokenFileCredentials>(std::move(options));
  PENNANT_RETURN_IF_ERROR(creds->reload());
  return std::shared_ptr<Credentials>(std::move(creds));
}

}  // namespace pennant::kube
