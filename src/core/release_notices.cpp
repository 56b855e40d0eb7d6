#include "core/release_notices.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "core/name_list.h"
#include "core/run_notices.h"

namespace opsdeck::core {

namespace {

// A list field names at most this many items or people (a Discord field
// holds 1,024 characters; the channel cuts what is left).
constexpr size_t kMaxNames = 20;

constexpr std::array<const char*, 7> kWeekdays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

std::string Url(const ReleaseNoticeContext& ctx, std::string_view path) {
  std::string base = ctx.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (base.empty()) return {};
  return base + std::string(path);
}

bool IsProtected(const ReleaseNoticeContext& ctx, const std::string& env) {
  return !env.empty() &&
         std::find(ctx.protected_environments.begin(), ctx.protected_environments.end(), env) !=
             ctx.protected_environments.end();
}

// People read "alice", not "user:alice"; tokens and the system keep their kind.
std::string Who(std::string_view actor) {
  if (actor.starts_with("user:")) actor.remove_prefix(5);
  return actor.empty() ? std::string("someone") : std::string(actor);
}

// The colour of a release's living message follows the release, not the
// last change.
NoticeState StateOf(ReleaseState s) {
  switch (s) {
    case ReleaseState::kPlanned:
      return NoticeState::kQueued;
    case ReleaseState::kInProgress:
      return NoticeState::kRunning;
    case ReleaseState::kReleased:
      return NoticeState::kSucceeded;
    case ReleaseState::kAborted:
      return NoticeState::kCanceled;
    case ReleaseState::kRolledBack:
      return NoticeState::kWarning;
  }
  return NoticeState::kInfo;
}

std::string RoleTitle(Role role) {
  return role == Role::kDevops           ? "Devops"
         : role == Role::kReleaseManager ? "Release manager"
                                         : std::string(RoleName(role));
}

std::string ProgressText(const RoleProgress& p) {
  std::string s = std::to_string(p.done) + "/" + std::to_string(p.total) + " done";
  if (p.required_total != p.total) {
    s += " (required " + std::to_string(p.required_done) + "/" + std::to_string(p.required_total) +
         ")";
  }
  return s;
}

std::string WithReason(std::string text, std::string_view reason) {
  if (!reason.empty()) text += ": " + std::string(reason);
  return text;
}

std::string DescribeChange(const Release& r, const ReleaseChange& c) {
  const std::string who = Who(c.actor);
  const ChecklistItem* item = r.Find(c.item_id);
  const std::string item_text =
      item == nullptr || item->title.empty() ? c.item_id : c.item_id + " (" + item->title + ")";
  switch (c.event) {
    case ReleaseEvent::kCreated:
      return "Planned by " + who;
    case ReleaseEvent::kItemTicked: {
      std::string text = who + " ticked " + item_text;
      if (item != nullptr && !item->note.empty()) text += "\nNote: " + item->note;
      return text;
    }
    case ReleaseEvent::kItemUnticked:
      return WithReason(who + " unticked " + item_text,
                        item != nullptr && !item->note.empty() ? item->note : c.reason);
    case ReleaseEvent::kStarted:
      return WithReason("Started by " + who, c.reason);
    case ReleaseEvent::kReleased:
      return WithReason("Released by " + who, c.reason);
    case ReleaseEvent::kAborted:
      return WithReason("Aborted by " + who, c.reason);
    case ReleaseEvent::kRolledBack:
      return WithReason("Rolled back by " + who, c.reason);
  }
  return {};
}

}  // namespace

std::string FormatWindowTime(TimePoint t, const TimeZoneRules* zone) {
  using namespace std::chrono;
  const LocalSeconds local =
      zone != nullptr ? zone->ToLocal(t) : LocalSeconds(floor<seconds>(t.time_since_epoch()));
  const auto day = floor<days>(local);
  const year_month_day ymd(day);
  const hh_mm_ss tod(local - day);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s %04d-%02u-%02u %02d:%02d",
                kWeekdays[weekday(day).c_encoding()], static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(tod.hours().count()), static_cast<int>(tod.minutes().count()));
  std::string out = buf;
  if (tod.seconds().count() != 0) {
    std::snprintf(buf, sizeof buf, ":%02d", static_cast<int>(tod.seconds().count()));
    out += buf;
  }
  out += " ";
  out += zone != nullptr && !zone->Name().empty() ? zone->Name() : std::string("UTC");
  return out;
}

std::string_view ReleaseEventKind(ReleaseEvent e) {
  switch (e) {
    case ReleaseEvent::kCreated:
      return "release.created";
    case ReleaseEvent::kItemTicked:
      return "release.item_ticked";
    case ReleaseEvent::kItemUnticked:
      return "release.item_unticked";
    case ReleaseEvent::kStarted:
      return "release.started";
    case ReleaseEvent::kReleased:
      return "release.released";
    case ReleaseEvent::kAborted:
      return "release.aborted";
    case ReleaseEvent::kRolledBack:
      return "release.rolled_back";
  }
  return "release.created";
}

ReleaseEvent ReleaseEventFor(ReleaseState to) {
  switch (to) {
    case ReleaseState::kPlanned:
      return ReleaseEvent::kCreated;
    case ReleaseState::kInProgress:
      return ReleaseEvent::kStarted;
    case ReleaseState::kReleased:
      return ReleaseEvent::kReleased;
    case ReleaseState::kAborted:
      return ReleaseEvent::kAborted;
    case ReleaseState::kRolledBack:
      return ReleaseEvent::kRolledBack;
  }
  return ReleaseEvent::kCreated;
}

Notice ReleaseNotice(const Release& r, const ReleaseChange& c, const ReleaseNoticeContext& ctx) {
  Notice n;
  n.kind = std::string(ReleaseEventKind(c.event));
  n.subject = "release:" + std::to_string(r.id);
  n.severity = NoticeSeverity::kInfo;
  n.state = StateOf(r.state);
  n.environment = r.environments.empty() ? std::string() : r.environments.back();
  n.title = "Release " + r.version + (n.environment.empty() ? "" : " to " + n.environment);
  n.description = DescribeChange(r, c);
  AddField(n, "State", std::string(ReleaseStateName(r.state)));
  AddField(n, "Environments", NameList(r.environments, kMaxNames, " → "));
  for (const RoleProgress& p : Progress(r)) AddField(n, RoleTitle(p.role), ProgressText(p));
  if (!IsTerminal(r.state))
    AddField(n, "Open required", NameList(OpenRequired(r), kMaxNames), false);
  if (!r.window.empty()) {
    AddField(n, "Window",
             r.window + (r.window_start ? ", " + FormatWindowTime(*r.window_start) : ""), false);
  }
  AddField(n, "Template", r.template_name);
  n.footer = "opsdeck · release";
  n.occurred_at = c.at;
  n.opsdeck_url = Url(ctx, "/releases/" + std::to_string(r.id));
  return n;
}

std::string_view WindowEventKind(WindowEvent e) {
  switch (e) {
    case WindowEvent::kRequested:
      return "window.requested";
    case WindowEvent::kAccepted:
      return "window.accepted";
    case WindowEvent::kDeclined:
      return "window.declined";
    case WindowEvent::kReminder:
      return "window.reminder";
  }
  return "window.requested";
}

Notice BookingNotice(const BookingFacts& b, WindowEvent event, TimePoint at,
                     const ReleaseNoticeContext& ctx) {
  Notice n;
  n.kind = std::string(WindowEventKind(event));
  n.subject = "booking:" + std::to_string(b.id);
  n.severity = event == WindowEvent::kDeclined ? NoticeSeverity::kWarning : NoticeSeverity::kInfo;
  n.environment = b.environment;
  const std::string release =
      b.version.empty() ? "release #" + std::to_string(b.release_id) : "release " + b.version;
  n.title = "Window " + b.window + " for " + release;
  switch (event) {
    case WindowEvent::kRequested:
      n.state = NoticeState::kInfo;
      n.description = Who(b.requested_by) + " asks devops to be on hand";
      break;
    case WindowEvent::kAccepted:
      n.state = NoticeState::kSucceeded;
      n.description = WithReason(Who(b.decided_by) + " accepted", b.note);
      break;
    case WindowEvent::kDeclined:
      n.state = NoticeState::kWarning;
      n.description = WithReason(Who(b.decided_by) + " declined", b.note);
      break;
    case WindowEvent::kReminder:
      n.state = NoticeState::kWarning;
      n.description = at < b.starts_at ? b.window + " opens in " +
                                             FormatDuration(b.starts_at - at) + " for " + release
                                       : b.window + " is open now for " + release;
      break;
  }
  const TimeZoneRules* zone = b.zone.get();
  AddField(n, "Starts", FormatWindowTime(b.starts_at, zone));
  AddField(n, "Ends", FormatWindowTime(b.ends_at, zone));
  if (zone != nullptr && zone->Name() != "UTC")
    AddField(n, "Starts (UTC)", FormatWindowTime(b.starts_at));
  AddField(n, "Environment", b.environment);
  AddField(n, "Devops on hand", NameList(b.devops, kMaxNames), false);
  AddField(n, "Requested by", b.requested_by.empty() ? std::string() : Who(b.requested_by));
  if (!b.decided_by.empty()) {
    AddField(n, event == WindowEvent::kDeclined ? "Declined by" : "Accepted by", Who(b.decided_by));
  }
  n.footer = "opsdeck · window";
  n.occurred_at = at;
  n.opsdeck_url = Url(ctx, "/windows");
  return n;
}

Notice FreezeOverrideNotice(const FreezeOverrideFacts& o, TimePoint at,
                            const ReleaseNoticeContext& ctx) {
  Notice n;
  n.kind = "window.freeze_overridden";
  n.subject = "freeze:" + std::to_string(o.id);
  n.severity = NoticeSeverity::kInfo;
  n.state = NoticeState::kWarning;
  n.title = "Freeze " + o.window + " overridden";
  n.description = WithReason(Who(o.by) + " lifted the freeze", o.reason);
  AddField(n, "From", FormatWindowTime(o.starts_at));
  AddField(n, "Until", FormatWindowTime(o.ends_at));
  AddField(n, "Overridden by", Who(o.by));
  n.footer = "opsdeck · window";
  n.occurred_at = at;
  n.opsdeck_url = Url(ctx, "/windows");
  return n;
}

std::string_view RollbackEventKind(RollbackEvent e) {
  switch (e) {
    case RollbackEvent::kStarted:
      return "rollback.started";
    case RollbackEvent::kSucceeded:
      return "rollback.succeeded";
    case RollbackEvent::kFailed:
      return "rollback.failed";
  }
  return "rollback.started";
}

Notice RollbackNotice(const RollbackFacts& r, RollbackEvent event, TimePoint at,
                      const ReleaseNoticeContext& ctx) {
  Notice n;
  n.kind = std::string(RollbackEventKind(event));
  n.subject = "rollback:" + std::to_string(r.id);
  n.environment = r.environment;
  n.title = "Rollback of " + r.environment + " to " + r.version;
  switch (event) {
    case RollbackEvent::kStarted:
      n.severity = NoticeSeverity::kWarning;
      n.state = NoticeState::kRunning;
      n.description = "Started by " + Who(r.started_by);
      break;
    case RollbackEvent::kSucceeded:
      n.severity = NoticeSeverity::kInfo;
      n.state = NoticeState::kSucceeded;
      n.description = r.environment + " runs " + r.version + " again";
      break;
    case RollbackEvent::kFailed:
      n.severity = NoticeSeverity::kCritical;
      n.state = NoticeState::kFailed;
      n.mention = IsProtected(ctx, r.environment);
      n.description = r.error.empty() ? std::string("Failed") : "Failed: " + r.error;
      break;
  }
  AddField(n, "Environment", r.environment);
  AddField(n, "Version", r.version);
  if (!r.release_version.empty()) {
    AddField(n, "Release", r.release_version);
  } else if (r.release_id) {
    AddField(n, "Release", "#" + std::to_string(*r.release_id));
  }
  AddField(n, "Started by", r.started_by.empty() ? std::string() : Who(r.started_by));
  AddField(n, "Action",
           r.action.empty() || r.action_result.empty() ? r.action + r.action_result
                                                       : r.action + ": " + r.action_result);
  if (r.run_id) AddField(n, "Run", "#" + std::to_string(*r.run_id));
  if (r.finished_at && *r.finished_at >= r.started_at) {
    AddField(n, "Duration", FormatDuration(*r.finished_at - r.started_at));
  }
  n.footer = "opsdeck · rollback";
  n.occurred_at = at;
  n.opsdeck_url = Url(ctx, "/rollbacks");
  return n;
}

}  // namespace opsdeck::core
