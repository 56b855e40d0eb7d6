// Fixture of the release store's conformance tests: a migrated store, a
// four-item checklist (two roles, a dependency chain, an automatic item),
// builders for releases, bookings and rollbacks, and an announce plan that
// records what it was handed. One thread per test unless a test says so.
#pragma once

#include <string>
#include <tuple>
#include <vector>

#include "conformance_fixture.h"

namespace opsdeck::store::conformance {

inline core::ChecklistItem Item(std::string id, std::string phase, core::Role role,
                                std::vector<std::string> depends_on = {}, bool required = true) {
  core::ChecklistItem item;
  item.id = std::move(id);
  item.title = "Do " + item.id;
  item.description = "How to " + item.id;
  item.phase = std::move(phase);
  item.role = role;
  item.required = required;
  item.depends_on = std::move(depends_on);
  return item;
}

inline std::vector<core::ChecklistItem> Checklist() {
  std::vector<core::ChecklistItem> items = {
      Item("notes", "prepare", core::Role::kReleaseManager),
      Item("approve", "go-no-go", core::Role::kReleaseManager, {"notes"}),
      Item("deploy", "deploy", core::Role::kDevops, {"approve", "notes"}),
      Item("staging", "verify", core::Role::kDevops, {"deploy"}, /*required=*/false)};
  items[3].auto_check = "staging_green";
  return items;
}

inline NewRelease NewRel(std::string version,
                         std::vector<std::string> envs = {"staging", "production"}) {
  NewRelease r;
  r.version = std::move(version);
  r.environments = std::move(envs);
  r.template_name = "standard";
  r.items = Checklist();
  return r;
}

inline OutboxEntry Entry(std::string kind, std::string subject) {
  OutboxEntry e;
  e.channel = "releases";
  e.kind = std::move(kind);
  e.subject = std::move(subject);
  e.severity = "info";
  e.payload_json = R"({"kind":"release"})";
  return e;
}

// The occurrence bookings and overrides use: an hour from kStart + `hours`.
inline core::TimePoint Slot(int hours) { return kStart + std::chrono::hours(hours); }

inline Booking Book(int64_t release, std::string window = "weekday", int hours = 24) {
  Booking b;
  b.release_id = release;
  b.window = std::move(window);
  b.starts_at = Slot(hours);
  b.ends_at = Slot(hours + 2);
  return b;
}

inline Rollback RollbackOf(std::string env, std::optional<int64_t> release = std::nullopt) {
  Rollback r;
  r.environment = std::move(env);
  r.version = "1.0.0";
  r.deployment_id = 7;
  r.release_id = release;
  r.action = "http";
  return r;
}

// Every field of a rollback, comparable and printable by gtest.
inline auto Fields(const Rollback& r) {
  return std::tuple(r.id, r.environment, r.version, r.deployment_id, r.release_id,
                    RollbackStatusName(r.status), r.started_by, core::ToUnixMillis(r.started_at),
                    r.finished_at ? core::ToUnixMillis(*r.finished_at) : -1, r.action,
                    r.action_result, r.run_id, r.error);
}

class ReleasesConformance : public StoreConformance {
 protected:
  void SetUp() override {
    StoreConformance::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    Migrate();
  }

  ReleaseStore& releases() { return store_->releases(); }
  int64_t OutboxCount() { return Count(*store_, "SELECT COUNT(*) FROM outbox"); }
  int64_t AuditCount() { return Count(*store_, "SELECT COUNT(*) FROM audit_events"); }

  core::Release Create(const std::string& version,
                       std::vector<std::string> envs = {"staging", "production"}) {
    auto r =
        releases().CreateRelease(NewRel(version, std::move(envs)), actor_, "req-create", nullptr);
    EXPECT_TRUE(r) << r.error().ToString();
    return r.value_or(core::Release{});
  }

  core::Release Get(int64_t id) {
    auto r = releases().GetRelease(id);
    EXPECT_TRUE(r && *r) << "release " << id << ": " << (r ? "missing" : r.error().ToString());
    return r && *r ? **r : core::Release{};
  }

  // An announce plan that emits one entry of `kind` per call, on subject
  // "<kind>:<n>", and counts its calls.
  template <typename T>
  AnnouncePlan<T> Announce(std::string kind, int* calls = nullptr) {
    return [kind, calls](const T&) {
      if (calls != nullptr) ++*calls;
      return std::vector<OutboxEntry>{Entry(kind, kind + ":subject")};
    };
  }
};

}  // namespace opsdeck::store::conformance
