// Releases, their checklists, window bookings, freeze overrides and
// rollbacks. Every mutation is audited (store/audited_write.h) and commits
// with the outbox entries its `announce` plan returns, so an announcement
// exists exactly when the change does. Read-modify-write changes
// (UpdateRelease, UpdateRollback) re-read the row inside the write
// transaction and hand it to the caller's `change`, which may refuse (the
// core deciders), so concurrent ticks or two opsdeck instances never both
// pass a check on stale data.
// Same failure rule and thread-safety as store.h.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/audit.h"
#include "core/clock.h"
#include "core/release.h"
#include "core/result.h"
#include "store/outbox_store.h"
#include "store/page.h"

namespace opsdeck::store {

// The outbox entries a change calls for, given the value as stored after it.
// Runs inside the transaction (maybe again on a retry): pure and quick. Empty
// function: no entries.
template <typename T>
using AnnouncePlan = std::function<std::vector<OutboxEntry>(const T& stored)>;

struct NewRelease {
  std::string version;
  std::vector<std::string> environments;
  std::string template_name;
  std::string window;                     // empty: none
  std::optional<core::TimePoint> window_start;
  std::vector<core::ChecklistItem> items;  // the template's copy, all open
};

struct ReleaseQuery {
  int limit = 50;  // clamped to [1, 500]
  std::optional<std::string> cursor;
  std::optional<core::ReleaseState> state;
  std::optional<std::string> environment;  // releases that target it
  std::optional<std::string> version;
};
// Releases are listed newest first (created_at, then id), with their items.

enum class BookingState { kRequested, kAccepted, kDeclined, kCanceled };
std::string_view BookingStateName(BookingState s);  // "requested", "accepted", "declined", "canceled"
std::optional<BookingState> ParseBookingState(std::string_view name);

// A release manager asks devops to be on hand for one window occurrence.
struct Booking {
  int64_t id = 0;
  int64_t release_id = 0;
  std::string window;
  core::TimePoint starts_at{};
  core::TimePoint ends_at{};
  BookingState state = BookingState::kRequested;
  std::string requested_by;  // actor
  core::TimePoint requested_at{};
  std::string decided_by;  // actor, empty until accepted/declined
  std::optional<core::TimePoint> decided_at;
  std::string note;  // the decision's note
  bool reminded = false;  // the window.reminder went out
};

struct BookingQuery {
  std::optional<core::TimePoint> from;  // ends_at > from
  std::optional<core::TimePoint> to;    // starts_at < to
  std::optional<int64_t> release_id;
  std::optional<std::string> window;
  std::optional<BookingState> state;
};
// Bookings are listed by starts_at, then id; at most 1,000.

// An admin lifts one freeze occurrence, with a reason.
struct FreezeOverride {
  int64_t id = 0;
  std::string window;  // the deny window
  core::TimePoint starts_at{};
  core::TimePoint ends_at{};
  std::string reason;  // non-empty
  std::string by;      // actor
  core::TimePoint at{};
};

enum class RollbackStatus { kStarted, kRunning, kSucceeded, kFailed };
// "started" (action being run), "running" (action done, following the
// pipeline run), "succeeded", "failed".
std::string_view RollbackStatusName(RollbackStatus s);
std::optional<RollbackStatus> ParseRollbackStatus(std::string_view name);

struct Rollback {
  int64_t id = 0;
  std::string environment;
  std::string version;         // the version rolled back to
  int64_t deployment_id = 0;   // the deployment chosen (0 when given by version only)
  std::optional<int64_t> release_id;  // the release it rolls back, if any
  RollbackStatus status = RollbackStatus::kStarted;
  std::string started_by;  // actor
  core::TimePoint started_at{};
  std::optional<core::TimePoint> finished_at;
  std::string action;         // "http" | "command"
  std::string action_result;  // "HTTP 204", "exit 0", ... (never a secret)
  std::optional<int64_t> run_id;  // the pipeline run it caused, once matched
  std::string error;              // why it failed, empty otherwise
};

struct RollbackQuery {
  int limit = 50;  // clamped to [1, 500]
  std::optional<std::string> cursor;
  std::optional<std::string> environment;
  std::optional<RollbackStatus> status;
};
// Rollbacks are listed newest first (started_at, then id).

class ReleaseStore {
 public:
  virtual ~ReleaseStore() = default;

  // Audited ("release", id, "create"). kInvalidArgument for an empty version,
  // no environments or no items.
  virtual core::Result<core::Release> CreateRelease(const NewRelease& release,
                                                    const core::Actor& actor,
                                                    std::string_view request_id,
                                                    const AnnouncePlan<core::Release>& announce) = 0;
  virtual core::Result<Page<core::Release>> ListReleases(const ReleaseQuery& query) = 0;
  virtual core::Result<std::optional<core::Release>> GetRelease(int64_t id) = 0;

  // Reads release `id` inside a write transaction, lets `change` modify it
  // (items' state/done_by/done_at/note, the release's state, window and
  // window_start; nothing else is written) or refuse (its error is returned
  // and nothing changes), then stores it, bumps updated_at and audits
  // ("release", id, `action`, before/after of what changed). kNotFound.
  virtual core::Result<core::Release> UpdateRelease(
      int64_t id, const std::function<core::Result<void>(core::Release&)>& change,
      std::string_view action, const core::Actor& actor, std::string_view request_id,
      const AnnouncePlan<core::Release>& announce) = 0;

  // Audited ("booking", id, "request"). kConflict when the release already
  // has a requested or accepted booking for that occurrence; kNotFound for
  // an unknown release.
  virtual core::Result<Booking> RequestBooking(const Booking& booking, const core::Actor& actor,
                                               std::string_view request_id,
                                               const AnnouncePlan<Booking>& announce) = 0;
  // Audited ("booking", id, "accept" | "decline" | "cancel"): moves a
  // requested booking (an accepted one may also be canceled). kNotFound;
  // kConflict when the booking is not in a state that allows it.
  virtual core::Result<Booking> DecideBooking(int64_t id, BookingState to, std::string_view note,
                                              const core::Actor& actor, std::string_view request_id,
                                              const AnnouncePlan<Booking>& announce) = 0;
  virtual core::Result<std::vector<Booking>> ListBookings(const BookingQuery& query) = 0;
  // Sets `reminded` on an accepted booking that has not been reminded and
  // appends `announce`'s entries; false when another caller (or instance)
  // already did. Not audited (a system notice, not a change of record).
  virtual core::Result<bool> MarkReminded(int64_t id, const AnnouncePlan<Booking>& announce) = 0;

  // Audited ("freeze", window, "override"). kInvalidArgument for an empty
  // reason; kConflict when that occurrence is already overridden.
  virtual core::Result<FreezeOverride> OverrideFreeze(const FreezeOverride& override_,
                                                      const core::Actor& actor,
                                                      std::string_view request_id,
                                                      const AnnouncePlan<FreezeOverride>& announce) = 0;
  // Overrides of occurrences overlapping [from, to), by starts_at.
  virtual core::Result<std::vector<FreezeOverride>> ListOverrides(core::TimePoint from,
                                                                  core::TimePoint to) = 0;

  // Audited ("rollback", id, "start"). kConflict when the environment has a
  // rollback that is started or running.
  virtual core::Result<Rollback> CreateRollback(const Rollback& rollback, const core::Actor& actor,
                                                std::string_view request_id,
                                                const AnnouncePlan<Rollback>& announce) = 0;
  // Read-modify-write like UpdateRelease ("rollback", id, `action`): status,
  // finished_at, action_result, run_id, error may change. When `release_state`
  // is set and the rollback has a release, that release moves to it in the
  // same transaction (audited too) unless it is already there.
  virtual core::Result<Rollback> UpdateRollback(
      int64_t id, const std::function<core::Result<void>(Rollback&)>& change,
      std::string_view action, const core::Actor& actor, std::string_view request_id,
      const AnnouncePlan<Rollback>& announce,
      std::optional<core::ReleaseState> release_state = std::nullopt) = 0;
  virtual core::Result<Page<Rollback>> ListRollbacks(const RollbackQuery& query) = 0;
  virtual core::Result<std::optional<Rollback>> GetRollback(int64_t id) = 0;
  // Started or running rollbacks, oldest first.
  virtual core::Result<std::vector<Rollback>> OpenRollbacks() = 0;
};

}  // namespace opsdeck::store
