#include "tickets/audit_service_notices.h"

namespace opsdeck::tickets {
namespace {

core::NoticeSeverity ToNotice(config::Severity s) {
  switch (s) {
    case config::Severity::kInfo:
      return core::NoticeSeverity::kInfo;
    case config::Severity::kWarning:
      return core::NoticeSeverity::kWarning;
    case config::Severity::kCritical:
      return core::NoticeSeverity::kCritical;
  }
  return core::NoticeSeverity::kWarning;
}

std::unordered_map<std::string, const Gap*> ByFingerprint(const DocsAuditReport& report) {
  std::unordered_map<std::string, const Gap*> out;
  for (const Gap& g : report.gaps) out.emplace(g.fingerprint, &g);
  return out;
}

core::DocsGapFact Fact(const Gap& g) {
  core::DocsGapFact f;
  f.summary = g.summary;
  f.severity = ToNotice(g.severity);
  f.environment = g.environment;
  return f;
}

}  // namespace

core::DocsNoticeContext NoticeContext(const config::Config& config,
                                      const DocsAuditReport& report, const std::string& trigger) {
  core::DocsNoticeContext ctx;
  ctx.public_url = config.server.public_url;
  const Coverage& c = report.coverage.overall;
  ctx.coverage = std::to_string(c.documented) + " of " + std::to_string(c.items) +
                 " items fully documented";
  if (c.items > 0) {
    ctx.coverage += " (" + std::to_string((c.documented * 200 + c.items) / (2 * c.items)) + "%)";
  }
  ctx.trigger = trigger;
  return ctx;
}

std::vector<core::Notice> RunNotices(
    const DocsAuditReport& report, const store::GapChanges& changes,
    const std::unordered_map<std::string, const store::GapRecord*>& was_open,
    const core::DocsNoticeContext& ctx, core::TimePoint at) {
  const auto gaps = ByFingerprint(report);
  std::vector<core::DocsGapFact> opened;
  for (const auto* list : {&changes.opened, &changes.reopened}) {
    for (const std::string& fp : *list) {
      const auto it = gaps.find(fp);
      if (it == gaps.end()) continue;
      core::DocsGapFact f = Fact(*it->second);
      f.reopened = list == &changes.reopened;
      opened.push_back(std::move(f));
    }
  }
  std::vector<core::DocsGapFact> fixed;
  for (const std::string& fp : changes.fixed) {
    const auto it = was_open.find(fp);
    if (it == was_open.end()) continue;
    core::DocsGapFact f;
    f.summary = it->second->summary;
    f.severity = core::NoticeSeverity::kInfo;
    f.environment = it->second->environment;
    f.ticket_key = it->second->ticket_key;
    fixed.push_back(std::move(f));
  }
  std::vector<core::Notice> out;
  if (auto n = core::DocsGapsOpenedNotice(opened, ctx, at)) out.push_back(std::move(*n));
  if (auto n = core::DocsGapsFixedNotice(fixed, ctx, at)) out.push_back(std::move(*n));
  return out;
}

std::vector<core::Notice> FilingNotices(const FilingReport& report, const DocsAuditReport& audit,
                                        const std::string& actor,
                                        const core::DocsNoticeContext& ctx, core::TimePoint at) {
  if (report.dry_run) return {};
  const auto gaps = ByFingerprint(audit);
  std::vector<core::DocsGapFact> filed;
  for (const FilingLine& line : report.lines) {
    if (line.action != FilingAction::kFiled && line.action != FilingAction::kFound) continue;
    core::DocsGapFact f;
    const auto it = gaps.find(line.fingerprint);
    if (it != gaps.end()) f = Fact(*it->second);
    f.summary = line.summary;
    f.ticket_key = line.ticket_key;
    filed.push_back(std::move(f));
  }
  std::vector<core::Notice> out;
  if (auto n = core::DocsTicketsFiledNotice(filed, report.Count(FilingAction::kFailed), actor, ctx,
                                            at)) {
    out.push_back(std::move(*n));
  }
  return out;
}

}  // namespace opsdeck::tickets
