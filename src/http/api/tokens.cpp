// /api/v1/tokens (admin): list, create (the token is in the answer once and
// never again: only its SHA-256 is stored), revoke.
#include "config/formats.h"
#include "http/api/api_routes.h"
#include "http/api/json_body.h"
#include "http/auth.h"
#include "http/responses.h"
#include "net/secrets.h"

namespace opsdeck::http {
namespace {

// Prefix that makes opsdeck tokens recognisable to secret scanners.
constexpr std::string_view kTokenPrefix = "odk_";

boost::json::value TimeOrNull(const std::optional<core::TimePoint>& t) {
  if (!t) return nullptr;
  return boost::json::string(core::FormatRfc3339(*t));
}

boost::json::object TokenJson(const store::TokenRecord& t) {
  boost::json::object o;
  o["name"] = t.name;
  o["role"] = core::RoleName(t.role);
  o["created_by"] = t.created_by;
  o["created_at"] = core::FormatRfc3339(t.created_at);
  o["expires_at"] = TimeOrNull(t.expires_at);
  o["last_used_at"] = TimeOrNull(t.last_used_at);
  o["revoked_at"] = TimeOrNull(t.revoked_at);
  return o;
}

Response CreateToken(RequestContext& ctx, const Services& services) {
  auto body = ParseJsonObject(ctx.request.body(), {"name", "role", "expires_in"});
  if (!body) return ErrorResponse(ctx.request, body.error());
  auto name = OptionalString(*body, "name");
  auto role_name = OptionalString(*body, "role");
  auto expires_in = OptionalString(*body, "expires_in");
  for (const auto* r : {&name, &role_name, &expires_in}) {
    if (!*r) return ErrorResponse(ctx.request, r->error());
  }
  if (!*name || !ValidAccountName(**name)) {
    return ErrorResponse(ctx.request, core::Error::InvalidArgument(
                                          "name is required: 1-64 of A-Z a-z 0-9 . _ @ -", "/name"));
  }
  auto role = core::ParseRole(role_name->value_or(""));
  if (!role) {
    return ErrorResponse(ctx.request, core::Error::InvalidArgument(
                                          "role must be viewer, release-manager, devops or admin",
                                          "/role"));
  }
  std::optional<core::TimePoint> expires_at;
  if (*expires_in) {
    auto d = config::ParseDuration(**expires_in);
    if (!d || d->count() <= 0) {
      return ErrorResponse(ctx.request, core::Error::InvalidArgument(
                                            "expires_in must be a duration such as 30d or 12h",
                                            "/expires_in"));
    }
    expires_at = services.clock->Now() + *d;
  }
  const std::string token = std::string(kTokenPrefix) + net::RandomToken(32);
  auto rec = services.store->tokens().Create(**name, *role, net::Sha256Hex(token), expires_at,
                                             ctx.principal.ToActor(), ctx.request_id);
  if (!rec) return ErrorResponse(ctx.request, rec.error());
  boost::json::object o = TokenJson(*rec);
  o["token"] = token;  // shown once
  Response res = JsonResponse(ctx.request, beast_http::status::created, o);
  res.set(beast_http::field::cache_control, "no-store");
  return res;
}

}  // namespace

void AddTokenRoutes(Router& router, const Services& services) {
  const Access admin = Access::Only({core::Role::kAdmin});
  router.Add({beast_http::verb::get, "/api/v1/tokens", "", admin, Exec::kDatabase,
              [&services](RequestContext& ctx) {
                auto tokens = services.store->tokens().List();
                if (!tokens) return ErrorResponse(ctx.request, tokens.error());
                boost::json::array items;
                for (const auto& t : *tokens) items.push_back(TokenJson(t));
                boost::json::object body;
                body["items"] = std::move(items);
                body["next"] = nullptr;
                return JsonResponse(ctx.request, beast_http::status::ok, body);
              }});
  router.Add({beast_http::verb::post, "/api/v1/tokens", "", admin, Exec::kDatabase,
              [&services](RequestContext& ctx) { return CreateToken(ctx, services); }});
  router.Add({beast_http::verb::delete_, "/api/v1/tokens/{name}", "", admin, Exec::kDatabase,
              [&services](RequestContext& ctx) {
                auto rec = services.store->tokens().Revoke(ctx.params.at("name"),
                                                           ctx.principal.ToActor(), ctx.request_id);
                if (!rec) return ErrorResponse(ctx.request, rec.error());
                return JsonResponse(ctx.request, beast_http::status::ok, TokenJson(*rec));
              }});
}

}  // namespace opsdeck::http
