#include "app/cli_audit_tickets.h"

#include "app/exit_codes.h"
#include "app/store_factory.h"
#include "net/secrets.h"
#include "net/system_clock.h"
#include "tickets/filer.h"
#include "tickets/filer_coverage.h"
#include "tickets/filer_report.h"
#include "tickets/jira_client.h"

namespace opsdeck::app {

void AddTicketFlags(CLI::App& command, TicketFlags* flags) {
  auto* file = command.add_flag("--file-tickets", flags->file_tickets,
                                "file one Jira issue per gap (jira: in the config), never twice; "
                                "comment on the issues of fixed gaps");
  command
      .add_flag("--dry-run", flags->dry_run,
                "with --file-tickets: show what would be filed and commented; file, comment "
                "and record nothing")
      ->needs(file);
}

TicketOutcome FileDocsTickets(const config::Config& config, const tickets::DocsAuditReport& report,
                              const TicketFlags& flags) {
  TicketOutcome out;
  if (!flags.file_tickets) return out;
  out.ran = true;
  if (!config.jira) {
    out.exit_code = kExitUsage;
    out.error = "--file-tickets: the config has no jira: section to file into";
    return out;
  }
  auto client = tickets::JiraClient::Create(*config.jira);
  if (!client) {
    out.exit_code = kExitUsage;
    out.error = "--file-tickets: " + client.error().ToString();
    return out;
  }
  net::SystemClock clock;
  auto store = OpenAndMigrate(config.storage, clock);
  if (!store) {
    out.exit_code = kExitStorage;
    out.error = "storage: " + store.error().ToString();
    return out;
  }
  tickets::FilerOptions options;
  options.labels = config.jira->labels;
  options.actor = core::Actor::System("audit-docs");
  options.request_id = "cli-" + net::RandomToken(8);
  options.dry_run = flags.dry_run;
  tickets::Filer filer((*store)->docs(), **client, options);
  auto filed = filer.File(report.gaps, tickets::CoverageOf(report));
  (*store)->Close();
  if (!filed) {
    out.exit_code = kExitStorage;
    out.error = "storage: " + filed.error().ToString();
    return out;
  }
  out.text = tickets::FilingReportText(*filed);
  out.json = tickets::FilingReportJson(*filed);
  out.exit_code = filed->ok() ? kExitOk : kExitTicketsNotFiled;
  return out;
}

}  // namespace opsdeck::app
