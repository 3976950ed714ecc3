// pennant-e2e-traffic: the e2e traffic follower (traffic_follower.h) as a program, for scripts
// such as the demo: follows one route's weights and publishes per-backend metrics to a
// pennant-test-exporter; backend profiles are set over HTTP.
//   pennant-e2e-traffic --kubeconfig K --namespace NS --route NAME [--kind GRPCRoute|HTTPRoute]
//       [--target DEPLOYMENT] --exporter http://127.0.0.1:PORT [--call helloworld.Greeter/SayHello]...
//       [--port 0]
// Prints "listening on 127.0.0.1:PORT", then serves until SIGINT/SIGTERM:
//   POST /profiles {"service":"greeter-canary","errorRate":0.25,"latencySeconds":0.02}
//   GET  /routed?service=greeter-canary&call=0     calls the route sent there so far
#include <httplib.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>

#include "e2e/traffic_follower.h"
#include "kube/config.h"
#include "kube/rest_client.h"

namespace {
volatile std::sig_atomic_t gStop = 0;
void onSignal(int) { gStop = 1; }
}  // namespace

int main(int argc, char** argv) {
  using namespace pennant;
  CLI::App app{"pennant-e2e-traffic: a route-following traffic simulator for Pennant's tests"};
  std::string kubeconfig, kind = "GRPCRoute";
  std::vector<std::string> calls;
  int port = 0;
  e2e::FollowerOptions o;
  app.add_option("--kubeconfig", kubeconfig, "kubeconfig file")->required();
  app.add_option("--namespace", o.ns, "namespace of the route")->required();
  app.add_option("--route", o.routeName, "route name (also the apex of its backends)")->required();
  app.add_option("--kind", kind, "GRPCRoute or HTTPRoute")->check(CLI::IsMember({"GRPCRoute", "HTTPRoute"}));
  app.add_option("--target", o.target, "the Canary's target Deployment (default: the route name)");
  app.add_option("--exporter", o.exporterUrl, "pennant-test-exporter URL")->required();
  app.add_option("--call", calls, "SERVICE/METHOD (GRPCRoute) or PATH (HTTPRoute), 100 calls/s each");
  app.add_option("--port", port, "port of the profile API on 127.0.0.1 (0: any free one)");
  CLI11_PARSE(app, argc, argv);

  o.apex = o.routeName;
  if (o.target.empty()) o.target = o.routeName;
  o.grpc = kind == "GRPCRoute";
  o.route = o.grpc ? &kube::resources::grpcRoutes() : &kube::resources::httpRoutes();
  if (calls.empty()) calls.push_back(o.grpc ? "helloworld.Greeter/SayHello" : "/");
  for (const auto& c : calls) {
    e2e::CallClass call;
    if (o.grpc) {
      auto slash = c.find('/');
      call.grpcService = c.substr(0, slash);
      call.grpcMethod = slash == std::string::npos ? "" : c.substr(slash + 1);
    } else {
      call.path = c;
    }
    o.calls.push_back(call);
  }
  kube::KubeconfigOptions kc;
  kc.path = kubeconfig;
  auto config = kube::loadKubeconfig(kc);
  if (!config.ok()) {
    std::cerr << config.status() << "\n";
    return 1;
  }
  e2e::TrafficFollower follower(kube::makeRestClient(*config), o);

  httplib::Server server;
  server.Post("/profiles", [&](const httplib::Request& req, httplib::Response& res) {
    auto json = parseJson(req.body, "profile");
    if (!json.ok() || !json->contains("service")) {
      res.status = 400;
      res.set_content("want {\"service\":...,\"errorRate\":...,\"latencySeconds\":...}\n", "text/plain");
      return;
    }
    e2e::BackendProfile p;
    p.errorRate = json->value("errorRate", p.errorRate);
    p.latencySeconds = json->value("latencySeconds", p.latencySeconds);
    follower.setProfile((*json)["service"].get<std::string>(), p);
    res.set_content("ok\n", "text/plain");
  });
  server.Get("/routed", [&](const httplib::Request& req, httplib::Response& res) {
    size_t call = req.has_param("call") ? std::stoul(req.get_param_value("call")) : 0;
    res.set_content(std::to_string(follower.routed(req.get_param_value("service"), call)) + "\n", "text/plain");
  });
  int bound = port == 0 ? server.bind_to_any_port("127.0.0.1") : (server.bind_to_port("127.0.0.1", port) ? port : -1);
  if (bound <= 0) {
    std::cerr << "cannot listen on 127.0.0.1:" << port << "\n";
    return 1;
  }
  std::thread serving([&] { server.listen_after_bind(); });
  follower.start();
  std::cout << "listening on 127.0.0.1:" << bound << std::endl;
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  while (!gStop) pause();
  follower.stop();
  server.stop();
  serving.join();
  return 0;
}
