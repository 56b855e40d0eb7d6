// `opsdeck audit docs` (cli_audit.cpp): its options and entry point. Kept
// out of commands.h because its flags include the ticket filing's
// (cli_audit_tickets.h) and CLI11 types. Called once from main(); not
// thread-safe.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "app/cli_audit_tickets.h"

namespace opsdeck::app {

struct AuditDocsCommand {
  std::string config_path;
  std::vector<std::string> aws_files;  // --aws, repeatable
  std::string format = "text";         // text | json
  bool no_links = false;
  TicketFlags tickets;  // --file-tickets, --dry-run
};

// Adds --aws, --format, --no-links and the ticket flags to `command`.
void AddAuditDocsOptions(CLI::App& command, AuditDocsCommand* cmd);

// Exit 0: no gap at warning or above; 1: some; 2: bad command line, config
// or export; the ticket filing's codes when --file-tickets could not file.
int RunAuditDocs(const AuditDocsCommand& cmd);

}  // namespace opsdeck::app
