#include "core/release.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "core/name_list.h"

namespace opsdeck::core {

namespace {

// Error messages name items; a long list is cut so one message stays one line.
constexpr size_t kMaxNamedItems = 10;

bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
}

// The checks ticking and unticking share: who may touch the item at all, and
// whether the release still takes changes. Returns the item on success.
Result<const ChecklistItem*> CheckItemAccess(const Release& release, std::string_view item_id,
                                             Role actor_role, std::string_view verb) {
  if (actor_role == Role::kViewer) {
    return Error::PermissionDenied("viewers cannot " + std::string(verb) + " checklist items");
  }
  const ChecklistItem* item = release.Find(item_id);
  if (item == nullptr) {
    return Error::NotFound("release " + release.version + " has no checklist item " +
                           std::string(item_id));
  }
  if (actor_role != Role::kAdmin && actor_role != item->role) {
    return Error::PermissionDenied("item " + item->id + " belongs to " +
                                   std::string(RoleName(item->role)));
  }
  if (IsTerminal(release.state)) {
    return Error::Conflict("release " + release.version + " is " +
                           std::string(ReleaseStateName(release.state)));
  }
  return item;
}

bool TransitionAllowed(ReleaseState from, ReleaseState to) {
  switch (from) {
    case ReleaseState::kPlanned:
      return to == ReleaseState::kInProgress || to == ReleaseState::kAborted;
    case ReleaseState::kInProgress:
      return to == ReleaseState::kReleased || to == ReleaseState::kAborted ||
             to == ReleaseState::kRolledBack;
    case ReleaseState::kReleased:
      return to == ReleaseState::kRolledBack;
    case ReleaseState::kRolledBack:
    case ReleaseState::kAborted:
      return false;
  }
  return false;
}

}  // namespace

std::string_view ReleaseStateName(ReleaseState s) {
  switch (s) {
    case ReleaseState::kPlanned:
      return "planned";
    case ReleaseState::kInProgress:
      return "in-progress";
    case ReleaseState::kReleased:
      return "released";
    case ReleaseState::kRolledBack:
      return "rolled-back";
    case ReleaseState::kAborted:
      return "aborted";
  }
  return "planned";
}

std::optional<ReleaseState> ParseReleaseState(std::string_view name) {
  if (name == "planned") return ReleaseState::kPlanned;
  if (name == "in-progress") return ReleaseState::kInProgress;
  if (name == "released") return ReleaseState::kReleased;
  if (name == "rolled-back") return ReleaseState::kRolledBack;
  if (name == "aborted") return ReleaseState::kAborted;
  return std::nullopt;
}

std::string_view ItemStateName(ItemState s) { return s == ItemState::kDone ? "done" : "open"; }

const ChecklistItem* Release::Find(std::string_view item_id) const {
  for (const auto& item : items) {
    if (item.id == item_id) return &item;
  }
  return nullptr;
}

ChecklistItem* Release::Find(std::string_view item_id) {
  return const_cast<ChecklistItem*>(std::as_const(*this).Find(item_id));
}

bool IsTerminal(ReleaseState s) {
  return s == ReleaseState::kAborted || s == ReleaseState::kRolledBack;
}

Result<void> CheckTick(const Release& release, std::string_view item_id, Role actor_role) {
  auto item = CheckItemAccess(release, item_id, actor_role, "tick");
  if (!item) return item.error();
  if ((*item)->state == ItemState::kDone) {
    return Error::Conflict("item " + (*item)->id + " is already done");
  }
  // A dependency the release does not hold counts as open: the template was
  // validated, so this only guards against a damaged row.
  std::vector<std::string> waiting;
  for (const auto& dep : (*item)->depends_on) {
    const ChecklistItem* d = release.Find(dep);
    if (d == nullptr || d->state != ItemState::kDone) waiting.push_back(dep);
  }
  if (!waiting.empty()) return Error::Conflict("waiting for " + NameList(waiting, kMaxNamedItems));
  return Ok();
}

Result<void> CheckUntick(const Release& release, std::string_view item_id, Role actor_role,
                         std::string_view reason) {
  auto item = CheckItemAccess(release, item_id, actor_role, "untick");
  if (!item) return item.error();
  if (IsBlank(reason)) return Error::InvalidArgument("unticking needs a reason");
  if ((*item)->state != ItemState::kDone) {
    return Error::Conflict("item " + (*item)->id + " is not done");
  }
  // Direct dependents suffice: an item is ticked only after its dependencies,
  // and unticked only before them, so a done item's dependencies are done.
  std::vector<std::string> dependents;
  for (const auto& other : release.items) {
    if (other.state != ItemState::kDone) continue;
    if (std::find(other.depends_on.begin(), other.depends_on.end(), (*item)->id) !=
        other.depends_on.end()) {
      dependents.push_back(other.id);
    }
  }
  if (!dependents.empty()) {
    return Error::Conflict("done items depend on " + (*item)->id + ": " +
                           NameList(dependents, kMaxNamedItems));
  }
  return Ok();
}

void ApplyTick(Release& release, std::string_view item_id, std::string_view actor, TimePoint at,
               std::string_view note) {
  ChecklistItem* item = release.Find(item_id);
  if (item == nullptr) return;
  item->state = ItemState::kDone;
  item->done_by = std::string(actor);
  item->done_at = at;
  item->note = std::string(note);
}

void ApplyUntick(Release& release, std::string_view item_id, std::string_view reason) {
  ChecklistItem* item = release.Find(item_id);
  if (item == nullptr) return;
  item->state = ItemState::kOpen;
  item->done_by.clear();
  item->done_at.reset();
  item->note = std::string(reason);
}

Result<void> CheckTransition(const Release& release, ReleaseState to, Role actor_role) {
  if (actor_role != Role::kReleaseManager && actor_role != Role::kAdmin) {
    return Error::PermissionDenied(
        "only a release manager or an admin may change a release's state");
  }
  if (release.state == to) {
    return Error::Conflict("release " + release.version + " is already " +
                           std::string(ReleaseStateName(to)));
  }
  if (!TransitionAllowed(release.state, to)) {
    return Error::Conflict(std::string(ReleaseStateName(release.state)) + " -> " +
                           std::string(ReleaseStateName(to)) + " is not allowed");
  }
  if (to == ReleaseState::kReleased) {
    const auto open = OpenRequired(release);
    if (!open.empty())
      return Error::Conflict("required items open: " + NameList(open, kMaxNamedItems));
  }
  return Ok();
}

std::vector<RoleProgress> Progress(const Release& release) {
  std::vector<RoleProgress> out;
  for (const Role role : {Role::kReleaseManager, Role::kDevops}) {
    RoleProgress p;
    p.role = role;
    for (const auto& item : release.items) {
      if (item.role != role) continue;
      const bool done = item.state == ItemState::kDone;
      ++p.total;
      p.done += done ? 1 : 0;
      if (item.required) {
        ++p.required_total;
        p.required_done += done ? 1 : 0;
      }
    }
    if (p.total > 0) out.push_back(p);
  }
  return out;
}

std::vector<std::string> OpenRequired(const Release& release) {
  std::vector<std::string> out;
  for (const auto& item : release.items) {
    if (item.required && item.state != ItemState::kDone) out.push_back(item.id);
  }
  return out;
}

bool IsBeforeDeploy(std::string_view phase) { return phase == "prepare" || phase == "go-no-go"; }

std::vector<std::string> OpenRequiredBeforeDeploy(const Release& release) {
  std::vector<std::string> out;
  for (const auto& item : release.items) {
    if (item.required && item.state != ItemState::kDone && IsBeforeDeploy(item.phase)) {
      out.push_back(item.id);
    }
  }
  return out;
}

}  // namespace opsdeck::core
