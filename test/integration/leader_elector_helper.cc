// A tiny process for the leader-election test: campaigns for a Lease with kube::LeaderElector and
// prints "leading <identity>" when it wins. SIGTERM stops it (releasing the Lease); the test kills
// it with SIGKILL to simulate a crashed leader.
//   leader_elector_helper KUBECONFIG NAMESPACE LEASE IDENTITY LEASE_MS RENEW_MS RETRY_MS
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "kube/config.h"
#include "kube/leader_election.h"
#include "kube/rest_client.h"

using namespace pennant;

int main(int argc, char** argv) {
  if (argc != 8) {
    std::fprintf(stderr, "usage: %s KUBECONFIG NAMESPACE LEASE IDENTITY LEASE_MS RENEW_MS RETRY_MS\n", argv[0]);
    return 2;
  }
  // Block SIGTERM before any thread starts; one thread waits for it and stops the elector.
  sigset_t term;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &term, nullptr);

  auto config = kube::loadKubeconfig({.path = argv[1], .context = ""});
  if (!config.ok()) {
    std::fprintf(stderr, "kubeconfig: %s\n", config.status().ToString().c_str());
    return 1;
  }
  const std::string identity = argv[4];
  kube::LeaderElectionConfig election;
  election.leaseNamespace = argv[2];
  election.leaseName = argv[3];
  election.identity = identity;
  election.leaseDuration = std::chrono::milliseconds(std::atoi(argv[5]));
  election.renewDeadline = std::chrono::milliseconds(std::atoi(argv[6]));
  election.retryPeriod = std::chrono::milliseconds(std::atoi(argv[7]));
  election.onStartedLeading = [&] {
    std::printf("leading %s\n", identity.c_str());
    std::fflush(stdout);
  };
  election.onStoppedLeading = [&] {
    std::printf("stopped %s\n", identity.c_str());
    std::fflush(stdout);
  };
  kube::LeaderElector elector(kube::makeRestClient(*std::move(config)), election);
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&term, &sig);
    elector.stop();
  });
  waiter.detach();
  Status result = elector.run();
  if (!result.ok()) {
    std::fprintf(stderr, "leader election: %s\n", result.ToString().c_str());
    return 1;
  }
  return 0;
}
