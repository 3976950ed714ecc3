// Leader election between two real processes (leader_elector_helper) on one Lease: exactly one
// leads; after the leader is killed (SIGKILL, no release) the other takes over once the Lease
// expires, i.e. within leaseDuration plus one retry period of the kill.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "integration/cluster_env.h"
#include "kube/resource.h"

extern char** environ;

namespace pennant::testbed {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kLeaseDuration = 4s;
constexpr auto kRenewDeadline = 3s;
constexpr auto kRetryPeriod = 500ms;

// One helper process, killed on destruction if still running.
class Candidate {
 public:
  Candidate(const std::string& ns, const std::string& identity, const std::filesystem::path& out)
      : identity_(identity), out_(out) {
    auto ms = [](auto d) { return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()); };
    std::vector<std::string> args = {PENNANT_LEADER_HELPER, kubeconfigPath(), ns,
                                     "pennant-leader",      identity,         ms(kLeaseDuration),
                                     ms(kRenewDeadline),    ms(kRetryPeriod)};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, (out.string() + ".err").c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~Candidate() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  bool started() const { return pid_ > 0; }
  const std::string& identity() const { return identity_; }
  // Sends `sig` and reaps the process; returns its wait status.
  int stop(int sig) {
    int status = 0;
    kill(pid_, sig);
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }
  std::string output() const {
    std::ifstream in(out_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::string errors() const {
    std::ifstream in(out_.string() + ".err");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  std::string identity_;
  std::filesystem::path out_;
  pid_t pid_ = -1;
};

std::string holder(kube::Client& client, const std::string& ns) {
  auto lease = client.get(kube::resources::leases(), ns, "pennant-leader");
  return lease.ok() ? stringAt(*lease, {"spec", "holderIdentity"}) : "";
}

TEST(LeaderElection, OneLeadsAndKillingItHandsOverWithinTheLease) {
  ScopedNamespace ns("leader");
  ASSERT_TRUE(ns.ok());
  auto client = adminClient();
  const auto outDir = std::filesystem::path(dir()) / "leader-election" / ns.name();
  std::filesystem::create_directories(outDir);
  Candidate a(ns.name(), "candidate-a", outDir / "a.out");
  Candidate b(ns.name(), "candidate-b", outDir / "b.out");
  ASSERT_TRUE(a.started() && b.started());

  std::string first;
  ASSERT_TRUE(eventually(
      [&] {
        first = holder(*client, ns.name());
        return !first.empty();
      },
      20s))
      << a.errors() << b.errors();
  Candidate& leader = first == a.identity() ? a : b;
  Candidate& follower = first == a.identity() ? b : a;
  ASSERT_EQ(leader.identity(), first);
  ASSERT_TRUE(eventually([&] { return leader.output().find("leading " + first) != std::string::npos; }, 5s));

  // Several renewals later the follower still does not lead.
  std::this_thread::sleep_for(kLeaseDuration + kRetryPeriod);
  EXPECT_EQ(holder(*client, ns.name()), first);
  EXPECT_EQ(follower.output().find("leading"), std::string::npos) << follower.output();

  const auto killed = Clock::now();
  leader.stop(SIGKILL);
  ASSERT_TRUE(eventually([&] { return holder(*client, ns.name()) == follower.identity(); }, 3 * kLeaseDuration))
      << follower.errors();
  const auto handover = Clock::now() - killed;
  EXPECT_TRUE(
      eventually([&] { return follower.output().find("leading " + follower.identity()) != std::string::npos; }, 5s));
  // The follower may take the Lease once leaseDuration has passed since it last saw a renewal,
  // and it looks every retryPeriod (client-go jitters that by up to 1.2x).
  EXPECT_LE(handover, kLeaseDuration + 4 * kRetryPeriod)
      << std::chrono::duration_cast<std::chrono::milliseconds>(handover).count() << " ms";
  EXPECT_GE(handover, kLeaseDuration - 2 * kRetryPeriod)
      << "took over before the Lease could have expired: "
      << std::chrono::duration_cast<std::chrono::milliseconds>(handover).count() << " ms";
  RecordProperty("handover_ms",
                 std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(handover).count()));
  std::printf("handover after kill: %lld ms\n",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(handover).count()));

  // A clean stop releases the Lease at once.
  int status = follower.stop(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << follower.errors();
  EXPECT_EQ(holder(*client, ns.name()), "");
}

}  // namespace
}  // namespace pennant::testbed
