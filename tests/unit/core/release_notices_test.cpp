// Release, window and rollback notices: kinds, subjects (one living message
// per release, booking, rollback), severities, environment filters, fields
// and links.
#include "core/release_notices.h"

#include <gtest/gtest.h>

#include "fake_zones.h"

namespace opsdeck::core {
namespace {

using namespace std::chrono_literals;
using testing::Utc;

const ReleaseNoticeContext kCtx{"https://ops.example.com/", {"production"}};

const NoticeField* Field(const Notice& n, std::string_view name) {
  for (const auto& f : n.fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string Value(const Notice& n, std::string_view name) {
  const NoticeField* f = Field(n, name);
  return f == nullptr ? "<none>" : f->value;
}

Release Sample() {
  Release r;
  r.id = 7;
  r.version = "1.4.2";
  r.environments = {"staging", "production"};
  r.template_name = "production-release";
  r.window = "weekday";
  r.window_start = Utc(2026, 12, 1, 13);
  const auto item = [](std::string id, std::string title, Role role, bool required) {
    ChecklistItem i;
    i.id = std::move(id);
    i.title = std::move(title);
    i.role = role;
    i.required = required;
    return i;
  };
  r.items = {item("scope", "Agree the scope", Role::kReleaseManager, true),
             item("go", "Go / no-go", Role::kReleaseManager, true),
             item("notes", "Write release notes", Role::kReleaseManager, false),
             item("backup", "Back up the database", Role::kDevops, true),
             item("deploy", "Deploy", Role::kDevops, true),
             item("watch", "Watch dashboards", Role::kDevops, true)};
  return r;
}

TEST(ReleaseNoticesTest, ReleaseKindsShareOneSubject) {
  const Release r = Sample();
  const std::pair<ReleaseEvent, const char*> kinds[] = {
      {ReleaseEvent::kCreated, "release.created"},
      {ReleaseEvent::kItemTicked, "release.item_ticked"},
      {ReleaseEvent::kItemUnticked, "release.item_unticked"},
      {ReleaseEvent::kStarted, "release.started"},
      {ReleaseEvent::kReleased, "release.released"},
      {ReleaseEvent::kAborted, "release.aborted"},
      {ReleaseEvent::kRolledBack, "release.rolled_back"},
  };
  for (const auto& [event, kind] : kinds) {
    const Notice n =
        ReleaseNotice(r, {event, "user:alice", Utc(2026, 12, 1, 12), "scope", ""}, kCtx);
    EXPECT_EQ(n.kind, kind);
    EXPECT_EQ(n.subject, "release:7");
    EXPECT_EQ(n.severity, NoticeSeverity::kInfo) << kind;
    EXPECT_EQ(n.environment, "production");
    EXPECT_EQ(n.title, "Release 1.4.2 to production");
    EXPECT_EQ(n.opsdeck_url, "https://ops.example.com/releases/7");
    EXPECT_EQ(n.occurred_at, Utc(2026, 12, 1, 12));
  }
  EXPECT_EQ(ReleaseEventFor(ReleaseState::kInProgress), ReleaseEvent::kStarted);
  EXPECT_EQ(ReleaseEventFor(ReleaseState::kReleased), ReleaseEvent::kReleased);
  EXPECT_EQ(ReleaseEventFor(ReleaseState::kAborted), ReleaseEvent::kAborted);
  EXPECT_EQ(ReleaseEventFor(ReleaseState::kRolledBack), ReleaseEvent::kRolledBack);
}

TEST(ReleaseNoticesTest, FieldsCarryStateAndProgressPerRole) {
  Release r = Sample();
  ApplyTick(r, "scope", "user:alice", Utc(2026, 12, 1, 10));
  ApplyTick(r, "backup", "user:dana", Utc(2026, 12, 1, 11), "snapshot 42");
  const Notice n = ReleaseNotice(
      r, {ReleaseEvent::kItemTicked, "user:dana", Utc(2026, 12, 1, 11), "backup", ""}, kCtx);
  EXPECT_EQ(n.state, NoticeState::kQueued);  // planned
  EXPECT_EQ(n.description, "dana ticked backup (Back up the database)\nNote: snapshot 42");
  EXPECT_EQ(Value(n, "State"), "planned");
  EXPECT_EQ(Value(n, "Environments"), "staging → production");
  EXPECT_EQ(Value(n, "Release manager"), "1/3 done (required 1/2)");
  EXPECT_EQ(Value(n, "Devops"), "1/3 done");
  EXPECT_EQ(Value(n, "Open required"), "go, deploy, watch");
  EXPECT_EQ(Value(n, "Window"), "weekday, Tue 2026-12-01 13:00 UTC");
  EXPECT_EQ(Value(n, "Template"), "production-release");
  // Role order is release manager, then devops.
  EXPECT_LT(Field(n, "Release manager"), Field(n, "Devops"));
}

TEST(ReleaseNoticesTest, DescriptionsSayWhatHappened) {
  Release r = Sample();
  ApplyUntick(r, "scope", "customer asked for one more fix");
  EXPECT_EQ(ReleaseNotice(r, {ReleaseEvent::kItemUnticked, "user:alice", {}, "scope", ""}, kCtx)
                .description,
            "alice unticked scope (Agree the scope): customer asked for one more fix");
  EXPECT_EQ(ReleaseNotice(r, {ReleaseEvent::kCreated, "user:alice", {}, "", ""}, kCtx).description,
            "Planned by alice");
  r.state = ReleaseState::kAborted;
  const Notice aborted = ReleaseNotice(
      r, {ReleaseEvent::kAborted, "token:ci", {}, "", "database migration failed"}, kCtx);
  EXPECT_EQ(aborted.description, "Aborted by token:ci: database migration failed");
  EXPECT_EQ(aborted.state, NoticeState::kCanceled);
  EXPECT_EQ(Field(aborted, "Open required"), nullptr);  // nothing is awaited any more
  r.state = ReleaseState::kReleased;
  EXPECT_EQ(ReleaseNotice(r, {ReleaseEvent::kReleased, "user:alice", {}, "", ""}, kCtx).state,
            NoticeState::kSucceeded);
  r.state = ReleaseState::kInProgress;
  EXPECT_EQ(ReleaseNotice(r, {ReleaseEvent::kStarted, "user:alice", {}, "", ""}, kCtx).state,
            NoticeState::kRunning);
}

TEST(ReleaseNoticesTest, NoPublicUrlNoLink) {
  const Notice n = ReleaseNotice(Sample(), {ReleaseEvent::kCreated, "user:alice", {}, "", ""}, {});
  EXPECT_EQ(n.opsdeck_url, "");
}

BookingFacts Booking() {
  BookingFacts b;
  b.id = 12;
  b.release_id = 7;
  b.version = "1.4.2";
  b.environment = "production";
  b.window = "weekday";
  b.starts_at = Utc(2026, 12, 1, 13);
  b.ends_at = Utc(2026, 12, 1, 17);
  b.zone = std::make_shared<const testing::OneDstZone>(testing::NewYork2026());
  b.devops = {"dana", "erik"};
  b.requested_by = "user:alice";
  return b;
}

TEST(ReleaseNoticesTest, BookingNoticesKindsSeveritiesAndText) {
  BookingFacts b = Booking();
  const TimePoint at = Utc(2026, 11, 30, 9);
  Notice n = BookingNotice(b, WindowEvent::kRequested, at, kCtx);
  EXPECT_EQ(n.kind, "window.requested");
  EXPECT_EQ(n.subject, "booking:12");
  EXPECT_EQ(n.severity, NoticeSeverity::kInfo);
  EXPECT_EQ(n.environment, "production");
  EXPECT_EQ(n.title, "Window weekday for release 1.4.2");
  EXPECT_EQ(n.description, "alice asks devops to be on hand");
  EXPECT_EQ(Value(n, "Starts"), "Tue 2026-12-01 08:00 America/New_York");
  EXPECT_EQ(Value(n, "Ends"), "Tue 2026-12-01 12:00 America/New_York");
  EXPECT_EQ(Value(n, "Starts (UTC)"), "Tue 2026-12-01 13:00 UTC");
  EXPECT_EQ(Value(n, "Devops on hand"), "dana, erik");
  EXPECT_EQ(Value(n, "Requested by"), "alice");
  EXPECT_EQ(n.opsdeck_url, "https://ops.example.com/windows");

  b.decided_by = "user:dana";
  b.note = "erik is on call";
  n = BookingNotice(b, WindowEvent::kAccepted, at, kCtx);
  EXPECT_EQ(n.kind, "window.accepted");
  EXPECT_EQ(n.severity, NoticeSeverity::kInfo);
  EXPECT_EQ(n.state, NoticeState::kSucceeded);
  EXPECT_EQ(n.description, "dana accepted: erik is on call");
  EXPECT_EQ(Value(n, "Accepted by"), "dana");

  b.note = "nobody free that day";
  n = BookingNotice(b, WindowEvent::kDeclined, at, kCtx);
  EXPECT_EQ(n.kind, "window.declined");
  EXPECT_EQ(n.severity, NoticeSeverity::kWarning);
  EXPECT_EQ(n.description, "dana declined: nobody free that day");
  EXPECT_EQ(Value(n, "Declined by"), "dana");

  n = BookingNotice(b, WindowEvent::kReminder, Utc(2026, 12, 1, 12, 30), kCtx);
  EXPECT_EQ(n.kind, "window.reminder");
  EXPECT_EQ(n.severity, NoticeSeverity::kInfo);
  EXPECT_EQ(n.description, "weekday opens in 30m 0s for release 1.4.2");
  EXPECT_EQ(n.subject, "booking:12");
}

TEST(ReleaseNoticesTest, FreezeOverrideNotice) {
  const FreezeOverrideFacts o{
      4, "year-end", Utc(2026, 12, 20), Utc(2027, 1, 6), "security fix CVE-2026-1", "user:root"};
  const Notice n = FreezeOverrideNotice(o, Utc(2026, 12, 22, 8), kCtx);
  EXPECT_EQ(n.kind, "window.freeze_overridden");
  EXPECT_EQ(n.subject, "freeze:4");
  EXPECT_EQ(n.severity, NoticeSeverity::kInfo);
  EXPECT_EQ(n.environment, "");  // a freeze holds everywhere
  EXPECT_EQ(n.title, "Freeze year-end overridden");
  EXPECT_EQ(n.description, "root lifted the freeze: security fix CVE-2026-1");
  EXPECT_EQ(Value(n, "Until"), "Wed 2027-01-06 00:00 UTC");
  EXPECT_EQ(n.opsdeck_url, "https://ops.example.com/windows");
}

RollbackFacts Rollback(std::string environment = "production") {
  RollbackFacts r;
  r.id = 9;
  r.environment = std::move(environment);
  r.version = "1.4.1";
  r.release_id = 7;
  r.release_version = "1.4.2";
  r.started_by = "user:dana";
  r.started_at = Utc(2026, 12, 1, 14);
  r.action = "http";
  return r;
}

TEST(ReleaseNoticesTest, RollbackKindsAndSeverities) {
  RollbackFacts r = Rollback();
  Notice n = RollbackNotice(r, RollbackEvent::kStarted, Utc(2026, 12, 1, 14), kCtx);
  EXPECT_EQ(n.kind, "rollback.started");
  EXPECT_EQ(n.subject, "rollback:9");
  EXPECT_EQ(n.severity, NoticeSeverity::kWarning);
  EXPECT_EQ(n.state, NoticeState::kRunning);
  EXPECT_EQ(n.environment, "production");
  EXPECT_EQ(n.title, "Rollback of production to 1.4.1");
  EXPECT_EQ(n.description, "Started by dana");
  EXPECT_EQ(Value(n, "Release"), "1.4.2");
  EXPECT_EQ(Value(n, "Action"), "http");
  EXPECT_EQ(Field(n, "Duration"), nullptr);
  EXPECT_EQ(n.opsdeck_url, "https://ops.example.com/rollbacks");

  r.action_result = "HTTP 204";
  r.run_id = 55;
  r.finished_at = Utc(2026, 12, 1, 14, 6, 30);
  n = RollbackNotice(r, RollbackEvent::kSucceeded, *r.finished_at, kCtx);
  EXPECT_EQ(n.kind, "rollback.succeeded");
  EXPECT_EQ(n.severity, NoticeSeverity::kInfo);
  EXPECT_EQ(n.state, NoticeState::kSucceeded);
  EXPECT_EQ(n.description, "production runs 1.4.1 again");
  EXPECT_EQ(Value(n, "Action"), "http: HTTP 204");
  EXPECT_EQ(Value(n, "Run"), "#55");
  EXPECT_EQ(Value(n, "Duration"), "6m 30s");
  EXPECT_FALSE(n.mention);

  r.error = "deploy run #56 failed";
  n = RollbackNotice(r, RollbackEvent::kFailed, *r.finished_at, kCtx);
  EXPECT_EQ(n.kind, "rollback.failed");
  EXPECT_EQ(n.severity, NoticeSeverity::kCritical);
  EXPECT_EQ(n.state, NoticeState::kFailed);
  EXPECT_EQ(n.description, "Failed: deploy run #56 failed");
  EXPECT_TRUE(n.mention);  // production is protected
  n = RollbackNotice(Rollback("staging"), RollbackEvent::kFailed, *r.finished_at, kCtx);
  EXPECT_EQ(n.severity, NoticeSeverity::kCritical);
  EXPECT_FALSE(n.mention);
}

TEST(ReleaseNoticesTest, FormatWindowTime) {
  EXPECT_EQ(FormatWindowTime(Utc(2026, 12, 1, 13)), "Tue 2026-12-01 13:00 UTC");
  EXPECT_EQ(FormatWindowTime(Utc(2026, 12, 1, 13, 5, 9)), "Tue 2026-12-01 13:05:09 UTC");
  const testing::OneDstZone ny = testing::NewYork2026();
  EXPECT_EQ(FormatWindowTime(Utc(2026, 7, 4, 2), &ny), "Fri 2026-07-03 22:00 America/New_York");
}

}  // namespace
}  // namespace opsdeck::core
