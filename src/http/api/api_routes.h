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
// Releases (api/releases.cpp), windows, the gate and rollbacks, all through
// services.releases (503 when it is null).
void AddReleaseRoutes(Router& router, const Services& services);
void AddWindowRoutes(Router& router, const Services& services);
void AddGateRoutes(Router& router, const Services& services);
void AddRollbackRoutes(Router& router, const Services& services);
// The documentation audit (api/docs_audit.cpp) through services.docs_audit
// (503 when it is null).
void AddDocsAuditRoutes(Router& router, const Services& services);

}  // namespace opsdeck::http
