#include "tickets/filer.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "net/log.h"
#include "net/secrets.h"

namespace opsdeck::tickets {
namespace {

// Per-gap problems the run goes on after: Jira refused this one request (a
// field it would not take) or the issue to comment on is gone. Anything else
// (credentials, rate limit, Jira or the store down, an answer that is not
// Jira's) would fail the same way for every gap.
bool OnlyThisGap(const core::Error& e) {
  return e.code == core::ErrorCode::kInvalidArgument || e.code == core::ErrorCode::kNotFound;
}

store::GapSighting Sighting(const Gap& g) {
  return store::GapSighting{g.fingerprint,  std::string(GapKindName(g.kind)),
                            g.subject_kind, g.subject,
                            g.environment,  g.summary};
}

}  // namespace

std::string GapLabel(std::string_view fingerprint) {
  return std::string(kGapLabelPrefix) + net::Sha256Hex(fingerprint).substr(0, kGapLabelHexDigits);
}

GapCoverage CoverEverything() {
  return [](const store::GapRecord&) { return true; };
}

GapCoverage CoverKinds(std::vector<GapKind> kinds) {
  std::unordered_set<std::string> names;
  for (GapKind k : kinds) names.emplace(GapKindName(k));
  return [names = std::move(names)](const store::GapRecord& g) { return names.contains(g.kind); };
}

std::string_view FilingActionName(FilingAction action) {
  switch (action) {
    case FilingAction::kAlreadyFiled:
      return "already_filed";
    case FilingAction::kFound:
      return "found";
    case FilingAction::kFiled:
      return "filed";
    case FilingAction::kCommented:
      return "commented";
    case FilingAction::kFailed:
      return "failed";
    case FilingAction::kWouldRecord:
      return "would_record";
    case FilingAction::kWouldFile:
      return "would_file";
    case FilingAction::kWouldComment:
      return "would_comment";
  }
  return "unknown";
}

int FilingReport::Count(FilingAction action) const {
  return static_cast<int>(std::count_if(lines.begin(), lines.end(),
                                        [&](const FilingLine& l) { return l.action == action; }));
}

std::string TicketDescription(const Gap& gap) {
  std::string out = gap.description;
  if (!out.empty()) out += "\n\n";
  // The audit's descriptions usually name the fingerprint already.
  if (gap.description.find(gap.fingerprint) == std::string::npos) {
    out += "Found by the opsdeck documentation audit. Gap: " + gap.fingerprint + "\n";
  }
  out += "opsdeck finds this issue again by its label " + GapLabel(gap.fingerprint) +
         " (please keep it) and comments here once the gap is fixed.";
  return out;
}

std::string FixedComment(const store::GapRecord& gap) {
  std::string out = "opsdeck no longer finds this gap: " + gap.summary;
  if (gap.fixed_at) out += "\n\nChecked at " + core::FormatRfc3339(*gap.fixed_at) + ".";
  out += "\nShould it come back, opsdeck reopens it here rather than filing a new issue.";
  return out;
}

Filer::Filer(store::DocsStore& store, JiraApi& jira, FilerOptions options)
    : store_(store), jira_(jira), options_(std::move(options)) {}

core::Result<FilingReport> Filer::File(const std::vector<Gap>& gaps, const GapCoverage& covered) {
  std::vector<const Gap*> unique;
  std::unordered_set<std::string_view> seen;
  for (const Gap& g : gaps) {
    if (seen.insert(g.fingerprint).second) unique.push_back(&g);
  }
  const GapCoverage& cover = covered ? covered : CoverEverything();
  auto report = options_.dry_run ? Preview(unique, cover) : Record(unique, cover);
  if (report && report->stopped) {
    net::LogWarn("docs tickets: stopped",
                 {{"reason", report->stopped->message}, {"not_attempted", report->not_attempted}});
  }
  return report;
}

bool Filer::Recover(const core::Error& error, const std::string& fingerprint,
                    const std::string& summary, const std::string& key, FilingReport& report) {
  if (!OnlyThisGap(error)) {
    report.stopped = error;
    return false;
  }
  report.lines.push_back({FilingAction::kFailed, fingerprint, summary, key, error.message});
  return true;
}

bool Filer::FileOne(const Gap& gap, FilingReport& report) {
  const std::string label = GapLabel(gap.fingerprint);
  auto found = jira_.FindByLabel(label);
  if (!found) return Recover(found.error(), gap.fingerprint, gap.summary, "", report);
  FilingAction action = FilingAction::kFound;
  std::string key;
  if (*found) {
    key = **found;
  } else {
    IssueDraft draft{gap.summary, TicketDescription(gap), options_.labels, label};
    if (std::find(draft.labels.begin(), draft.labels.end(), label) == draft.labels.end()) {
      draft.labels.push_back(label);
    }
    auto created = jira_.CreateIssue(draft);
    if (!created) return Recover(created.error(), gap.fingerprint, gap.summary, "", report);
    key = std::move(*created);
    action = FilingAction::kFiled;
  }
  auto stored = store_.SetTicket(gap.fingerprint, key, options_.actor, options_.request_id);
  if (!stored && stored.error().code == core::ErrorCode::kConflict) {
    // Another instance stored a key first; that one is the gap's ticket.
    auto again = store_.GetGap(gap.fingerprint);
    if (again && *again && !(*again)->ticket_key.empty()) {
      report.lines.push_back(
          {FilingAction::kAlreadyFiled, gap.fingerprint, gap.summary, (*again)->ticket_key, ""});
      return true;
    }
  }
  if (!stored) {
    report.stopped = stored.error();
    return false;
  }
  report.lines.push_back({action, gap.fingerprint, gap.summary, key, ""});
  return true;
}

bool Filer::CommentOne(const store::GapRecord& gap, FilingReport& report) {
  auto sent = jira_.AddComment(gap.ticket_key, FixedComment(gap));
  if (!sent) return Recover(sent.error(), gap.fingerprint, gap.summary, gap.ticket_key, report);
  auto marked = store_.MarkCommented(gap.fingerprint, options_.actor, options_.request_id);
  if (!marked) {
    report.stopped = marked.error();
    return false;
  }
  report.lines.push_back(
      {FilingAction::kCommented, gap.fingerprint, gap.summary, gap.ticket_key, ""});
  return true;
}

core::Result<FilingReport> Filer::Record(const std::vector<const Gap*>& gaps,
                                         const GapCoverage& covered) {
  auto before = store_.OpenGaps();
  if (!before) return before.error();
  std::unordered_set<std::string_view> current;
  std::vector<store::GapSighting> sightings;
  for (const Gap* g : gaps) {
    current.insert(g->fingerprint);
    sightings.push_back(Sighting(*g));
  }
  std::vector<std::string> gone;
  for (const store::GapRecord& r : *before) {
    if (!current.contains(r.fingerprint) && covered(r)) gone.push_back(r.fingerprint);
  }
  FilingReport report;
  auto changes = store_.RecordGaps(sightings, gone, options_.actor, options_.request_id);
  if (!changes) return changes.error();
  report.changes = std::move(*changes);

  // Every current gap is open now; one read gives their stored keys.
  auto open = store_.OpenGaps();
  if (!open) return open.error();
  std::unordered_map<std::string_view, const store::GapRecord*> stored;
  for (const store::GapRecord& r : *open) stored.emplace(r.fingerprint, &r);
  size_t i = 0;
  for (; i < gaps.size(); ++i) {
    const Gap& g = *gaps[i];
    const auto it = stored.find(g.fingerprint);
    if (it != stored.end() && !it->second->ticket_key.empty()) {
      report.lines.push_back(
          {FilingAction::kAlreadyFiled, g.fingerprint, g.summary, it->second->ticket_key, ""});
      continue;
    }
    if (!FileOne(g, report)) break;
  }
  if (report.stopped) {
    report.not_attempted = static_cast<int>(gaps.size() - i - 1);
    return report;
  }
  auto pending = store_.PendingComments();
  if (!pending) {
    report.stopped = pending.error();
    return report;
  }
  for (size_t k = 0; k < pending->size(); ++k) {
    if (!CommentOne((*pending)[k], report)) {
      report.not_attempted = static_cast<int>(pending->size() - k - 1);
      break;
    }
  }
  return report;
}

FilingReport Filer::CommentFixed() {
  FilingReport report;
  auto pending = store_.PendingComments();
  if (!pending) {
    report.stopped = pending.error();
    return report;
  }
  for (size_t k = 0; k < pending->size(); ++k) {
    if (!CommentOne((*pending)[k], report)) {
      report.not_attempted = static_cast<int>(pending->size() - k - 1);
      break;
    }
  }
  return report;
}

core::Result<FilingReport> Filer::Preview(const std::vector<const Gap*>& gaps,
                                          const GapCoverage& covered) {
  FilingReport report;
  report.dry_run = true;
  size_t i = 0;
  for (; i < gaps.size(); ++i) {
    const Gap& g = *gaps[i];
    auto stored = store_.GetGap(g.fingerprint);
    if (!stored) return stored.error();
    if (*stored && !(*stored)->ticket_key.empty()) {
      report.lines.push_back(
          {FilingAction::kAlreadyFiled, g.fingerprint, g.summary, (*stored)->ticket_key, ""});
      continue;
    }
    auto found = jira_.FindByLabel(GapLabel(g.fingerprint));
    if (!found) {
      if (Recover(found.error(), g.fingerprint, g.summary, "", report)) continue;
      break;
    }
    report.lines.push_back({*found ? FilingAction::kWouldRecord : FilingAction::kWouldFile,
                            g.fingerprint, g.summary, found->value_or(""), ""});
  }
  if (report.stopped) {
    report.not_attempted = static_cast<int>(gaps.size() - i - 1);
    return report;
  }
  // Comments a real run would make: gaps it would mark fixed now, and fixed
  // gaps still waiting for theirs.
  auto open = store_.OpenGaps();
  if (!open) return open.error();
  auto pending = store_.PendingComments();
  if (!pending) return pending.error();
  std::unordered_set<std::string_view> current;
  for (const Gap* g : gaps) current.insert(g->fingerprint);
  for (const store::GapRecord& r : *open) {
    if (current.contains(r.fingerprint) || !covered(r) || r.ticket_key.empty()) continue;
    report.lines.push_back(
        {FilingAction::kWouldComment, r.fingerprint, r.summary, r.ticket_key, ""});
  }
  for (const store::GapRecord& r : *pending) {
    if (current.contains(r.fingerprint)) continue;  // it came back: a real run reopens it
    report.lines.push_back(
        {FilingAction::kWouldComment, r.fingerprint, r.summary, r.ticket_key, ""});
  }
  return report;
}

}  // namespace opsdeck::tickets
