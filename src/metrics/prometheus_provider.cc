#include "metrics/prometheus_provider.h"

#include <absl/strings/ascii.h>
#include <absl/strings/match.h>
#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>

#include <cctype>
#include <cmath>
#include <limits>

#include "common/json.h"
#include "metrics/strings.h"

namespace pennant::metrics {
namespace {

constexpr size_t kMaxBodyInMessage = 300;

std::string clip(std::string_view text) {
  if (text.size() <= kMaxBodyInMessage) return std::string(text);
  return strCat(text.substr(0, kMaxBodyInMessage), "...");
}

// Hand-written: RFC 3986 percent-encoding of a query parameter; the http seam has no URL helper.
std::string urlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

// Flagger collapses whitespace runs so multi-line YAML queries make short URLs.
std::string collapseWhitespace(std::string_view text) {
  std::string out;
  bool inSpace = false;
  for (char c : stripWhitespace(text)) {
    if (isAsciiSpace(c)) {
      if (!inSpace) out.push_back(' ');
      inSpace = true;
    } else {
      out.push_back(c);
      inSpace = false;
    }
  }
  return out;
}

// The transport's message names the URL, which may carry userinfo: keep only what follows it.
std::string transportReason(const Status& status, const std::string& url) {
  std::string_view message = toStd(status.message());
  size_t at = message.find(url);
  if (at == std::string_view::npos) return std::string(message);
  std::string_view rest = message.substr(at + url.size());
  if (rest.starts_with(": ")) rest.remove_prefix(2);
  return std::string(rest);
}

std::string formatTimeout(std::chrono::milliseconds timeout) {
  if (timeout.count() % 1000 == 0) return strCat(timeout.count() / 1000, "s");
  return strCat(timeout.count(), "ms");
}

StatusOr<std::optional<double>> valueOfSample(const Json& sample, std::string_view query) {
  // A sample is [ <unix time>, "<value>" ].
  if (!sample.is_array() || sample.size() != 2 || !sample[1].is_string()) {
    return absl::InternalError(strCat("Prometheus answered a malformed sample for query: ", query));
  }
  auto value = parseSampleValue(sample[1].get<std::string>());
  if (!value) {
    return absl::InternalError(
        strCat("Prometheus answered an unparseable value \"", sample[1].get<std::string>(), "\" for query: ", query));
  }
  return std::optional<double>(*value);
}

Status errorFromApi(std::string_view errorType, std::string_view error, int httpStatus, std::string_view query) {
  std::string message = strCat("Prometheus query error (", errorType, ", HTTP ", httpStatus, "): ", error,
                                     "; query: ", query);
  if (errorType == "bad_data" || errorType == "execution") return absl::InvalidArgumentError(message);
  if (errorType == "timeout" || errorType == "canceled") return absl::DeadlineExceededError(message);
  if (errorType == "unavailable") return absl::UnavailableError(message);
  return absl::InternalError(message);
}

class PrometheusProvider final : public MetricProvider {
 public:
  PrometheusProvider(PrometheusConfig config, http::ClientPtr client)
      : config_(std::move(config)), client_(std::move(client)), shownAddress_(redactAddress(config_.address)) {
    while (!config_.address.empty() && config_.address.back() == '/') config_.address.pop_back();
    authorization_ = authorizationHeader(config_.credentials);
  }

  // MetricProvider
  StatusOr<std::optional<double>> query(std::string_view rawQuery) override {
    const std::string promql = collapseWhitespace(rawQuery);
    http::Request request;
    request.method = "GET";
    request.url = strCat(config_.address, "/api/v1/query?query=", urlEncode(promql));
    request.timeout = config_.timeout;
    request.headers = config_.headers;
    request.headers.emplace_back("Accept", "application/json");
    if (!authorization_.empty()) request.headers.emplace_back("Authorization", authorization_);

    auto response = client_->send(request);
    if (!response.ok()) {
      const Status& status = response.status();
      switch (status.code()) {
        case StatusCode::kDeadlineExceeded:
          return absl::DeadlineExceededError(strCat("Prometheus at ", shownAddress_, " did not answer within ",
                                                          formatTimeout(config_.timeout), "; query: ", promql));
        case StatusCode::kUnavailable:
          return absl::UnavailableError(strCat("Prometheus at ", shownAddress_, " is unreachable (",
                                               transportReason(status, request.url), "); query: ", promql));
        default:
          return Status(status.code(), strCat("querying Prometheus at ", shownAddress_, ": ",
                                              transportReason(status, request.url), "; query: ", promql));
      }
    }
    return parsePrometheusAnswer(response->status, response->body, promql);
  }

  std::string describe() const override { return strCat("prometheus ", shownAddress_); }

 private:
  PrometheusConfig config_;
  http::ClientPtr client_;
  std::string shownAddress_;
  std::string authorization_;  // never logged
};

}  // namespace

std::optional<double> parseSampleValue(std::string_view text) {
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (text == "+Inf" || text == "Inf") return std::numeric_limits<double>::infinity();
  if (text == "-Inf") return -std::numeric_limits<double>::infinity();
  double value = 0;
  if (!absl::SimpleAtod(toAbsl(text), &value)) return std::nullopt;
  return value;
}

std::string redactAddress(std::string_view address) {
  size_t scheme = address.find("://");
  size_t hostStart = scheme == std::string_view::npos ? 0 : scheme + 3;
  size_t hostEnd = address.find('/', hostStart);
  size_t at = address.rfind('@', hostEnd == std::string_view::npos ? address.size() : hostEnd);
  if (at == std::string_view::npos || at < hostStart) return std::string(address);
  return strCat(address.substr(0, hostStart), address.substr(at + 1));
}

StatusOr<std::optional<double>> parsePrometheusAnswer(int httpStatus, std::string_view body, std::string_view query) {
  if (httpStatus == 401) {
    return absl::UnauthenticatedError(strCat("Prometheus rejected the request as unauthenticated (HTTP 401); query: ", query));
  }
  if (httpStatus == 403) {
    return absl::PermissionDeniedError(strCat("Prometheus refused the request (HTTP 403); query: ", query));
  }
  auto parsed = parseJson(body, "Prometheus answer");
  if (!parsed.ok() || !parsed->is_object()) {
    if (httpStatus >= 500) {
      return absl::UnavailableError(strCat("Prometheus answered HTTP ", httpStatus, ": ", clip(body)));
    }
    return absl::InternalError(
        strCat("Prometheus answered HTTP ", httpStatus, " with a body that is not an API answer: ", clip(body)));
  }
  const Json& answer = *parsed;
  if (stringAt(answer, {"status"}) != "success") {
    if (answer.contains("errorType") || answer.contains("error")) {
      return errorFromApi(stringAt(answer, {"errorType"}, "unknown"), stringAt(answer, {"error"}), httpStatus, query);
    }
    return absl::InternalError(strCat("Prometheus answered HTTP ", httpStatus, " without a status: ", clip(body)));
  }
  const std::string resultType = stringAt(answer, {"data", "resultType"});
  const Json* result = findPath(answer, {"data", "result"});
  if (result == nullptr) {
    return absl::InternalError(strCat("Prometheus answer has no data.result for query: ", query));
  }
  if (resultType == "scalar") return valueOfSample(*result, query);
  if (resultType == "vector") {
    if (!result->is_array()) return absl::InternalError(strCat("Prometheus vector answer is not a list; query: ", query));
    if (result->empty()) return std::optional<double>();
    if (result->size() > 1) {
      return absl::FailedPreconditionError(strCat("query returned ", result->size(),
                                                        " series, a check needs exactly one (aggregate it, e.g. sum(...)); query: ",
                                                        query));
    }
    const Json* sample = findPath((*result)[0], {"value"});
    if (sample == nullptr) return absl::InternalError(strCat("Prometheus series without a value; query: ", query));
    return valueOfSample(*sample, query);
  }
  return absl::FailedPreconditionError(
      strCat("query returned a ", resultType.empty() ? "result of unknown type" : resultType,
                   ", a check needs an instant vector or a scalar; query: ", query));
}

StatusOr<MetricProviderPtr> makePrometheusProvider(PrometheusConfig config, http::ClientPtr client) {
  if (!config.address.starts_with("http://") && !config.address.starts_with("https://")) {
    return absl::InvalidArgumentError(
        strCat("prometheus address \"", redactAddress(config.address), "\" is not an http(s) URL"));
  }
  if (client == nullptr) return absl::InvalidArgumentError("prometheus provider needs an HTTP client");
  if (config.timeout.count() <= 0) config.timeout = std::chrono::seconds(5);
  return MetricProviderPtr(std::make_shared<PrometheusProvider>(std::move(config), std::move(client)));
}

Status checkOnline(MetricProvider& provider) {
  PENNANT_ASSIGN_OR_RETURN(auto value, provider.query("vector(1)"));
  if (!value || *value != 1.0) {
    return absl::UnavailableError(strCat(provider.describe(), " answered vector(1) with something other than 1"));
  }
  return absl::OkStatus();
}

}  // namespace pennant::metrics
