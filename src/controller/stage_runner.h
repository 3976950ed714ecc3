#pragma once
// Runs the webhooks and metric checks that analysis::plan() asked for, and only those, and hands
// their results to step() through Observations. Also the notifications the actions ask for:
// fire-and-forget hooks, `event` hooks and alerts through AlertProviders.
#include <string>
#include <utility>
#include <vector>

#include "analysis/actions.h"
#include "analysis/observations.h"
#include "analysis/plan.h"
#include "analysis/step.h"
#include "api/canary.h"
#include "controller/object_store.h"
#include "http/http_client.h"
#include "metrics/builtin_queries.h"
#include "metrics/provider_factory.h"

namespace pennant::controller {

struct AnalysisOptions {
  // Prometheus address for builtin checks (--metrics-server); "" = builtin checks fail.
  std::string metricsServer;
  metrics::BuiltinOptions builtin;
  // HTTP clients of metric providers (insecureSkipVerify differs per template). Default: curl.
  metrics::HttpClientFactory providerClients;
  std::string clusterName;  // alert field "Cluster" when set
  // --drain-period: analysis.drainPeriod of Canaries that leave it out.
  int64_t defaultDrainSeconds = analysis::kDefaultDrainSeconds;
};

class StageRunner {
 public:
  StageRunner(const api::Canary& canary, const ObjectStore& store, http::Client& http, const AnalysisOptions& options)
      : canary_(canary), store_(store), http_(http), options_(options) {}

  // Runs the planned stages in order into obs.webhooks / obs.checks, stopping where
  // analysis::continueAfter says the later stages cannot matter.
  void run(const analysis::Plan& plan, analysis::Observations& obs);

  // The hooks of `type`, each called once; a spec that does not parse is one failed result.
  std::vector<analysis::WebhookResult> runHooks(analysis::HookType type, api::Phase phase);
  std::vector<analysis::CheckVerdict> runChecks();
  // `event` hooks of the Canary with the event's message.
  void sendEventHooks(const analysis::RecordEvent& event, int64_t unixMillis);
  // Alerts of analysis.alerts whose severity subscribes to `alert`. Errors are returned joined,
  // never the secret.
  Status sendAlert(const analysis::SendAlert& alert);

  // metric name -> the value its last check this tick measured (flagger_canary_metric_analysis);
  // checks that measured nothing (no values, query error, guard held) are absent.
  const std::vector<std::pair<std::string, double>>& measuredValues() const { return measured_; }

 private:
  analysis::CheckVerdict runCheck(const Json& metric);

  const api::Canary& canary_;
  const ObjectStore& store_;
  http::Client& http_;
  const AnalysisOptions& options_;
  std::vector<std::pair<std::string, double>> measured_;
};

}  // namespace pennant::controller
