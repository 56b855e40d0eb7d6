// Incidents (PRODUCT.md, Health): one per target outage, linked to its
// dependency's incident when one caused it.
//   GET  /api/v1/incidents                    ?state=open|resolved &environment= &target= &from= &to= &limit= &cursor=
//   GET  /api/v1/incidents/{id}               with notes and dependent incidents
//   POST /api/v1/incidents/{id}/acknowledge   devops, admin; announces incident.acknowledged
//   POST /api/v1/incidents/{id}/notes         devops, admin; {"text": "..."}
// Changes are audited by the store, in the same transaction as the change;
// each is also published on the event stream (`incident.updated` with
// "change": "acknowledged", `incident.note`).
#include <boost/json.hpp>

#include "http/api/api_routes.h"
#include "http/api/health_json.h"
#include "http/api/json_body.h"
#include "http/api/query.h"
#include "http/responses.h"

namespace opsdeck::http {
namespace {

namespace json = boost::json;

// Store limit on a note (HealthStore::AddNote).
constexpr size_t kMaxNoteBytes = 10000;

void Publish(const Services& services, const store::Incident& incident, std::string_view change) {
  if (services.events == nullptr) return;
  json::object o = IncidentJson(incident, false);
  o["change"] = change;
  services.events->Publish("incident.updated", json::serialize(o));
}

Response ListIncidents(RequestContext& ctx, const Services& services) {
  auto list = ParseListParams(ctx.query);
  if (!list) return ErrorResponse(ctx.request, list.error());
  const auto& q = list->query;
  store::IncidentQuery query;
  query.limit = list->limit;
  query.cursor = list->cursor;
  query.environment = Get(q, "environment");
  query.target = Get(q, "target");
  if (auto state = Get(q, "state")) {
    if (*state != "open" && *state != "resolved") {
      return ErrorResponse(ctx.request,
                           core::Error::InvalidArgument("state must be open or resolved", "state"));
    }
    query.open = *state == "open";
  }
  auto from = TimeQuery(q, "from");
  if (!from) return ErrorResponse(ctx.request, from.error());
  auto to = TimeQuery(q, "to");
  if (!to) return ErrorResponse(ctx.request, to.error());
  query.from = *from;
  query.to = *to;
  auto page = services.store->health().ListIncidents(query);
  if (!page) return ErrorResponse(ctx.request, page.error());
  json::array items;
  items.reserve(page->items.size());
  for (const auto& incident : page->items) items.push_back(IncidentJson(incident, false));
  json::object body;
  body["items"] = std::move(items);
  body["next"] = page->next ? json::value(*page->next) : json::value(nullptr);
  return JsonResponse(ctx.request, beast_http::status::ok, body);
}

Response GetIncident(RequestContext& ctx, const Services& services) {
  auto id = PathId(ctx.params["id"], "incident");
  if (!id) return ErrorResponse(ctx.request, id.error());
  auto incident = services.store->health().GetIncident(*id);
  if (!incident) return ErrorResponse(ctx.request, incident.error());
  if (!*incident) {
    return ErrorResponse(ctx.request, core::Error::NotFound("no incident " + ctx.params["id"]));
  }
  return JsonResponse(ctx.request, beast_http::status::ok, IncidentJson(**incident, true));
}

Response Acknowledge(RequestContext& ctx, const Services& services) {
  auto id = PathId(ctx.params["id"], "incident");
  if (!id) return ErrorResponse(ctx.request, id.error());
  const core::Actor actor = ctx.principal.ToActor();
  store::IncidentAnnouncer announce;
  if (services.announce_ack) {
    announce = [&services, &actor](const store::Incident& incident) {
      return services.announce_ack(incident, actor);
    };
  }
  auto incident = services.store->health().Acknowledge(*id, actor, ctx.request_id, announce);
  if (!incident) return ErrorResponse(ctx.request, incident.error());
  if (announce && services.notify_wake) services.notify_wake();
  Publish(services, *incident, "acknowledged");
  return JsonResponse(ctx.request, beast_http::status::ok, IncidentJson(*incident, false));
}

Response AddNote(RequestContext& ctx, const Services& services) {
  auto id = PathId(ctx.params["id"], "incident");
  if (!id) return ErrorResponse(ctx.request, id.error());
  auto body = ParseJsonObject(ctx.request.body(), {"text"});
  if (!body) return ErrorResponse(ctx.request, body.error());
  auto text = OptionalString(*body, "text");
  if (!text) return ErrorResponse(ctx.request, text.error());
  if (!*text || (*text)->find_first_not_of(" \t\r\n") == std::string::npos) {
    return ErrorResponse(ctx.request, core::Error::InvalidArgument("text is required", "/text"));
  }
  if ((*text)->size() > kMaxNoteBytes) {
    return ErrorResponse(ctx.request,
                         core::Error::InvalidArgument("text must be at most 10000 bytes", "/text"));
  }
  auto note = services.store->health().AddNote(*id, **text, ctx.principal.ToActor(), ctx.request_id);
  if (!note) return ErrorResponse(ctx.request, note.error());
  if (services.events != nullptr) {
    json::object o = NoteJson(*note);
    o["incident_id"] = *id;
    services.events->Publish("incident.note", json::serialize(o));
  }
  return JsonResponse(ctx.request, beast_http::status::created, NoteJson(*note));
}

}  // namespace

void AddIncidentRoutes(Router& router, const Services& services) {
  const auto get = beast_http::verb::get;
  const auto post = beast_http::verb::post;
  const Access devops = Access::Only({core::Role::kDevops, core::Role::kAdmin});
  router.Add({get, "/api/v1/incidents", "", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return ListIncidents(ctx, services); }});
  router.Add({get, "/api/v1/incidents/{id}", "", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return GetIncident(ctx, services); }});
  router.Add({post, "/api/v1/incidents/{id}/acknowledge", "", devops, Exec::kDatabase,
              [&services](RequestContext& ctx) { return Acknowledge(ctx, services); }});
  router.Add({post, "/api/v1/incidents/{id}/notes", "", devops, Exec::kDatabase,
              [&services](RequestContext& ctx) { return AddNote(ctx, services); }});
}

}  // namespace opsdeck::http
