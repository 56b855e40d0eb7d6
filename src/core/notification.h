// Notifications in opsdeck's own terms: what happened (kind, subject,
// severity, the facts), before any channel renders it. Core's planners build
// Notices from state changes; the outbox stores them; each channel kind
// (notify/) renders one into its wire format. Plain values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"

namespace opsdeck::core {

enum class NoticeSeverity { kInfo, kWarning, kCritical };
std::string_view NoticeSeverityName(NoticeSeverity s);  // "info", "warning", "critical"
std::optional<NoticeSeverity> ParseNoticeSeverity(std::string_view name);

// What the notice's colour and icon say. For runs it is the run status name;
// other kinds use the rest.
enum class NoticeState {
  kQueued,
  kRunning,
  kSucceeded,
  kFailed,
  kCanceled,
  kSuperseded,
  kInfo,      // deployments, announcements
  kWarning,   // degraded, a window about to open
  kCritical,  // down, an incident opened
  kResolved,  // an incident closed
};
std::string_view NoticeStateName(NoticeState s);  // "queued", ..., "resolved"
std::optional<NoticeState> ParseNoticeState(std::string_view name);

struct NoticeField {
  std::string name;   // "Environment"
  std::string value;  // "production"
  bool is_inline = true;
  bool operator==(const NoticeField&) const = default;
};

struct Notice {
  // One of the documented kinds (docs/notifications.md): "pipeline.failed",
  // "deployment.recorded", "incident.opened", ... Routes match on it.
  std::string kind;
  // What the message is about: "run:42". A channel that edits in place keeps
  // one message per subject and edits it for every later notice about it.
  std::string subject;
  NoticeSeverity severity = NoticeSeverity::kInfo;
  NoticeState state = NoticeState::kInfo;
  // Route filters; empty when not applicable.
  std::string environment;
  std::string pipeline;
  std::string target;
  // The headline ("dashboard-production #184 failed") and its link (http(s)
  // or empty): the run at its CI for pipeline notices.
  std::string title;
  std::string url;
  std::string description;  // e.g. the commit message's first line
  std::vector<NoticeField> fields;  // in display order
  std::string footer;
  std::optional<TimePoint> occurred_at;
  // A failure in a protected environment: channels that have a mention list
  // (discord `mention_on_production_failure`) put it in the message.
  bool mention = false;
  // The same thing in opsdeck's UI (server.public_url + path), or empty.
  std::string opsdeck_url;

  bool operator==(const Notice&) const = default;
};

// Appends a field, unless `value` is empty (a fact the notice does not have).
void AddField(Notice& notice, std::string name, std::string value, bool is_inline = true);

}  // namespace opsdeck::core
