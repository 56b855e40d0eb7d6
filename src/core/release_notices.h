// What release announcements say (the `release.*`, `window.*` and
// `rollback.*` kinds of docs/notifications.md): one living message per
// release, per booking and per rollback, edited as each moves on. Bookings
// and rollbacks are store types, which core cannot name, so their builders
// take the plain facts below. Pure functions of plain values; any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/notification.h"
#include "core/release.h"
#include "core/time_zone_rules.h"

namespace opsdeck::core {

struct ReleaseNoticeContext {
  std::string public_url;  // server.public_url (a trailing '/' is ignored), or empty
  // Environments whose failed rollback mentions people (`protected: true`).
  std::vector<std::string> protected_environments;
};

enum class ReleaseEvent {
  kCreated,
  kItemTicked,
  kItemUnticked,
  kStarted,
  kReleased,
  kAborted,
  kRolledBack
};
// "release.created", "release.item_ticked", "release.item_unticked",
// "release.started", "release.released", "release.aborted", "release.rolled_back".
std::string_view ReleaseEventKind(ReleaseEvent e);
// The event a state change announces: in-progress -> kStarted, ...; planned
// (never a change's target) -> kCreated.
ReleaseEvent ReleaseEventFor(ReleaseState to);

// What just happened to a release.
struct ReleaseChange {
  ReleaseEvent event = ReleaseEvent::kCreated;
  std::string actor;  // "user:alice", "system:auto"
  TimePoint at{};
  std::string item_id;  // kItemTicked / kItemUnticked
  std::string reason;   // a state change's reason (untick reasons are the item's note)
};

// Subject "release:<id>", so a channel edits one message per release: the
// title names the version and where it goes, the fields its state and each
// role's progress, the description the change. Environment filter: the
// release's last environment. The release must be stored (id set).
Notice ReleaseNotice(const Release& release, const ReleaseChange& change,
                     const ReleaseNoticeContext& ctx);

enum class WindowEvent { kRequested, kAccepted, kDeclined, kReminder };
// "window.requested", "window.accepted", "window.declined", "window.reminder".
std::string_view WindowEventKind(WindowEvent e);

// A booking as its notices need it, with its release's version.
struct BookingFacts {
  int64_t id = 0;
  int64_t release_id = 0;
  std::string version;      // the release's
  std::string environment;  // the release's last environment
  std::string window;
  TimePoint starts_at{};
  TimePoint ends_at{};
  std::shared_ptr<const TimeZoneRules> zone;  // the window's, for local times; may be null
  std::vector<std::string> devops;            // the window's people on hand
  std::string requested_by;                   // actor
  std::string decided_by;                     // actor, empty until decided
  std::string note;                           // the decision's note
};

// Subject "booking:<id>"; `at` is when it happened (a reminder says how long
// until the window opens from it). Declines are warnings.
Notice BookingNotice(const BookingFacts& booking, WindowEvent event, TimePoint at,
                     const ReleaseNoticeContext& ctx);

// An admin lifted one freeze occurrence.
struct FreezeOverrideFacts {
  int64_t id = 0;
  std::string window;
  TimePoint starts_at{};
  TimePoint ends_at{};
  std::string reason;
  std::string by;  // actor
};

// "window.freeze_overridden", subject "freeze:<id>". A freeze holds for every
// environment, so the notice names none (routes without an environment
// filter receive it).
Notice FreezeOverrideNotice(const FreezeOverrideFacts& override_, TimePoint at,
                            const ReleaseNoticeContext& ctx);

enum class RollbackEvent { kStarted, kSucceeded, kFailed };
// "rollback.started", "rollback.succeeded", "rollback.failed".
std::string_view RollbackEventKind(RollbackEvent e);

struct RollbackFacts {
  int64_t id = 0;
  std::string environment;
  std::string version;  // rolled back to
  std::optional<int64_t> release_id;
  std::string release_version;  // the release rolled back, when known
  std::string started_by;       // actor
  TimePoint started_at{};
  std::optional<TimePoint> finished_at;
  std::string action;         // "http" | "command"
  std::string action_result;  // "HTTP 204", "exit 0"
  std::optional<int64_t> run_id;
  std::string error;  // why it failed
};

// Subject "rollback:<id>". Failed: critical, mentioning people in a
// protected environment; started: warning; succeeded: info.
Notice RollbackNotice(const RollbackFacts& rollback, RollbackEvent event, TimePoint at,
                      const ReleaseNoticeContext& ctx);

// "Tue 2026-12-01 13:00 UTC", or in `zone` with its name when given
// ("Tue 2026-12-01 14:00 Europe/Berlin"); seconds only when not zero.
std::string FormatWindowTime(TimePoint t, const TimeZoneRules* zone = nullptr);

}  // namespace opsdeck::core
