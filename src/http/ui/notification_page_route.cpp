// GET /notifications: the outbox newest first, filtered by channel (the
// configured channel names) and delivery state, paged with the store's
// cursor like /unmatched. Each entry's title comes from the notice it
// carries; no channel URL is read or shown.
#include "http/ui/notification_page_route.h"

#include <string>
#include <utility>
#include <vector>

#include "http/routes.h"
#include "http/ui/notification_page.h"
#include "http/ui_list_page.h"
#include "notify/notice_json.h"
#include "store/outbox_store.h"

namespace opsdeck::http {
namespace {

using ui_list::HtmlPage;
using ui_list::ListQuery;
using ui_list::ListStatus;
using ui_list::MakePager;
using ui_list::Optional;
using ui_list::Param;
using ui_list::ReadListQuery;
using ui_list::StoreErrorPage;

constexpr store::DeliveryState kStates[] = {
    store::DeliveryState::kPending, store::DeliveryState::kSent, store::DeliveryState::kFailed,
    store::DeliveryState::kSuperseded};

ui::NotificationDelivery DeliveryOf(store::DeliveryState state) {
  switch (state) {
    case store::DeliveryState::kPending:
      return ui::NotificationDelivery::kPending;
    case store::DeliveryState::kSent:
      return ui::NotificationDelivery::kSent;
    case store::DeliveryState::kFailed:
      return ui::NotificationDelivery::kFailed;
    case store::DeliveryState::kSuperseded:
      return ui::NotificationDelivery::kSuperseded;
  }
  return ui::NotificationDelivery::kPending;
}

ui::NotificationRow RowOf(store::OutboxItem& item) {
  ui::NotificationRow row;
  row.id = item.id;
  row.channel = std::move(item.channel);
  row.kind = std::move(item.kind);
  row.subject = std::move(item.subject);
  if (auto notice = notify::NoticeFromJson(item.payload_json)) row.title = std::move(notice->title);
  row.state = DeliveryOf(item.state);
  row.attempts = item.attempts;
  row.last_error = std::move(item.last_error);
  row.created_at = item.created_at;
  row.next_attempt_at = item.next_attempt_at;
  row.sent_at = item.sent_at;
  return row;
}

Response NotificationsPage(RequestContext& ctx, const Services& services) {
  auto cfg = services.config();
  ui::NotificationsModel model;
  model.shell = ShellFor(services, ctx.principal);
  ListQuery q = ReadListQuery(ctx.query);
  const std::string channel = Param(q.params, "channel");
  const std::string state = Param(q.params, "state");
  store::OutboxQuery query;
  query.limit = q.limit;
  query.cursor = Optional(q.cursor);
  query.channel = Optional(channel);
  if (!state.empty()) {
    query.state = store::ParseDeliveryState(state);
    if (!query.state) q.error = "state must be one of pending, sent, failed, superseded";
  }
  std::vector<std::string> channels;
  for (const config::ChannelConfig& c : cfg->notifications.channels) channels.push_back(c.name);
  std::vector<std::string> states;
  for (store::DeliveryState s : kStates) states.emplace_back(store::DeliveryStateName(s));
  model.filters = {{"channel", "Channel", channel, std::move(channels)},
                   {"state", "State", state, std::move(states)}};
  model.filtered = !channel.empty() || !state.empty();
  if (q.error.empty()) {
    auto page = services.store->outbox().List(query);
    if (!page && page.error().code != core::ErrorCode::kInvalidArgument) {
      return StoreErrorPage(ctx, page.error(), std::move(model.shell));
    }
    if (!page) {
      q.error = page.error().message;
    } else {
      for (store::OutboxItem& item : page->items) model.notifications.push_back(RowOf(item));
      model.pager = MakePager("/notifications", "log",
                              {{"channel", channel}, {"state", state}, {"limit", q.limit_param}},
                              q.cursor.empty(), page->next);
    }
  }
  model.error = q.error;
  return HtmlPage(ctx.request, ListStatus(model.error), ui::RenderNotifications(model));
}

}  // namespace

void AddNotificationPageRoute(Router& router, const Services& services) {
  router.Add({beast_http::verb::get, "/notifications", "ui:notifications", Access::AnyRole(),
              Exec::kDatabase,
              [&services](RequestContext& ctx) { return NotificationsPage(ctx, services); }});
}

}  // namespace opsdeck::http
