// The documentation audit as the server runs it: the newest report (for the
// API, the docs-audit page and the overview's coverage), runs on demand, AWS
// exports uploaded through the API, and filing Jira tickets. The app runs it
// at start, on config reload and on docs_audit.schedule.
// Thread-safety: every method may be called from any thread; RunNow and
// FileTickets block (link checks, Jira), so callers on I/O threads hop to
// the database executor first. Latest() never blocks.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/audit.h"
#include "core/clock.h"
#include "core/result.h"
#include "store/docs_store.h"
#include "tickets/audit_run.h"
#include "tickets/filer.h"

namespace opsdeck::tickets {

// One finished audit run.
struct AuditSnapshot {
  int64_t sequence = 0;           // 1 for the first run of this process, then +1
  core::TimePoint finished_at{};  // when the run ended
  std::string trigger;            // "start" | "reload" | "schedule" | "api" | "upload"
  DocsAuditReport report;
};

class AuditDesk {
 public:
  virtual ~AuditDesk() = default;
  // The newest finished run; null until the first one finishes.
  virtual std::shared_ptr<const AuditSnapshot> Latest() const = 0;

  // Asks for a run and returns at once with the sequence that run will
  // have. Runs never overlap: a request while one runs is queued, and
  // requests while one is queued share it (the returned sequences match).
  virtual int64_t RequestRun(std::string trigger) = 0;
  // Waits until the run `sequence` (or a later one) finished, at most
  // `timeout`; returns Latest() either way.
  virtual std::shared_ptr<const AuditSnapshot> WaitFor(int64_t sequence,
                                                       core::Duration timeout) = 0;
  // Whether a run is in progress now.
  virtual bool Running() const = 0;

  // Checks that `body` is an aws CLI export (tickets/aws_import.h), stores
  // it under `name` (replacing one of that name) and requests a run
  // ("upload"). kInvalidArgument naming the problem (bad JSON, an unknown
  // shape, a resource without its id) stores nothing.
  virtual core::Result<store::AwsExportRecord> UploadAwsExport(std::string_view name,
                                                               std::string_view body,
                                                               const core::Actor& actor,
                                                               std::string_view request_id) = 0;
  virtual core::Result<std::vector<store::AwsExportRecord>> AwsExports() = 0;
  // Deletes it and requests a run; kNotFound for an unknown name.
  virtual core::Result<void> DeleteAwsExport(std::string_view name, const core::Actor& actor,
                                             std::string_view request_id) = 0;

  // Files the latest run's gaps as Jira issues (tickets/filer.h), or with
  // `dry_run` says what it would file. kConflict
  // when `jira:` is not configured or no run has finished yet;
  // kInvalidArgument when the jira section cannot be used; kConflict while
  // another filing runs. Jira's own errors are in the report (`stopped`,
  // failed lines), never a credential.
  virtual core::Result<FilingReport> FileTickets(bool dry_run, const core::Actor& actor,
                                                 std::string_view request_id) = 0;
};

}  // namespace opsdeck::tickets
