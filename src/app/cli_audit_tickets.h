// The Jira part of `opsdeck audit docs`: --file-tickets files the audit's
// gaps as Jira issues through tickets::Filer (never twice: stored keys and a
// label search), comments on the issues of fixed gaps, and --dry-run shows
// what that would do without filing, commenting or recording anything.
// cli_audit.cpp adds the flags and calls FileDocsTickets after the audit.
// Not thread-safe (a CLI command runs once).
#pragma once

#include <CLI/CLI.hpp>
#include <boost/json/value.hpp>
#include <string>

#include "app/exit_codes.h"
#include "config/config.h"
#include "tickets/audit_run.h"

namespace opsdeck::app {

struct TicketFlags {
  bool file_tickets = false;
  bool dry_run = false;
};

// Adds --file-tickets and --dry-run (which needs --file-tickets) to `command`.
void AddTicketFlags(CLI::App& command, TicketFlags* flags);

struct TicketOutcome {
  bool ran = false;         // false: --file-tickets was not given
  int exit_code = 0;        // 0, kExitUsage (no jira: section, bad jira config),
                            // kExitStorage, kExitTicketsNotFiled
  std::string text;         // the filing table, for --format text (stdout)
  boost::json::value json;  // the "tickets" member for --format json; null when not run
  std::string error;        // for stderr when nothing could be attempted
};

// Files (or previews) `report`'s gaps into the config's Jira project, with
// the store the config names (migrated first, as every command that opens it).
TicketOutcome FileDocsTickets(const config::Config& config, const tickets::DocsAuditReport& report,
                              const TicketFlags& flags);

}  // namespace opsdeck::app
