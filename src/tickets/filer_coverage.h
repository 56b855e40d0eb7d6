// Which stored gaps one audit run could have found again, so that only those
// count as fixed when it does not (tickets/filer.h, GapCoverage): a run
// without link checks says nothing about broken links, one without an AWS
// export of a kind nothing about that kind's resources. Pure; thread-safe.
#pragma once

#include "tickets/audit_run.h"
#include "tickets/filer.h"

namespace opsdeck::tickets {

// Missing fields: always checked. Broken links: when links were checked.
// Undocumented AWS resources: when the export of their kind was given (the
// tagging export for kinds no dedicated export lists: it names only tagged
// resources, so it cannot vouch for the others). Missing AWS resources: when
// the dedicated export of the identifier's kind was given. Anything else is
// never judged fixed.
GapCoverage CoverageOf(const DocsAuditReport& report);

}  // namespace opsdeck::tickets
