#include "http/router.h"

#include <gtest/gtest.h>

namespace opsdeck::http {
namespace {

Response Ok(RequestContext& ctx) { return Response{beast_http::status::ok, ctx.request.version()}; }

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    router_.Add({beast_http::verb::get, "/healthz", "", Access::Public(), Exec::kInline, Ok});
    router_.Add({beast_http::verb::get, "/api/v1/runs/{id}", "", Access::Public(), Exec::kDatabase, Ok});
    router_.Add({beast_http::verb::post, "/hooks/heartbeat/{token}", "heartbeat", Access::Webhook(), Exec::kDatabase, Ok, true});
    router_.Add({beast_http::verb::get, "/static/*", "", Access::Public(), Exec::kInline, Ok});
  }
  RouteMatch Match(beast_http::verb v, std::string_view path) {
    ctx_.params.clear();
    return router_.Match(v, path, ctx_);
  }
  Router router_;
  Request req_{beast_http::verb::get, "/", 11};
  RequestContext ctx_{req_, "id"};
};

TEST_F(RouterTest, MatchesExactPathsAndNames) {
  auto m = Match(beast_http::verb::get, "/healthz");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->name, "/healthz");
  EXPECT_EQ(Match(beast_http::verb::get, "/healthz/").route, nullptr);
  EXPECT_EQ(Match(beast_http::verb::get, "/health").route, nullptr);
}

TEST_F(RouterTest, HeadUsesGetRoutes) {
  EXPECT_NE(Match(beast_http::verb::head, "/healthz").route, nullptr);
}

TEST_F(RouterTest, ExtractsParameters) {
  auto m = Match(beast_http::verb::get, "/api/v1/runs/42");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(ctx_.params.at("id"), "42");
  EXPECT_EQ(Match(beast_http::verb::get, "/api/v1/runs/").route, nullptr);
  EXPECT_EQ(Match(beast_http::verb::get, "/api/v1/runs/4/2").route, nullptr);
  auto hb = Match(beast_http::verb::post, "/hooks/heartbeat/s3cret");
  ASSERT_NE(hb.route, nullptr);
  EXPECT_TRUE(hb.route->path_is_secret);
}

TEST_F(RouterTest, WildcardNeedsARest) {
  EXPECT_NE(Match(beast_http::verb::get, "/static/app.css").route, nullptr);
  EXPECT_EQ(Match(beast_http::verb::get, "/static/").route, nullptr);
}

TEST_F(RouterTest, ReportsMethodMismatchWithAllow) {
  auto m = Match(beast_http::verb::delete_, "/healthz");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.method_mismatch);
  EXPECT_EQ(m.allow, "GET");
  auto none = Match(beast_http::verb::get, "/nope");
  EXPECT_FALSE(none.method_mismatch);
}

TEST(SplitTargetTest, SplitsQuery) {
  auto [p, q] = SplitTarget("/a/b?x=1&y=2");
  EXPECT_EQ(p, "/a/b");
  EXPECT_EQ(q, "x=1&y=2");
  auto [p2, q2] = SplitTarget("/a");
  EXPECT_EQ(p2, "/a");
  EXPECT_TRUE(q2.empty());
}

}  // namespace
}  // namespace opsdeck::http
