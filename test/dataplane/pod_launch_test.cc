#include "dataplane/pod_launch.h"

#include <gtest/gtest.h>

namespace pennant::dataplane {
namespace {

Json pod(const std::string& image, const std::string& phase = "Running", const std::string& ip = "10.0.0.7") {
  return Json::parse(R"({
    "metadata": {"namespace": "demo", "name": "greeter-primary-5d9f-abcde", "uid": "u1"},
    "spec": {"terminationGracePeriodSeconds": 3, "containers": [{"name": "app", "image": ")" +
                     image + R"(",
      "env": [{"name": "GREETER_FAULT_RATE", "value": "0.2"},
              {"name": "FROM_SECRET", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}],
      "ports": [{"name": "grpc", "containerPort": 9090}, {"name": "metrics", "containerPort": 9797},
                {"name": "other", "containerPort": 1234}]}]},
    "status": {"phase": ")" +
                     phase + R"(", "podIP": ")" + ip + R"("}})");
}

TEST(PodLaunch, GreeterPodRunsOnItsAddressWithTheImageTagAsVersion) {
  auto l = launchFor(pod("registry.example:5000/team/greeter:v2"));
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->key, "demo/greeter-primary-5d9f-abcde");
  EXPECT_EQ(l->podIP, "10.0.0.7");
  EXPECT_EQ(l->graceSeconds, 3);
  EXPECT_EQ(l->args, (std::vector<std::string>{"--grpc-listen", "10.0.0.7:9090", "--metrics-listen", "10.0.0.7:9797"}));
  EXPECT_EQ(l->env.at("GREETER_VERSION"), "v2");
  EXPECT_EQ(l->env.at("GREETER_FAULT_RATE"), "0.2");
  EXPECT_EQ(l->env.at("POD_NAME"), "greeter-primary-5d9f-abcde");
  EXPECT_EQ(l->env.count("FROM_SECRET"), 0u) << "only literal values";
}

TEST(PodLaunch, OtherImagesPendingPodsAndPodsBeingDeletedRunNothing) {
  EXPECT_FALSE(launchFor(pod("example.com/podinfo:6.0")).has_value());
  EXPECT_FALSE(launchFor(pod("example.com/greeter-tools:1")).has_value());
  EXPECT_FALSE(launchFor(pod("example.com/greeter:v1", "Pending")).has_value());
  EXPECT_FALSE(launchFor(pod("example.com/greeter:v1", "Running", "")).has_value());
  Json deleting = pod("example.com/greeter:v1");
  deleting["metadata"]["deletionTimestamp"] = "2026-12-02T00:00:00Z";
  EXPECT_FALSE(launchFor(deleting).has_value());
}

TEST(PodLaunch, PreStopSleepIsReadFromTheSleepActionOrASleepCommand) {
  Json p = pod("example.com/greeter:v1");
  EXPECT_EQ(launchFor(p)->preStopSeconds, 0);
  p["spec"]["containers"][0]["lifecycle"] = {{"preStop", {{"sleep", {{"seconds", 4}}}}}};
  EXPECT_EQ(launchFor(p)->preStopSeconds, 4);
  p["spec"]["containers"][0]["lifecycle"] = {{"preStop", {{"exec", {{"command", {"/bin/sh", "-c", "sleep 3"}}}}}}};
  EXPECT_EQ(launchFor(p)->preStopSeconds, 3);
  p["spec"]["containers"][0]["lifecycle"] = {{"preStop", {{"exec", {{"command", {"sleep", "2"}}}}}}};
  EXPECT_EQ(launchFor(p)->preStopSeconds, 2);
  p["spec"]["containers"][0]["lifecycle"] = {{"preStop", {{"exec", {{"command", {"/drain.sh"}}}}}}};
  EXPECT_EQ(launchFor(p)->preStopSeconds, 0);
}

TEST(PodLaunch, ImageWithoutTagKeepsTheDefaultVersion) {
  auto l = launchFor(pod("greeter"));
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->env.count("GREETER_VERSION"), 0u);
}

}  // namespace
}  // namespace pennant::dataplane
