// One registration function per API resource (api/<resource>.cpp).
#pragma once

#include "http/router.h"
#include "http/services.h"

namespace opsdeck::http {

void AddEnvironmentRoutes(Router& router, const Services& services);
void AddAuditRoutes(Router& router, const Services& services);
void AddConfigRoutes(Router& router, const Services& services);
void AddUserRoutes(Router& router, const Services& services);   // also /api/v1/me
void AddTokenRoutes(Router& router, const Services& services);
// pipelines, runs, deployments, unmatched (api/runs.cpp)
void AddRunRoutes(Router& router, const Services& services);
void AddNotificationRoutes(Router& router, const Services& services);

}  // namespace opsdeck::http
