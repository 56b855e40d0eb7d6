// `opsdeck audit docs`: the documentation audit from the command line, for
// people and for CI. Loads the config, reads the given `aws` CLI exports,
// checks docs and runbook links (unless --no-links or docs_audit.check_links
// is false), prints coverage and every gap as text or JSON, and exits 0 when
// no gap is at warning or above, 1 when one is, 2 when the command line, the
// config or an export cannot be used (docs/docs-audit.md). --file-tickets
// and --dry-run are cli_audit_tickets.cpp's.
#include "app/cli_audit.h"

#include <boost/json.hpp>
#include <cstdio>
#include <optional>
#include <string>

#include "app/exit_codes.h"
#include "config/loader.h"
#include "tickets/audit_report.h"
#include "tickets/audit_run.h"
#include "tickets/aws_import.h"
#include "tickets/link_checker.h"

namespace opsdeck::app {

void AddAuditDocsOptions(CLI::App& command, AuditDocsCommand* cmd) {
  command.add_option("--aws", cmd->aws_files,
                     "JSON printed by an aws CLI command (ec2 describe-instances, rds "
                     "describe-db-instances, elbv2 describe-load-balancers, lambda list-functions, "
                     "resourcegroupstaggingapi get-resources, codepipeline list-pipelines); "
                     "repeat for several files or pages")
      ->type_name("FILE");
  command.add_option("--format", cmd->format, "text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  command.add_flag("--no-links", cmd->no_links, "do not check docs and runbook links");
  AddTicketFlags(command, &cmd->tickets);
}

int RunAuditDocs(const AuditDocsCommand& cmd) {
  const config::LoadResult loaded = config::LoadFile(cmd.config_path, config::ProcessEnv());
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.ToString().c_str());
    std::fprintf(stderr, "%s: %zu error(s); no audit\n", cmd.config_path.c_str(),
                 loaded.errors.size());
    return kExitUsage;
  }
  const config::Config& config = *loaded.config;

  std::optional<tickets::AwsInventory> aws;
  if (!cmd.aws_files.empty()) {
    auto imported = tickets::ImportAwsFiles(cmd.aws_files);
    if (!imported) {
      std::fprintf(stderr, "%s\nnothing was imported; no audit\n",
                   imported.error().ToString().c_str());
      return kExitUsage;
    }
    aws = std::move(*imported);
  }

  tickets::HttpLinkChecker link_checker;
  tickets::DocsAuditInputs inputs;
  if (!cmd.no_links && config.docs_audit.check_links) inputs.links = &link_checker;
  if (aws) inputs.aws = &*aws;
  const tickets::DocsAuditReport report = tickets::RunDocsAudit(config, inputs);

  const TicketOutcome filed = FileDocsTickets(config, report, cmd.tickets);
  if (cmd.format == "json") {
    boost::json::object out = tickets::ReportJson(report);
    if (filed.ran) out["tickets"] = filed.json;
    std::printf("%s\n", boost::json::serialize(out).c_str());
  } else {
    std::string text = tickets::ReportText(report);
    if (filed.ran && !filed.text.empty()) text += "\n" + filed.text;
    std::fputs(text.c_str(), stdout);
  }
  std::fflush(stdout);
  if (!filed.error.empty()) std::fprintf(stderr, "%s\n", filed.error.c_str());
  // Not filing what was asked outranks a failing gap: CI must notice both,
  // and the filing problem is the one a re-run will not fix by itself.
  if (filed.exit_code != kExitOk) return filed.exit_code;
  return report.Passed() ? kExitOk : kExitFailure;
}

}  // namespace opsdeck::app
