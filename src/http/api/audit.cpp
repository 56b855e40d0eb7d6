// GET /api/v1/audit: the audit log, newest first, with cursor pagination and
// ?entity_type= / ?entity_id= filters.
#include <boost/json/parse.hpp>

#include "http/api/api_routes.h"
#include "http/api/query.h"
#include "http/responses.h"

namespace opsdeck::http {
namespace {

boost::json::value JsonOrNull(const std::string& text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec) return nullptr;
  return v;
}

}  // namespace

void AddAuditRoutes(Router& router, const Services& services) {
  router.Add({beast_http::verb::get, "/api/v1/audit", "", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) {
                auto list = ParseListParams(ctx.query);
                if (!list) return ErrorResponse(ctx.request, list.error());
                const auto* q = &list->query;
                store::AuditQuery query;
                query.limit = list->limit;
                query.cursor = list->cursor;
                query.entity_type = Get(*q, "entity_type");
                query.entity_id = Get(*q, "entity_id");
                auto page = services.store->audit().List(query);
                if (!page) return ErrorResponse(ctx.request, page.error());
                boost::json::array items;
                for (const auto& e : page->items) {
                  boost::json::object o;
                  o["id"] = e.id;
                  o["at"] = core::FormatRfc3339(e.at);
                  o["actor"] = e.actor.ToString();
                  o["entity_type"] = e.entity_type;
                  o["entity_id"] = e.entity_id;
                  o["action"] = e.action;
                  o["before"] = JsonOrNull(e.before_json);
                  o["after"] = JsonOrNull(e.after_json);
                  if (!e.request_id.empty()) o["request_id"] = e.request_id;
                  items.push_back(std::move(o));
                }
                boost::json::object body;
                body["items"] = std::move(items);
                if (page->next) {
                  body["next"] = *page->next;
                } else {
                  body["next"] = nullptr;
                }
                return JsonResponse(ctx.request, beast_http::status::ok, body);
              }});
}

}  // namespace opsdeck::http
