#include "api/field_reader.h"

#include <gtest/gtest.h>

namespace pennant::api {
namespace {

TEST(FieldReader, ReadsTypedFieldsAndReportsWrongTypes) {
  Json obj = {
      {"s", "x"}, {"i", 3}, {"f", 2.0}, {"b", true}, {"bad", "nope"}, {"list", {"a", 1}}, {"nested", {{"n", 1}}}};
  Problems problems;
  FieldReader r(&obj, "spec", problems);
  EXPECT_EQ(r.string("s"), "x");
  EXPECT_EQ(r.integer("i"), 3);
  EXPECT_EQ(r.integer("f"), 2);
  EXPECT_EQ(r.boolean("b"), true);
  EXPECT_EQ(r.integer("missing"), std::nullopt);
  EXPECT_EQ(r.integer("bad"), std::nullopt);
  EXPECT_EQ(r.stringList("list"), std::vector<std::string>{"a"});
  EXPECT_EQ(r.child("nested").integer("n"), 1);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0], (Problem{"spec.bad", "must be an integer"}));
  EXPECT_EQ(problems[1], (Problem{"spec.list[1]", "must be a string"}));
}

TEST(Problems, RoundTripThroughStatus) {
  Problems problems = {{"a", "one"}, {"b.c", "two"}};
  Status s = toStatus(problems);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(problemLines(s), (std::vector<std::string>{"a: one", "b.c: two"}));
  EXPECT_TRUE(toStatus({}).ok());
}

}  // namespace
}  // namespace pennant::api
