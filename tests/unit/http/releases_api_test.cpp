// The release API handlers (api/releases.cpp) over a fake release::Desk: what
// they hand the desk, the JSON they answer, which roles the route table
// keeps out, how the desk's refusals map to statuses, that bad input is a 400
// naming the field with the desk never asked, and the CSRF rule for cookie
// sessions.
#include <gtest/gtest.h>

#include "release_api_fixture.h"

namespace opsdeck::http {
namespace {

namespace json = boost::json;
using testing::kGet;
using testing::kPost;
using Role = core::Role;

class ReleasesApiTest : public testing::ReleaseApiTest {};

constexpr const char* kCreate =
    R"({"version":"1.4.2","template":"production-release","environments":["production","staging"],)"
    R"("window":"weekday releases","window_start":"2026-03-10T13:00:00Z"})";

TEST_F(ReleasesApiTest, CreateHandsTheRequestToTheDeskAndAnswersTheRelease) {
  const auto a = Call(kPost, "/api/v1/releases", kCreate, Role::kReleaseManager);
  ASSERT_EQ(a.status, 201u) << a.body;
  ASSERT_TRUE(desk_.created);
  EXPECT_EQ(desk_.role, Role::kReleaseManager);
  EXPECT_EQ(desk_.created->version, "1.4.2");
  EXPECT_EQ(desk_.created->template_name, "production-release");
  EXPECT_EQ(desk_.created->environments, (std::vector<std::string>{"production", "staging"}));
  EXPECT_EQ(desk_.created->window, "weekday releases");
  EXPECT_EQ(desk_.created->window_start, core::FromUnixMillis(1773147600000));
  const json::value body = a.Json();
  EXPECT_EQ(body.at("id"), 7);
  EXPECT_EQ(body.at("state"), "in-progress");
  EXPECT_EQ(body.at("window_start"), "2026-03-10T13:00:00.000Z");
  EXPECT_EQ(body.at("items").as_array().size(), 5u);
  EXPECT_EQ(body.at("bookings").at(0).at("state"), "accepted");
}

TEST_F(ReleasesApiTest, CreateWithoutAWindowLeavesBothEmpty) {
  const auto a = Call(kPost, "/api/v1/releases",
                      R"({"version":"1.4.3","template":"t","environments":["staging"]})",
                      Role::kAdmin);
  ASSERT_EQ(a.status, 201u) << a.body;
  EXPECT_EQ(desk_.created->window, "");
  EXPECT_FALSE(desk_.created->window_start);
}

TEST_F(ReleasesApiTest, BadCreateInputIs400NamingTheFieldAndNeverReachesTheDesk) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"template":"t","environments":["staging"]})", "/version"},
      {R"({"version":"  ","template":"t","environments":["staging"]})", "/version"},
      {R"({"version":7,"template":"t","environments":["staging"]})", "/version"},
      {R"({"version":"1","environments":["staging"]})", "/template"},
      {R"({"version":"1","template":"t"})", "/environments"},
      {R"({"version":"1","template":"t","environments":[]})", "/environments"},
      {R"({"version":"1","template":"t","environments":"staging"})", "/environments"},
      {R"({"version":"1","template":"t","environments":["staging",""]})", "/environments/1"},
      {R"({"version":"1","template":"t","environments":["staging"],"window":"w"})", "/window_start"},
      {R"({"version":"1","template":"t","environments":["staging"],"window_start":"2026-03-10T13:00:00Z"})", "/window"},
      {R"({"version":"1","template":"t","environments":["staging"],"window":"w","window_start":"tuesday"})", "/window_start"},
      {R"({"version":"1","template":"t","environments":["staging"],"colour":"red"})", "/colour"},
      {R"({"version":")" + std::string(201, 'v') + R"(","template":"t","environments":["s"]})", "/version"},
      {"[1,2]", "JSON object"},
      {"{not json", "not valid JSON"},
  };
  for (const auto& [body, field] : cases) {
    const auto a = Call(kPost, "/api/v1/releases", body, Role::kReleaseManager);
    EXPECT_EQ(a.status, 400u) << body;
    EXPECT_EQ(Code(a), "invalid_argument") << body;
    EXPECT_NE(Message(a).find(field), std::string::npos) << body << " -> " << a.body;
  }
  EXPECT_TRUE(desk_.calls.empty()) << "the desk was asked despite bad input";
}

TEST_F(ReleasesApiTest, OnlyReleaseManagersAndAdminsCreateOrChangeState) {
  for (Role role : {Role::kViewer, Role::kDevops}) {
    EXPECT_EQ(Call(kPost, "/api/v1/releases", kCreate, role).status, 403u);
    EXPECT_EQ(Call(kPost, "/api/v1/releases/7/state", R"({"state":"aborted"})", role).status, 403u);
  }
  EXPECT_EQ(Call(kPost, "/api/v1/releases/7/items/scope/tick", "", Role::kViewer).status, 403u);
  EXPECT_TRUE(desk_.calls.empty());
}

TEST_F(ReleasesApiTest, DeskRefusalsMapToTheirStatuses) {
  desk_.fail = core::Error::InvalidArgument("no template nightly", "/template");
  auto a = Call(kPost, "/api/v1/releases", kCreate, Role::kReleaseManager);
  EXPECT_EQ(a.status, 400u);
  EXPECT_EQ(Message(a), "/template: no template nightly");
  desk_.fail = core::Error::PermissionDenied("item backup belongs to devops");
  a = Call(kPost, "/api/v1/releases/7/items/backup/tick", "", Role::kReleaseManager);
  EXPECT_EQ(a.status, 403u);
  EXPECT_EQ(Code(a), "permission_denied");
  EXPECT_EQ(Message(a), "item backup belongs to devops");
  desk_.fail = core::Error::Conflict("waiting for scope, backup");
  a = Call(kPost, "/api/v1/releases/7/items/go/tick", "{}", Role::kReleaseManager);
  EXPECT_EQ(a.status, 409u);
  EXPECT_EQ(Message(a), "waiting for scope, backup");
  desk_.fail = core::Error::NotFound("no release 99");
  EXPECT_EQ(Call(kPost, "/api/v1/releases/99/state", R"({"state":"aborted"})",
                 Role::kAdmin).status, 404u);
  desk_.fail = core::Error::Internal("sqlite: disk I/O error at /var/lib/opsdeck");
  a = Call(kPost, "/api/v1/releases/7/items/go/tick", "", Role::kAdmin);
  EXPECT_EQ(a.status, 500u);
  EXPECT_EQ(a.body.find("/var/lib"), std::string::npos) << "internal details stay in the log";
}

TEST_F(ReleasesApiTest, ListPassesFiltersAndOmitsChecklists) {
  releases_.next = "c2";
  const auto a = Call(kGet, "/api/v1/releases?state=in-progress&environment=production"
                            "&version=1.4.2&limit=5&cursor=c1");
  ASSERT_EQ(a.status, 200u) << a.body;
  ASSERT_TRUE(releases_.release_query);
  EXPECT_EQ(releases_.release_query->state, core::ReleaseState::kInProgress);
  EXPECT_EQ(releases_.release_query->environment, "production");
  EXPECT_EQ(releases_.release_query->version, "1.4.2");
  EXPECT_EQ(releases_.release_query->limit, 5);
  EXPECT_EQ(releases_.release_query->cursor, "c1");
  const json::value body = a.Json();
  EXPECT_EQ(body.at("next"), "c2");
  const auto& item = body.at("items").at(0).as_object();
  EXPECT_EQ(item.at("version"), "1.4.2");
  EXPECT_FALSE(item.contains("items")) << "lists carry progress, not the checklist";
  EXPECT_EQ(item.at("progress").at(0).at("role"), "release-manager");
  EXPECT_EQ(Call(kGet, "/api/v1/releases?state=shipped").status, 400u);
  EXPECT_EQ(Call(kGet, "/api/v1/releases?limit=0").status, 400u);
}

TEST_F(ReleasesApiTest, DetailHasEveryItemFieldProgressPerRoleAndBookings) {
  const auto a = Call(kGet, "/api/v1/releases/7");
  ASSERT_EQ(a.status, 200u) << a.body;
  const json::value body = a.Json();
  EXPECT_EQ(body.at("environments"), json::parse(R"(["staging","production"])"));
  EXPECT_EQ(body.at("template"), "production-release");
  EXPECT_EQ(body.at("window"), "weekday releases");
  EXPECT_EQ(body.at("created_by"), "token:rm");
  const auto& scope = body.at("items").at(0).as_object();
  EXPECT_EQ(scope.at("id"), "scope");
  EXPECT_EQ(scope.at("title"), "Title of scope");
  EXPECT_EQ(scope.at("description"), "Tag the release");
  EXPECT_EQ(scope.at("phase"), "prepare");
  EXPECT_EQ(scope.at("role"), "release-manager");
  EXPECT_EQ(scope.at("required"), true);
  EXPECT_EQ(scope.at("state"), "done");
  EXPECT_EQ(scope.at("done_by"), "token:rm");
  EXPECT_EQ(scope.at("done_at"), "2026-03-10T14:10:00.000Z");
  EXPECT_TRUE(scope.at("auto").is_null());
  EXPECT_TRUE(scope.at("note").is_null());
  const auto& backup = body.at("items").at(1).as_object();
  EXPECT_EQ(backup.at("role"), "devops");
  EXPECT_EQ(backup.at("state"), "open");
  EXPECT_TRUE(backup.at("done_by").is_null());
  EXPECT_TRUE(backup.at("done_at").is_null());
  EXPECT_EQ(backup.at("note"), "backup was stale");
  EXPECT_EQ(body.at("items").at(2).at("auto"), "staging_green");
  EXPECT_EQ(body.at("items").at(3).at("depends_on"), json::parse(R"(["scope","backup"])"));
  EXPECT_EQ(body.at("items").at(4).at("required"), false);
  // release-manager: scope done, go open; devops: backup, staging-green, fix (optional)
  const auto& rm = body.at("progress").at(0).as_object();
  EXPECT_EQ(rm.at("role"), "release-manager");
  EXPECT_EQ(rm.at("done"), 1);
  EXPECT_EQ(rm.at("total"), 2);
  const auto& devops = body.at("progress").at(1).as_object();
  EXPECT_EQ(devops.at("role"), "devops");
  EXPECT_EQ(devops.at("total"), 3);
  EXPECT_EQ(devops.at("required_total"), 2);
  EXPECT_EQ(body.at("open_required"), json::parse(R"(["backup","staging-green","go"])"));
  ASSERT_TRUE(releases_.booking_query);
  EXPECT_EQ(releases_.booking_query->release_id, 7);
  const auto& booking = body.at("bookings").at(0).as_object();
  EXPECT_EQ(booking.at("window"), "weekday releases");
  EXPECT_EQ(booking.at("starts_at"), "2026-03-10T13:00:00.000Z");
  EXPECT_EQ(booking.at("ends_at"), "2026-03-10T16:00:00.000Z");
  EXPECT_EQ(booking.at("decided_by"), "token:devops");
  EXPECT_EQ(booking.at("note"), "alice is on hand");
  EXPECT_EQ(Call(kGet, "/api/v1/releases/8").status, 404u);
  EXPECT_EQ(Call(kGet, "/api/v1/releases/seven").status, 404u);
}

TEST_F(ReleasesApiTest, TickPassesItemNoteAndRoleAndAcceptsAnEmptyBody) {
  auto a = Call(kPost, "/api/v1/releases/7/items/backup/tick", R"({"note":"verified restore"})",
                Role::kDevops);
  ASSERT_EQ(a.status, 200u) << a.body;
  EXPECT_EQ(desk_.calls, std::vector<std::string>{"tick"});
  EXPECT_EQ(desk_.release_id, 7);
  EXPECT_EQ(desk_.item, "backup");
  EXPECT_EQ(desk_.text, "verified restore");
  EXPECT_EQ(desk_.role, Role::kDevops);
  EXPECT_EQ(a.Json().at("items").as_array().size(), 5u);
  a = Call(kPost, "/api/v1/releases/7/items/staging%2Dgreen/tick", "", Role::kDevops);
  ASSERT_EQ(a.status, 200u) << a.body;
  EXPECT_EQ(desk_.item, "staging-green") << "the item segment is percent-decoded";
  EXPECT_EQ(desk_.text, "");
  EXPECT_EQ(Call(kPost, "/api/v1/releases/7/items/go/tick", R"({"note":5})",
                 Role::kAdmin).status, 400u);
  EXPECT_EQ(Call(kPost, "/api/v1/releases/7/items/go/tick", R"({"reason":"x"})",
                 Role::kAdmin).status, 400u);
  EXPECT_EQ(Call(kPost, "/api/v1/releases/x/items/go/tick", "", Role::kAdmin).status, 404u);
  EXPECT_EQ(desk_.calls.size(), 2u);
}

TEST_F(ReleasesApiTest, UntickNeedsAReason) {
  for (const char* body : {"", "{}", R"({"reason":""})", R"({"reason":"  "})", R"({"reason":null})"}) {
    const auto a = Call(kPost, "/api/v1/releases/7/items/scope/untick", body, Role::kReleaseManager);
    EXPECT_EQ(a.status, 400u) << body;
    EXPECT_NE(Message(a).find("/reason"), std::string::npos) << body << " -> " << a.body;
  }
  EXPECT_EQ(Call(kPost, "/api/v1/releases/7/items/scope/untick", R"({"note":"x"})",
                 Role::kReleaseManager).status, 400u) << "a tick's field is unknown here";
  const std::string long_reason(2001, 'r');
  EXPECT_EQ(Call(kPost, "/api/v1/releases/7/items/scope/untick",
                 R"({"reason":")" + long_reason + R"("})", Role::kReleaseManager).status, 400u);
  EXPECT_TRUE(desk_.calls.empty());
  const auto a = Call(kPost, "/api/v1/releases/7/items/scope/untick",
                      R"({"reason":"scope changed"})", Role::kReleaseManager);
  ASSERT_EQ(a.status, 200u) << a.body;
  EXPECT_EQ(desk_.calls, std::vector<std::string>{"untick"});
  EXPECT_EQ(desk_.item, "scope");
  EXPECT_EQ(desk_.text, "scope changed");
}

TEST_F(ReleasesApiTest, StateTakesAKnownStateAndAnOptionalReason) {
  auto a = Call(kPost, "/api/v1/releases/7/state", R"({"state":"aborted","reason":"bad build"})",
                Role::kReleaseManager);
  ASSERT_EQ(a.status, 200u) << a.body;
  EXPECT_EQ(desk_.state, core::ReleaseState::kAborted);
  EXPECT_EQ(desk_.text, "bad build");
  a = Call(kPost, "/api/v1/releases/7/state", R"({"state":"released"})", Role::kAdmin);
  ASSERT_EQ(a.status, 200u) << a.body;
  EXPECT_EQ(desk_.state, core::ReleaseState::kReleased);
  EXPECT_EQ(desk_.text, "");
  desk_.calls.clear();
  for (const char* body : {"{}", R"({"state":"shipped"})", R"({"state":1})", ""}) {
    a = Call(kPost, "/api/v1/releases/7/state", body, Role::kAdmin);
    EXPECT_EQ(a.status, 400u) << body;
  }
  EXPECT_NE(Message(Call(kPost, "/api/v1/releases/7/state", R"({"state":"shipped"})",
                         Role::kAdmin)).find("/state"), std::string::npos);
  EXPECT_TRUE(desk_.calls.empty());
}

TEST_F(ReleasesApiTest, EveryReleaseRouteAnswers503WithoutADesk) {
  services_.releases = nullptr;
  const std::vector<std::pair<beast_http::verb, std::string>> routes = {
      {kPost, "/api/v1/releases"}, {kGet, "/api/v1/releases"}, {kGet, "/api/v1/releases/7"},
      {kPost, "/api/v1/releases/7/items/scope/tick"},
      {kPost, "/api/v1/releases/7/items/scope/untick"}, {kPost, "/api/v1/releases/7/state"},
      {kGet, "/api/v1/windows"}, {kPost, "/api/v1/windows/w/book"},
      {kPost, "/api/v1/windows/w/confirm"}, {kPost, "/api/v1/windows/w/override"},
      {kGet, "/api/v1/gate?environment=production&version=1"}, {kPost, "/api/v1/rollbacks"},
      {kGet, "/api/v1/rollbacks"}, {kGet, "/api/v1/rollbacks/1"}};
  for (const auto& [method, path] : routes) {
    const auto a = Call(method, path, kCreate, Role::kAdmin);
    EXPECT_EQ(a.status, 503u) << path;
    EXPECT_EQ(Code(a), "unavailable") << path;
  }
}

TEST_F(ReleasesApiTest, ACookieSessionNeedsTheCsrfTokenForChanges) {
  SignIn(Role::kReleaseManager);
  const std::pair<std::string, std::string> cookie{"Cookie", "opsdeck_session=s3ss10n"};
  auto a = CallAuthorized(kPost, "/api/v1/releases/7/items/scope/tick", "", {cookie});
  EXPECT_EQ(a.status, 403u);
  EXPECT_EQ(Code(a), "csrf_failed");
  a = CallAuthorized(kPost, "/api/v1/releases/7/items/scope/tick", "",
                     {cookie, {"X-CSRF-Token", "wrong-0123456789"}});
  EXPECT_EQ(a.status, 403u);
  EXPECT_TRUE(desk_.calls.empty());
  a = CallAuthorized(kPost, "/api/v1/releases/7/items/scope/tick", "",
                     {cookie, {"X-CSRF-Token", "csrf-0123456789"}});
  ASSERT_EQ(a.status, 200u) << a.body;
  EXPECT_EQ(desk_.role, Role::kReleaseManager);
  a = CallAuthorized(kGet, "/api/v1/releases/7", "", {cookie});
  EXPECT_EQ(a.status, 200u) << "reads need no CSRF token";
}

}  // namespace
}  // namespace opsdeck::http
