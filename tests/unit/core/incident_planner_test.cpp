// IncidentPlanner fed by a real HealthTracker with injected times: one
// incident and one notice per failure, one announcement per root cause
// (the database with 20 dependent services), holds, grouping, maintenance,
// flapping and rebuilding from stored incidents.
#include "core/incident_planner.h"

#include <gtest/gtest.h>

#include <set>

namespace opsdeck::core {
namespace {

TimePoint At(int64_t s) { return FromUnixMillis(1'790'000'000'000 + s * 1000); }

std::string Svc(int i) { return "svc-" + std::to_string(i); }

const NoticeField* Field(const Notice& n, std::string_view prefix) {
  for (const auto& f : n.fields) {
    if (f.name.starts_with(prefix)) return &f;
  }
  return nullptr;
}

class PlannerTest : public ::testing::Test {
 protected:
  explicit PlannerTest(PlannerOptions options = {{"production"}})
      : planner(std::move(options)) {
    std::vector<PlannerTarget> targets = {{"dashboard-db", "production", {}},
                                          {"api", "production", {}},
                                          {"web", "production", {}},
                                          {"worker", "production", {}},
                                          {"staging-api", "staging", {}}};
    for (int i = 1; i <= 20; ++i) targets.push_back({Svc(i), "production", {"dashboard-db"}});
    planner.SetTargets(targets);
  }

  void Result(const std::string& target, bool ok, int64_t s, Thresholds th = {3, 2},
              const char* error = "connect: connection refused") {
    if (auto tr = tracker.Apply({target, 0}, ok, ok ? "" : error, At(s), th)) pending.push_back(*tr);
  }
  // Hands what happened so far to the planner at time `s` and records the plan.
  HealthPlan Step(int64_t s) {
    for (auto& tr : tracker.Tick(At(s))) pending.push_back(std::move(tr));
    HealthPlan plan = planner.Plan(pending, tracker, At(s));
    pending.clear();
    for (const auto& n : plan.notices) notices.push_back(n);
    for (const auto& o : plan.opens) opens.push_back(o);
    for (const auto& c : plan.closes) closes.push_back(c);
    for (const auto& l : plan.links) links.push_back(l);
    return plan;
  }
  std::set<std::string> Subjects() const {
    std::set<std::string> s;
    for (const auto& n : notices) s.insert(n.subject);
    return s;
  }

  HealthTracker tracker;
  IncidentPlanner planner;
  std::vector<HealthTransition> pending;
  std::vector<Notice> notices;
  std::vector<IncidentOpen> opens;
  std::vector<IncidentClose> closes;
  std::vector<IncidentLink> links;
};

TEST_F(PlannerTest, DownOpensOneIncidentAndOneNoticeAndUpResolvesBoth) {
  Result("api", true, 0);
  Step(0);
  Result("api", false, 10);
  Result("api", false, 20);
  EXPECT_TRUE(Step(20).Empty());  // below the threshold: nothing at all
  Result("api", false, 30, {3, 2}, "status == 200 failed: got 503");
  const HealthPlan down = Step(30);
  ASSERT_EQ(down.states.size(), 1u);
  EXPECT_EQ(down.states[0].state, TargetState::kDown);
  ASSERT_EQ(down.opens.size(), 1u);
  EXPECT_EQ(down.opens[0].target, "api");
  EXPECT_EQ(down.opens[0].started_at, At(30));
  EXPECT_EQ(down.opens[0].cause, "status == 200 failed: got 503");
  EXPECT_EQ(down.opens[0].subject, "incidents:production:" + std::to_string(ToUnixMillis(At(30))));
  ASSERT_EQ(down.notices.size(), 1u);
  const Notice& n = down.notices[0];
  EXPECT_EQ(n.kind, "incident.opened");
  EXPECT_EQ(n.subject, down.opens[0].subject);
  EXPECT_EQ(n.title, "api down");
  EXPECT_EQ(n.description, "status == 200 failed: got 503");
  EXPECT_EQ(n.state, NoticeState::kCritical);
  EXPECT_EQ(n.severity, NoticeSeverity::kCritical);  // production is protected
  EXPECT_TRUE(n.mention);
  EXPECT_EQ(n.environment, "production");
  EXPECT_EQ(n.target, "api");
  EXPECT_EQ(n.url, "");
  EXPECT_EQ(n.opsdeck_url, "/incidents?target=api");
  EXPECT_TRUE(planner.HasOpenIncident("api"));

  Result("api", true, 40);
  EXPECT_TRUE(Step(40).Empty());
  Result("api", true, 50);
  const HealthPlan up = Step(50);
  ASSERT_EQ(up.closes.size(), 1u);
  EXPECT_EQ(up.closes[0], (IncidentClose{"api", At(50)}));
  ASSERT_EQ(up.notices.size(), 1u);
  EXPECT_EQ(up.notices[0].kind, "incident.resolved");
  EXPECT_EQ(up.notices[0].subject, n.subject);
  EXPECT_EQ(up.notices[0].state, NoticeState::kResolved);
  EXPECT_EQ(up.notices[0].title, "api recovered");
  EXPECT_FALSE(planner.HasOpenIncident("api"));
  EXPECT_EQ(Subjects().size(), 1u);
}

TEST_F(PlannerTest, DegradedToDownUpdatesTheSameMessage) {
  tracker.Apply({"api", 0}, true, "", At(0), {1, 1});
  tracker.Apply({"api", 1}, true, "", At(0), {1, 1});
  if (auto tr = tracker.Apply({"api", 1}, false, "timeout after 5s", At(10), {1, 1})) pending.push_back(*tr);
  Step(10);
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].title, "api degraded");
  EXPECT_EQ(notices[0].state, NoticeState::kWarning);
  EXPECT_EQ(notices[0].severity, NoticeSeverity::kWarning);
  if (auto tr = tracker.Apply({"api", 0}, false, "timeout after 5s", At(20), {1, 1})) pending.push_back(*tr);
  const HealthPlan plan = Step(20);
  EXPECT_TRUE(plan.opens.empty());
  ASSERT_EQ(plan.notices.size(), 1u);
  EXPECT_EQ(plan.notices[0].kind, "incident.updated");
  EXPECT_EQ(plan.notices[0].title, "api down");
  EXPECT_EQ(plan.notices[0].subject, notices[0].subject);
}

// The acceptance case: the services cross their (lower) threshold before the
// database crosses its own.
TEST_F(PlannerTest, DatabaseWithTwentyServicesIsOneAnnouncement) {
  for (int64_t s : {0, 10}) {
    Result("dashboard-db", false, s, {3, 2});
    for (int i = 1; i <= 20; ++i) Result(Svc(i), false, s, {2, 2});
    const HealthPlan plan = Step(s);
    EXPECT_TRUE(plan.notices.empty()) << s;
    EXPECT_TRUE(plan.opens.empty()) << s;
  }
  EXPECT_TRUE(tracker.Suspect("dashboard-db"));
  EXPECT_TRUE(planner.IsHeld(Svc(7)));
  Result("dashboard-db", false, 20, {3, 2});
  for (int i = 1; i <= 20; ++i) Result(Svc(i), false, 20, {2, 2});
  const HealthPlan plan = Step(20);
  ASSERT_EQ(plan.opens.size(), 21u);
  EXPECT_EQ(plan.opens[0].target, "dashboard-db");  // the dependency first
  EXPECT_EQ(plan.opens[0].root_target, "");
  for (size_t i = 1; i < plan.opens.size(); ++i) {
    EXPECT_EQ(plan.opens[i].root_target, "dashboard-db");
    EXPECT_EQ(plan.opens[i].subject, plan.opens[0].subject);
    EXPECT_EQ(plan.opens[i].started_at, At(10));  // when it went down, not when it was decided
  }
  ASSERT_EQ(notices.size(), 1u);
  const Notice& n = notices.back();
  EXPECT_EQ(n.kind, "incident.opened");
  EXPECT_EQ(n.title, "dashboard-db down");
  const NoticeField* affected = Field(n, "Affected through dashboard-db");
  ASSERT_NE(affected, nullptr);
  EXPECT_EQ(affected->name, "Affected through dashboard-db (20)");
  std::set<std::string> named;
  for (size_t pos = 0; pos <= affected->value.size();) {
    const size_t comma = std::min(affected->value.find(", ", pos), affected->value.size());
    named.insert(affected->value.substr(pos, comma - pos));
    pos = comma + 2;
  }
  std::set<std::string> expected;
  for (int i = 1; i <= 20; ++i) expected.insert(Svc(i));
  EXPECT_EQ(named, expected);

  // Recovery: the services come back a little after the database.
  for (int64_t s : {30, 40}) Result("dashboard-db", true, s);
  Step(40);
  for (int64_t s : {45, 50}) {
    for (int i = 1; i <= 20; ++i) Result(Svc(i), true, s);
  }
  Step(50);
  EXPECT_EQ(closes.size(), 21u);
  EXPECT_EQ(Subjects().size(), 1u);
  EXPECT_EQ(notices.back().kind, "incident.resolved");
  EXPECT_EQ(notices.back().state, NoticeState::kResolved);
  EXPECT_EQ(notices.size(), 3u);  // opened, updated (database recovered), resolved
}

// The services fail before the database has failed even once: they are
// announced (grouped), then linked when the database goes down.
TEST_F(PlannerTest, DependencyGoingDownLaterAdoptsItsDependents) {
  Result("dashboard-db", true, 0);
  for (int i = 1; i <= 20; ++i) Result(Svc(i), true, 0);
  Step(0);
  for (int64_t s : {2, 4}) {
    for (int i = 1; i <= 20; ++i) Result(Svc(i), false, s, {2, 2});
  }
  Step(4);
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].title, "20 targets down in production");
  for (int64_t s : {5, 6, 7}) Result("dashboard-db", false, s);
  const HealthPlan plan = Step(7);
  ASSERT_EQ(plan.links.size(), 20u);
  EXPECT_EQ(plan.links[0].root_target, "dashboard-db");
  ASSERT_EQ(plan.notices.size(), 1u);
  EXPECT_EQ(plan.notices[0].kind, "incident.updated");
  EXPECT_EQ(plan.notices[0].title, "dashboard-db down");
  EXPECT_EQ(Field(plan.notices[0], "Affected through dashboard-db")->name,
            "Affected through dashboard-db (20)");
  EXPECT_EQ(Subjects().size(), 1u);
}

TEST_F(PlannerTest, HoldExpiresWhenTheDependencyStaysUndecided) {
  Result("dashboard-db", false, 0);  // suspect, then silent
  Result(Svc(1), false, 0, {1, 1});
  Step(0);
  EXPECT_TRUE(planner.IsHeld(Svc(1)));
  EXPECT_TRUE(Step(59).Empty());
  const HealthPlan plan = Step(60);
  ASSERT_EQ(plan.opens.size(), 1u);
  EXPECT_EQ(plan.opens[0].target, Svc(1));
  EXPECT_EQ(plan.opens[0].root_target, "");
  EXPECT_EQ(plan.opens[0].started_at, At(0));
  ASSERT_EQ(plan.notices.size(), 1u);
  EXPECT_EQ(plan.notices[0].title, "svc-1 down");
  EXPECT_FALSE(planner.IsHeld(Svc(1)));
}

TEST_F(PlannerTest, HoldEndsEarlyWhenTheDependencyRecovers) {
  Result("dashboard-db", true, 0);
  Result("dashboard-db", false, 5);
  Result(Svc(1), false, 5, {1, 1});
  Step(5);
  EXPECT_TRUE(planner.IsHeld(Svc(1)));
  Result("dashboard-db", true, 10);  // not suspect any more
  const HealthPlan plan = Step(10);
  ASSERT_EQ(plan.opens.size(), 1u);
  EXPECT_EQ(plan.opens[0].target, Svc(1));
  EXPECT_EQ(plan.notices.size(), 1u);
}

TEST_F(PlannerTest, HeldTargetThatRecoversNeverOpens) {
  Result("dashboard-db", false, 0);
  Result(Svc(1), false, 0, {1, 1});
  Step(0);
  Result(Svc(1), true, 10, {1, 1});
  EXPECT_TRUE(Step(10).opens.empty());
  EXPECT_TRUE(Step(100).Empty());
  EXPECT_FALSE(planner.IsHeld(Svc(1)));
}

TEST_F(PlannerTest, RootsOfOneEnvironmentWithinTheWindowShareOneMessage) {
  Result("api", false, 0, {1, 1});
  Step(0);
  Result("web", false, 30, {1, 1});
  Result("staging-api", false, 30, {1, 1});
  Step(30);
  Result("worker", true, 40, {1, 1});
  Result("worker", false, 59, {1, 1}, "timeout after 5s");
  Step(59);
  ASSERT_EQ(opens.size(), 4u);
  EXPECT_EQ(opens[1].subject, opens[0].subject);
  EXPECT_EQ(opens[3].subject, opens[0].subject);  // worker, 59 s after the first
  EXPECT_NE(opens[2].subject, opens[0].subject);  // staging has its own
  const Notice& last = notices.back();
  EXPECT_EQ(last.subject, opens[0].subject);
  EXPECT_EQ(last.title, "3 targets down in production");
  EXPECT_EQ(last.target, "");
  EXPECT_EQ(last.opsdeck_url, "/incidents?environment=production");
  EXPECT_EQ(Field(last, "Down")->value, "api, web, worker");
  const Notice& staging = notices[notices.size() - 2];
  EXPECT_EQ(staging.title, "staging-api down");
  EXPECT_EQ(staging.severity, NoticeSeverity::kWarning);  // not a protected environment
  EXPECT_FALSE(staging.mention);
  // Outside the window: a new message.
  Result("dashboard-db", false, 61, {1, 1});
  Step(61);
  EXPECT_NE(opens.back().subject, opens[0].subject);
  // Partial recovery updates; the last recovery resolves.
  Result("api", true, 70, {1, 1});
  Result("web", true, 70, {1, 1});
  Step(70);
  EXPECT_EQ(notices.back().kind, "incident.updated");
  EXPECT_EQ(notices.back().title, "worker down");
  EXPECT_EQ(Field(notices.back(), "Recovered")->value, "api, web");
  Result("worker", true, 80, {1, 1});
  Step(80);
  EXPECT_EQ(notices.back().kind, "incident.resolved");
  EXPECT_EQ(notices.back().title, "3 targets recovered in production");
}

TEST_F(PlannerTest, NothingIsAnnouncedDuringMaintenanceAndItOpensWhenItEnds) {
  Result("api", true, 0);
  Step(0);
  pending.push_back(*tracker.SetMaintenance("api", "sunday-patching", At(5)));
  for (int64_t s : {10, 20, 30, 40}) Result("api", false, s);
  const HealthPlan during = Step(40);
  EXPECT_TRUE(during.opens.empty());
  EXPECT_TRUE(during.notices.empty());
  ASSERT_EQ(during.states.size(), 1u);  // the state change is still recorded
  EXPECT_EQ(during.states[0].state, TargetState::kMaintenance);
  EXPECT_EQ(during.states[0].reason, "maintenance: sunday-patching");
  pending.push_back(*tracker.SetMaintenance("api", std::nullopt, At(50)));
  const HealthPlan after = Step(50);
  ASSERT_EQ(after.opens.size(), 1u);
  EXPECT_EQ(after.opens[0].started_at, At(50));
  ASSERT_EQ(after.notices.size(), 1u);
  EXPECT_EQ(after.notices[0].kind, "incident.opened");
}

TEST_F(PlannerTest, DependentsOfATargetInMaintenanceStayQuiet) {
  Result("dashboard-db", true, 0);
  Step(0);
  pending.push_back(*tracker.SetMaintenance("dashboard-db", "db-upgrade", At(1)));
  for (int64_t s : {2, 3, 4}) Result("dashboard-db", false, s);
  Result(Svc(1), false, 4, {1, 1});
  Step(4);
  EXPECT_TRUE(Step(600).notices.empty());  // no hold expiry while the window lasts
  EXPECT_TRUE(planner.IsHeld(Svc(1)));
  pending.push_back(*tracker.SetMaintenance("dashboard-db", std::nullopt, At(700)));
  const HealthPlan plan = Step(700);
  ASSERT_EQ(plan.opens.size(), 2u);
  EXPECT_EQ(plan.opens[1].root_target, "dashboard-db");
  ASSERT_EQ(plan.notices.size(), 1u);
  EXPECT_EQ(plan.notices[0].title, "dashboard-db down");
}

TEST_F(PlannerTest, FlappingKeepsOneIncidentAndSendsOneFlappingNotice) {
  const Thresholds one{1, 1};
  Result("api", true, 0, one);
  Step(0);
  size_t opens_before_flap = 0;
  for (int i = 1; i <= 12; ++i) {
    Result("api", i % 2 == 0, i * 20, one);
    Step(i * 20);
    if (i == 4) opens_before_flap = opens.size();
  }
  int flapping = 0;
  for (const auto& n : notices) flapping += n.kind == "incident.flapping";
  EXPECT_EQ(flapping, 1);
  EXPECT_EQ(opens.size(), opens_before_flap + 1);  // one incident since it began flapping
  EXPECT_EQ(closes.size(), 2u);                    // only the flips before detection
  EXPECT_TRUE(planner.HasOpenIncident("api"));
  const auto flap = std::find_if(notices.begin(), notices.end(),
                                 [](const Notice& n) { return n.kind == "incident.flapping"; });
  EXPECT_EQ(flap->title, "api is flapping");
  EXPECT_EQ(flap->subject, *planner.SubjectOf("api"));
  EXPECT_EQ(flap, notices.end() - 1);  // the flips after it said nothing
  // Quiet (up) for a whole window: the flapping ends and the incident closes.
  EXPECT_TRUE(Step(240 + 599).closes.empty());
  const HealthPlan end = Step(240 + 600);
  ASSERT_EQ(end.closes.size(), 1u);
  EXPECT_EQ(end.notices.back().kind, "incident.resolved");
}

TEST_F(PlannerTest, SeededIncidentsResolveUnderTheirStoredSubject) {
  planner.Seed({{"dashboard-db", "production", "incidents:production:42", "", At(-300),
                 "connect: connection refused", TargetState::kDown, false},
                {Svc(1), "production", "incidents:production:42", "dashboard-db", At(-290),
                 "timeout after 5s", TargetState::kDown, false}});
  tracker.Seed("dashboard-db", TargetState::kDown, At(-300), false, "connect: connection refused");
  EXPECT_EQ(planner.SubjectOf(Svc(1)), "incidents:production:42");
  // Another dependent fails: linked to the seeded root, no new message.
  Result(Svc(2), false, 0, {1, 1});
  const HealthPlan linked = Step(0);
  ASSERT_EQ(linked.opens.size(), 1u);
  EXPECT_EQ(linked.opens[0].root_target, "dashboard-db");
  EXPECT_EQ(linked.opens[0].subject, "incidents:production:42");
  ASSERT_EQ(linked.notices.size(), 1u);
  EXPECT_EQ(linked.notices[0].kind, "incident.updated");
  for (int64_t s : {10, 20}) Result("dashboard-db", true, s);
  Result(Svc(1), true, 20, {1, 1});
  Result(Svc(2), true, 20, {1, 1});
  const HealthPlan up = Step(20);
  EXPECT_EQ(up.closes.size(), 3u);
  ASSERT_EQ(up.notices.size(), 1u);
  EXPECT_EQ(up.notices[0].kind, "incident.resolved");
  EXPECT_EQ(up.notices[0].subject, "incidents:production:42");
}

TEST_F(PlannerTest, LinksStopAtTheFirstIncidentStillOpen) {
  planner.SetTargets({{"dashboard-db", "production", {}},
                      {Svc(1), "production", {"dashboard-db"}},
                      {"edge", "production", {Svc(1)}}});
  // Stored before a restart: svc-1 linked to a database incident since closed.
  planner.Seed({{Svc(1), "production", "incidents:production:42", "dashboard-db", At(-300),
                 "timeout after 5s", TargetState::kDown, false}});
  Result("edge", false, 0, {1, 1});
  const HealthPlan plan = Step(0);
  ASSERT_EQ(plan.opens.size(), 1u);
  EXPECT_EQ(plan.opens[0].root_target, Svc(1));
  EXPECT_EQ(plan.opens[0].subject, "incidents:production:42");
}

}  // namespace
// A mass outage: every one of 10,000 targets of one environment fails, each
// decided in its own Plan (as probes finish one after another), then each
// recovers alone. One living message with all of them, and every change of
// it rebuilt from the whole group: this finished in minutes when a change
// cost a walk over every member per root (10,000 x 10,000 per notice).
TEST(PlannerScaleTest, TenThousandRootsInOneMessageOneChangeAtATime) {
  constexpr int kTargets = 10'000;
  IncidentPlanner planner(PlannerOptions{{"production"}});
  HealthTracker tracker;
  std::vector<PlannerTarget> targets;
  targets.push_back({"db", "production", {}});
  for (int i = 1; i < kTargets; ++i) targets.push_back({Svc(i), "production", {}});
  planner.SetTargets(targets);
  const auto name = [](int i) { return i == 0 ? std::string("db") : Svc(i); };

  std::vector<Notice> notices;
  size_t opens = 0;
  size_t closes = 0;
  const auto step = [&](int i, bool ok, int64_t ms) {
    const TimePoint at = At(100) + std::chrono::milliseconds(ms);
    auto tr = tracker.Apply({name(i), 0}, ok, ok ? "" : "status == 200 failed: got 503", at, {1, 1});
    if (!tr) return;
    HealthPlan plan = planner.Plan({*tr}, tracker, at);
    opens += plan.opens.size();
    closes += plan.closes.size();
    for (auto& n : plan.notices) notices.push_back(std::move(n));
  };
  for (int i = 0; i < kTargets; ++i) step(i, true, 0);
  ASSERT_TRUE(notices.empty());
  for (int i = 0; i < kTargets; ++i) step(i, false, 1000 + i);  // all within 11 s: one group
  EXPECT_EQ(opens, static_cast<size_t>(kTargets));
  ASSERT_EQ(notices.size(), static_cast<size_t>(kTargets));
  const std::set<std::string> subjects = [&] {
    std::set<std::string> s;
    for (const auto& n : notices) s.insert(n.subject);
    return s;
  }();
  EXPECT_EQ(subjects.size(), 1u);
  EXPECT_EQ(notices.front().kind, "incident.opened");
  const Notice& all_down = notices.back();
  EXPECT_EQ(all_down.kind, "incident.updated");
  EXPECT_EQ(all_down.title, "10000 targets down in production");
  const NoticeField* down = Field(all_down, "Down");
  ASSERT_NE(down, nullptr);
  EXPECT_TRUE(down->value.starts_with("db, svc-1, svc-2, ")) << down->value;
  EXPECT_TRUE(down->value.ends_with(", svc-49 and 9950 more")) << down->value;

  notices.clear();
  for (int i = 0; i < kTargets; ++i) step(i, true, 20'000 + i);
  EXPECT_EQ(closes, static_cast<size_t>(kTargets));
  ASSERT_EQ(notices.size(), static_cast<size_t>(kTargets));
  EXPECT_EQ(notices.back().kind, "incident.resolved");
  EXPECT_EQ(notices.back().title, "10000 targets recovered in production");
  const NoticeField* recovered = Field(notices.back(), "Recovered");
  ASSERT_NE(recovered, nullptr);
  EXPECT_TRUE(recovered->value.ends_with(" and 9950 more")) << recovered->value;
  EXPECT_EQ(Field(notices.back(), "Down"), nullptr);  // an empty field is left out
}

}  // namespace opsdeck::core
