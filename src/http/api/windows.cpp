// Release windows (PRODUCT.md, Releases; docs/releases.md):
//   GET  /api/v1/windows                   ?from= &to= (default now .. now + 14 days): the
//                                          occurrences overlapping the range, allow and deny,
//                                          with their bookings and freeze overrides
//   POST /api/v1/windows/{name}/book       release-manager, admin: {start, release}
//   POST /api/v1/windows/{name}/confirm    devops, admin: {start, release?, accept?, note?}
//   POST /api/v1/windows/{name}/override   admin: {start, reason} lifts one freeze occurrence
// `start` is an occurrence's starts_at as GET lists it. The desk checks roles
// again, audits and announces (window.requested, .accepted, .declined,
// .freeze_overridden).
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
using namespace std::chrono_literals;

constexpr core::Duration kDefaultRange = 14 * 24h;
// A year of weekly windows is ~100 occurrences; the desk stops at 1,000.
constexpr core::Duration kMaxRange = 400 * 24h;

core::Result<core::TimePoint> RequiredStart(const json::object& body) {
  auto start = TimeField(body, "start");
  if (!start) return start.error();
  if (!*start) {
    return core::Error::InvalidArgument("start is required (an occurrence's starts_at)", "/start");
  }
  return **start;
}

Response ListWindows(RequestContext& ctx, const Services& services) {
  if (services.releases == nullptr) return NoReleaseDesk(ctx.request);
  auto q = ParseQuery(ctx.query);
  if (!q) return ErrorResponse(ctx.request, q.error());
  auto from = TimeQuery(*q, "from");
  if (!from) return ErrorResponse(ctx.request, from.error());
  auto to = TimeQuery(*q, "to");
  if (!to) return ErrorResponse(ctx.request, to.error());
  const core::TimePoint now = services.clock->Now();
  const core::TimePoint begin = from->value_or(now);
  const core::TimePoint end = to->value_or(begin + kDefaultRange);
  if (end <= begin) {
    return ErrorResponse(ctx.request, core::Error::InvalidArgument("to must be after from", "to"));
  }
  if (end - begin > kMaxRange) {
    return ErrorResponse(ctx.request,
                         core::Error::InvalidArgument("the range may span at most 400 days", "to"));
  }
  auto views = services.releases->Windows(begin, end);
  if (!views) return ErrorResponse(ctx.request, views.error());
  json::array items;
  items.reserve(views->size());
  for (const auto& v : *views) items.push_back(WindowOccurrenceJson(v, now));
  json::object body;
  body["from"] = core::FormatRfc3339(begin);
  body["to"] = core::FormatRfc3339(end);
  body["items"] = std::move(items);
  body["next"] = nullptr;
  return JsonResponse(ctx.request, beast_http::status::ok, body);
}

Response Book(RequestContext& ctx, const Services& services) {
  if (services.releases == nullptr) return NoReleaseDesk(ctx.request);
  auto name = PathText(ctx.params["name"], "window");
  if (!name) return ErrorResponse(ctx.request, name.error());
  auto body = ParseJsonObject(ctx.request.body(), {"start", "release"});
  if (!body) return ErrorResponse(ctx.request, body.error());
  auto start = RequiredStart(*body);
  if (!start) return ErrorResponse(ctx.request, start.error());
  auto release = IdField(*body, "release");
  if (!release) return ErrorResponse(ctx.request, release.error());
  if (!*release) {
    return ErrorResponse(ctx.request,
                         core::Error::InvalidArgument("release is required (its id)", "/release"));
  }
  auto booking = services.releases->Book(*name, *start, **release, ctx.principal, ctx.request_id);
  if (!booking) return ErrorResponse(ctx.request, booking.error());
  return JsonResponse(ctx.request, beast_http::status::created, BookingJson(*booking));
}

Response Confirm(RequestContext& ctx, const Services& services) {
  if (services.releases == nullptr) return NoReleaseDesk(ctx.request);
  auto name = PathText(ctx.params["name"], "window");
  if (!name) return ErrorResponse(ctx.request, name.error());
  auto body = ParseJsonObject(ctx.request.body(), {"start", "release", "accept", "note"});
  if (!body) return ErrorResponse(ctx.request, body.error());
  auto start = RequiredStart(*body);
  if (!start) return ErrorResponse(ctx.request, start.error());
  auto release = IdField(*body, "release");
  if (!release) return ErrorResponse(ctx.request, release.error());
  auto accept = OptionalBool(*body, "accept");
  if (!accept) return ErrorResponse(ctx.request, accept.error());
  auto note = TextField(*body, "note", kMaxReleaseTextBytes);
  if (!note) return ErrorResponse(ctx.request, note.error());
  auto booking = services.releases->Confirm(*name, *start, *release, accept->value_or(true),
                                            note->value_or(""), ctx.principal, ctx.request_id);
  if (!booking) return ErrorResponse(ctx.request, booking.error());
  return JsonResponse(ctx.request, beast_http::status::ok, BookingJson(*booking));
}

Response Override(RequestContext& ctx, const Services& services) {
  if (services.releases == nullptr) return NoReleaseDesk(ctx.request);
  auto name = PathText(ctx.params["name"], "window");
  if (!name) return ErrorResponse(ctx.request, name.error());
  auto body = ParseJsonObject(ctx.request.body(), {"start", "reason"});
  if (!body) return ErrorResponse(ctx.request, body.error());
  auto start = RequiredStart(*body);
  if (!start) return ErrorResponse(ctx.request, start.error());
  auto reason = RequiredText(*body, "reason", kMaxReleaseTextBytes);
  if (!reason) return ErrorResponse(ctx.request, reason.error());
  auto lifted = services.releases->OverrideFreeze(*name, *start, *reason, ctx.principal,
                                                  ctx.request_id);
  if (!lifted) return ErrorResponse(ctx.request, lifted.error());
  return JsonResponse(ctx.request, beast_http::status::created, OverrideJson(*lifted));
}

}  // namespace

void AddWindowRoutes(Router& router, const Services& services) {
  const auto post = beast_http::verb::post;
  router.Add({beast_http::verb::get, "/api/v1/windows", "", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return ListWindows(ctx, services); }});
  router.Add({post, "/api/v1/windows/{name}/book", "",
              Access::Only({core::Role::kReleaseManager, core::Role::kAdmin}), Exec::kDatabase,
              [&services](RequestContext& ctx) { return Book(ctx, services); }});
  router.Add({post, "/api/v1/windows/{name}/confirm", "",
              Access::Only({core::Role::kDevops, core::Role::kAdmin}), Exec::kDatabase,
              [&services](RequestContext& ctx) { return Confirm(ctx, services); }});
  router.Add({post, "/api/v1/windows/{name}/override", "", Access::Only({core::Role::kAdmin}),
              Exec::kDatabase,
              [&services](RequestContext& ctx) { return Override(ctx, services); }});
}

}  // namespace opsdeck::http
