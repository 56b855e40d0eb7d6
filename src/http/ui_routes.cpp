// The web UI: pages rendered server-side (http/ui/), static assets embedded in
// the binary with ETags, and the 404/405 fallback.
#include <boost/beast/core/string.hpp>

#include "http/responses.h"
#include "http/routes.h"
#include "http/ui/assets.h"
#include "http/ui/pages.h"

namespace opsdeck::http {
namespace {

// Pages carry ui::kPageHeaders: a CSP without inline script or style, nosniff,
// frame and referrer policies.
Response HtmlPage(const Request& req, beast_http::status status, std::string html) {
  Response res = MakeResponse(req, status, std::move(html), ui::kHtmlContentType);
  for (const auto& [name, value] : ui::kPageHeaders) res.set(name, value);
  return res;
}


bool ApiPath(std::string_view path) {
  return path.starts_with("/api/") || path.starts_with("/hooks/") || path == "/api";
}

}  // namespace

void AddUiRoutes(Router& router, const Services& services) {
  router.Add({beast_http::verb::get, "/", "ui:overview", Access::AnyRole(), Exec::kInline,
              [&services](RequestContext& ctx) {
                auto cfg = services.config();
                ui::OverviewModel model;
                model.shell = ShellFor(services, ctx.principal);
                model.now_rfc3339 = core::FormatRfc3339(services.clock->Now());
                model.environments = ui::EnvironmentCards(cfg->environments);
                return HtmlPage(ctx.request, beast_http::status::ok, ui::RenderOverview(model));
              }});

  router.Add({beast_http::verb::get, "/static/*", "ui:static", Access::Public(), Exec::kInline,
              [](RequestContext& ctx) {
                const ui::StaticReply r =
                    ui::ServeStatic(ctx.path, ctx.request[beast_http::field::if_none_match]);
                if (r.status == 404 || r.asset == nullptr) {
                  return ErrorResponse(ctx.request, beast_http::status::not_found, "not_found",
                                       "no such asset");
                }
                Response res;
                if (r.status == 304) {
                  res = Response{beast_http::status::not_modified, ctx.request.version()};
                  res.keep_alive(ctx.request.keep_alive());
                } else {
                  res = MakeResponse(ctx.request, beast_http::status::ok,
                                     std::string(r.asset->body), r.asset->content_type);
                }
                res.set(beast_http::field::etag, r.asset->etag);
                res.set(beast_http::field::cache_control, r.cache_control);
                return res;
              }});
}

std::function<Response(RequestContext&, const std::string&)> NotFoundHandlerFor(
    const Services& services) {
  return [&services](RequestContext& ctx, const std::string& allow) {
    return NotFound(ctx, allow, services);
  };
}

ui::ShellModel ShellFor(const Services& services, const core::Principal& who) {
  ui::ShellModel shell;
  shell.product_version = services.build.version;
  shell.storage_backend = std::string(services.store->Backend());
  shell.signed_in = who.authenticated();
  if (shell.signed_in) {
    shell.user_name = who.name;
    shell.user_role = std::string(core::RoleName(who.role));
    shell.csrf_token = who.csrf_token;
  }
  return shell;
}

Response NotFound(RequestContext& ctx, const std::string& allow, const Services& services) {
  if (!allow.empty()) {
    Response res = ErrorResponse(ctx.request, beast_http::status::method_not_allowed,
                                 "method_not_allowed",
                                 "method not allowed; allowed: " + allow);
    res.set(beast_http::field::allow, allow);
    return res;
  }
  if (ApiPath(ctx.path)) {
    return ErrorResponse(ctx.request, beast_http::status::not_found, "not_found",
                         "no such endpoint");
  }
  return HtmlPage(ctx.request, beast_http::status::not_found, ui::RenderNotFound(ctx.path, ShellFor(services, ctx.principal)));
}

}  // namespace opsdeck::http
