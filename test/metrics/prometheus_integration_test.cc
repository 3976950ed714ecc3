// Metric checks against a real Prometheus (Debian's /usr/bin/prometheus, started on loopback by
// test/cluster/prometheus.sh) scraping the test exporter every second. The exporter stands in for
// the gateway and the pods: there is no data plane here, but Prometheus, its PromQL engine, the
// HTTP API and Pennant's queries are real. Every wait is a bounded poll, never a fixed sleep.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <thread>

#include "http/http_client.h"
#include "metrics/check.h"
#include "metrics/exporter/exporter.h"
#include "metrics/prometheus_provider.h"

namespace pennant::metrics {
namespace {

using namespace std::chrono_literals;
using pennant::testing::BackendTraffic;
using pennant::testing::TestExporter;

constexpr auto kPollTimeout = 90s;  // generous: the machine is small and shared

// One Prometheus process, started and stopped through test/cluster/prometheus.sh.
class PrometheusProcess {
 public:
  // Returns "" on success, else the script's output.
  std::string start(int exporterPort) {
    char tmpl[] = "/tmp/pennant-prometheus-XXXXXX";
    dir_ = mkdtemp(tmpl);
    std::string cmd = std::string("bash ") + PENNANT_SOURCE_DIR + "/test/cluster/prometheus.sh start " + dir_ +
                      " 127.0.0.1:" + std::to_string(exporterPort) + " 2>&1";
    std::string output;
    if (FILE* pipe = popen(cmd.c_str(), "r")) {
      char buffer[512];
      while (fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
      int rc = pclose(pipe);
      if (rc != 0) return output.empty() ? "prometheus.sh failed" : output;
    }
    size_t at = output.find("PROMETHEUS_URL=");
    if (at == std::string::npos) return "no PROMETHEUS_URL in: " + output;
    url_ = output.substr(at + 15, output.find('\n', at) - at - 15);
    return "";
  }
  void stop() {
    if (dir_.empty()) return;
    std::string cmd = std::string("bash ") + PENNANT_SOURCE_DIR + "/test/cluster/prometheus.sh stop " + dir_;
    EXPECT_EQ(std::system(cmd.c_str()), 0);
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
    dir_.clear();
  }
  ~PrometheusProcess() { stop(); }
  const std::string& url() const { return url_; }

 private:
  std::string dir_;
  std::string url_;
};

BackendTraffic backend(const std::string& ns, bool canary) {
  BackendTraffic b;
  b.ns = ns;
  b.workload = canary ? "podinfo" : "podinfo-primary";
  b.service = canary ? "podinfo-canary" : "podinfo-primary";
  return b;
}

TemplateModel canaryModel(const std::string& ns) {
  TemplateModel m;
  m.name = "podinfo";
  m.ns = ns;
  m.target = "podinfo";
  m.service = "podinfo";
  m.ingress = "podinfo";
  m.route = "podinfo";
  return m;
}

MetricProviderPtr provider(const std::string& url, std::chrono::milliseconds timeout = 5s) {
  PrometheusConfig config;
  config.address = url;
  config.timeout = timeout;
  auto made = makePrometheusProvider(config, http::makeCurlClient());
  EXPECT_TRUE(made.ok()) << made.status();
  return *made;
}

class PrometheusIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    exporter_ = new TestExporter();
    auto port = exporter_->start();
    ASSERT_TRUE(port.ok()) << port.status();
    prometheus_ = new PrometheusProcess();
    std::string error = prometheus_->start(*port);
    ASSERT_EQ(error, "") << error;
    exporterPort_ = *port;
  }
  static void TearDownTestSuite() {
    delete prometheus_;
    prometheus_ = nullptr;
    delete exporter_;
    exporter_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(prometheus_, nullptr);
    ASSERT_FALSE(prometheus_->url().empty()) << "Prometheus did not start";
    provider_ = provider(prometheus_->url());
  }

  // Publishes the backends with every count at zero and waits until Prometheus has stored such
  // a sample: a counter's first sample is never an increase, so the zeros must come first.
  void publishZerosThenCounts(std::vector<BackendTraffic> backends) {
    for (const auto& b : backends) {
      BackendTraffic zero = b;
      for (auto& [k, n] : zero.grpcCodes) n = 0;
      for (auto& [k, n] : zero.httpStatuses) n = 0;
      for (auto& [s, n] : zero.latencies) n = 0;
      exporter_->setBackend(zero);
    }
    const std::string ns = backends.front().ns;
    const std::string probe = "count(envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name=~\"" + ns + "_.*\"})";
    auto deadline = std::chrono::steady_clock::now() + kPollTimeout;
    for (;;) {
      auto seen = provider_->query(probe);
      if (seen.ok() && seen->has_value()) break;
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "Prometheus never scraped the zeros of " << ns;
      std::this_thread::sleep_for(200ms);
    }
    // Two more scrapes of zeros, so even a 1s-step subquery (Envoy flavour) sees a zero first.
    const uint64_t scraped = exporter_->scrapes();
    while (exporter_->scrapes() < scraped + 2) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the exporter is no longer scraped";
      std::this_thread::sleep_for(100ms);
    }
    for (const auto& b : backends) exporter_->setBackend(b);
  }

  // Evaluates the metric until `done` holds or the poll times out; returns the last result.
  CheckResult evaluateUntil(const MetricSpec& spec, const std::string& ns, const BuiltinOptions& options,
                            const std::function<bool(const CheckResult&)>& done,
                            const std::optional<std::string>& templateQuery = std::nullopt) {
    auto deadline = std::chrono::steady_clock::now() + kPollTimeout;
    CheckResult result;
    do {
      result = evaluateMetric(spec, canaryModel(ns), templateQuery, options, *provider_);
      if (done(result)) return result;
      std::this_thread::sleep_for(250ms);
    } while (std::chrono::steady_clock::now() < deadline);
    ADD_FAILURE() << "metric " << spec.name << " never settled; last: " << result.message;
    return result;
  }

  static bool judged(const CheckResult& r) {
    return r.outcome == CheckOutcome::kPassed || r.outcome == CheckOutcome::kOutOfRange;
  }

  static TestExporter* exporter_;
  static PrometheusProcess* prometheus_;
  static int exporterPort_;
  MetricProviderPtr provider_;
};

TestExporter* PrometheusIntegrationTest::exporter_ = nullptr;
PrometheusProcess* PrometheusIntegrationTest::prometheus_ = nullptr;
int PrometheusIntegrationTest::exporterPort_ = 0;

const std::vector<QueryFlavour> kFlavours = {QueryFlavour::kApp, QueryFlavour::kIstio, QueryFlavour::kEnvoy};

// Builtin options for the flavour, with the Envoy subquery step matched to the 1s scrapes.
BuiltinOptions optionsFor(QueryFlavour flavour) {
  BuiltinOptions options;
  options.flavour = flavour;
  options.envoySubqueryStep = "1s";
  return options;
}

MetricSpec spec(std::string name) {
  MetricSpec s;
  s.name = std::move(name);
  s.interval = "2m";  // 120 one-second scrapes: plenty of room for the polls on a slow machine
  return s;
}

TEST_F(PrometheusIntegrationTest, GrpcSuccessRateCountsOnlyServerFailuresInEveryFlavour) {
  BackendTraffic canary = backend("grpc-rate", true);
  // 1000 calls: 150 client errors (not held against the canary), 50 server failures.
  canary.grpcCodes = {{0, 800}, {3, 100}, {5, 50}, {13, 30}, {14, 20}};
  BackendTraffic primary = backend("grpc-rate", false);
  primary.grpcCodes = {{0, 1000}};
  publishZerosThenCounts({canary, primary});

  MetricSpec rate = spec("grpc-success-rate");
  rate.thresholdRange = ThresholdRange{.min = 99, .max = std::nullopt};
  MetricSpec versus = spec(std::string(kGrpcErrorRateVsPrimary));
  versus.thresholdRange = ThresholdRange{.min = std::nullopt, .max = 1};
  for (QueryFlavour flavour : kFlavours) {
    SCOPED_TRACE(std::string(queryFlavourName(flavour)));
    BuiltinOptions options = optionsFor(flavour);
    CheckResult r = evaluateUntil(rate, "grpc-rate", options, judged);
    EXPECT_EQ(r.outcome, CheckOutcome::kOutOfRange) << r.message;
    ASSERT_TRUE(r.value.has_value()) << r.message;
    EXPECT_NEAR(*r.value, 95.0, 1e-6);  // 100 * (1 - 50/1000); with the primary mixed in it would be 97.5
    EXPECT_EQ(r.message, "metric grpc-success-rate: 95.00 < 99 (%)");

    CheckResult cmp = evaluateUntil(versus, "grpc-rate", options, judged);
    ASSERT_TRUE(cmp.value.has_value()) << cmp.message;
    EXPECT_NEAR(*cmp.value, 5.0, 1e-6);  // 5% errors on the canary, 0% on the primary
    EXPECT_EQ(cmp.outcome, CheckOutcome::kOutOfRange);
  }
}

TEST_F(PrometheusIntegrationTest, ResourceExhaustedBothWays) {
  BackendTraffic canary = backend("exhausted", true);
  canary.grpcCodes = {{0, 900}, {8, 100}};
  publishZerosThenCounts({canary});
  MetricSpec rate = spec("grpc-success-rate");
  rate.threshold = 99;  // deprecated form: a minimum for success rates
  for (QueryFlavour flavour : kFlavours) {
    SCOPED_TRACE(std::string(queryFlavourName(flavour)));
    CheckResult lenient = evaluateUntil(rate, "exhausted", optionsFor(flavour), judged);
    ASSERT_TRUE(lenient.value.has_value()) << lenient.message;
    EXPECT_NEAR(*lenient.value, 100.0, 1e-6);
    EXPECT_TRUE(lenient.passed());

    BuiltinOptions strict = optionsFor(flavour);
    strict.grpc.resourceExhaustedIsFailure = true;
    CheckResult r = evaluateUntil(rate, "exhausted", strict, judged);
    ASSERT_TRUE(r.value.has_value()) << r.message;
    EXPECT_NEAR(*r.value, 90.0, 1e-6);
    EXPECT_EQ(r.outcome, CheckOutcome::kOutOfRange);
  }
}

TEST_F(PrometheusIntegrationTest, GrpcLatencyPercentileInEveryFlavour) {
  BackendTraffic canary = backend("grpc-latency", true);
  canary.grpcCodes = {{0, 100}};
  canary.latencies = {{0.02, 90}, {0.7, 10}};  // p99 falls in the (0.5s, 1s] bucket
  publishZerosThenCounts({canary});
  MetricSpec duration = spec("grpc-request-duration");
  duration.thresholdRange = ThresholdRange{.min = std::nullopt, .max = 500};
  for (QueryFlavour flavour : kFlavours) {
    SCOPED_TRACE(std::string(queryFlavourName(flavour)));
    CheckResult r = evaluateUntil(duration, "grpc-latency", optionsFor(flavour), judged);
    ASSERT_TRUE(r.value.has_value()) << r.message;
    EXPECT_NEAR(*r.value, 950.0, 1e-6);  // 500ms + 500ms * (99 - 90) / 10, in ms in every flavour
    EXPECT_EQ(r.outcome, CheckOutcome::kOutOfRange);
    EXPECT_EQ(r.message, "metric grpc-request-duration: 950.00 > 500 (ms)");
  }
}

TEST_F(PrometheusIntegrationTest, HttpBuiltinsInEveryFlavour) {
  BackendTraffic canary = backend("http", true);
  canary.httpStatuses = {{200, 940}, {404, 10}, {503, 50}};
  canary.latencies = {{0.2, 1000}};
  publishZerosThenCounts({canary});
  MetricSpec rate = spec("request-success-rate");
  rate.threshold = 90;
  MetricSpec duration = spec("request-duration");
  duration.threshold = 500;
  for (QueryFlavour flavour : kFlavours) {
    SCOPED_TRACE(std::string(queryFlavourName(flavour)));
    CheckResult r = evaluateUntil(rate, "http", optionsFor(flavour), judged);
    ASSERT_TRUE(r.value.has_value()) << r.message;
    EXPECT_NEAR(*r.value, 95.0, 1e-6);  // 404s are not failures
    EXPECT_TRUE(r.passed()) << r.message;
    CheckResult d = evaluateUntil(duration, "http", optionsFor(flavour), judged);
    ASSERT_TRUE(d.value.has_value()) << d.message;
    EXPECT_NEAR(*d.value, 248.5, 1e-6);  // 100ms + 150ms * 0.99
    EXPECT_TRUE(d.passed()) << d.message;
  }
}

TEST_F(PrometheusIntegrationTest, MinimumTrafficGuard) {
  BackendTraffic canary = backend("guard", true);
  canary.grpcCodes = {{0, 5}};
  publishZerosThenCounts({canary});
  MetricSpec rate = spec("grpc-success-rate");
  rate.threshold = 99;
  rate.minRequests = 100;
  CheckResult low = evaluateUntil(rate, "guard", {}, [](const CheckResult& r) { return r.value.value_or(0) > 0; });
  EXPECT_EQ(low.outcome, CheckOutcome::kTooFewRequests) << low.message;
  EXPECT_FALSE(low.passed());
  EXPECT_NE(low.message.find("fewer than the minimum 100"), std::string::npos) << low.message;

  canary.grpcCodes = {{0, 1005}};
  exporter_->setBackend(canary);
  CheckResult enough = evaluateUntil(rate, "guard", {}, judged);
  EXPECT_TRUE(enough.passed()) << enough.message;
  EXPECT_NEAR(enough.value.value_or(0), 100.0, 1e-6);
}

TEST_F(PrometheusIntegrationTest, NoValuesIsItsOwnOutcome) {
  // Nothing was ever published for this namespace.
  CheckResult builtin = evaluateMetric(spec("grpc-success-rate"), canaryModel("silent"), std::nullopt, {}, *provider_);
  EXPECT_EQ(builtin.outcome, CheckOutcome::kNoValues) << builtin.message;
  EXPECT_NE(builtin.message.find("no values"), std::string::npos);

  MetricSpec custom = spec("custom");
  custom.threshold = 1;
  CheckResult templated = evaluateMetric(
      custom, canaryModel("silent"),
      std::string("sum(rate(never_exported_total{namespace=\"{{ namespace }}\"}[{{ interval }}]))"), {}, *provider_);
  EXPECT_EQ(templated.outcome, CheckOutcome::kNoValues) << templated.message;
  EXPECT_TRUE(templated.error.ok());
}

TEST_F(PrometheusIntegrationTest, QueryErrorAndTooManySeries) {
  MetricSpec broken = spec("broken");
  broken.query = "sum(rate(grpc_server_handled_total[{{ interval }}])";
  CheckResult r = evaluateMetric(broken, canaryModel("x"), std::nullopt, {}, *provider_);
  EXPECT_EQ(r.outcome, CheckOutcome::kQueryFailed);
  EXPECT_EQ(r.error.code(), StatusCode::kInvalidArgument) << r.error;
  EXPECT_NE(r.message.find("Prometheus query error (bad_data, HTTP 400)"), std::string::npos) << r.message;

  MetricSpec many = spec("many");
  many.query =
      "label_replace(vector(1), \"side\", \"a\", \"\", \"\") or label_replace(vector(2), \"side\", \"b\", \"\", \"\")";
  CheckResult m = evaluateMetric(many, canaryModel("x"), std::nullopt, {}, *provider_);
  EXPECT_EQ(m.outcome, CheckOutcome::kQueryFailed);
  EXPECT_EQ(m.error.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(m.message.find("returned 2 series"), std::string::npos) << m.message;
  EXPECT_NE(m.message.find("label_replace(vector(1)"), std::string::npos) << m.message;
}

TEST_F(PrometheusIntegrationTest, ScalarNaNAndInfFromRealPrometheus) {
  MetricSpec scalar = spec("scalar");
  scalar.query = "scalar(vector(42))";
  scalar.threshold = 50;
  CheckResult s = evaluateMetric(scalar, canaryModel("x"), std::nullopt, {}, *provider_);
  EXPECT_TRUE(s.passed()) << s.message;
  EXPECT_EQ(s.value, 42);

  MetricSpec nan = spec("nan");
  nan.query = "vector(0) / vector(0)";
  EXPECT_EQ(evaluateMetric(nan, canaryModel("x"), std::nullopt, {}, *provider_).outcome, CheckOutcome::kNoValues);

  MetricSpec inf = spec("inf");
  inf.query = "vector(1) / vector(0)";
  inf.threshold = 1000;
  CheckResult i = evaluateMetric(inf, canaryModel("x"), std::nullopt, {}, *provider_);
  EXPECT_EQ(i.outcome, CheckOutcome::kOutOfRange) << i.message;
}

TEST_F(PrometheusIntegrationTest, TemplateWithUnknownVariableNeverReachesPrometheus) {
  MetricSpec custom = spec("error-rate");
  custom.threshold = 1;
  CheckResult r = evaluateMetric(custom, canaryModel("x"),
                                 std::string("sum(rate(x{pod=~\"{{ canary }}-.*\"}[{{ interval }}]))"), {}, *provider_);
  EXPECT_EQ(r.outcome, CheckOutcome::kInvalid);
  EXPECT_NE(r.message.find("{{ canary }}"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("unknown variable"), std::string::npos) << r.message;
}

TEST_F(PrometheusIntegrationTest, PrometheusStoppedMidAnalysis) {
  // A Prometheus of its own, so stopping it leaves the suite's instance alone.
  PrometheusProcess own;
  std::string error = own.start(exporterPort_);
  ASSERT_EQ(error, "") << error;
  auto ownProvider = provider(own.url());
  MetricSpec alive = spec("alive");
  alive.query = "vector(1)";
  alive.threshold = 1;
  CheckResult before = evaluateMetric(alive, canaryModel("x"), std::nullopt, {}, *ownProvider);
  EXPECT_TRUE(before.passed()) << before.message;

  own.stop();
  CheckResult after = evaluateMetric(alive, canaryModel("x"), std::nullopt, {}, *ownProvider);
  EXPECT_EQ(after.outcome, CheckOutcome::kQueryFailed);
  EXPECT_EQ(after.error.code(), StatusCode::kUnavailable) << after.error;
  EXPECT_NE(after.message.find("is unreachable"), std::string::npos) << after.message;
  EXPECT_NE(after.message.find(own.url()), std::string::npos) << after.message;
}

TEST_F(PrometheusIntegrationTest, SlowPrometheusTimesOutWithItsOwnMessage) {
  // Real Prometheus answers too fast to time out on demand; a loopback server that stalls does.
  httplib::Server slow;
  slow.Get("/api/v1/query", [](const httplib::Request&, httplib::Response& res) {
    std::this_thread::sleep_for(3s);
    res.set_content(R"({"status":"success","data":{"resultType":"scalar","result":[1,"1"]}})", "application/json");
  });
  int port = slow.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  std::thread serving([&] { slow.listen_after_bind(); });
  auto slowProvider = provider("http://127.0.0.1:" + std::to_string(port), 500ms);
  MetricSpec m = spec("slow");
  m.query = "vector(1)";
  m.threshold = 1;
  CheckResult r = evaluateMetric(m, canaryModel("x"), std::nullopt, {}, *slowProvider);
  slow.stop();
  serving.join();
  EXPECT_EQ(r.outcome, CheckOutcome::kQueryFailed);
  EXPECT_EQ(r.error.code(), StatusCode::kDeadlineExceeded) << r.error;
  EXPECT_NE(r.message.find("did not answer within 500ms"), std::string::npos) << r.message;
}

TEST_F(PrometheusIntegrationTest, CredentialsAndHeadersReachTheServer) {
  // An authenticating proxy in front of Prometheus, reduced to its checks.
  httplib::Server proxy;
  proxy.Get("/api/v1/query", [](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Authorization") != "Bearer t0k3n" ||
        req.get_header_value("X-Scope-OrgID") != "tenant-a") {
      res.status = 401;
      res.set_content("Unauthorized", "text/plain");
      return;
    }
    res.set_content(R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"0.5"]}]}})",
                    "application/json");
  });
  int port = proxy.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  std::thread serving([&] { proxy.listen_after_bind(); });
  PrometheusConfig config;
  config.address = "http://127.0.0.1:" + std::to_string(port);
  config.headers = {{"X-Scope-OrgID", "tenant-a"}};
  auto anonymous = makePrometheusProvider(config, http::makeCurlClient());
  config.credentials.bearerToken = "t0k3n";
  auto authenticated = makePrometheusProvider(config, http::makeCurlClient());
  ASSERT_TRUE(anonymous.ok() && authenticated.ok());
  MetricSpec m = spec("error-rate");
  m.query = "sum(rate(errors_total[{{ interval }}]))";
  m.threshold = 1;
  CheckResult denied = evaluateMetric(m, canaryModel("x"), std::nullopt, {}, **anonymous);
  CheckResult allowed = evaluateMetric(m, canaryModel("x"), std::nullopt, {}, **authenticated);
  proxy.stop();
  serving.join();
  EXPECT_EQ(denied.outcome, CheckOutcome::kQueryFailed);
  EXPECT_EQ(denied.error.code(), StatusCode::kUnauthenticated) << denied.error;
  EXPECT_TRUE(allowed.passed()) << allowed.message;
  EXPECT_EQ(allowed.value, 0.5);
  EXPECT_EQ(allowed.message.find("t0k3n"), std::string::npos);
}

}  // namespace
}  // namespace pennant::metrics
