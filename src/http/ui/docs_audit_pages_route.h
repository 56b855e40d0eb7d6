// GET /docs-audit (any signed-in role): the documentation audit page
// (ui/docs_audit_page.h), filled from services.docs_audit and the docs
// store. AddUiRoutes calls this.
#pragma once

#include "http/router.h"
#include "http/services.h"

namespace opsdeck::http {

void AddDocsAuditPageRoutes(Router& router, const Services& services);

}  // namespace opsdeck::http
