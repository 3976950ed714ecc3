// placeholder, filled in shortly
#include <gtest/gtest.h>
TEST(PrometheusIntegrationTest, Placeholder) { SUCCEED(); }
