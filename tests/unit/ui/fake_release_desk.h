// In-memory fakes for the release pages' loaders: a ReleaseStore that
// answers the reads the pages make (lists filtered as the real one filters,
// the last query kept for assertions) and refuses every write, and a
// release::Desk whose windows and gate decisions the test sets.
// Not thread-safe: one test, one thread.
#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "release/desk.h"
#include "store/release_store.h"

namespace opsdeck::http::testing {

class FakeReleaseStore final : public store::ReleaseStore {
 public:
  std::vector<core::Release> releases;  // newest first, as the store lists them
  std::vector<store::Booking> bookings;
  std::vector<store::Rollback> rollbacks;
  std::optional<std::string> releases_next;   // the next cursor ListReleases returns
  std::optional<std::string> rollbacks_next;  // the next cursor ListRollbacks returns
  std::optional<store::ReleaseQuery> last_release_query;
  std::optional<store::RollbackQuery> last_rollback_query;
  int get_release_calls = 0;

  core::Result<core::Release> CreateRelease(const store::NewRelease&, const core::Actor&,
                                            std::string_view,
                                            const store::AnnouncePlan<core::Release>&) override {
    return Refused();
  }
  core::Result<store::Page<core::Release>> ListReleases(const store::ReleaseQuery& q) override {
    last_release_query = q;
    if (q.cursor == "bad") return core::Error::InvalidArgument("malformed cursor");
    store::Page<core::Release> page;
    for (const core::Release& r : releases) {
      if (q.state && r.state != *q.state) continue;
      if (q.environment && std::find(r.environments.begin(), r.environments.end(),
                                     *q.environment) == r.environments.end()) {
        continue;
      }
      if (static_cast<int>(page.items.size()) < q.limit) page.items.push_back(r);
    }
    page.next = releases_next;
    return page;
  }
  core::Result<std::optional<core::Release>> GetRelease(int64_t id) override {
    ++get_release_calls;
    for (const core::Release& r : releases) {
      if (r.id == id) return std::optional<core::Release>(r);
    }
    return std::optional<core::Release>();
  }
  core::Result<core::Release> UpdateRelease(
      int64_t, const std::function<core::Result<void>(core::Release&)>&, std::string_view,
      const core::Actor&, std::string_view, const store::AnnouncePlan<core::Release>&) override {
    return Refused();
  }
  core::Result<store::Booking> RequestBooking(const store::Booking&, const core::Actor&,
                                              std::string_view,
                                              const store::AnnouncePlan<store::Booking>&) override {
    return Refused();
  }
  core::Result<store::Booking> DecideBooking(int64_t, store::BookingState, std::string_view,
                                             const core::Actor&, std::string_view,
                                             const store::AnnouncePlan<store::Booking>&) override {
    return Refused();
  }
  core::Result<std::vector<store::Booking>> ListBookings(const store::BookingQuery& q) override {
    std::vector<store::Booking> out;
    for (const store::Booking& b : bookings) {
      if (q.release_id && b.release_id != *q.release_id) continue;
      out.push_back(b);
    }
    return out;
  }
  core::Result<bool> MarkReminded(int64_t, const store::AnnouncePlan<store::Booking>&) override {
    return Refused();
  }
  core::Result<store::FreezeOverride> OverrideFreeze(
      const store::FreezeOverride&, const core::Actor&, std::string_view,
      const store::AnnouncePlan<store::FreezeOverride>&) override {
    return Refused();
  }
  core::Result<std::vector<store::FreezeOverride>> ListOverrides(core::TimePoint,
                                                                 core::TimePoint) override {
    return std::vector<store::FreezeOverride>();
  }
  core::Result<store::Rollback> CreateRollback(
      const store::Rollback&, const core::Actor&, std::string_view,
      const store::AnnouncePlan<store::Rollback>&) override {
    return Refused();
  }
  core::Result<store::Rollback> UpdateRollback(
      int64_t, const std::function<core::Result<void>(store::Rollback&)>&, std::string_view,
      const core::Actor&, std::string_view, const store::AnnouncePlan<store::Rollback>&,
      std::optional<core::ReleaseState>) override {
    return Refused();
  }
  core::Result<store::Page<store::Rollback>> ListRollbacks(const store::RollbackQuery& q) override {
    last_rollback_query = q;
    store::Page<store::Rollback> page;
    for (const store::Rollback& r : rollbacks) {
      if (q.environment && r.environment != *q.environment) continue;
      if (q.status && r.status != *q.status) continue;
      page.items.push_back(r);
    }
    page.next = rollbacks_next;
    return page;
  }
  core::Result<std::optional<store::Rollback>> GetRollback(int64_t) override {
    return std::optional<store::Rollback>();
  }
  core::Result<std::vector<store::Rollback>> OpenRollbacks() override {
    return std::vector<store::Rollback>();
  }

 private:
  static core::Error Refused() { return core::Error::Internal("the fake store takes no writes"); }
};

class FakeDesk final : public release::Desk {
 public:
  std::vector<release::WindowView> windows;         // by start
  std::map<std::string, core::GateDecision> gates;  // by environment; others: kNotFound
  std::vector<std::string> gate_calls;              // "production 2.0.0"
  std::optional<std::pair<core::TimePoint, core::TimePoint>> last_windows_range;

  core::Result<core::Release> Create(const release::CreateRelease&, const core::Principal&,
                                     const std::string&) override {
    return Refused();
  }
  core::Result<core::Release> Tick(int64_t, const std::string&, const std::string&,
                                   const core::Principal&, const std::string&) override {
    return Refused();
  }
  core::Result<core::Release> Untick(int64_t, const std::string&, const std::string&,
                                     const core::Principal&, const std::string&) override {
    return Refused();
  }
  core::Result<core::Release> SetState(int64_t, core::ReleaseState, const std::string&,
                                       const core::Principal&, const std::string&) override {
    return Refused();
  }
  core::Result<std::vector<release::WindowView>> Windows(core::TimePoint from,
                                                         core::TimePoint to) override {
    last_windows_range = {from, to};
    std::vector<release::WindowView> out;
    for (const release::WindowView& w : windows) {
      if (w.occurrence.start < to && w.occurrence.end > from) out.push_back(w);
    }
    return out;
  }
  core::Result<store::Booking> Book(const std::string&, core::TimePoint, int64_t,
                                    const core::Principal&, const std::string&) override {
    return Refused();
  }
  core::Result<store::Booking> Confirm(const std::string&, core::TimePoint, std::optional<int64_t>,
                                       bool, const std::string&, const core::Principal&,
                                       const std::string&) override {
    return Refused();
  }
  core::Result<store::FreezeOverride> OverrideFreeze(const std::string&, core::TimePoint,
                                                     const std::string&, const core::Principal&,
                                                     const std::string&) override {
    return Refused();
  }
  core::Result<core::GateDecision> Gate(const std::string& environment,
                                        const std::string& version) override {
    gate_calls.push_back(environment + " " + version);
    const auto it = gates.find(environment);
    if (it == gates.end()) return core::Error::NotFound("no environment " + environment);
    return it->second;
  }
  core::Result<store::Rollback> StartRollback(const release::RollbackRequest&,
                                              const core::Principal&, const std::string&) override {
    return Refused();
  }
  void OnIntake(const store::IntakeResult&) override {}

 private:
  static core::Error Refused() { return core::Error::Internal("the fake desk takes no actions"); }
};

}  // namespace opsdeck::http::testing
