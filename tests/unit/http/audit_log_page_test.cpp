// GET /audit over a fake AuditStore: newest first, the store filters
// (action, entity, time range) passed through, the actor filter applied over
// bounded reads that keep the keyset paging exact, the "Older" link keeping
// every filter, bad times and cursors as a 400 page, and the read access.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fake_run_audit_store.h"
#include "http/ui/audit_log_pages_route.h"
#include "route_harness.h"

namespace opsdeck::http {
namespace {

using testing::Call;
using ::testing::HasSubstr;
using ::testing::Not;
constexpr auto kGet = beast_http::verb::get;
const core::TimePoint kT0 = core::FromUnixMillis(1773100800000);  // 2026-03-10T00:00:00Z

core::AuditEvent Event(int64_t id, std::string actor, std::string action, int minutes) {
  core::AuditEvent e;
  e.id = id;
  e.at = kT0 + std::chrono::minutes(minutes);
  e.actor = core::Actor{"user", std::move(actor)};
  e.entity_type = "release";
  e.entity_id = std::to_string(100 + id % 3);
  e.action = std::move(action);
  e.before_json = R"({"state":"planned","version":"2.14.0"})";
  e.after_json = R"({"state":"in_progress","version":"2.14.0"})";
  e.request_id = "req-" + std::to_string(id);
  return e;
}

class AuditLogPageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cfg = std::make_shared<config::Config>();
    config_ = cfg;
    services_.config = [this] { return config_; };
    services_.store = &store_;
    services_.clock = &clock_;
    AddAuditLogPageRoutes(router_, services_);
    // 120 entries, newest first: every 10th by bob, the rest by alice.
    for (int64_t id = 120; id >= 1; --id) {
      audit_.events.push_back(
          Event(id, id % 10 == 0 ? "bob" : "alice", "update", static_cast<int>(id)));
    }
  }

  testing::Answer Get(const std::string& target) { return Call(router_, kGet, target); }

  static int Rows(const std::string& html) {
    int n = 0;
    for (std::size_t at = html.find("<tr data-audit="); at != std::string::npos;
         at = html.find("<tr data-audit=", at + 1)) {
      ++n;
    }
    return n;
  }

  std::shared_ptr<const config::Config> config_;
  testing::FakeRunStore runs_;
  testing::FakeHealthStore health_;
  testing::FakeAuditStore audit_;
  testing::BadgeStore store_{runs_, health_, audit_};
  core::ManualClock clock_{kT0};
  Services services_;
  Router router_;
};

TEST_F(AuditLogPageTest, ShowsTheNewestEntriesWithWhoWhatAndWhich) {
  const auto a = Get("/audit?limit=5");
  ASSERT_EQ(a.status, 200u);
  EXPECT_EQ(Rows(a.body), 5);
  EXPECT_LT(a.body.find("data-audit=\"120\""), a.body.find("data-audit=\"119\""));
  EXPECT_THAT(a.body, HasSubstr("data-actor=\"user:bob\""));
  EXPECT_THAT(a.body, HasSubstr("req-120"));
  // The summary names the changed key only; both sides are shown as text.
  EXPECT_THAT(a.body, HasSubstr("Changed: <span data-changed>state</span>"));
  EXPECT_THAT(a.body, HasSubstr("&quot;state&quot;:&quot;in_progress&quot;"));
  // Filter links for the actor and the entity, percent-encoded.
  EXPECT_THAT(a.body, HasSubstr("href=\"/audit?actor=user%3Abob#log\""));
  EXPECT_THAT(a.body, HasSubstr("href=\"/audit?entity_type=release&amp;entity_id=100#log\""));
  EXPECT_THAT(a.body, HasSubstr("data-older"));
  EXPECT_THAT(std::string(a.response["Content-Security-Policy"]), HasSubstr("script-src 'self'"));
}

TEST_F(AuditLogPageTest, PassesTheStoreFiltersThroughAndKeepsThemOnOlder) {
  const auto a =
      Get("/audit?action=update&entity_type=release&entity_id=101"
          "&from=2026-03-10+00%3A30&to=2026-03-10T01%3A30%3A00Z&limit=2");
  ASSERT_EQ(a.status, 200u);
  ASSERT_FALSE(audit_.queries.empty());
  const store::AuditQuery& q = audit_.queries.front();
  EXPECT_EQ(q.action, "update");
  EXPECT_EQ(q.entity_type, "release");
  EXPECT_EQ(q.entity_id, "101");
  EXPECT_EQ(q.from, kT0 + std::chrono::minutes(30));
  EXPECT_EQ(q.to, kT0 + std::chrono::minutes(90));
  EXPECT_EQ(q.limit, 2);
  EXPECT_EQ(Rows(a.body), 2);
  EXPECT_THAT(a.body, HasSubstr("value=\"2026-03-10 00:30\""));  // the form shows what was asked
  EXPECT_THAT(a.body,
              HasSubstr("/audit?action=update&amp;entity_type=release&amp;entity_id=101&amp;"
                        "from=2026-03-10%2000%3A30&amp;to=2026-03-10T01%3A30%3A00Z&amp;limit=2&amp;"
                        "cursor=before%3A"));
}

TEST_F(AuditLogPageTest, TheActorFilterFillsThePageAndPagesExactly) {
  // bob made 12 entries: 120, 110, ..., 10. Pages of 5: 5, 5, 2, each once.
  std::vector<std::string> seen;
  std::string target = "/audit?actor=bob&limit=5";
  for (int page = 0; page < 4 && !target.empty(); ++page) {
    const auto a = Get(target);
    ASSERT_EQ(a.status, 200u);
    for (std::size_t at = a.body.find("<tr data-audit=\""); at != std::string::npos;
         at = a.body.find("<tr data-audit=\"", at + 1)) {
      const std::size_t start = at + 16;
      seen.push_back(a.body.substr(start, a.body.find('"', start) - start));
    }
    EXPECT_THAT(a.body, Not(HasSubstr("data-actor=\"user:alice\"")));
    const std::size_t older = a.body.find("\" rel=\"next\" data-older");
    if (older == std::string::npos) {
      target.clear();
    } else {
      const std::size_t href = a.body.rfind("href=\"", older) + 6;
      target = a.body.substr(href, older - href);
      // HTML-escaped in the page: undo &amp; for the next request.
      for (std::size_t p = target.find("&amp;"); p != std::string::npos; p = target.find("&amp;")) {
        target.replace(p, 5, "&");
      }
      target = target.substr(0, target.find('#'));  // a browser does not send the fragment
      EXPECT_THAT(target, HasSubstr("actor=bob"));
    }
  }
  EXPECT_THAT(seen, ::testing::ElementsAre("120", "110", "100", "90", "80", "70", "60", "50", "40",
                                           "30", "20", "10"));
  // "user:bob" is the same filter, spelled fully; "token:bob" is another actor.
  EXPECT_EQ(Rows(Get("/audit?actor=user%3Abob&limit=50").body), 12);
  EXPECT_EQ(Rows(Get("/audit?actor=token%3Abob&limit=50").body), 0);
}

TEST_F(AuditLogPageTest, ARareActorCostsABoundedNumberOfReadsAndSaysSo) {
  audit_.events.clear();
  for (int64_t id = 2000; id >= 1; --id) {
    audit_.events.push_back(Event(id, id == 1 ? "carol" : "alice", "update", 0));
  }
  const auto a = Get("/audit?actor=carol&limit=20");
  ASSERT_EQ(a.status, 200u);
  EXPECT_LE(audit_.queries.size(), 10u);
  EXPECT_EQ(Rows(a.body), 0);
  EXPECT_THAT(a.body, HasSubstr("data-partial-note"));
  EXPECT_THAT(a.body, HasSubstr("Searched 200 entries for actor carol"));
  EXPECT_THAT(a.body, HasSubstr("data-older"));  // and Older goes on from there
}

TEST_F(AuditLogPageTest, BadTimesAndCursorsAreA400PageNamingTheProblem) {
  const auto bad_time = Get("/audit?from=yesterday");
  EXPECT_EQ(bad_time.status, 400u);
  EXPECT_THAT(bad_time.body, HasSubstr("role=\"alert\""));
  EXPECT_THAT(bad_time.body, HasSubstr("From must be a UTC time"));
  EXPECT_TRUE(audit_.queries.empty());

  const auto bad_cursor = Get("/audit?cursor=zzz");
  EXPECT_EQ(bad_cursor.status, 400u);
  EXPECT_THAT(bad_cursor.body, HasSubstr("malformed cursor"));

  EXPECT_EQ(Get("/audit?limit=0").status, 400u);
}

TEST_F(AuditLogPageTest, AnyRoleMayReadItLikeTheAuditApi) {
  Request req{kGet, "/audit", 11};
  RequestContext ctx{req, "r"};
  const RouteMatch match = router_.Match(kGet, "/audit", ctx);
  ASSERT_NE(match.route, nullptr);
  EXPECT_TRUE(match.route->access.AllowsViewer());
  EXPECT_EQ(match.route->access.kind, Access::Kind::kRoles);
  EXPECT_EQ(match.route->exec, Exec::kDatabase);
}

}  // namespace
}  // namespace opsdeck::http
