// The notification delivery log: model -> mustache data -> HTML. Keys are
// prefixed per list (n_, f_, o_) like run_pages.cpp, so that a missing key
// never resolves to an outer one of the same name.
#include "http/ui/notification_page.h"

#include <algorithm>
#include <charconv>
#include <cstddef>

#include "http/ui/list_frame.h"
#include "http/ui/shell.h"

namespace opsdeck::http::ui {
namespace {

using internal::HumanUtc;
using internal::Page;
using internal::RenderPage;
using internal::SetText;
using internal::SetTime;
using internal::Shorten;
using kainjow::mustache::data;

constexpr std::size_t kMaxLabel = 80;    // a channel, kind or subject in a cell
constexpr std::size_t kMaxTitle = 200;   // a notice's headline
constexpr std::size_t kMaxError = 400;   // a delivery error (the service's answer)

// How a delivery state is shown: the run-status chip's CSS modifier of the
// same meaning, a word and an icon, never colour alone.
struct DeliveryView {
  std::string_view css;
  std::string_view label;
  std::string_view icon;
};

DeliveryView ViewOf(NotificationDelivery state) {
  switch (state) {
    case NotificationDelivery::kPending:
      return {"queued", "Pending", "clock"};
    case NotificationDelivery::kSent:
      return {"succeeded", "Sent", "up"};
    case NotificationDelivery::kFailed:
      return {"failed", "Failed", "down"};
    case NotificationDelivery::kSuperseded:
      return {"superseded", "Superseded", "superseded"};
  }
  return {"queued", "Pending", "clock"};
}

data Row(const NotificationRow& row) {
  data item{data::type::object};
  item.set("n_id", std::to_string(row.id));
  item.set("n_channel", Shorten(row.channel, kMaxLabel));
  item.set("n_kind", Shorten(row.kind, kMaxLabel));
  item.set("n_subject", Shorten(row.subject, kMaxLabel));
  SetText(item, "n_subject_href", internal::SubjectHref(row.subject));
  SetText(item, "n_title", Shorten(row.title, kMaxTitle));
  const DeliveryView view = ViewOf(row.state);
  item.set("n_state", std::string(internal::NotificationDeliveryName(row.state)));
  item.set("n_state_css", std::string(view.css));
  item.set("n_state_label", std::string(view.label));
  item.set("n_state_icon", std::string(view.icon));
  const bool pending = row.state == NotificationDelivery::kPending;
  const bool failed = row.state == NotificationDelivery::kFailed;
  item.set("n_pending", pending);
  item.set("n_failed", failed);
  item.set("n_sent", row.state == NotificationDelivery::kSent);
  SetText(item, "n_error", pending || failed ? Shorten(row.last_error, kMaxError) : std::string());
  item.set("n_attempts", std::to_string(row.attempts));
  SetTime(item, "n_created", row.created_at);
  SetTime(item, "n_next", pending ? row.next_attempt_at : std::nullopt);
  SetTime(item, "n_sent_at", row.state == NotificationDelivery::kSent ? row.sent_at : std::nullopt);
  return item;
}

}  // namespace

std::string RenderNotifications(const NotificationsModel& model) {
  data page{data::type::object};
  data rows{data::type::list};
  for (const NotificationRow& row : model.notifications) rows.push_back(Row(row));
  page.set("has_notifications", !model.notifications.empty());
  page.set("notifications", rows);
  internal::SetListFrame(page, model.filters, model.filtered, model.error, model.pager);
  return RenderPage(Page::kNotifications, "Notifications", model.shell, "notifications",
                    std::move(page));
}

namespace internal {

std::string_view NotificationDeliveryName(NotificationDelivery state) {
  switch (state) {
    case NotificationDelivery::kPending:
      return "pending";
    case NotificationDelivery::kSent:
      return "sent";
    case NotificationDelivery::kFailed:
      return "failed";
    case NotificationDelivery::kSuperseded:
      return "superseded";
  }
  return "pending";
}

std::string SubjectHref(std::string_view subject) {
  constexpr std::string_view kRun = "run:";
  if (!subject.starts_with(kRun)) return {};
  const std::string_view id = subject.substr(kRun.size());
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), value);
  if (ec != std::errc() || end != id.data() + id.size() || value <= 0) return {};
  return "/runs/" + std::to_string(value);
}

}  // namespace internal
}  // namespace opsdeck::http::ui
