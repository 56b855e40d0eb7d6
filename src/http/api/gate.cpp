// The release gate, a pipeline's first step (docs/releases.md):
//   GET /api/v1/gate?environment=production&version=1.4.2
// 200 {"allowed": true, "reasons": []} or 409 {"allowed": false, "reasons":
// [{code, message}...]} listing every reason at once, so `curl --fail-with-body`
// fails the step and prints them all. Any role may ask, viewer included: a
// pipeline holds a viewer token for exactly this (auth.tokens:
// production-pipeline-gate in the reference config), which can read but
// change nothing.
#include <boost/json.hpp>

#include "http/api/api_routes.h"
#include "http/api/query.h"
#include "http/api/release_json.h"
#include "http/api/release_request.h"
#include "http/responses.h"

namespace opsdeck::http {
namespace {

Response AskGate(RequestContext& ctx, const Services& services) {
  if (services.releases == nullptr) return NoReleaseDesk(ctx.request);
  auto q = ParseQuery(ctx.query);
  if (!q) return ErrorResponse(ctx.request, q.error());
  const auto environment = Get(*q, "environment");
  if (!environment || environment->empty()) {
    return ErrorResponse(ctx.request,
                         core::Error::InvalidArgument("environment is required", "environment"));
  }
  const auto version = Get(*q, "version");
  if (!version || version->empty() || version->size() > kMaxReleaseNameBytes) {
    return ErrorResponse(ctx.request, core::Error::InvalidArgument(
        "version is required (at most 200 bytes)", "version"));
  }
  auto decision = services.releases->Gate(*environment, *version);
  if (!decision) return ErrorResponse(ctx.request, decision.error());
  boost::json::object body = GateJson(*decision);
  body["environment"] = *environment;
  body["version"] = *version;
  Response res = JsonResponse(
      ctx.request, decision->allowed ? beast_http::status::ok : beast_http::status::conflict, body);
  // The answer holds only for now: a proxy must never replay an old "allowed".
  res.set(beast_http::field::cache_control, "no-store");
  return res;
}

}  // namespace

void AddGateRoutes(Router& router, const Services& services) {
  router.Add({beast_http::verb::get, "/api/v1/gate", "", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return AskGate(ctx, services); }});
}

}  // namespace opsdeck::http
