#include "kube/event_recorder.h"

#include <gtest/gtest.h>

#include "fakes/fake_clock.h"
#include "fakes/fake_kube_client.h"
#include "kube/resource.h"

namespace pennant::kube {
namespace {

using fakes::FakeClock;
using fakes::FakeKubeClient;
using namespace std::chrono_literals;

const Json kCanary = {
    {"apiVersion", "flagger.app/v1beta1"},
    {"kind", "Canary"},
    {"metadata", {{"name", "podinfo"}, {"namespace", "test"}, {"uid", "uid-1"}, {"resourceVersion", "7"}}}};

class EventRecorderTest : public ::testing::Test {
 protected:
  EventRecorderOptions options() {
    EventRecorderOptions o;
    o.reportingInstance = "pennant-0";
    o.clock = clock_;
    return o;
  }
  std::vector<Json> events() { return cluster_->objects(resources::events()); }
  std::shared_ptr<FakeKubeClient> cluster_ = std::make_shared<FakeKubeClient>();
  std::shared_ptr<FakeClock> clock_ = std::make_shared<FakeClock>();
};

TEST_F(EventRecorderTest, WritesAnEventsV1EventAboutTheObject) {
  EventRecorder recorder(cluster_, options());
  recorder.record(kCanary, EventType::kWarning, "Synced", "Reconcile", "Deployment podinfo not ready");
  ASSERT_TRUE(recorder.flush());
  std::vector<Json> all = events();
  ASSERT_EQ(all.size(), 1u);
  const Json& e = all[0];
  EXPECT_EQ(e["apiVersion"], "events.k8s.io/v1");
  EXPECT_EQ(e["metadata"]["namespace"], "test");
  EXPECT_TRUE(stringAt(e, {"metadata", "name"}).starts_with("podinfo."));
  EXPECT_EQ(e["type"], "Warning");
  EXPECT_EQ(e["reason"], "Synced");
  EXPECT_EQ(e["action"], "Reconcile");
  EXPECT_EQ(e["note"], "Deployment podinfo not ready");
  EXPECT_EQ(e["reportingController"], "pennant.dev/pennant");
  EXPECT_EQ(e["reportingInstance"], "pennant-0");
  EXPECT_EQ(e["eventTime"], "2026-01-01T00:00:00.000000Z");
  EXPECT_EQ(e["regarding"], Json({{"apiVersion", "flagger.app/v1beta1"},
                                  {"kind", "Canary"},
                                  {"name", "podinfo"},
                                  {"namespace", "test"},
                                  {"uid", "uid-1"},
                                  {"resourceVersion", "7"}}));
  EXPECT_FALSE(e.contains("series"));
}

TEST_F(EventRecorderTest, RepeatsWithinTheWindowUpdateTheSeriesInsteadOfCreatingEvents) {
  EventRecorder recorder(cluster_, options());
  for (int i = 0; i < 3; ++i) {
    recorder.record(kCanary, EventType::kNormal, "Progressing", "Advance", "weight 10");
    clock_->advance(1min);
  }
  ASSERT_TRUE(recorder.flush());
  std::vector<Json> all = events();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0]["series"]["count"], 3);
  EXPECT_EQ(all[0]["series"]["lastObservedTime"], "2026-01-01T00:02:00.000000Z");
  EXPECT_EQ(cluster_->callCount(FakeKubeClient::Verb::kCreate), 1);
}

TEST_F(EventRecorderTest, DifferentNotesReasonsOrObjectsAreSeparateEvents) {
  EventRecorder recorder(cluster_, options());
  Json other = kCanary;
  other["metadata"]["name"] = "other";
  recorder.record(kCanary, EventType::kNormal, "Progressing", "Advance", "weight 10");
  clock_->advance(1ms);
  recorder.record(kCanary, EventType::kNormal, "Progressing", "Advance", "weight 20");
  clock_->advance(1ms);
  recorder.record(kCanary, EventType::kNormal, "Succeeded", "Promote", "weight 20");
  clock_->advance(1ms);
  recorder.record(other, EventType::kNormal, "Progressing", "Advance", "weight 10");
  ASSERT_TRUE(recorder.flush());
  EXPECT_EQ(events().size(), 4u);
}

TEST_F(EventRecorderTest, ARepeatAfterTheWindowStartsANewEvent) {
  EventRecorderOptions o = options();
  o.aggregationWindow = 10min;
  EventRecorder recorder(cluster_, o);
  recorder.record(kCanary, EventType::kNormal, "Progressing", "Advance", "weight 10");
  clock_->advance(11min);
  recorder.record(kCanary, EventType::kNormal, "Progressing", "Advance", "weight 10");
  ASSERT_TRUE(recorder.flush());
  EXPECT_EQ(events().size(), 2u);
}

// Memory stays bounded by the window: series of events not seen for longer are forgotten.
TEST_F(EventRecorderTest, SeriesOlderThanTheWindowAreForgotten) {
  EventRecorderOptions o = options();
  o.aggregationWindow = 10min;
  EventRecorder recorder(cluster_, o);
  for (int i = 0; i < 50; ++i) {
    recorder.record(kCanary, EventType::kNormal, "Progressing", "Advance", "weight " + std::to_string(i));
    clock_->advance(1ms);  // Event names carry the time: distinct names
  }
  ASSERT_TRUE(recorder.flush());
  EXPECT_EQ(recorder.trackedSeries(), 50u);
  clock_->advance(11min);
  recorder.record(kCanary, EventType::kNormal, "Progressing", "Advance", "weight 10");
  ASSERT_TRUE(recorder.flush());
  EXPECT_EQ(recorder.trackedSeries(), 1u);
  EXPECT_EQ(events().size(), 51u);  // the repeat came after the window: a new Event
}

TEST_F(EventRecorderTest, AnEventDeletedOnTheServerIsRecreated) {
  EventRecorder recorder(cluster_, options());
  recorder.record(kCanary, EventType::kNormal, "Progressing", "Advance", "weight 10");
  ASSERT_TRUE(recorder.flush());
  ASSERT_TRUE(cluster_->remove(resources::events(), "test", stringAt(events()[0], {"metadata", "name"})).ok());
  clock_->advance(1s);
  recorder.record(kCanary, EventType::kNormal, "Progressing", "Advance", "weight 10");
  ASSERT_TRUE(recorder.flush());
  ASSERT_EQ(events().size(), 1u);
  EXPECT_FALSE(events()[0].contains("series"));
}

TEST_F(EventRecorderTest, RecordNeverBlocksAndDropsBeyondTheQueueCapacity) {
  cluster_->failNext(FakeKubeClient::Verb::kCreate, absl::UnavailableError("503"), 1);
  EventRecorderOptions o = options();
  o.queueCapacity = 2;
  EventRecorder recorder(cluster_, o);
  recorder.stop();  // nothing is written any more: every record() must return at once
  for (int i = 0; i < 5; ++i) recorder.record(kCanary, EventType::kNormal, "R", "A", std::to_string(i));
  EXPECT_EQ(recorder.dropped(), 5u);

  EventRecorder live(cluster_, o);
  live.record(kCanary, EventType::kNormal, "R", "A", "fails");  // the injected 503
  ASSERT_TRUE(live.flush());
  EXPECT_EQ(live.failed(), 1u);
  live.record(kCanary, EventType::kNormal, "R", "A", "works");
  ASSERT_TRUE(live.flush());
  EXPECT_EQ(events().size(), 1u);
}

TEST_F(EventRecorderTest, LongNotesAreCutAtACharacterBoundary) {
  EventRecorder recorder(cluster_, options());
  recorder.record(kCanary, EventType::kNormal, "R", "A", std::string(1023, 'a') + "\u00e9 and more");
  ASSERT_TRUE(recorder.flush());
  ASSERT_EQ(events().size(), 1u);
  const std::string note = events()[0]["note"];
  EXPECT_EQ(note, std::string(1023, 'a'));
  EXPECT_NO_THROW((void)events()[0].dump());
}

TEST_F(EventRecorderTest, StopWritesWhatIsQueued) {
  auto recorder = std::make_unique<EventRecorder>(cluster_, options());
  for (int i = 0; i < 10; ++i) {
    recorder->record(kCanary, EventType::kNormal, "R", "A", std::to_string(i));
    clock_->advance(1ms);
  }
  recorder.reset();
  EXPECT_EQ(events().size(), 10u);
}

}  // namespace
}  // namespace pennant::kube
