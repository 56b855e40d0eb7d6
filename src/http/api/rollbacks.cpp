// Rollbacks (PRODUCT.md, Releases; docs/releases.md):
//   POST /api/v1/rollbacks        devops, admin: {environment, deployment | version, release?};
//                                 202 with the rollback as recorded: the environment's
//                                 action runs off this request, then opsdeck follows the
//                                 pipeline run it causes
//   GET  /api/v1/rollbacks        ?environment= &status= &limit= &cursor=, newest first
//   GET  /api/v1/rollbacks/{id}
// The deployments to choose from: GET /api/v1/deployments?environment= (newest
// first; the first is the one live now).
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

core::Result<release::RollbackRequest> ReadRequest(std::string_view text) {
  auto body = ParseJsonObject(text, {"environment", "deployment", "version", "release"});
  if (!body) return body.error();
  release::RollbackRequest r;
  auto environment = RequiredText(*body, "environment", kMaxReleaseNameBytes);
  if (!environment) return environment.error();
  r.environment = std::move(*environment);
  auto deployment = IdField(*body, "deployment");
  if (!deployment) return deployment.error();
  r.deployment_id = *deployment;
  auto version = TextField(*body, "version", kMaxReleaseNameBytes);
  if (!version) return version.error();
  if (*version && !(*version)->empty()) r.version = std::move(**version);
  if (r.deployment_id.has_value() == r.version.has_value()) {
    return core::Error::InvalidArgument(
        "give exactly one of deployment (a deployment id) and version", "/deployment");
  }
  auto release = IdField(*body, "release");
  if (!release) return release.error();
  r.release_id = *release;
  return r;
}

Response StartRollback(RequestContext& ctx, const Services& services) {
  if (services.releases == nullptr) return NoReleaseDesk(ctx.request);
  auto request = ReadRequest(ctx.request.body());
  if (!request) return ErrorResponse(ctx.request, request.error());
  auto started = services.releases->StartRollback(*request, ctx.principal, ctx.request_id);
  if (!started) return ErrorResponse(ctx.request, started.error());
  Response res = JsonResponse(ctx.request, beast_http::status::accepted, RollbackJson(*started));
  res.set(beast_http::field::location, "/api/v1/rollbacks/" + std::to_string(started->id));
  return res;
}

Response ListRollbacks(RequestContext& ctx, const Services& services) {
  if (services.releases == nullptr) return NoReleaseDesk(ctx.request);
  auto list = ParseListParams(ctx.query);
  if (!list) return ErrorResponse(ctx.request, list.error());
  const auto& q = list->query;
  store::RollbackQuery query;
  query.limit = list->limit;
  query.cursor = list->cursor;
  query.environment = Get(q, "environment");
  if (auto status = Get(q, "status")) {
    query.status = store::ParseRollbackStatus(*status);
    if (!query.status) {
      return ErrorResponse(ctx.request, core::Error::InvalidArgument(
          "status must be one of started, running, succeeded, failed", "status"));
    }
  }
  auto page = services.store->releases().ListRollbacks(query);
  if (!page) return ErrorResponse(ctx.request, page.error());
  json::array items;
  items.reserve(page->items.size());
  for (const auto& r : page->items) items.push_back(RollbackJson(r));
  json::object body;
  body["items"] = std::move(items);
  body["next"] = page->next ? json::value(*page->next) : json::value(nullptr);
  return JsonResponse(ctx.request, beast_http::status::ok, body);
}

Response GetRollback(RequestContext& ctx, const Services& services) {
  if (services.releases == nullptr) return NoReleaseDesk(ctx.request);
  auto id = PathId(ctx.params["id"], "rollback");
  if (!id) return ErrorResponse(ctx.request, id.error());
  auto rollback = services.store->releases().GetRollback(*id);
  if (!rollback) return ErrorResponse(ctx.request, rollback.error());
  if (!*rollback) {
    return ErrorResponse(ctx.request, core::Error::NotFound("no rollback " + ctx.params["id"]));
  }
  return JsonResponse(ctx.request, beast_http::status::ok, RollbackJson(**rollback));
}

}  // namespace

void AddRollbackRoutes(Router& router, const Services& services) {
  const auto get = beast_http::verb::get;
  router.Add({beast_http::verb::post, "/api/v1/rollbacks", "",
              Access::Only({core::Role::kDevops, core::Role::kAdmin}), Exec::kDatabase,
              [&services](RequestContext& ctx) { return StartRollback(ctx, services); }});
  router.Add({get, "/api/v1/rollbacks", "", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return ListRollbacks(ctx, services); }});
  router.Add({get, "/api/v1/rollbacks/{id}", "", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return GetRollback(ctx, services); }});
}

}  // namespace opsdeck::http
