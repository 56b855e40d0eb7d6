// Release, booking and rollback states as chips; progress per role; encoded
// URL pieces. Shared by the release, window and rollback pages.
#include "http/ui/release_pages_view.h"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace opsdeck::http::ui::internal {

using kainjow::mustache::data;

StatusView ViewOf(core::ReleaseState state) {
  switch (state) {
    case core::ReleaseState::kPlanned:
      return {"planned", "Planned", "calendar"};
    case core::ReleaseState::kInProgress:
      return {"in-progress", "In progress", "running"};
    case core::ReleaseState::kReleased:
      return {"released", "Released", "up"};
    case core::ReleaseState::kRolledBack:
      return {"rolled-back", "Rolled back", "degraded"};
    case core::ReleaseState::kAborted:
      break;
  }
  return {"aborted", "Aborted", "canceled"};
}

StatusView ViewOf(store::BookingState state) {
  switch (state) {
    case store::BookingState::kRequested:
      return {"requested", "Requested", "clock"};
    case store::BookingState::kAccepted:
      return {"accepted", "Accepted", "up"};
    case store::BookingState::kDeclined:
      return {"declined", "Declined", "down"};
    case store::BookingState::kCanceled:
      break;
  }
  return {"canceled", "Canceled", "canceled"};
}

StatusView ViewOf(store::RollbackStatus status) {
  switch (status) {
    case store::RollbackStatus::kStarted:
      return {"started", "Started", "clock"};
    case store::RollbackStatus::kRunning:
      return {"running", "Running", "running"};
    case store::RollbackStatus::kSucceeded:
      return {"succeeded", "Succeeded", "up"};
    case store::RollbackStatus::kFailed:
      break;
  }
  return {"failed", "Failed", "down"};
}

void SetStatus(data& d, const std::string& prefix, const StatusView& view) {
  d.set(prefix + "state", std::string(view.css));
  d.set(prefix + "state_label", std::string(view.label));
  d.set(prefix + "state_icon", std::string(view.icon));
}

std::string_view RoleShort(core::Role role) {
  return role == core::Role::kReleaseManager ? "RM" : core::RoleName(role);
}

data ProgressList(const core::Release& release) {
  const std::vector<core::RoleProgress> progress = core::Progress(release);
  data list{data::type::list};
  for (std::size_t i = 0; i < progress.size(); ++i) {
    const core::RoleProgress& p = progress[i];
    data item{data::type::object};
    item.set("pr_role", std::string(core::RoleName(p.role)));
    item.set("pr_role_short", std::string(RoleShort(p.role)));
    item.set("pr_done", std::to_string(p.done));
    item.set("pr_total", std::to_string(p.total));
    item.set("pr_complete", p.total > 0 && p.done == p.total);
    item.set("pr_last", i + 1 == progress.size());
    list.push_back(item);
  }
  return list;
}

std::string ProgressText(const core::Release& release) {
  std::string text;
  for (const core::RoleProgress& p : core::Progress(release)) {
    if (!text.empty()) text += " · ";
    text += std::string(RoleShort(p.role)) + " " + std::to_string(p.done) + "/" +
            std::to_string(p.total);
  }
  return text;
}

std::string Encode(std::string_view text) {
  return boost::urls::encode(text, boost::urls::unreserved_chars);
}

std::string WithQuery(std::string path,
                      const std::vector<std::pair<std::string_view, std::string>>& params) {
  char sep = '?';
  for (const auto& [key, value] : params) {
    if (value.empty()) continue;
    path.append(1, sep).append(key).append(1, '=').append(Encode(value));
    sep = '&';
  }
  return path;
}

bool MayRunReleases(const std::optional<core::Role>& role) {
  return role == core::Role::kReleaseManager || role == core::Role::kAdmin;
}

bool MayActAsDevops(const std::optional<core::Role>& role) {
  return role == core::Role::kDevops || role == core::Role::kAdmin;
}

}  // namespace opsdeck::http::ui::internal
