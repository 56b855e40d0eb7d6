// The window, gate and rollback handlers (api/windows.cpp, gate.cpp,
// rollbacks.cpp) over a fake release::Desk: ranges and bodies handed to the
// desk, JSON shapes, 200/409 from the gate for any token including the
// pipeline's viewer token, role checks, and 400s naming the field.
#include <gtest/gtest.h>

#include "release_api_fixture.h"

namespace opsdeck::http {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using testing::kGet;
using testing::kPost;
using Role = core::Role;

class WindowsApiTest : public testing::ReleaseApiTest {};

const core::TimePoint kTue1300 = core::FromUnixMillis(1773147600000);  // 2026-03-10T13:00:00Z

release::WindowView AllowView() {
  release::WindowView v;
  v.occurrence = {"weekday releases", false, kTue1300, kTue1300 + 3h, {"alice", "bob"}};
  v.bookings = {testing::SampleBooking()};
  return v;
}

release::WindowView FreezeView() {
  release::WindowView v;
  v.occurrence = {"year-end freeze", true, kTue1300 + 24h, kTue1300 + 48h, {}};
  store::FreezeOverride o;
  o.id = 2;
  o.window = "year-end freeze";
  o.starts_at = v.occurrence.start;
  o.ends_at = v.occurrence.end;
  o.reason = "hotfix for the outage";
  o.by = "user:root";
  o.at = testing::kReleaseNow;
  v.override_ = o;
  return v;
}

TEST_F(WindowsApiTest, ListDefaultsToTheNextTwoWeeksAndShowsArrangements) {
  desk_.windows = {AllowView(), FreezeView()};
  const auto a = Call(kGet, "/api/v1/windows");
  ASSERT_EQ(a.status, 200u) << a.body;
  EXPECT_EQ(desk_.from, testing::kReleaseNow);
  EXPECT_EQ(desk_.to, testing::kReleaseNow + 14 * 24h);
  const json::value body = a.Json();
  EXPECT_EQ(body.at("from"), "2026-03-10T14:40:00.000Z");
  EXPECT_EQ(body.at("to"), "2026-03-24T14:40:00.000Z");
  EXPECT_TRUE(body.at("next").is_null());
  const auto& allow = body.at("items").at(0).as_object();
  EXPECT_EQ(allow.at("window"), "weekday releases");
  EXPECT_EQ(allow.at("kind"), "allow");
  EXPECT_EQ(allow.at("starts_at"), "2026-03-10T13:00:00.000Z");
  EXPECT_EQ(allow.at("ends_at"), "2026-03-10T16:00:00.000Z");
  EXPECT_EQ(allow.at("active"), true) << "14:40 is inside 13:00-16:00";
  EXPECT_EQ(allow.at("devops"), json::parse(R"(["alice","bob"])"));
  EXPECT_EQ(allow.at("bookings").at(0).at("state"), "accepted");
  EXPECT_TRUE(allow.at("override").is_null());
  const auto& freeze = body.at("items").at(1).as_object();
  EXPECT_EQ(freeze.at("kind"), "deny");
  EXPECT_EQ(freeze.at("active"), false);
  EXPECT_EQ(freeze.at("override").at("reason"), "hotfix for the outage");
  EXPECT_EQ(freeze.at("override").at("by"), "user:root");
}

TEST_F(WindowsApiTest, ListTakesARangeWithinLimits) {
  auto a = Call(kGet, "/api/v1/windows?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00%2B02:00");
  ASSERT_EQ(a.status, 200u) << a.body;
  EXPECT_EQ(desk_.from, core::FromUnixMillis(1772323200000));
  EXPECT_EQ(desk_.to, core::FromUnixMillis(1775001600000 - 7200000));
  a = Call(kGet, "/api/v1/windows?from=2026-03-01T00:00:00Z");
  EXPECT_EQ(desk_.to, core::FromUnixMillis(1772323200000) + 14 * 24h) << "to defaults to from + 14 d";
  desk_.calls.clear();
  for (const char* q : {"?from=yesterday", "?to=2026-03-01T00:00:00Z",
                        "?from=2026-03-01T00:00:00Z&to=2026-03-01T00:00:00Z",
                        "?from=2026-01-01T00:00:00Z&to=2027-03-01T00:00:00Z"}) {
    a = Call(kGet, std::string("/api/v1/windows") + q);
    EXPECT_EQ(a.status, 400u) << q;
  }
  EXPECT_TRUE(desk_.calls.empty());
}

TEST_F(WindowsApiTest, BookDecodesTheWindowNameAndNeedsStartAndRelease) {
  auto a = Call(kPost, "/api/v1/windows/weekday%20releases/book",
                R"({"start":"2026-03-10T13:00:00Z","release":7})", Role::kReleaseManager);
  ASSERT_EQ(a.status, 201u) << a.body;
  EXPECT_EQ(desk_.window, "weekday releases");
  EXPECT_EQ(desk_.start, kTue1300);
  EXPECT_EQ(desk_.booking_release, 7);
  EXPECT_EQ(a.Json().at("id"), 3);
  desk_.calls.clear();
  const std::vector<std::pair<std::string, std::string>> bad = {
      {R"({"release":7})", "/start"},
      {R"({"start":"13:00","release":7})", "/start"},
      {R"({"start":"2026-03-10T13:00:00Z"})", "/release"},
      {R"({"start":"2026-03-10T13:00:00Z","release":"7"})", "/release"},
      {R"({"start":"2026-03-10T13:00:00Z","release":-1})", "/release"},
      {R"({"start":"2026-03-10T13:00:00Z","release":7,"accept":true})", "/accept"},
  };
  for (const auto& [body, field] : bad) {
    a = Call(kPost, "/api/v1/windows/w/book", body, Role::kReleaseManager);
    EXPECT_EQ(a.status, 400u) << body;
    EXPECT_NE(Message(a).find(field), std::string::npos) << body << " -> " << a.body;
  }
  EXPECT_EQ(Call(kPost, "/api/v1/windows/w%zz/book", "{}", Role::kReleaseManager).status, 404u);
  EXPECT_EQ(Call(kPost, "/api/v1/windows/w/book", "{}", Role::kDevops).status, 403u);
  EXPECT_TRUE(desk_.calls.empty());
  desk_.fail = core::Error::Conflict("release 7 already booked this occurrence");
  EXPECT_EQ(Call(kPost, "/api/v1/windows/w/book", R"({"start":"2026-03-10T13:00:00Z","release":7})",
                 Role::kReleaseManager).status, 409u);
}

TEST_F(WindowsApiTest, ConfirmAcceptsByDefaultAndDeclinesWithANote) {
  auto a = Call(kPost, "/api/v1/windows/weekday%20releases/confirm",
                R"({"start":"2026-03-10T13:00:00Z"})", Role::kDevops);
  ASSERT_EQ(a.status, 200u) << a.body;
  EXPECT_EQ(desk_.accept, true);
  EXPECT_FALSE(desk_.booking_release) << "without release: the only open booking";
  EXPECT_EQ(a.Json().at("state"), "accepted");
  a = Call(kPost, "/api/v1/windows/weekday%20releases/confirm",
           R"({"start":"2026-03-10T13:00:00Z","release":7,"accept":false,"note":"nobody free"})",
           Role::kAdmin);
  ASSERT_EQ(a.status, 200u) << a.body;
  EXPECT_EQ(desk_.accept, false);
  EXPECT_EQ(desk_.booking_release, 7);
  EXPECT_EQ(desk_.text, "nobody free");
  EXPECT_EQ(desk_.role, Role::kAdmin);
  EXPECT_EQ(Call(kPost, "/api/v1/windows/w/confirm", R"({"start":"2026-03-10T13:00:00Z","accept":"no"})",
                 Role::kDevops).status, 400u);
  EXPECT_EQ(Call(kPost, "/api/v1/windows/w/confirm", R"({"start":"2026-03-10T13:00:00Z"})",
                 Role::kReleaseManager).status, 403u) << "a release manager cannot confirm devops";
  EXPECT_EQ(desk_.calls.size(), 2u);
}

TEST_F(WindowsApiTest, OverrideIsForAdminsWithAReason) {
  for (Role role : {Role::kReleaseManager, Role::kDevops}) {
    EXPECT_EQ(Call(kPost, "/api/v1/windows/year-end%20freeze/override",
                   R"({"start":"2026-03-11T13:00:00Z","reason":"hotfix"})", role).status, 403u);
  }
  auto a = Call(kPost, "/api/v1/windows/year-end%20freeze/override",
                R"({"start":"2026-03-11T13:00:00Z"})", Role::kAdmin);
  EXPECT_EQ(a.status, 400u);
  EXPECT_NE(Message(a).find("/reason"), std::string::npos);
  EXPECT_TRUE(desk_.calls.empty());
  a = Call(kPost, "/api/v1/windows/year-end%20freeze/override",
           R"({"start":"2026-03-11T13:00:00Z","reason":"hotfix for the outage"})", Role::kAdmin);
  ASSERT_EQ(a.status, 201u) << a.body;
  EXPECT_EQ(desk_.window, "year-end freeze");
  EXPECT_EQ(desk_.text, "hotfix for the outage");
  EXPECT_EQ(a.Json().at("reason"), "hotfix for the outage");
  EXPECT_EQ(a.Json().at("by"), "token:t-admin");
}

TEST_F(WindowsApiTest, GateAnswers200Or409WithEveryReason) {
  desk_.gate.allowed = true;
  auto a = Call(kGet, "/api/v1/gate?environment=production&version=1.4.2");
  ASSERT_EQ(a.status, 200u) << a.body;
  EXPECT_EQ(desk_.gate_environment, "production");
  EXPECT_EQ(desk_.gate_version, "1.4.2");
  EXPECT_EQ(a.Json().at("allowed"), true);
  EXPECT_EQ(a.Json().at("reasons"), json::array());
  EXPECT_EQ(a.response[beast_http::field::cache_control], "no-store");
  desk_.gate.allowed = false;
  desk_.gate.reasons = {{"outside_window", "no release window is open now"},
                        {"checklist_open", "required checklist items open: scope, backup"}};
  a = Call(kGet, "/api/v1/gate?environment=production&version=1.4.2%2Bbuild.5");
  ASSERT_EQ(a.status, 409u) << a.body;
  EXPECT_EQ(desk_.gate_version, "1.4.2+build.5");
  const json::value body = a.Json();
  EXPECT_EQ(body.at("allowed"), false);
  ASSERT_EQ(body.at("reasons").as_array().size(), 2u);
  EXPECT_EQ(body.at("reasons").at(0).at("code"), "outside_window");
  EXPECT_EQ(body.at("reasons").at(1).at("message"), "required checklist items open: scope, backup");
  EXPECT_FALSE(body.as_object().contains("error")) << "a closed gate is an answer, not an error";
}

TEST_F(WindowsApiTest, GateNeedsEnvironmentAndVersion) {
  for (const char* q : {"", "?version=1", "?environment=production", "?environment=&version=1",
                        "?environment=production&version="}) {
    EXPECT_EQ(Call(kGet, std::string("/api/v1/gate") + q).status, 400u) << q;
  }
  EXPECT_TRUE(desk_.calls.empty());
  desk_.fail = core::Error::NotFound("no environment prod");
  EXPECT_EQ(Call(kGet, "/api/v1/gate?environment=prod&version=1").status, 404u);
}

TEST_F(WindowsApiTest, ThePipelineGateTokenMayAskTheGateButChangeNothing) {
  desk_.gate.allowed = true;
  const std::pair<std::string, std::string> gate{"Authorization",
                                                 std::string("Bearer ") + testing::kGateToken};
  auto a = CallAuthorized(kGet, "/api/v1/gate?environment=production&version=1.4.2", "", {gate});
  ASSERT_EQ(a.status, 200u) << a.body;
  a = CallAuthorized(kPost, "/api/v1/releases/7/items/scope/tick", "", {gate});
  EXPECT_EQ(a.status, 403u);
  EXPECT_EQ(Code(a), "permission_denied");
  a = CallAuthorized(kPost, "/api/v1/rollbacks", R"({"environment":"production","version":"1"})",
                     {gate});
  EXPECT_EQ(a.status, 403u);
  a = CallAuthorized(kGet, "/api/v1/gate?environment=production&version=1.4.2", "", {});
  EXPECT_EQ(a.status, 401u) << "anonymous callers need a token when anonymous_read is off";
  EXPECT_EQ(desk_.calls, std::vector<std::string>{"gate"});
}

TEST_F(WindowsApiTest, RollbackStartsByDeploymentOrVersionAnd202s) {
  const std::pair<std::string, std::string> devops{"Authorization",
                                                   std::string("Bearer ") + testing::kDevopsToken};
  auto a = CallAuthorized(kPost, "/api/v1/rollbacks",
                          R"({"environment":"production","deployment":42,"release":7})", {devops});
  ASSERT_EQ(a.status, 202u) << a.body;
  EXPECT_EQ(desk_.role, Role::kDevops);
  ASSERT_TRUE(desk_.rollback_request);
  EXPECT_EQ(desk_.rollback_request->environment, "production");
  EXPECT_EQ(desk_.rollback_request->deployment_id, 42);
  EXPECT_FALSE(desk_.rollback_request->version);
  EXPECT_EQ(desk_.rollback_request->release_id, 7);
  EXPECT_EQ(a.response[beast_http::field::location], "/api/v1/rollbacks/11");
  const json::value body = a.Json();
  EXPECT_EQ(body.at("status"), "started");
  EXPECT_EQ(body.at("version"), "1.4.1");
  EXPECT_EQ(body.at("deployment_id"), 42);
  EXPECT_EQ(body.at("started_by"), "token:devops");
  EXPECT_TRUE(body.at("finished_at").is_null());
  EXPECT_TRUE(body.at("run_id").is_null());
  a = Call(kPost, "/api/v1/rollbacks", R"({"environment":"staging","version":"1.4.0"})", Role::kAdmin);
  ASSERT_EQ(a.status, 202u) << a.body;
  EXPECT_EQ(desk_.rollback_request->version, "1.4.0");
  EXPECT_FALSE(desk_.rollback_request->deployment_id);
  EXPECT_FALSE(desk_.rollback_request->release_id);
}

TEST_F(WindowsApiTest, RollbackRefusesBadInputAndOtherRoles) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {R"({"deployment":42})", "/environment"},
      {R"({"environment":"production"})", "/deployment"},
      {R"({"environment":"production","deployment":42,"version":"1.4.1"})", "/deployment"},
      {R"({"environment":"production","deployment":"42"})", "/deployment"},
      {R"({"environment":"production","version":"1","release":0})", "/release"},
      {R"({"environment":"production","version":"1","commit":"abc"})", "/commit"},
  };
  for (const auto& [body, field] : bad) {
    const auto a = Call(kPost, "/api/v1/rollbacks", body, Role::kDevops);
    EXPECT_EQ(a.status, 400u) << body;
    EXPECT_NE(Message(a).find(field), std::string::npos) << body << " -> " << a.body;
  }
  for (Role role : {Role::kViewer, Role::kReleaseManager}) {
    EXPECT_EQ(Call(kPost, "/api/v1/rollbacks", R"({"environment":"production","version":"1"})",
                   role).status, 403u);
  }
  EXPECT_TRUE(desk_.calls.empty());
  desk_.fail = core::Error::Conflict("a rollback of production is already running");
  EXPECT_EQ(Call(kPost, "/api/v1/rollbacks", R"({"environment":"production","version":"1"})",
                 Role::kDevops).status, 409u);
}

TEST_F(WindowsApiTest, RollbackListAndDetail) {
  store::Rollback done = testing::SampleRollback();
  done.status = store::RollbackStatus::kSucceeded;
  done.finished_at = testing::kReleaseNow + 10min;
  done.action_result = "HTTP 204";
  done.run_id = 900;
  releases_.rollbacks = {done};
  auto a = Call(kGet, "/api/v1/rollbacks?environment=production&status=succeeded&limit=3");
  ASSERT_EQ(a.status, 200u) << a.body;
  ASSERT_TRUE(releases_.rollback_query);
  EXPECT_EQ(releases_.rollback_query->environment, "production");
  EXPECT_EQ(releases_.rollback_query->status, store::RollbackStatus::kSucceeded);
  EXPECT_EQ(releases_.rollback_query->limit, 3);
  const json::value listed = a.Json();
  const auto& item = listed.at("items").at(0).as_object();
  EXPECT_EQ(item.at("status"), "succeeded");
  EXPECT_EQ(item.at("action_result"), "HTTP 204");
  EXPECT_EQ(item.at("run_id"), 900);
  EXPECT_EQ(item.at("finished_at"), "2026-03-10T14:50:00.000Z");
  EXPECT_EQ(Call(kGet, "/api/v1/rollbacks?status=done").status, 400u);
  a = Call(kGet, "/api/v1/rollbacks/11");
  ASSERT_EQ(a.status, 200u) << a.body;
  EXPECT_EQ(a.Json().at("release_id"), 7);
  EXPECT_EQ(Call(kGet, "/api/v1/rollbacks/12").status, 404u);
  EXPECT_EQ(Call(kGet, "/api/v1/rollbacks/abc").status, 404u);
}

}  // namespace
}  // namespace opsdeck::http
