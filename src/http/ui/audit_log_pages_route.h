// GET /audit (any role that may read /api/v1/audit): the audit log page
// (ui/audit_log_page.h), filled from the AuditStore on the database executor.
// AddUiRoutes calls this. Thread-safety: the handler reads only the store and
// the config snapshot; safe on any thread.
#pragma once

#include "http/router.h"
#include "http/services.h"

namespace opsdeck::http {

void AddAuditLogPageRoutes(Router& router, const Services& services);

}  // namespace opsdeck::http
