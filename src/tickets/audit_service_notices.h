// The docs.* announcements of the server's audit runs and filings, from the
// tickets' own types to core/docs_notices.h's plain facts. Pure functions;
// thread-safe.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "config/config.h"
#include "core/docs_notices.h"
#include "store/docs_store.h"
#include "tickets/audit_run.h"
#include "tickets/filer.h"

namespace opsdeck::tickets {

// Public URL, coverage text ("4 of 7 items fully documented (57%)"), trigger.
core::DocsNoticeContext NoticeContext(const config::Config& config,
                                      const DocsAuditReport& report, const std::string& trigger);

// docs.gaps_opened (opened and reopened gaps, as the report has them) and
// docs.gaps_fixed (fixed gaps, as the store had them open: `was_open` by
// fingerprint), each when it has gaps.
std::vector<core::Notice> RunNotices(
    const DocsAuditReport& report, const store::GapChanges& changes,
    const std::unordered_map<std::string, const store::GapRecord*>& was_open,
    const core::DocsNoticeContext& ctx, core::TimePoint at);

// docs.tickets_filed for the issues a filing created or found; none on a
// dry run or when nothing was filed.
std::vector<core::Notice> FilingNotices(const FilingReport& report, const DocsAuditReport& audit,
                                        const std::string& actor,
                                        const core::DocsNoticeContext& ctx, core::TimePoint at);

}  // namespace opsdeck::tickets
