#include "common/json.h"

#include <gtest/gtest.h>

namespace pennant {
namespace {

TEST(ParseYaml, KeepsTypesOfPlainAndQuotedScalars) {
  auto doc = parseYaml("a: 1\nb: '1'\nc: true\nd: \"true\"\ne: 1.5\nf: ~\ng: text\nh: [x, 2]\n");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ((*doc)["a"], 1);
  EXPECT_EQ((*doc)["b"], "1");
  EXPECT_EQ((*doc)["c"], true);
  EXPECT_EQ((*doc)["d"], "true");
  EXPECT_DOUBLE_EQ((*doc)["e"].get<double>(), 1.5);
  EXPECT_TRUE((*doc)["f"].is_null());
  EXPECT_EQ((*doc)["g"], "text");
  EXPECT_EQ((*doc)["h"], Json::parse(R"(["x", 2])"));
}

TEST(ParseYaml, MalformedIsAnErrorNamingTheSource) {
  auto doc = parseYaml("a: [1, 2\n", "canary.yaml");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(doc.status().message().find("canary.yaml"), std::string::npos);
}

TEST(ToYaml, RoundTripsThroughParseYaml) {
  Json v = Json::parse(R"({"s":"true","n":3,"e":"","l":[{"k":"v"}],"b":false,"z":null,"q":"a: b"})");
  auto back = parseYaml(toYaml(v));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, v);
}

TEST(ParseJson, MalformedIsInvalidArgument) {
  auto v = parseJson("{\"a\":", "watch event");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(v.status().message().find("watch event"), std::string::npos);
}

TEST(FindPath, MissingStepsAreNull) {
  Json v = Json::parse(R"({"a":{"b":"c"}})");
  EXPECT_EQ(stringAt(v, {"a", "b"}), "c");
  EXPECT_EQ(findPath(v, {"a", "x"}), nullptr);
  EXPECT_EQ(stringAt(v, {"a", "b", "c"}, "fb"), "fb");
}

TEST(JsonYamlStream, OneValuePerDocumentEmptyOnesSkipped) {
  auto docs = parseYamlStream("a: 1\n---\n---\n# nothing\nb: [x]\n");
  ASSERT_TRUE(docs.ok()) << docs.status();
  ASSERT_EQ(docs->size(), 2u);
  EXPECT_EQ((*docs)[0], Json({{"a", 1}}));
  EXPECT_EQ((*docs)[1], Json({{"b", {"x"}}}));
  EXPECT_EQ(parseYamlStream("a: [1\n").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pennant
