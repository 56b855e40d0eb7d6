// Fakes for the release API handler tests: a release::Desk that records what
// it was asked and answers with prepared values or an injected error, a
// ReleaseStore for the reads the handlers make themselves, a SessionStore
// holding one cookie session (for the CSRF gate), and a Store that exposes
// only those. Single-threaded.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "release/desk.h"
#include "store/store.h"

namespace opsdeck::http::testing {

inline const core::TimePoint kReleaseNow = core::FromUnixMillis(1773153600000);  // 2026-03-10T14:40:00Z

// Release 7 of 1.4.2 to staging and production: scope done by the release
// manager, backup (devops) open with a note, go depending on both, an
// optional devops item, an automatic one.
inline core::Release SampleRelease() {
  core::Release r;
  r.id = 7;
  r.version = "1.4.2";
  r.environments = {"staging", "production"};
  r.template_name = "production-release";
  r.window = "weekday releases";
  r.window_start = core::FromUnixMillis(1773147600000);  // 2026-03-10T13:00:00Z
  r.state = core::ReleaseState::kInProgress;
  r.created_by = "token:rm";
  r.created_at = kReleaseNow - std::chrono::hours(2);
  r.updated_at = kReleaseNow;
  auto item = [](std::string id, std::string phase, core::Role role) {
    core::ChecklistItem i;
    i.id = std::move(id);
    i.title = "Title of " + i.id;
    i.phase = std::move(phase);
    i.role = role;
    return i;
  };
  core::ChecklistItem scope = item("scope", "prepare", core::Role::kReleaseManager);
  scope.description = "Tag the release";
  scope.state = core::ItemState::kDone;
  scope.done_by = "token:rm";
  scope.done_at = kReleaseNow - std::chrono::minutes(30);
  core::ChecklistItem backup = item("backup", "prepare", core::Role::kDevops);
  backup.note = "backup was stale";
  core::ChecklistItem green = item("staging-green", "prepare", core::Role::kDevops);
  green.auto_check = "staging_green";
  core::ChecklistItem go = item("go", "go-no-go", core::Role::kReleaseManager);
  go.depends_on = {"scope", "backup"};
  core::ChecklistItem fix = item("fix-or-rollback", "deploy", core::Role::kDevops);
  fix.required = false;
  r.items = {scope, backup, green, go, fix};
  return r;
}

inline store::Booking SampleBooking() {
  store::Booking b;
  b.id = 3;
  b.release_id = 7;
  b.window = "weekday releases";
  b.starts_at = core::FromUnixMillis(1773147600000);
  b.ends_at = b.starts_at + std::chrono::hours(3);
  b.state = store::BookingState::kAccepted;
  b.requested_by = "token:rm";
  b.requested_at = kReleaseNow - std::chrono::hours(1);
  b.decided_by = "token:devops";
  b.decided_at = kReleaseNow - std::chrono::minutes(10);
  b.note = "alice is on hand";
  return b;
}

inline store::Rollback SampleRollback() {
  store::Rollback r;
  r.id = 11;
  r.environment = "production";
  r.version = "1.4.1";
  r.deployment_id = 42;
  r.release_id = 7;
  r.started_by = "token:devops";
  r.started_at = kReleaseNow;
  r.action = "http";
  return r;
}

class FakeDesk final : public release::Desk {
 public:
  // Every method fails with this when set.
  std::optional<core::Error> fail;
  core::Release release = SampleRelease();
  store::Booking booking = SampleBooking();
  std::vector<release::WindowView> windows;
  core::GateDecision gate;
  store::Rollback rollback = SampleRollback();

  // What was asked (the last call of each kind).
  std::vector<std::string> calls;  // "create", "tick", ... in order
  core::Role role = core::Role::kViewer;  // the caller's role, last call
  std::optional<release::CreateRelease> created;
  int64_t release_id = 0;
  std::string item, text;  // a tick's note / untick's or state's reason / a decision's note
  std::optional<core::ReleaseState> state;
  std::string window;
  core::TimePoint start{}, from{}, to{};
  std::optional<int64_t> booking_release;
  std::optional<bool> accept;
  std::string gate_environment, gate_version;
  std::optional<release::RollbackRequest> rollback_request;

  core::Result<core::Release> Create(const release::CreateRelease& request,
                                     const core::Principal& who, const std::string&) override {
    Note("create", who);
    created = request;
    return fail ? core::Result<core::Release>(*fail) : release;
  }
  core::Result<core::Release> Tick(int64_t id, const std::string& i, const std::string& note,
                                   const core::Principal& who, const std::string&) override {
    Note("tick", who);
    release_id = id;
    item = i;
    text = note;
    return fail ? core::Result<core::Release>(*fail) : release;
  }
  core::Result<core::Release> Untick(int64_t id, const std::string& i, const std::string& reason,
                                     const core::Principal& who, const std::string&) override {
    Note("untick", who);
    release_id = id;
    item = i;
    text = reason;
    return fail ? core::Result<core::Release>(*fail) : release;
  }
  core::Result<core::Release> SetState(int64_t id, core::ReleaseState to_state,
                                       const std::string& reason, const core::Principal& who,
                                       const std::string&) override {
    Note("state", who);
    release_id = id;
    state = to_state;
    text = reason;
    return fail ? core::Result<core::Release>(*fail) : release;
  }
  core::Result<std::vector<release::WindowView>> Windows(core::TimePoint f,
                                                         core::TimePoint t) override {
    calls.push_back("windows");
    from = f;
    to = t;
    return fail ? core::Result<std::vector<release::WindowView>>(*fail) : windows;
  }
  core::Result<store::Booking> Book(const std::string& w, core::TimePoint s, int64_t rel,
                                    const core::Principal& who, const std::string&) override {
    Note("book", who);
    window = w;
    start = s;
    booking_release = rel;
    return fail ? core::Result<store::Booking>(*fail) : booking;
  }
  core::Result<store::Booking> Confirm(const std::string& w, core::TimePoint s,
                                       std::optional<int64_t> rel, bool acc,
                                       const std::string& note, const core::Principal& who,
                                       const std::string&) override {
    Note("confirm", who);
    window = w;
    start = s;
    booking_release = rel;
    accept = acc;
    text = note;
    return fail ? core::Result<store::Booking>(*fail) : booking;
  }
  core::Result<store::FreezeOverride> OverrideFreeze(const std::string& w, core::TimePoint s,
                                                     const std::string& reason,
                                                     const core::Principal& who,
                                                     const std::string&) override {
    Note("override", who);
    window = w;
    start = s;
    text = reason;
    if (fail) return *fail;
    store::FreezeOverride o;
    o.id = 5;
    o.window = w;
    o.starts_at = s;
    o.ends_at = s + std::chrono::hours(24);
    o.reason = reason;
    o.by = who.ToActor().ToString();
    o.at = kReleaseNow;
    return o;
  }
  core::Result<core::GateDecision> Gate(const std::string& environment,
                                        const std::string& version) override {
    calls.push_back("gate");
    gate_environment = environment;
    gate_version = version;
    return fail ? core::Result<core::GateDecision>(*fail) : gate;
  }
  core::Result<store::Rollback> StartRollback(const release::RollbackRequest& request,
                                              const core::Principal& who,
                                              const std::string&) override {
    Note("rollback", who);
    rollback_request = request;
    return fail ? core::Result<store::Rollback>(*fail) : rollback;
  }
  void OnIntake(const store::IntakeResult&) override { calls.push_back("intake"); }

 private:
  void Note(const char* call, const core::Principal& who) {
    calls.push_back(call);
    role = who.role;
  }
};

// Reads only; a write means a handler bypassed the desk.
class FakeReleaseStore final : public store::ReleaseStore {
 public:
  std::map<int64_t, core::Release> releases;
  std::vector<store::Booking> bookings;
  std::vector<store::Rollback> rollbacks;
  std::optional<std::string> next;  // the cursor list calls answer
  std::optional<store::ReleaseQuery> release_query;
  std::optional<store::BookingQuery> booking_query;
  std::optional<store::RollbackQuery> rollback_query;

  core::Result<core::Release> CreateRelease(const store::NewRelease&, const core::Actor&,
                                            std::string_view,
                                            const store::AnnouncePlan<core::Release>&) override {
    Unexpected();
  }
  core::Result<store::Page<core::Release>> ListReleases(const store::ReleaseQuery& q) override {
    release_query = q;
    store::Page<core::Release> page;
    for (const auto& [id, r] : releases) page.items.push_back(r);
    page.next = next;
    return page;
  }
  core::Result<std::optional<core::Release>> GetRelease(int64_t id) override {
    auto it = releases.find(id);
    if (it == releases.end()) return std::optional<core::Release>();
    return std::optional<core::Release>(it->second);
  }
  core::Result<core::Release> UpdateRelease(int64_t,
                                            const std::function<core::Result<void>(core::Release&)>&,
                                            std::string_view, const core::Actor&, std::string_view,
                                            const store::AnnouncePlan<core::Release>&) override {
    Unexpected();
  }
  core::Result<store::Booking> RequestBooking(const store::Booking&, const core::Actor&,
                                              std::string_view,
                                              const store::AnnouncePlan<store::Booking>&) override {
    Unexpected();
  }
  core::Result<store::Booking> DecideBooking(int64_t, store::BookingState, std::string_view,
                                             const core::Actor&, std::string_view,
                                             const store::AnnouncePlan<store::Booking>&) override {
    Unexpected();
  }
  core::Result<std::vector<store::Booking>> ListBookings(const store::BookingQuery& q) override {
    booking_query = q;
    std::vector<store::Booking> out;
    for (const auto& b : bookings) {
      if (!q.release_id || b.release_id == *q.release_id) out.push_back(b);
    }
    return out;
  }
  core::Result<bool> MarkReminded(int64_t, const store::AnnouncePlan<store::Booking>&) override {
    Unexpected();
  }
  core::Result<store::FreezeOverride> OverrideFreeze(
      const store::FreezeOverride&, const core::Actor&, std::string_view,
      const store::AnnouncePlan<store::FreezeOverride>&) override {
    Unexpected();
  }
  core::Result<std::vector<store::FreezeOverride>> ListOverrides(core::TimePoint,
                                                                 core::TimePoint) override {
    Unexpected();
  }
  core::Result<store::Rollback> CreateRollback(const store::Rollback&, const core::Actor&,
                                               std::string_view,
                                               const store::AnnouncePlan<store::Rollback>&) override {
    Unexpected();
  }
  core::Result<store::Rollback> UpdateRollback(
      int64_t, const std::function<core::Result<void>(store::Rollback&)>&, std::string_view,
      const core::Actor&, std::string_view, const store::AnnouncePlan<store::Rollback>&,
      std::optional<core::ReleaseState>) override {
    Unexpected();
  }
  core::Result<store::Page<store::Rollback>> ListRollbacks(const store::RollbackQuery& q) override {
    rollback_query = q;
    store::Page<store::Rollback> page;
    page.items = rollbacks;
    page.next = next;
    return page;
  }
  core::Result<std::optional<store::Rollback>> GetRollback(int64_t id) override {
    for (const auto& r : rollbacks) {
      if (r.id == id) return std::optional<store::Rollback>(r);
    }
    return std::optional<store::Rollback>();
  }
  core::Result<std::vector<store::Rollback>> OpenRollbacks() override { Unexpected(); }

 private:
  [[noreturn]] static void Unexpected() {
    ADD_FAILURE() << "a release handler wrote to the store instead of going through the desk";
    std::abort();
  }
};

// One UI session, for requests that carry its cookie.
class FakeSessionStore final : public store::SessionStore {
 public:
  std::optional<store::SessionRecord> session;  // found by any hash

  core::Result<store::SessionRecord> Create(std::string_view, std::string_view, std::string_view,
                                            core::TimePoint, std::string_view) override {
    return core::Error::Internal("not in these tests");
  }
  core::Result<std::optional<store::SessionRecord>> Find(std::string_view) override {
    return session;
  }
  core::Result<void> Touch(int64_t, core::TimePoint) override { return core::Ok(); }
  core::Result<void> Delete(std::string_view, std::string_view) override { return core::Ok(); }
  core::Result<int> DeleteExpired(core::TimePoint, core::Duration) override { return 0; }
};

class ReleaseOnlyStore final : public store::Store {
 public:
  ReleaseOnlyStore(FakeReleaseStore& releases, FakeSessionStore& sessions)
      : releases_(releases), sessions_(sessions) {}
  std::string_view Backend() const override { return "fake"; }
  core::Result<void> Ping() override { return core::Ok(); }
  core::Result<int> Migrate() override { return 0; }
  core::Result<int> SchemaVersion() override { return 0; }
  store::EnvironmentStore& environments() override { Unexpected(); }
  store::AuditStore& audit() override { Unexpected(); }
  store::UserStore& users() override { Unexpected(); }
  store::TokenStore& tokens() override { Unexpected(); }
  store::SessionStore& sessions() override { return sessions_; }
  store::ThrottleStore& throttle() override { Unexpected(); }
  store::RunStore& runs() override { Unexpected(); }
  store::OutboxStore& outbox() override { Unexpected(); }
  store::HealthStore& health() override { Unexpected(); }
  store::ReleaseStore& releases() override { return releases_; }
  store::DocsStore& docs() override { Unexpected(); }
  void Close() override {}

 private:
  [[noreturn]] static void Unexpected() {
    ADD_FAILURE() << "a release handler used a store other than releases() or sessions()";
    std::abort();
  }
  FakeReleaseStore& releases_;
  FakeSessionStore& sessions_;
};

}  // namespace opsdeck::http::testing
