#include "http/authorize.h"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "http/api/query.h"
#include "http/responses.h"
#include "net/log.h"
#include "net/secrets.h"

namespace opsdeck::http {
namespace {

bool SafeMethod(beast_http::verb v) {
  return v == beast_http::verb::get || v == beast_http::verb::head ||
         v == beast_http::verb::options;
}

bool IsApiPath(std::string_view path) {
  return path.starts_with("/api/") || path.starts_with("/hooks/") || path == "/metrics";
}

Response Unauthenticated(const RequestContext& ctx, std::string_view message) {
  if (!IsApiPath(ctx.path) && SafeMethod(ctx.request.method())) {
    // A page: send the browser to the login page, and back here afterwards.
    std::string target = ctx.path;
    if (!ctx.query.empty()) target += "?" + ctx.query;
    Response res{beast_http::status::see_other, ctx.request.version()};
    res.set(beast_http::field::location,
            "/login?next=" + boost::urls::encode(target, boost::urls::unreserved_chars));
    res.set(beast_http::field::cache_control, "no-store");
    res.keep_alive(ctx.request.keep_alive());
    return res;
  }
  Response res = ErrorResponse(ctx.request, beast_http::status::unauthorized, "unauthenticated",
                               message);
  res.set(beast_http::field::www_authenticate, "Bearer realm=\"opsdeck\"");
  return res;
}

// The CSRF token of a cookie-authenticated mutation: the X-CSRF-Token header,
// or the csrf_token field of a urlencoded form.
std::string PresentedCsrf(const RequestContext& ctx) {
  const auto header = ctx.request[kCsrfHeader];
  if (!header.empty()) return std::string(header);
  const auto type = ctx.request[beast_http::field::content_type];
  if (type.starts_with("application/x-www-form-urlencoded")) {
    auto form = ParseQuery(ctx.request.body());
    if (form) {
      if (auto v = Get(*form, std::string(kCsrfField))) return *v;
    }
  }
  return {};
}

}  // namespace

std::optional<Response> Authorize(const Route& route, RequestContext& ctx,
                                  const Authenticator& auth, bool anonymous_read) {
  if (route.access.kind != Access::Kind::kRoles) return std::nullopt;
  auto principal = auth.Authenticate(ctx);
  if (!principal) {
    if (principal.error().code != core::ErrorCode::kUnauthenticated) {
      return ErrorResponse(ctx.request, principal.error());  // e.g. storage unavailable
    }
    net::LogInfo("authentication refused", {{"id", ctx.request_id},
                                            {"remote", ctx.remote_address},
                                            {"reason", principal.error().message}});
    return Unauthenticated(ctx, principal.error().message);
  }
  ctx.principal = std::move(*principal);
  if (!ctx.principal.authenticated()) {
    if (anonymous_read && SafeMethod(ctx.request.method()) && route.access.AllowsViewer()) {
      ctx.principal.role = core::Role::kViewer;  // still kAnonymous: never a mutation
      return std::nullopt;
    }
    return Unauthenticated(ctx, "authentication required");
  }
  if (!route.access.Allows(ctx.principal.role)) {
    return ErrorResponse(ctx.request, beast_http::status::forbidden, "permission_denied",
                         "role " + std::string(core::RoleName(ctx.principal.role)) +
                             " may not do this; allowed: " + route.access.Describe());
  }
  if (ctx.principal.via_cookie && !SafeMethod(ctx.request.method())) {
    const std::string presented = PresentedCsrf(ctx);
    if (presented.empty() || !net::ConstantTimeEquals(presented, ctx.principal.csrf_token)) {
      net::LogWarn("CSRF token missing or wrong", {{"id", ctx.request_id},
                                                  {"user", ctx.principal.name},
                                                  {"path", ctx.path}});
      return ErrorResponse(ctx.request, beast_http::status::forbidden, "csrf_failed",
                           "missing or wrong CSRF token");
    }
  }
  return std::nullopt;
}

}  // namespace opsdeck::http
