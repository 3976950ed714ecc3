#include "kube/errors.h"

#include <gtest/gtest.h>

namespace pennant::kube {
namespace {

std::string kubeStatus(int code, const std::string& reason, const std::string& message, Json details = nullptr) {
  Json s = {{"kind", "Status"},   {"apiVersion", "v1"}, {"status", "Failure"},
            {"message", message}, {"reason", reason},   {"code", code}};
  if (!details.is_null()) s["details"] = details;
  return s.dump();
}

struct Case {
  int http;
  std::string reason;
  std::string verb;
  StatusCode code;
};

TEST(ErrorsTest, MapsEveryDocumentedCode) {
  const std::vector<Case> cases = {
      {404, "NotFound", "get", StatusCode::kNotFound},
      {409, "AlreadyExists", "create", StatusCode::kAlreadyExists},
      {409, "Conflict", "update", StatusCode::kAborted},
      {409, "", "create", StatusCode::kAlreadyExists},
      {409, "", "patch", StatusCode::kAborted},
      {410, "Expired", "watch", StatusCode::kOutOfRange},
      {422, "Invalid", "create", StatusCode::kInvalidArgument},
      {400, "BadRequest", "patch", StatusCode::kInvalidArgument},
      {401, "Unauthorized", "get", StatusCode::kUnauthenticated},
      {403, "Forbidden", "get", StatusCode::kPermissionDenied},
      {429, "TooManyRequests", "list", StatusCode::kResourceExhausted},
      {500, "InternalError", "get", StatusCode::kUnavailable},
      {502, "", "get", StatusCode::kUnavailable},
      {503, "ServiceUnavailable", "get", StatusCode::kUnavailable},
      {504, "Timeout", "get", StatusCode::kUnavailable},
      {408, "Timeout", "get", StatusCode::kDeadlineExceeded},
  };
  for (const Case& c : cases) {
    Status s = statusFromResponse(c.http, kubeStatus(c.http, c.reason, "server says no"), c.verb, "pods default/p");
    EXPECT_EQ(s.code(), c.code) << c.http << " " << c.reason << " " << c.verb;
  }
}

TEST(ErrorsTest, KeepsTheServerMessageAndReason) {
  Status s = statusFromResponse(404, kubeStatus(404, "NotFound", R"(pods "p" not found)"), "get", "pods default/p");
  EXPECT_EQ(s.message(), R"(get pods default/p: pods "p" not found)");
  EXPECT_EQ(reasonOf(s), "NotFound");
  EXPECT_TRUE(isNotFound(s));
}

TEST(ErrorsTest, ForbiddenNamesVerbAndResource) {
  Status s = statusFromResponse(403, kubeStatus(403, "Forbidden", "User \"x\" cannot patch resource"), "patch",
                                "httproutes.gateway.networking.k8s.io test/podinfo");
  EXPECT_TRUE(isForbidden(s));
  EXPECT_NE(s.message().find("patch httproutes.gateway.networking.k8s.io test/podinfo"), std::string::npos);
  EXPECT_NE(s.message().find("cannot patch resource"), std::string::npos);
}

TEST(ErrorsTest, InvalidListsEveryFieldCause) {
  Json details = {
      {"causes",
       {{{"reason", "FieldValueRequired"}, {"message", "Required value"}, {"field", "spec.targetRef"}},
        {{"reason", "FieldValueInvalid"}, {"message", "must be > 0"}, {"field", "spec.analysis.interval"}}}}};
  Status s = statusFromResponse(422, kubeStatus(422, "Invalid", "Canary \"x\" is invalid", details), "create",
                                "canaries.flagger.app test/x");
  EXPECT_TRUE(isInvalid(s));
  EXPECT_NE(s.message().find("spec.targetRef: Required value"), std::string::npos);
  EXPECT_NE(s.message().find("spec.analysis.interval: must be > 0"), std::string::npos);
  std::vector<FieldCause> causes = causesOf(s);
  ASSERT_EQ(causes.size(), 2u);
  EXPECT_EQ(causes[0].field, "spec.targetRef");
  EXPECT_EQ(causes[0].reason, "FieldValueRequired");
  EXPECT_EQ(causes[1].message, "must be > 0");
  EXPECT_EQ(reasonOf(s), "Invalid");
}

TEST(ErrorsTest, CausesAlreadyInTheMessageAreNotRepeated) {
  Json details = {{"causes", {{{"message", "Required value"}, {"field", "spec.a"}}}}};
  Status s = statusFromResponse(422, kubeStatus(422, "Invalid", "x is invalid: spec.a: Required value", details),
                                "update", "x");
  EXPECT_EQ(s.message(), "update x: x is invalid: spec.a: Required value");
}

TEST(ErrorsTest, NonStatusBodiesKeepAnExcerptAndGetADefaultReason) {
  Status s = statusFromResponse(502, "<html>Bad Gateway</html>", "list", "pods");
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("HTTP 502: <html>Bad Gateway</html>"), std::string::npos);
  EXPECT_EQ(reasonOf(statusFromResponse(409, "", "update", "x")), "Conflict");
  EXPECT_EQ(statusFromResponse(404, "", "get", "x").message(), "get x: HTTP 404");
}

TEST(ErrorsTest, ReasonAndCausesAreAbsentOnForeignStatuses) {
  EXPECT_EQ(reasonOf(absl::NotFoundError("x")), std::nullopt);
  EXPECT_TRUE(causesOf(absl::InvalidArgumentError("x")).empty());
}

TEST(ErrorsTest, RetryableCodes) {
  EXPECT_TRUE(isRetryable(absl::ResourceExhaustedError("")));
  EXPECT_TRUE(isRetryable(absl::UnavailableError("")));
  EXPECT_TRUE(isRetryable(absl::DeadlineExceededError("")));
  EXPECT_FALSE(isRetryable(absl::AbortedError("")));
  EXPECT_FALSE(isRetryable(absl::InvalidArgumentError("")));
  EXPECT_FALSE(isRetryable(absl::NotFoundError("")));
  EXPECT_FALSE(isRetryable(absl::CancelledError("")));
}

}  // namespace
}  // namespace pennant::kube
