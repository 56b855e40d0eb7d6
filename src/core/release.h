// Releases and their checklists: a release (version, environments, template,
// window) carries its own copy of the template's items; each item belongs to
// one role; the deciders here say whether a tick, an untick or a state change
// may happen, without I/O. The store applies a change only after the decider
// accepted it on the freshly read release inside the write transaction, so
// two concurrent ticks cannot both pass a dependency check. Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "core/role.h"

namespace opsdeck::core {

// Checklist phases in their order: "prepare", "go-no-go", "deploy",
// "verify", "rollback", "communicate" (config's names).
inline constexpr std::string_view kReleasePhases[] = {"prepare", "go-no-go", "deploy",
                                                      "verify",  "rollback", "communicate"};

// planned -> in-progress -> released | rolled-back | aborted; planned ->
// aborted; in-progress -> rolled-back also after released (a rollback of a
// released version). Terminal: aborted, rolled-back.
enum class ReleaseState { kPlanned, kInProgress, kReleased, kRolledBack, kAborted };
std::string_view ReleaseStateName(ReleaseState s);  // "planned", "in-progress", "released", "rolled-back", "aborted"
std::optional<ReleaseState> ParseReleaseState(std::string_view name);

enum class ItemState { kOpen, kDone };
std::string_view ItemStateName(ItemState s);  // "open", "done"

struct ChecklistItem {
  std::string id;  // unique in its release
  std::string title;
  std::string description;
  std::string phase;                 // one of kReleasePhases
  Role role = Role::kReleaseManager;  // kReleaseManager or kDevops
  bool required = true;
  std::vector<std::string> depends_on;  // item ids of the same release
  std::string auto_check;               // `auto:` as written ("staging_green"), or empty
  ItemState state = ItemState::kOpen;
  std::string done_by;                  // actor ("user:alice", "system:auto")
  std::optional<TimePoint> done_at;
  std::string note;                     // the last untick's reason, or a tick's note
  bool operator==(const ChecklistItem&) const = default;
};

struct Release {
  int64_t id = 0;  // assigned by the store
  std::string version;
  std::vector<std::string> environments;  // in promotion order
  std::string template_name;
  std::string window;                    // the release window's name, or empty
  std::optional<TimePoint> window_start;  // the booked occurrence's start
  ReleaseState state = ReleaseState::kPlanned;
  std::string created_by;  // actor
  TimePoint created_at{};
  TimePoint updated_at{};
  std::vector<ChecklistItem> items;  // template order
  bool operator==(const Release&) const = default;

  const ChecklistItem* Find(std::string_view item_id) const;
  ChecklistItem* Find(std::string_view item_id);
};

struct RoleProgress {
  Role role = Role::kReleaseManager;
  int done = 0;
  int total = 0;
  int required_done = 0;
  int required_total = 0;
};

// The acting role may tick `item_id` now: kNotFound (no such item),
// kPermissionDenied (another role's item; admin may tick any), kConflict
// (already done; the release is aborted/rolled back; dependencies open, the
// message naming them). `actor_role` kViewer is always refused.
Result<void> CheckTick(const Release& release, std::string_view item_id, Role actor_role);
// Unticking needs a non-empty reason (kInvalidArgument), the same role rule,
// a done item, a release that is not aborted or rolled back, and no done item
// depending on it (kConflict naming them).
Result<void> CheckUntick(const Release& release, std::string_view item_id, Role actor_role,
                         std::string_view reason);
// Marks the item done/open (after Check*): state, done_by, done_at, note.
void ApplyTick(Release& release, std::string_view item_id, std::string_view actor, TimePoint at,
               std::string_view note = {});
void ApplyUntick(Release& release, std::string_view item_id, std::string_view reason);

// A state change by a release-manager or admin (kPermissionDenied otherwise;
// the system actor passes kAdmin): allowed transitions only (kConflict
// "released -> planned is not allowed"); released needs every required item
// done (kConflict naming the open ones).
Result<void> CheckTransition(const Release& release, ReleaseState to, Role actor_role);

// Per role, in the order release-manager, devops (roles with no items omitted).
std::vector<RoleProgress> Progress(const Release& release);
// Ids of the required items still open, in checklist order.
std::vector<std::string> OpenRequired(const Release& release);
// The gate's view: required items still open in the phases that come before
// the deploy (prepare, go-no-go). Deploy, verify and later items can only be
// done once the deploy the gate guards has run.
std::vector<std::string> OpenRequiredBeforeDeploy(const Release& release);
bool IsBeforeDeploy(std::string_view phase);
bool IsTerminal(ReleaseState s);

}  // namespace opsdeck::core
