#include "http/http_client.h"

#include <gtest/gtest.h>

namespace pennant::http {
namespace {

TEST(ResponseTest, HeaderLookupIsCaseInsensitiveAndReturnsFirst) {
  Response r;
  r.headers = {{"retry-after", "3"}, {"x-a", "1"}, {"x-a", "2"}};
  EXPECT_EQ(r.header("Retry-After"), "3");
  EXPECT_EQ(r.header("X-A"), "1");
  EXPECT_EQ(r.header("missing"), std::nullopt);
}

}  // namespace
}  // namespace pennant::http
