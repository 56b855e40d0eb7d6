// GET /notifications: the notification delivery log. Every entry of the
// outbox, newest first, filtered by channel and delivery state, with paging.
// An entry names its channel only: a channel's URL is its credential and is
// never part of the model. The HTTP layer fills the model from the store
// (ui/notification_page_route.cpp).
// Thread-safety: a pure function over immutable templates, safe on any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "http/ui/pages.h"
#include "http/ui/run_pages.h"

namespace opsdeck::http::ui {

// Where an entry stands (store::DeliveryState, without the store).
enum class NotificationDelivery { kPending, kSent, kFailed, kSuperseded };

struct NotificationRow {
  int64_t id = 0;
  std::string channel;  // the config channel name
  std::string kind;     // "pipeline.failed"
  std::string subject;  // "run:42" is linked to /runs/42
  std::string title;    // the notice's headline; empty when it is unreadable
  NotificationDelivery state = NotificationDelivery::kPending;
  int attempts = 0;
  std::string last_error;  // shown for failed and pending entries; may be empty
  core::TimePoint created_at{};
  std::optional<core::TimePoint> next_attempt_at;  // pending: not before this
  std::optional<core::TimePoint> sent_at;
};

struct NotificationsModel {
  ShellModel shell;
  std::vector<FilterSelect> filters;  // channel, state
  bool filtered = false;
  std::string error;  // a bad filter or cursor, shown in a role="alert" box
  std::vector<NotificationRow> notifications;  // newest first
  Pager pager;
};
std::string RenderNotifications(const NotificationsModel& model);

namespace internal {

// "pending", "sent", "failed", "superseded": the ?state= values.
std::string_view NotificationDeliveryName(NotificationDelivery state);
// The run a subject is about: "run:42" -> "/runs/42"; otherwise empty.
std::string SubjectHref(std::string_view subject);

}  // namespace internal
}  // namespace opsdeck::http::ui
