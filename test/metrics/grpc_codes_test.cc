#include "metrics/grpc_codes.h"

#include <gtest/gtest.h>

namespace pennant::metrics {
namespace {

TEST(GrpcCodesTest, NamesRoundTrip) {
  for (int i = 0; i < kGrpcCodeCount; ++i) {
    auto code = static_cast<GrpcCode>(i);
    EXPECT_EQ(parseGrpcCode(grpcCodeName(code)), code);
    EXPECT_EQ(parseGrpcCode(grpcCodeCamelName(code)), code);
    EXPECT_EQ(parseGrpcCode(std::to_string(i)), code);
  }
  EXPECT_EQ(grpcCodeName(GrpcCode::kUnavailable), "UNAVAILABLE");
  EXPECT_EQ(grpcCodeCamelName(GrpcCode::kDeadlineExceeded), "DeadlineExceeded");
  EXPECT_EQ(grpcCodeCamelName(GrpcCode::kCancelled), "Canceled");  // go-grpc-prometheus spelling
  EXPECT_EQ(parseGrpcCode("CANCELED"), GrpcCode::kCancelled);
}

TEST(GrpcCodesTest, RejectsUnknownCodes) {
  EXPECT_FALSE(parseGrpcCode("17").has_value());
  EXPECT_FALSE(parseGrpcCode("-1").has_value());
  EXPECT_FALSE(parseGrpcCode("BOGUS").has_value());
  EXPECT_FALSE(parseGrpcCode("").has_value());
}

TEST(GrpcCodesTest, DefaultServerFailuresAreTheCodesThatMapTo5xx) {
  GrpcClassification classification;
  std::vector<GrpcCode> expected = {GrpcCode::kUnknown,  GrpcCode::kDeadlineExceeded, GrpcCode::kUnimplemented,
                                    GrpcCode::kInternal, GrpcCode::kUnavailable,      GrpcCode::kDataLoss};
  EXPECT_EQ(classification.serverFailures(), expected);
  // Client errors are not held against the canary.
  for (GrpcCode code :
       {GrpcCode::kOk, GrpcCode::kCancelled, GrpcCode::kInvalidArgument, GrpcCode::kNotFound, GrpcCode::kAlreadyExists,
        GrpcCode::kPermissionDenied, GrpcCode::kResourceExhausted, GrpcCode::kFailedPrecondition, GrpcCode::kAborted,
        GrpcCode::kOutOfRange, GrpcCode::kUnauthenticated}) {
    EXPECT_FALSE(classification.isServerFailure(code)) << grpcCodeName(code);
  }
}

TEST(GrpcCodesTest, ResourceExhaustedIsConfigurable) {
  GrpcClassification classification{.resourceExhaustedIsFailure = true};
  EXPECT_TRUE(classification.isServerFailure(GrpcCode::kResourceExhausted));
  EXPECT_EQ(classification.serverFailures().size(), 7u);
  EXPECT_EQ(classification.serverFailures()[2], GrpcCode::kResourceExhausted);
}

}  // namespace
}  // namespace pennant::metrics
