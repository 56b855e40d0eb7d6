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
// Monitoring: targets, results and series (api/targets.cpp), incidents,
// maintenance windows, and the server-sent event stream.
void AddTargetRoutes(Router& router, const Services& services);
void AddIncidentRoutes(Router& router, const Services& services);
void AddMaintenanceRoutes(Router& router, const Services& services);
void AddStreamRoutes(Router& router, const Services& services);  // GET /api/v1/stream
// The stream's answer for one request (tests pass a short heartbeat).
StreamStart OpenEventStream(RequestContext& ctx, net::EventBus* bus, core::Duration heartbeat);

}  // namespace opsdeck::http
