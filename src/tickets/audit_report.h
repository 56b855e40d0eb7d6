// The documentation audit report as JSON (the shape docs/docs-audit.md
// documents, for `opsdeck audit docs --format json` and the API) and as
// text for a terminal. Pure functions; thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "tickets/audit_run.h"

namespace opsdeck::tickets {

// {"fingerprint", "kind", "subject_kind", "subject", "environment" (null
// when none), "detail", "severity", "fails", "summary", "description"}
boost::json::object GapJson(const Gap& gap);

// {"result": "pass"|"fail", "fail_on", "failing_gaps", "coverage",
//  "counts", "gaps", "links", "aws", "warnings"}
boost::json::object ReportJson(const DocsAuditReport& report);

// Coverage, what was checked, then the gaps grouped by kind and
// environment, then the verdict. Control characters in names (AWS tags are
// free text) are shown as '?', so a value cannot drive the terminal.
std::string ReportText(const DocsAuditReport& report);

}  // namespace opsdeck::tickets
