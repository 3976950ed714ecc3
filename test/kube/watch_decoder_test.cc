#include "kube/watch_decoder.h"

#include <gtest/gtest.h>

#include "kube/errors.h"
#include "kube/kube_test_objects.h"

namespace pennant::kube {
namespace {

using namespace kube::test_objects;  // NOLINT: kube_test_objects.h

std::string line(const std::string& type, const Json& object) {
  return Json{{"type", type}, {"object", object}}.dump() + "\n";
}

struct Collector {
  std::vector<WatchEvent> events;
  WatchHandler handler() {
    return [this](const WatchEvent& e) {
      events.push_back(e);
      return true;
    };
  }
};

TEST(WatchDecoderTest, DecodesEventsSplitAtEveryPossibleBoundary) {
  const std::string stream = line("ADDED", pod("a", "1")) + line("MODIFIED", pod("a", "2")) +
                             line("BOOKMARK", {{"kind", "Pod"}, {"metadata", {{"resourceVersion", "3"}}}}) +
                             line("DELETED", pod("a", "4"));
  for (size_t cut1 = 0; cut1 <= stream.size(); cut1 += 7) {
    for (size_t cut2 = cut1; cut2 <= stream.size(); cut2 += 13) {
      WatchDecoder decoder;
      Collector c;
      ASSERT_TRUE(decoder.feed(std::string_view(stream).substr(0, cut1), c.handler()).ok());
      ASSERT_TRUE(decoder.feed(std::string_view(stream).substr(cut1, cut2 - cut1), c.handler()).ok());
      ASSERT_TRUE(decoder.feed(std::string_view(stream).substr(cut2), c.handler()).ok());
      ASSERT_TRUE(decoder.finish(c.handler()).ok());
      ASSERT_EQ(c.events.size(), 4u) << cut1 << "/" << cut2;
      EXPECT_EQ(c.events[0].type, WatchEvent::Type::kAdded);
      EXPECT_EQ(c.events[1].type, WatchEvent::Type::kModified);
      EXPECT_EQ(c.events[2].type, WatchEvent::Type::kBookmark);
      EXPECT_EQ(c.events[3].type, WatchEvent::Type::kDeleted);
      EXPECT_EQ(stringAt(c.events[1].object, {"metadata", "resourceVersion"}), "2");
    }
  }
}

TEST(WatchDecoderTest, ByteByByteFeedingWorks) {
  const std::string stream = line("ADDED", pod("a", "1")) + line("ADDED", pod("b", "2"));
  WatchDecoder decoder;
  Collector c;
  for (char ch : stream) ASSERT_TRUE(decoder.feed(std::string_view(&ch, 1), c.handler()).ok());
  ASSERT_EQ(c.events.size(), 2u);
  EXPECT_EQ(decoder.events(), 2u);
}

TEST(WatchDecoderTest, SkipsBlankLinesAndCarriageReturns) {
  WatchDecoder decoder;
  Collector c;
  std::string stream = "\n\r\n" + line("ADDED", pod("a", "1"));
  stream.insert(stream.size() - 1, "\r");
  ASSERT_TRUE(decoder.feed(stream, c.handler()).ok());
  EXPECT_EQ(c.events.size(), 1u);
}

TEST(WatchDecoderTest, FinishDecodesALastLineWithoutNewline) {
  WatchDecoder decoder;
  Collector c;
  std::string stream = line("ADDED", pod("a", "1"));
  stream.pop_back();
  ASSERT_TRUE(decoder.feed(stream, c.handler()).ok());
  EXPECT_TRUE(c.events.empty());
  ASSERT_TRUE(decoder.finish(c.handler()).ok());
  EXPECT_EQ(c.events.size(), 1u);
}

TEST(WatchDecoderTest, ExpiredErrorEventIsOutOfRangeAndNotDelivered) {
  WatchDecoder decoder("pods in default");
  Collector c;
  Json expired = {{"kind", "Status"},
                  {"status", "Failure"},
                  {"code", 410},
                  {"reason", "Expired"},
                  {"message", "too old resource version: 1 (5)"}};
  Status s =
      decoder.feed(line("ADDED", pod("a", "1")) + line("ERROR", expired) + line("ADDED", pod("b", "6")), c.handler());
  EXPECT_EQ(s.code(), StatusCode::kOutOfRange);
  EXPECT_EQ(reasonOf(s), "Expired");
  EXPECT_NE(s.message().find("too old resource version"), std::string::npos);
  ASSERT_EQ(c.events.size(), 1u);  // the event after the error is not delivered
  EXPECT_EQ(decoder.feed(line("ADDED", pod("c", "7")), c.handler()).code(), StatusCode::kOutOfRange);  // sticky
}

TEST(WatchDecoderTest, OtherErrorEventsAreDeliveredThenEndTheStream) {
  WatchDecoder decoder;
  Collector c;
  Json internal = {{"kind", "Status"}, {"code", 500}, {"reason", "InternalError"}, {"message", "etcd hiccup"}};
  Status s = decoder.feed(line("ERROR", internal), c.handler());
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  ASSERT_EQ(c.events.size(), 1u);
  EXPECT_EQ(c.events[0].type, WatchEvent::Type::kError);
  EXPECT_EQ(c.events[0].object["code"], 500);
}

TEST(WatchDecoderTest, MalformedDataIsDataLossAndSticky) {
  const std::vector<std::string> bad = {
      "{not json}\n",
      "[1,2]\n",
      R"({"type":"ADDED"})"
      "\n",
      R"({"type":"ADDED","object":"str"})"
      "\n",
      R"({"type":"EXPLODED","object":{}})"
      "\n",
      R"({"type":7,"object":{}})"
      "\n",
      std::string("\xff\xfe{\"type\":\"ADDED\"}\n"),
  };
  for (const std::string& input : bad) {
    WatchDecoder decoder;
    Collector c;
    Status s = decoder.feed(input, c.handler());
    EXPECT_EQ(s.code(), StatusCode::kDataLoss) << input;
    EXPECT_TRUE(c.events.empty());
    EXPECT_EQ(decoder.feed(line("ADDED", pod("a", "1")), c.handler()).code(), StatusCode::kDataLoss);
    EXPECT_TRUE(c.events.empty());
  }
}

TEST(WatchDecoderTest, MalformedTrailingLineAtEndIsDataLoss) {
  WatchDecoder decoder;
  Collector c;
  ASSERT_TRUE(decoder.feed(R"({"type":"ADDED","obj)", c.handler()).ok());
  EXPECT_EQ(decoder.finish(c.handler()).code(), StatusCode::kDataLoss);
}

TEST(WatchDecoderTest, OverlongLineIsDataLoss) {
  WatchDecoder decoder("w", 64);
  Collector c;
  EXPECT_EQ(decoder.feed(std::string(100, 'x'), c.handler()).code(), StatusCode::kDataLoss);
}

TEST(WatchDecoderTest, HandlerCanStopTheStream) {
  WatchDecoder decoder;
  int calls = 0;
  auto stopAfterOne = [&](const WatchEvent&) { return ++calls < 1; };
  EXPECT_TRUE(decoder.feed(line("ADDED", pod("a", "1")) + line("ADDED", pod("b", "2")), stopAfterOne).ok());
  EXPECT_TRUE(decoder.stopped());
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace pennant::kube
