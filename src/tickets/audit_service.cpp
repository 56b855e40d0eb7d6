// The worker and one run. Uploads, filing and announcements are in
// audit_service_desk.cpp.
#include "tickets/audit_service.h"

#include <algorithm>
#include <boost/json.hpp>
#include <unordered_map>
#include <unordered_set>

#include "net/log.h"
#include "tickets/audit_service_notices.h"
#include "tickets/filer_coverage.h"

namespace opsdeck::tickets {
namespace {

const core::Actor& RunActor() {
  static const core::Actor actor = core::Actor::System("docs-audit");
  return actor;
}

store::GapSighting Sighting(const Gap& g) {
  return store::GapSighting{g.fingerprint,  std::string(GapKindName(g.kind)),
                            g.subject_kind, g.subject,
                            g.environment,  g.summary};
}

}  // namespace

core::Result<std::unique_ptr<AuditService>> AuditService::Create(AuditServiceDeps deps) {
  if (deps.store == nullptr || deps.clock == nullptr || !deps.config) {
    return core::Error::InvalidArgument("the docs audit needs a store, a clock and a config");
  }
  if (!deps.links) deps.links = std::make_unique<HttpLinkChecker>();
  return std::unique_ptr<AuditService>(new AuditService(std::move(deps)));
}

AuditService::AuditService(AuditServiceDeps deps) : deps_(std::move(deps)) {}

AuditService::~AuditService() { Stop(); }

void AuditService::Start() {
  std::lock_guard lock(mu_);
  if (worker_.joinable() || stop_) return;
  pending_ = "start";
  worker_ = std::thread([this] { Loop(); });
}

void AuditService::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    pending_.reset();
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

std::shared_ptr<const AuditSnapshot> AuditService::Latest() const {
  std::lock_guard lock(mu_);
  return latest_;
}

bool AuditService::Running() const {
  std::lock_guard lock(mu_);
  return running_;
}

int64_t AuditService::RequestRun(std::string trigger) {
  std::lock_guard lock(mu_);
  // A queued run has not read the config or the exports yet, so it serves
  // this request too; a run in progress may have, so the next one does.
  if (!pending_ && !stop_) pending_ = std::move(trigger);
  cv_.notify_all();
  return started_ + 1;
}

std::shared_ptr<const AuditSnapshot> AuditService::WaitFor(int64_t sequence,
                                                           core::Duration timeout) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return finished_ >= sequence || stop_; });
  return latest_;
}

void AuditService::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    if (!pending_) {
      const core::TimePoint now = deps_.clock->Now();
      if (now >= next_due_) {
        pending_ = "schedule";
        continue;
      }
      const auto wait = std::min<core::Duration>(next_due_ - now, deps_.max_sleep);
      cv_.wait_for(lock, wait, [this] { return stop_ || pending_.has_value(); });
      continue;
    }
    const std::string trigger = std::move(*pending_);
    pending_.reset();
    const int64_t sequence = ++started_;
    running_ = true;
    lock.unlock();
    RunOnce(sequence, trigger);
    lock.lock();
    running_ = false;
    finished_ = sequence;
    const auto config = deps_.config();
    next_due_ = deps_.clock->Now() + config->docs_audit.schedule;
    cv_.notify_all();
  }
}

std::optional<AwsInventory> AuditService::StoredExports(std::vector<std::string>& warnings) {
  auto bodies = deps_.store->docs().AwsExportBodies();
  if (!bodies) {
    warnings.push_back("the uploaded AWS exports could not be read: " + bodies.error().message);
    return std::nullopt;
  }
  std::vector<AwsExportFile> files;
  for (const store::AwsExportBody& b : *bodies) {
    auto pages = ParseAwsExport(b.body, b.name);
    // Checked at upload; a body that no longer parses (a newer reader) is
    // left out rather than failing every run.
    if (!pages) {
      warnings.push_back("uploaded AWS export " + b.name + " skipped: " + pages.error().message);
      continue;
    }
    files.push_back({b.name, std::move(*pages)});
  }
  if (files.empty()) return std::nullopt;
  return MergeAwsExports(files);
}

void AuditService::RunOnce(int64_t sequence, const std::string& trigger) {
  const auto config = deps_.config();
  std::vector<std::string> warnings;
  const std::optional<AwsInventory> aws = StoredExports(warnings);
  DocsAuditInputs inputs;
  if (config->docs_audit.check_links) inputs.links = deps_.links.get();
  if (aws) inputs.aws = &*aws;
  auto snapshot = std::make_shared<AuditSnapshot>();
  snapshot->sequence = sequence;
  snapshot->trigger = trigger;
  snapshot->report = RunDocsAudit(*config, inputs);
  for (auto& w : warnings) snapshot->report.warnings.push_back(std::move(w));
  {
    std::lock_guard lock(mu_);
    // Stop() during a long link check: the store may be closing.
    if (stop_) return;
  }
  {
    std::lock_guard jira(jira_mu_);
    Record(snapshot->report, trigger, sequence);
    if (config->jira) CommentFixed(*config, sequence);
  }
  snapshot->finished_at = deps_.clock->Now();
  const DocsAuditReport& r = snapshot->report;
  net::LogInfo("docs audit: run finished",
               {{"sequence", sequence},
                {"trigger", trigger},
                {"items", r.coverage.overall.items},
                {"documented", r.coverage.overall.documented},
                {"gaps", static_cast<int64_t>(r.gaps.size())},
                {"failing", r.FailingGaps()}});
  {
    std::lock_guard lock(mu_);
    latest_ = snapshot;
  }
  PublishFinished(*snapshot, "run");
}

void AuditService::Record(const DocsAuditReport& report, const std::string& trigger,
                          int64_t sequence) {
  store::DocsStore& docs = deps_.store->docs();
  auto open = docs.OpenGaps();
  if (!open) {
    net::LogWarn("docs audit: gaps not recorded", {{"error", open.error().ToString()}});
    return;
  }
  const GapCoverage covered = CoverageOf(report);
  std::unordered_set<std::string_view> current;
  std::vector<store::GapSighting> sightings;
  for (const Gap& g : report.gaps) {
    if (current.insert(g.fingerprint).second) sightings.push_back(Sighting(g));
  }
  std::vector<std::string> gone;
  std::unordered_map<std::string, const store::GapRecord*> was_open;
  for (const store::GapRecord& r : *open) {
    was_open.emplace(r.fingerprint, &r);
    if (!current.contains(r.fingerprint) && covered(r)) gone.push_back(r.fingerprint);
  }
  const auto config = deps_.config();
  const core::TimePoint at = deps_.clock->Now();
  bool announced = false;
  store::GapAnnouncer announce;
  if (deps_.route) {
    announce = [&](const store::GapChanges& changes) {
      std::vector<store::OutboxEntry> out;
      for (const core::Notice& n :
           RunNotices(report, changes, was_open, NoticeContext(*config, report, trigger), at)) {
        for (auto& e : deps_.route(n)) out.push_back(std::move(e));
      }
      announced = !out.empty();
      return out;
    };
  }
  auto changes = docs.RecordGapsAnnounced(sightings, gone, announce, RunActor(),
                                          "docs-audit-" + std::to_string(sequence));
  if (!changes) {
    net::LogWarn("docs audit: gaps not recorded", {{"error", changes.error().ToString()}});
    return;
  }
  if (announced && deps_.notify_wake) deps_.notify_wake();
}

void AuditService::CommentFixed(const config::Config& config, int64_t sequence) {
  auto pending = deps_.store->docs().PendingComments();
  if (!pending || pending->empty()) return;
  auto jira = MakeJira(*config.jira);
  if (!jira) {
    net::LogWarn("docs audit: cannot comment on fixed gaps",
                 {{"error", jira.error().ToString()}});
    return;
  }
  FilerOptions options;
  options.labels = config.jira->labels;
  options.actor = RunActor();
  options.request_id = "docs-audit-" + std::to_string(sequence);
  Filer filer(deps_.store->docs(), **jira, options);
  const FilingReport report = filer.CommentFixed();
  net::LogInfo("docs audit: commented on fixed gaps",
               {{"commented", report.Count(FilingAction::kCommented)},
                {"failed", report.Count(FilingAction::kFailed)},
                {"stopped", report.stopped ? report.stopped->message : std::string()}});
}

void AuditService::PublishFinished(const AuditSnapshot& snapshot, std::string_view change) {
  if (deps_.events == nullptr) return;
  const DocsAuditReport& r = snapshot.report;
  boost::json::object o;
  o["change"] = change;
  o["sequence"] = snapshot.sequence;
  o["trigger"] = snapshot.trigger;
  o["finished_at"] = core::FormatRfc3339(snapshot.finished_at);
  o["items"] = r.coverage.overall.items;
  o["documented"] = r.coverage.overall.documented;
  o["gaps"] = r.gaps.size();
  o["failing_gaps"] = r.FailingGaps();
  deps_.events->Publish("docs.audit", boost::json::serialize(o));
}

}  // namespace opsdeck::tickets
