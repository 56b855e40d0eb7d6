// SVG status badges for READMEs and wikis, under /badge/:
//   /badge/pipeline/{name}.svg      the last run's state
//   /badge/environment/{name}.svg   the live version and the last deploy's state
//   /badge/target/{name}.svg        the target's state; ?uptime=24h adds its uptime
// Read access like the pages (any role; anonymous with auth.anonymous_read).
// An unknown name is a 404 with an "unknown" badge that does not repeat it.
// Thread-safety: the handlers read the store and config snapshot only.
#pragma once

#include "http/router.h"
#include "http/services.h"

namespace opsdeck::http {

void AddBadgeRoutes(Router& router, const Services& services);

}  // namespace opsdeck::http
