// The notification delivery log (the outbox):
//   GET /api/v1/notifications        ?channel= &state= &subject= &limit= &cursor=
//   GET /api/v1/notifications/{id}   one entry with the notice it carries
// Newest first. No channel URL or secret ever appears: entries name their
// channel.
#include <boost/json.hpp>

#include <charconv>

#include "http/api/api_routes.h"
#include "http/api/query.h"
#include "http/responses.h"
#include "notify/notice_json.h"

namespace opsdeck::http {
namespace {

namespace json = boost::json;

json::value TimeOrNull(const std::optional<core::TimePoint>& t) {
  return t ? json::value(core::FormatRfc3339(*t)) : json::value(nullptr);
}

json::value TextOrNull(const std::string& s) {
  return s.empty() ? json::value(nullptr) : json::value(s);
}

json::object ItemJson(const store::OutboxItem& item, bool with_notice) {
  json::object o;
  o["id"] = item.id;
  o["channel"] = item.channel;
  o["kind"] = item.kind;
  o["subject"] = item.subject;
  o["severity"] = item.severity;
  o["environment"] = TextOrNull(item.environment);
  o["pipeline"] = TextOrNull(item.pipeline);
  o["target"] = TextOrNull(item.target);
  o["state"] = store::DeliveryStateName(item.state);
  o["attempts"] = item.attempts;
  o["last_error"] = TextOrNull(item.last_error);
  o["message_id"] = TextOrNull(item.message_id);
  o["created_at"] = core::FormatRfc3339(item.created_at);
  o["updated_at"] = core::FormatRfc3339(item.updated_at);
  o["next_attempt_at"] = TimeOrNull(item.next_attempt_at);
  o["sent_at"] = TimeOrNull(item.sent_at);
  auto notice = notify::NoticeFromJson(item.payload_json);
  o["title"] = notice ? json::value(notice->title) : json::value(nullptr);
  if (with_notice && notice) {
    json::object n;
    n["title"] = notice->title;
    n["state"] = core::NoticeStateName(notice->state);
    n["url"] = TextOrNull(notice->url);
    n["description"] = TextOrNull(notice->description);
    json::array fields;
    for (const auto& f : notice->fields) {
      fields.push_back(json::object{{"name", f.name}, {"value", f.value}});
    }
    n["fields"] = std::move(fields);
    n["occurred_at"] = TimeOrNull(notice->occurred_at);
    n["opsdeck_url"] = TextOrNull(notice->opsdeck_url);
    o["notice"] = std::move(n);
  }
  return o;
}

Response ListNotifications(RequestContext& ctx, const Services& services) {
  auto list = ParseListParams(ctx.query);
  if (!list) return ErrorResponse(ctx.request, list.error());
  const auto* q = &list->query;
  store::OutboxQuery query;
  query.limit = list->limit;
  query.cursor = list->cursor;
  query.channel = Get(*q, "channel");
  query.subject = Get(*q, "subject");
  if (auto s = Get(*q, "state")) {
    query.state = store::ParseDeliveryState(*s);
    if (!query.state) {
      return ErrorResponse(ctx.request, core::Error::InvalidArgument(
                                            "state must be one of pending, sent, failed, superseded",
                                            "state"));
    }
  }
  auto page = services.store->outbox().List(query);
  if (!page) return ErrorResponse(ctx.request, page.error());
  json::array items;
  items.reserve(page->items.size());
  for (const auto& item : page->items) items.push_back(ItemJson(item, false));
  json::object body;
  body["items"] = std::move(items);
  body["next"] = page->next ? json::value(*page->next) : json::value(nullptr);
  return JsonResponse(ctx.request, beast_http::status::ok, body);
}

Response GetNotification(RequestContext& ctx, const Services& services) {
  const std::string& text = ctx.params["id"];
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return ErrorResponse(ctx.request, core::Error::NotFound("no notification " + text));
  }
  auto item = services.store->outbox().Get(id);
  if (!item) return ErrorResponse(ctx.request, item.error());
  if (!*item) return ErrorResponse(ctx.request, core::Error::NotFound("no notification " + text));
  return JsonResponse(ctx.request, beast_http::status::ok, ItemJson(**item, true));
}

}  // namespace

void AddNotificationRoutes(Router& router, const Services& services) {
  const auto get = beast_http::verb::get;
  router.Add({get, "/api/v1/notifications", "", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return ListNotifications(ctx, services); }});
  router.Add({get, "/api/v1/notifications/{id}", "", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return GetNotification(ctx, services); }});
}

}  // namespace opsdeck::http
