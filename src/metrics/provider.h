#pragma once
// A metric provider answers one query with one number. Prometheus is the only implementation;
// tests script their own.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace pennant::metrics {

class MetricProvider {
 public:
  virtual ~MetricProvider() = default;

  // Runs an instant query.
  //  - OK with a value: the single number the query produced (NaN and +/-Inf are passed through).
  //  - OK with nullopt: the query matched nothing ("no values"), which is not a provider error.
  //  - Errors, each with its own message and code:
  //      kInvalidArgument    the server rejected the query (PromQL error);
  //      kFailedPrecondition the answer is not one number (several series, a range vector, a string);
  //      kUnavailable        the server cannot be reached (or answered 5xx);
  //      kDeadlineExceeded   no answer within the provider's timeout;
  //      kUnauthenticated / kPermissionDenied  HTTP 401 / 403;
  //      kInternal           an answer that cannot be parsed.
  virtual StatusOr<std::optional<double>> query(std::string_view query) = 0;

  // Where the queries go, for messages ("prometheus http://prometheus:9090"); never a secret.
  virtual std::string describe() const = 0;
};

using MetricProviderPtr = std::shared_ptr<MetricProvider>;

// Flagger's availability probe: `vector(1)` must answer 1.
Status checkOnline(MetricProvider& provider);

}  // namespace pennant::metrics
