// AuditService's API side: uploaded AWS exports, filing Jira issues and
// their announcements. The worker and runs are in audit_service.cpp.
#include <algorithm>
#include <cctype>

#include "net/log.h"
#include "tickets/audit_service.h"
#include "tickets/audit_service_notices.h"
#include "tickets/filer_coverage.h"

namespace opsdeck::tickets {
namespace {

// What an upload holds, for the listing: the commands in the order found
// and the distinct resources.
struct ExportSummary {
  std::string commands;
  int64_t resources = 0;
};

ExportSummary Summarise(std::string_view name, std::vector<AwsExportPage> pages) {
  ExportSummary out;
  std::vector<AwsExportKind> kinds;
  for (const AwsExportPage& p : pages) {
    if (std::find(kinds.begin(), kinds.end(), p.kind) != kinds.end()) continue;
    kinds.push_back(p.kind);
    if (!out.commands.empty()) out.commands += ", ";
    out.commands += AwsExportCommand(p.kind);
  }
  const AwsInventory merged = MergeAwsExports({{std::string(name), std::move(pages)}});
  out.resources = static_cast<int64_t>(merged.resources.size());
  return out;
}

}  // namespace

core::Result<store::AwsExportRecord> AuditService::UploadAwsExport(std::string_view name,
                                                                   std::string_view body,
                                                                   const core::Actor& actor,
                                                                   std::string_view request_id) {
  if (name.empty()) return core::Error::InvalidArgument("an AWS export needs a name", "name");
  if (name.size() > store::kMaxAwsExportNameBytes) {
    return core::Error::InvalidArgument("an AWS export name must be at most " +
                                            std::to_string(store::kMaxAwsExportNameBytes) +
                                            " bytes",
                                        "name");
  }
  // A file name: it is a path segment of DELETE and is shown in gap sources.
  const bool plain = std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
  });
  if (!plain || name.front() == '.') {
    return core::Error::InvalidArgument(
        "an AWS export name may hold letters, digits, '.', '-' and '_' (e.g. ec2.json)", "name");
  }
  auto pages = ParseAwsExport(body, std::string(name));
  if (!pages) {
    // The CLI prints "FILE: message" from `where`; an API answer shows the
    // message alone, so it names the upload itself.
    core::Error e = pages.error();
    const std::string prefix = std::string(name) + ":";
    if (!e.message.starts_with(prefix)) e.message = prefix + " " + e.message;
    return e;
  }
  if (pages->empty()) {
    return core::Error::InvalidArgument(std::string(name) + ": no JSON document in the export",
                                        "body");
  }
  const ExportSummary summary = Summarise(name, std::move(*pages));
  auto stored = deps_.store->docs().PutAwsExport(name, body, summary.commands, summary.resources,
                                                 actor, request_id);
  if (!stored) return stored.error();
  RequestRun("upload");
  return stored;
}

core::Result<std::vector<store::AwsExportRecord>> AuditService::AwsExports() {
  return deps_.store->docs().ListAwsExports();
}

core::Result<void> AuditService::DeleteAwsExport(std::string_view name, const core::Actor& actor,
                                                 std::string_view request_id) {
  auto deleted = deps_.store->docs().DeleteAwsExport(name, actor, request_id);
  if (!deleted) return deleted.error();
  RequestRun("upload");
  return core::Ok();
}

core::Result<std::unique_ptr<JiraApi>> AuditService::MakeJira(const config::JiraConfig& jira) {
  if (deps_.jira) return deps_.jira(jira);
  auto client = JiraClient::Create(jira);
  if (!client) return client.error();
  return std::unique_ptr<JiraApi>(std::move(*client));
}

core::Result<FilingReport> AuditService::FileTickets(bool dry_run, const core::Actor& actor,
                                                     std::string_view request_id) {
  const auto config = deps_.config();
  if (!config->jira) {
    return core::Error::Conflict(
        "Jira is not configured: add a jira: section to the config to file tickets");
  }
  const std::shared_ptr<const AuditSnapshot> latest = Latest();
  if (!latest) {
    return core::Error::Conflict("no documentation audit has finished yet; try again shortly");
  }
  auto jira = MakeJira(*config->jira);
  if (!jira) return jira.error();
  std::unique_lock lock(jira_mu_, std::try_to_lock);
  if (!lock.owns_lock()) {
    // A run recording or commenting holds it briefly; another filing holds
    // it for as long as Jira takes, so wait a little, then say so.
    lock = std::unique_lock(jira_mu_, std::defer_lock);
    for (int i = 0; i < 50 && !lock.try_lock(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (!lock.owns_lock()) {
      return core::Error::Conflict("tickets are being filed already; try again when that ends");
    }
  }
  FilerOptions options;
  options.labels = config->jira->labels;
  options.actor = actor;
  options.request_id = std::string(request_id);
  options.dry_run = dry_run;
  Filer filer(deps_.store->docs(), **jira, options);
  auto report = filer.File(latest->report.gaps, CoverageOf(latest->report));
  if (!report) return report.error();
  lock.unlock();
  if (!dry_run) {
    net::LogInfo("docs audit: tickets filed",
                 {{"filed", report->Count(FilingAction::kFiled)},
                  {"found", report->Count(FilingAction::kFound)},
                  {"commented", report->Count(FilingAction::kCommented)},
                  {"failed", report->Count(FilingAction::kFailed)},
                  {"actor", actor.ToString()}});
    Announce(FilingNotices(*report, latest->report, actor.ToString(),
                           NoticeContext(*config, latest->report, latest->trigger),
                           deps_.clock->Now()));
    PublishFinished(*latest, "tickets");
  }
  return report;
}

void AuditService::Announce(const std::vector<core::Notice>& notices) {
  if (!deps_.route || notices.empty()) return;
  std::vector<store::OutboxEntry> entries;
  for (const core::Notice& n : notices) {
    for (auto& e : deps_.route(n)) entries.push_back(std::move(e));
  }
  if (entries.empty()) return;
  auto queued = deps_.store->outbox().Enqueue(entries, deps_.clock->Now());
  if (!queued) {
    net::LogWarn("docs audit: announcement not queued", {{"error", queued.error().ToString()}});
    return;
  }
  if (deps_.notify_wake) deps_.notify_wake();
}

}  // namespace opsdeck::tickets
