// One run of the documentation audit: rules, link checks and AWS drift over
// a config snapshot, into a report (coverage, every gap, what was checked).
// The same entry point serves `opsdeck audit docs` and, later, the server's
// scheduled runs. RunDocsAudit blocks while links are checked; it keeps no
// state, so concurrent runs are independent.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "tickets/aws_import.h"
#include "tickets/docs_audit.h"
#include "tickets/gap.h"
#include "tickets/link_checker.h"

namespace opsdeck::tickets {

struct DocsAuditInputs {
  // Null: links are not checked (--no-links, or docs_audit.check_links:
  // false; the caller decides).
  LinkChecker* links = nullptr;
  // Null: no AWS export was given, no drift check.
  const AwsInventory* aws = nullptr;
};

struct LinkSummary {
  bool checked = false;
  int urls = 0;    // distinct URLs checked
  int broken = 0;  // of them, answering badly
};

struct DocsAuditReport {
  CoverageReport coverage;
  std::vector<Gap> gaps;  // SortGaps order; fingerprints unique
  LinkSummary links;
  // The AWS side, when exports were given.
  bool aws_checked = false;
  std::vector<std::string> aws_files;
  std::vector<AwsExportKind> aws_kinds;
  int aws_resources = 0;
  std::vector<std::string> warnings;

  // Gaps at kFailingSeverity or above.
  int FailingGaps() const;
  bool Passed() const { return FailingGaps() == 0; }
};

DocsAuditReport RunDocsAudit(const config::Config& config, const DocsAuditInputs& inputs);

}  // namespace opsdeck::tickets
