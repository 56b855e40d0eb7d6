// Registration of every route, grouped by area. Each function adds its routes
// to the one table; the app calls them all at start-up.
#pragma once

#include <functional>
#include <string>

#include "http/router.h"
#include "http/ui/pages.h"
#include "http/services.h"

namespace opsdeck::http {

void AddHealthRoutes(Router& router, const Services& services);  // /healthz /readyz /metrics
void AddApiRoutes(Router& router, const Services& services);     // /api/v1/...
void AddUiRoutes(Router& router, const Services& services);      // / and /static/*
void AddLoginRoutes(Router& router, const Services& services);   // /login /logout

// The page shell (header, navigation) for `who`: signed-in name, role and
// CSRF token, or signed out.
ui::ShellModel ShellFor(const Services& services, const core::Principal& who);

// 404 / 405: JSON under /api/ and /hooks/, an HTML page elsewhere.
Response NotFound(RequestContext& ctx, const std::string& allow, const Services& services);
// The same, bound to `services`, as the server's fallback handler.
std::function<Response(RequestContext&, const std::string&)> NotFoundHandlerFor(
    const Services& services);

}  // namespace opsdeck::http
