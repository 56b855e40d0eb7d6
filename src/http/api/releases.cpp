// Releases and their checklists (PRODUCT.md, Releases; docs/releases.md):
//   POST /api/v1/releases                            release-manager, admin: {version, template,
//                                                    environments, window?, window_start?}
//   GET  /api/v1/releases                            ?state= &environment= &version= &limit= &cursor=
//   GET  /api/v1/releases/{id}                       with its checklist and bookings
//   POST /api/v1/releases/{id}/items/{item}/tick     the item's role or admin: {note?}
//   POST /api/v1/releases/{id}/items/{item}/untick   the item's role or admin: {reason}
//   POST /api/v1/releases/{id}/state                 release-manager, admin: {state, reason?}
// Every change goes through release::Desk, which applies the role rules per
// item, audits and announces; the route table only keeps out roles that may
// never do it. Reads come from the store.
#include <boost/json.hpp>

#include "http/api/api_routes.h"
#include "http/api/health_json.h"
#include "http/api/json_body.h"
#include "http/api/query.h"
#include "http/api/release_json.h"
#include "http/api/release_request.h"
#include "http/responses.h"

namespace opsdeck::http {
namespace {

namespace json = boost::json;

// Reads the whole create request before anything is asked of the desk.
core::Result<release::CreateRelease> ReadCreate(std::string_view text) {
  auto body = ParseJsonObject(text, {"version", "template", "environments", "window",
                                     "window_start"});
  if (!body) return body.error();
  release::CreateRelease r;
  auto version = RequiredText(*body, "version", kMaxReleaseNameBytes);
  if (!version) return version.error();
  r.version = std::move(*version);
  auto tmpl = RequiredText(*body, "template", kMaxReleaseNameBytes);
  if (!tmpl) return tmpl.error();
  r.template_name = std::move(*tmpl);
  auto envs = StringListField(*body, "environments");
  if (!envs) return envs.error();
  if (envs->empty()) {
    return core::Error::InvalidArgument("environments must name at least one environment",
                                        "/environments");
  }
  r.environments = std::move(*envs);
  auto window = TextField(*body, "window", kMaxReleaseNameBytes);
  if (!window) return window.error();
  if (*window) r.window = std::move(**window);
  auto start = TimeField(*body, "window_start");
  if (!start) return start.error();
  r.window_start = *start;
  if (!r.window.empty() && !r.window_start) {
    return core::Error::InvalidArgument("window_start is required with a window (the "
                                        "occurrence's start, from GET /api/v1/windows)",
                                        "/window_start");
  }
  if (r.window.empty() && r.window_start) {
    return core::Error::InvalidArgument("window_start needs a window", "/window");
  }
  return r;
}

// The release with its bookings (GET /api/v1/releases/{id} and every change).
Response ReleaseAnswer(RequestContext& ctx, const Services& services, const core::Release& release,
                       beast_http::status status) {
  json::object body = ReleaseJson(release, true);
  store::BookingQuery query;
  query.release_id = release.id;
  auto bookings = services.store->releases().ListBookings(query);
  if (!bookings) return ErrorResponse(ctx.request, bookings.error());
  json::array list;
  for (const auto& b : *bookings) list.push_back(BookingJson(b));
  body["bookings"] = std::move(list);
  return JsonResponse(ctx.request, status, body);
}

Response CreateRelease(RequestContext& ctx, const Services& services) {
  if (services.releases == nullptr) return NoReleaseDesk(ctx.request);
  auto request = ReadCreate(ctx.request.body());
  if (!request) return ErrorResponse(ctx.request, request.error());
  auto created = services.releases->Create(*request, ctx.principal, ctx.request_id);
  if (!created) return ErrorResponse(ctx.request, created.error());
  return ReleaseAnswer(ctx, services, *created, beast_http::status::created);
}

Response ListReleases(RequestContext& ctx, const Services& services) {
  if (services.releases == nullptr) return NoReleaseDesk(ctx.request);
  auto list = ParseListParams(ctx.query);
  if (!list) return ErrorResponse(ctx.request, list.error());
  const auto& q = list->query;
  store::ReleaseQuery query;
  query.limit = list->limit;
  query.cursor = list->cursor;
  query.environment = Get(q, "environment");
  query.version = Get(q, "version");
  if (auto state = Get(q, "state")) {
    query.state = core::ParseReleaseState(*state);
    if (!query.state) {
      return ErrorResponse(ctx.request, core::Error::InvalidArgument(
          "state must be one of planned, in-progress, released, rolled-back, aborted", "state"));
    }
  }
  auto page = services.store->releases().ListReleases(query);
  if (!page) return ErrorResponse(ctx.request, page.error());
  json::array items;
  items.reserve(page->items.size());
  for (const auto& r : page->items) items.push_back(ReleaseJson(r, false));
  json::object body;
  body["items"] = std::move(items);
  body["next"] = page->next ? json::value(*page->next) : json::value(nullptr);
  return JsonResponse(ctx.request, beast_http::status::ok, body);
}

Response GetRelease(RequestContext& ctx, const Services& services) {
  if (services.releases == nullptr) return NoReleaseDesk(ctx.request);
  auto id = PathId(ctx.params["id"], "release");
  if (!id) return ErrorResponse(ctx.request, id.error());
  auto release = services.store->releases().GetRelease(*id);
  if (!release) return ErrorResponse(ctx.request, release.error());
  if (!*release) {
    return ErrorResponse(ctx.request, core::Error::NotFound("no release " + ctx.params["id"]));
  }
  return ReleaseAnswer(ctx, services, **release, beast_http::status::ok);
}

// The release id and item of .../items/{item}/tick|untick.
struct ItemPath {
  int64_t release = 0;
  std::string item;
};

core::Result<ItemPath> ReadItemPath(RequestContext& ctx) {
  auto id = PathId(ctx.params["id"], "release");
  if (!id) return id.error();
  auto item = PathText(ctx.params["item"], "checklist item");
  if (!item) return item.error();
  return ItemPath{*id, std::move(*item)};
}

Response Tick(RequestContext& ctx, const Services& services) {
  if (services.releases == nullptr) return NoReleaseDesk(ctx.request);
  auto path = ReadItemPath(ctx);
  if (!path) return ErrorResponse(ctx.request, path.error());
  auto body = ParseOptionalBody(ctx.request.body(), {"note"});
  if (!body) return ErrorResponse(ctx.request, body.error());
  auto note = TextField(*body, "note", kMaxReleaseTextBytes);
  if (!note) return ErrorResponse(ctx.request, note.error());
  auto changed = services.releases->Tick(path->release, path->item, note->value_or(""),
                                         ctx.principal, ctx.request_id);
  if (!changed) return ErrorResponse(ctx.request, changed.error());
  return ReleaseAnswer(ctx, services, *changed, beast_http::status::ok);
}

Response Untick(RequestContext& ctx, const Services& services) {
  if (services.releases == nullptr) return NoReleaseDesk(ctx.request);
  auto path = ReadItemPath(ctx);
  if (!path) return ErrorResponse(ctx.request, path.error());
  auto body = ParseOptionalBody(ctx.request.body(), {"reason"});
  if (!body) return ErrorResponse(ctx.request, body.error());
  auto reason = RequiredText(*body, "reason", kMaxReleaseTextBytes);
  if (!reason) return ErrorResponse(ctx.request, reason.error());
  auto changed = services.releases->Untick(path->release, path->item, *reason, ctx.principal,
                                           ctx.request_id);
  if (!changed) return ErrorResponse(ctx.request, changed.error());
  return ReleaseAnswer(ctx, services, *changed, beast_http::status::ok);
}

Response SetState(RequestContext& ctx, const Services& services) {
  if (services.releases == nullptr) return NoReleaseDesk(ctx.request);
  auto id = PathId(ctx.params["id"], "release");
  if (!id) return ErrorResponse(ctx.request, id.error());
  auto body = ParseJsonObject(ctx.request.body(), {"state", "reason"});
  if (!body) return ErrorResponse(ctx.request, body.error());
  auto name = RequiredText(*body, "state", kMaxReleaseNameBytes);
  if (!name) return ErrorResponse(ctx.request, name.error());
  const auto state = core::ParseReleaseState(*name);
  if (!state) {
    return ErrorResponse(ctx.request, core::Error::InvalidArgument(
        "state must be one of planned, in-progress, released, rolled-back, aborted", "/state"));
  }
  auto reason = TextField(*body, "reason", kMaxReleaseTextBytes);
  if (!reason) return ErrorResponse(ctx.request, reason.error());
  auto changed = services.releases->SetState(*id, *state, reason->value_or(""), ctx.principal,
                                             ctx.request_id);
  if (!changed) return ErrorResponse(ctx.request, changed.error());
  return ReleaseAnswer(ctx, services, *changed, beast_http::status::ok);
}

}  // namespace

void AddReleaseRoutes(Router& router, const Services& services) {
  const auto get = beast_http::verb::get;
  const auto post = beast_http::verb::post;
  const Access managers = Access::Only({core::Role::kReleaseManager, core::Role::kAdmin});
  // Which items a role may tick is the desk's rule (an item's own role).
  const Access tickers =
      Access::Only({core::Role::kReleaseManager, core::Role::kDevops, core::Role::kAdmin});
  router.Add({post, "/api/v1/releases", "", managers, Exec::kDatabase,
              [&services](RequestContext& ctx) { return CreateRelease(ctx, services); }});
  router.Add({get, "/api/v1/releases", "", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return ListReleases(ctx, services); }});
  router.Add({get, "/api/v1/releases/{id}", "", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return GetRelease(ctx, services); }});
  router.Add({post, "/api/v1/releases/{id}/items/{item}/tick", "", tickers, Exec::kDatabase,
              [&services](RequestContext& ctx) { return Tick(ctx, services); }});
  router.Add({post, "/api/v1/releases/{id}/items/{item}/untick", "", tickers, Exec::kDatabase,
              [&services](RequestContext& ctx) { return Untick(ctx, services); }});
  router.Add({post, "/api/v1/releases/{id}/state", "", managers, Exec::kDatabase,
              [&services](RequestContext& ctx) { return SetState(ctx, services); }});
}

}  // namespace opsdeck::http
