// How `opsdeck audit docs --file-tickets` shows a FilingReport: a text
// table for people and a JSON object for scripts (docs/docs-audit.md, "Jira",
// documents both). Thread-safety: free functions over values.
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "tickets/filer.h"

namespace opsdeck::tickets {

// One line per gap or comment ("filed  OPS-12  Document the runbook of ..."),
// then the counts, then why the run stopped, if it did.
std::string FilingReportText(const FilingReport& report);

// The "tickets" member of `--format json`:
// {"dry_run":false,"counts":{"filed":1,...},"items":[{"action":"filed",
//  "fingerprint":...,"summary":...,"ticket":"OPS-12"|null,"error":...|null}],
//  "stopped":{"code":"unauthenticated","message":...}|null,"not_attempted":0}
boost::json::object FilingReportJson(const FilingReport& report);

}  // namespace opsdeck::tickets
