#include "http/api/api_routes.h"
#include "http/routes.h"

namespace opsdeck::http {

void AddApiRoutes(Router& router, const Services& services) {
  AddEnvironmentRoutes(router, services);
  AddAuditRoutes(router, services);
  AddConfigRoutes(router, services);
  AddUserRoutes(router, services);
  AddTokenRoutes(router, services);
  AddRunRoutes(router, services);
  AddNotificationRoutes(router, services);
  AddTargetRoutes(router, services);
  AddIncidentRoutes(router, services);
  AddMaintenanceRoutes(router, services);
  AddStreamRoutes(router, services);
  AddReleaseRoutes(router, services);
  AddWindowRoutes(router, services);
  AddGateRoutes(router, services);
  AddRollbackRoutes(router, services);
  AddDocsAuditRoutes(router, services);
}

}  // namespace opsdeck::http
