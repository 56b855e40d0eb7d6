// The authorization gate every request passes before its handler: public and
// webhook routes go straight through; every other route needs a principal
// whose role the route allows (anonymous GETs count as viewer when
// auth.anonymous_read is on), and a cookie-authenticated mutation needs the
// session's CSRF token. Blocking (authentication may query the store): runs
// on the database executor. Thread-safe.
#pragma once

#include <optional>

#include "http/auth.h"
#include "http/router.h"

namespace opsdeck::http {

// nullopt: go ahead (ctx.principal is set). Otherwise the refusal to send:
// 401 (no or bad credentials; a UI page GET is redirected to /login instead),
// 403 (wrong role, or a missing/wrong CSRF token).
std::optional<Response> Authorize(const Route& route, RequestContext& ctx,
                                  const Authenticator& auth, bool anonymous_read);

}  // namespace opsdeck::http
