// /api/v1/me and /api/v1/routes (any role) and /api/v1/users (admin): list, create, change role,
// disable, set password. Password hashes never leave the store.
#include "http/api/api_routes.h"
#include "http/api/json_body.h"
#include "http/auth.h"
#include "http/responses.h"
#include "net/secrets.h"

namespace opsdeck::http {
namespace {

boost::json::object UserJson(const store::UserRecord& u) {
  boost::json::object o;
  o["name"] = u.name;
  o["role"] = core::RoleName(u.role);
  o["disabled"] = u.disabled;
  o["has_password"] = !u.password_hash.empty();
  o["created_at"] = core::FormatRfc3339(u.created_at);
  o["updated_at"] = core::FormatRfc3339(u.updated_at);
  return o;
}

core::Result<core::Role> RoleField(const std::string& name) {
  auto r = core::ParseRole(name);
  if (!r) {
    return core::Error::InvalidArgument("role must be viewer, release-manager, devops or admin",
                                        "/role");
  }
  return *r;
}

core::Result<std::string> PasswordHash(const std::string& password) {
  if (password.size() < net::kMinPasswordLength) {
    return core::Error::InvalidArgument(
        "password must have at least " + std::to_string(net::kMinPasswordLength) + " characters",
        "/password");
  }
  return net::HashPassword(password);
}

Response CreateUser(RequestContext& ctx, const Services& services) {
  auto body = ParseJsonObject(ctx.request.body(), {"name", "role", "password"});
  if (!body) return ErrorResponse(ctx.request, body.error());
  auto name = OptionalString(*body, "name");
  auto role_name = OptionalString(*body, "role");
  auto password = OptionalString(*body, "password");
  for (const auto* r : {&name, &role_name, &password}) {
    if (!*r) return ErrorResponse(ctx.request, r->error());
  }
  if (!*name || !ValidAccountName(**name)) {
    return ErrorResponse(ctx.request, core::Error::InvalidArgument(
                                          "name is required: 1-64 of A-Z a-z 0-9 . _ @ -", "/name"));
  }
  auto role = RoleField(role_name->value_or(""));
  if (!role) return ErrorResponse(ctx.request, role.error());
  std::string hash;
  if (*password) {
    auto h = PasswordHash(**password);
    if (!h) return ErrorResponse(ctx.request, h.error());
    hash = std::move(*h);
  }
  auto user = services.store->users().Create(**name, *role, hash, ctx.principal.ToActor(),
                                             ctx.request_id);
  if (!user) return ErrorResponse(ctx.request, user.error());
  return JsonResponse(ctx.request, beast_http::status::created, UserJson(*user));
}

Response UpdateUser(RequestContext& ctx, const Services& services) {
  const std::string& name = ctx.params.at("name");
  auto body = ParseJsonObject(ctx.request.body(), {"role", "disabled", "password"});
  if (!body) return ErrorResponse(ctx.request, body.error());
  auto role_name = OptionalString(*body, "role");
  auto disabled = OptionalBool(*body, "disabled");
  auto password = OptionalString(*body, "password");
  if (!role_name) return ErrorResponse(ctx.request, role_name.error());
  if (!disabled) return ErrorResponse(ctx.request, disabled.error());
  if (!password) return ErrorResponse(ctx.request, password.error());
  // Validate everything before changing anything.
  std::optional<core::Role> role;
  if (*role_name) {
    auto r = RoleField(**role_name);
    if (!r) return ErrorResponse(ctx.request, r.error());
    role = *r;
  }
  std::optional<std::string> hash;
  if (*password) {
    auto h = PasswordHash(**password);
    if (!h) return ErrorResponse(ctx.request, h.error());
    hash = std::move(*h);
  }
  auto& users = services.store->users();
  const core::Actor actor = ctx.principal.ToActor();
  if (role) {
    if (auto r = users.SetRole(name, *role, actor, ctx.request_id); !r) {
      return ErrorResponse(ctx.request, r.error());
    }
  }
  if (*disabled) {
    if (auto r = users.SetDisabled(name, **disabled, actor, ctx.request_id); !r) {
      return ErrorResponse(ctx.request, r.error());
    }
  }
  if (hash) {
    if (auto r = users.SetPasswordHash(name, *hash, actor, ctx.request_id); !r) {
      return ErrorResponse(ctx.request, r.error());
    }
  }
  auto found = users.Find(name);
  if (!found) return ErrorResponse(ctx.request, found.error());
  if (!*found) return ErrorResponse(ctx.request, core::Error::NotFound("no user " + name));
  return JsonResponse(ctx.request, beast_http::status::ok, UserJson(**found));
}

}  // namespace

void AddUserRoutes(Router& router, const Services& services) {
  const Access admin = Access::Only({core::Role::kAdmin});
  // The route table itself: who may call what (for people and for the
  // authorization test that walks it).
  router.Add({beast_http::verb::get, "/api/v1/routes", "", Access::AnyRole(), Exec::kInline,
              [&router](RequestContext& ctx) {
                boost::json::array items;
                for (const auto& r : router.routes()) {
                  boost::json::object o;
                  o["method"] = std::string(beast_http::to_string(r.method));
                  o["path"] = r.pattern;
                  o["access"] = r.access.Describe();
                  items.push_back(std::move(o));
                }
                boost::json::object body;
                body["items"] = std::move(items);
                body["next"] = nullptr;
                return JsonResponse(ctx.request, beast_http::status::ok, body);
              }});
  router.Add({beast_http::verb::get, "/api/v1/me", "", Access::AnyRole(), Exec::kInline,
              [](RequestContext& ctx) {
                static constexpr const char* kKinds[] = {"anonymous", "user", "token", "proxy"};
                boost::json::object o;
                o["name"] = ctx.principal.name;
                o["kind"] = kKinds[static_cast<int>(ctx.principal.kind)];
                o["role"] = core::RoleName(ctx.principal.role);
                return JsonResponse(ctx.request, beast_http::status::ok, o);
              }});
  router.Add({beast_http::verb::get, "/api/v1/users", "", admin, Exec::kDatabase,
              [&services](RequestContext& ctx) {
                auto users = services.store->users().List();
                if (!users) return ErrorResponse(ctx.request, users.error());
                boost::json::array items;
                for (const auto& u : *users) items.push_back(UserJson(u));
                boost::json::object body;
                body["items"] = std::move(items);
                body["next"] = nullptr;
                return JsonResponse(ctx.request, beast_http::status::ok, body);
              }});
  router.Add({beast_http::verb::post, "/api/v1/users", "", admin, Exec::kDatabase,
              [&services](RequestContext& ctx) { return CreateUser(ctx, services); }});
  router.Add({beast_http::verb::patch, "/api/v1/users/{name}", "", admin, Exec::kDatabase,
              [&services](RequestContext& ctx) { return UpdateUser(ctx, services); }});
}

}  // namespace opsdeck::http
