// The release desk: everything a person or a pipeline does to releases,
// windows, the gate and rollbacks goes through here (the API, the UI and the
// periodic work alike). It owns the rules around core's deciders: which role
// may do what, what is audited and announced, how the gate's facts are
// gathered, how a rollback's action runs and how its pipeline run is followed.
// Thread-safety: every method may be called from any thread; they block on
// the store (callers on I/O threads hop to the database executor first).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/gate.h"
#include "core/release.h"
#include "core/result.h"
#include "core/role.h"
#include "core/window_schedule.h"
#include "store/release_store.h"
#include "store/run_store.h"

namespace opsdeck::release {

struct CreateRelease {
  std::string version;
  std::string template_name;
  std::vector<std::string> environments;  // config names; promotion order is restored
  std::string window;                     // optional: a window name
  std::optional<core::TimePoint> window_start;  // the occurrence; needed with `window`
};

// One occurrence with what has been arranged for it.
struct WindowView {
  core::WindowOccurrence occurrence;
  std::vector<store::Booking> bookings;  // for this occurrence
  std::optional<store::FreezeOverride> override_;  // deny windows only
};

struct RollbackRequest {
  std::string environment;
  std::optional<int64_t> deployment_id;  // one of these two
  std::optional<std::string> version;
  std::optional<int64_t> release_id;  // the release being rolled back, optional
};

class Desk {
 public:
  virtual ~Desk() = default;

  // Releases. Role rules: create/state need release-manager or admin;
  // ticks follow the item's role (admin: any). kPermissionDenied otherwise.
  // Creating with a window requests its booking (window.requested).
  virtual core::Result<core::Release> Create(const CreateRelease& request,
                                             const core::Principal& who,
                                             const std::string& request_id) = 0;
  virtual core::Result<core::Release> Tick(int64_t release, const std::string& item,
                                           const std::string& note, const core::Principal& who,
                                           const std::string& request_id) = 0;
  virtual core::Result<core::Release> Untick(int64_t release, const std::string& item,
                                             const std::string& reason,
                                             const core::Principal& who,
                                             const std::string& request_id) = 0;
  virtual core::Result<core::Release> SetState(int64_t release, core::ReleaseState to,
                                               const std::string& reason,
                                               const core::Principal& who,
                                               const std::string& request_id) = 0;

  // Windows: occurrences overlapping [from, to) (at most 1,000), with bookings
  // and overrides.
  virtual core::Result<std::vector<WindowView>> Windows(core::TimePoint from,
                                                        core::TimePoint to) = 0;
  // A release manager (or admin) books occurrence `start` of allow window
  // `window` for `release`. kNotFound: no such window/occurrence/release.
  virtual core::Result<store::Booking> Book(const std::string& window, core::TimePoint start,
                                            int64_t release, const core::Principal& who,
                                            const std::string& request_id) = 0;
  // A devops user (or admin) accepts or declines the booking of occurrence
  // `start` (for `release` when several releases booked it; nullopt: the only
  // open one). Both sides hear of it (window.accepted / window.declined).
  virtual core::Result<store::Booking> Confirm(const std::string& window, core::TimePoint start,
                                               std::optional<int64_t> release, bool accept,
                                               const std::string& note,
                                               const core::Principal& who,
                                               const std::string& request_id) = 0;
  // Admin only, reason required; audited and announced (window.freeze_overridden).
  virtual core::Result<store::FreezeOverride> OverrideFreeze(const std::string& window,
                                                             core::TimePoint start,
                                                             const std::string& reason,
                                                             const core::Principal& who,
                                                             const std::string& request_id) = 0;

  // The gate at the desk's clock's now. kNotFound for an unknown environment.
  virtual core::Result<core::GateDecision> Gate(const std::string& environment,
                                                const std::string& version) = 0;

  // Devops or admin. Records the rollback, runs the environment's action
  // (off the caller's thread), and returns the rollback as recorded (status
  // "started"). kNotFound: environment, deployment or version unknown;
  // kInvalidArgument: no rollback action configured for the environment;
  // kConflict: a rollback is already in flight there.
  virtual core::Result<store::Rollback> StartRollback(const RollbackRequest& request,
                                                      const core::Principal& who,
                                                      const std::string& request_id) = 0;

  // Called by intake after a delivery committed: follows rollbacks' runs
  // and re-evaluates automatic checklist items. Quick; hands work to the
  // desk's own thread.
  virtual void OnIntake(const store::IntakeResult& result) = 0;
};

}  // namespace opsdeck::release
