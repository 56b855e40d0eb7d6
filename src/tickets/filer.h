// Files one Jira issue per documentation gap, never twice, and comments once
// on an issue when its gap is fixed. For each gap, in order: a ticket key
// stored for its fingerprint -> nothing to do; else the oldest issue in the
// project with the gap's label (opsdeck-gap-<12 hex of SHA-256 of the
// fingerprint>) -> its key is stored; else a new issue is created and its key
// stored. The store (store::DocsStore) remembers every gap, so stored gaps
// the audit checked and no longer finds are marked fixed and their issues get
// one "no longer finds" comment; a gap that comes back is open again and
// keeps its issue. A dry run reads the store and searches Jira, and changes
// neither.
//
// Credentials Jira rejects, a rate limit it keeps up, Jira or the store
// being unreachable stop the run (nothing further is filed or commented);
// a request Jira refuses for one gap (HTTP 400) is reported and the run goes
// on with the next. Thread-safety: one File() at a time per Filer; the store
// and JiraApi it is given must outlive it.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/audit.h"
#include "core/result.h"
#include "store/docs_store.h"
#include "tickets/gap.h"
#include "tickets/jira_client.h"

namespace opsdeck::tickets {

inline constexpr std::string_view kGapLabelPrefix = "opsdeck-gap-";
inline constexpr size_t kGapLabelHexDigits = 12;

// "opsdeck-gap-" + the first 12 hex digits of SHA-256(fingerprint): short,
// no spaces (Jira labels cannot hold them), secret-free like the fingerprint.
std::string GapLabel(std::string_view fingerprint);

// Whether this audit run checked for the stored gap at all, so its absence
// means "fixed" (an audit given no AWS export says nothing about AWS gaps,
// one with --no-links nothing about broken links).
using GapCoverage = std::function<bool(const store::GapRecord&)>;
// Every stored gap.
GapCoverage CoverEverything();
// Stored gaps of these kinds (GapKindName values).
GapCoverage CoverKinds(std::vector<GapKind> kinds);

struct FilerOptions {
  std::vector<std::string> labels;  // jira.labels; the gap label is added
  core::Actor actor = core::Actor::System("docs-audit");
  std::string request_id;
  bool dry_run = false;
};

enum class FilingAction {
  kAlreadyFiled,  // the store had its key
  kFound,         // Jira had an issue with its label; the key is now stored
  kFiled,         // a new issue; its key is stored
  kCommented,     // fixed: the issue got its comment
  kFailed,        // Jira refused this one (see error); the run went on
  kWouldRecord,   // dry run: Jira has an issue with the label, the store lacks it
  kWouldFile,     // dry run: would create an issue
  kWouldComment,  // dry run: would comment on a fixed gap's issue
};
std::string_view FilingActionName(FilingAction action);  // "already_filed", "found", ...

struct FilingLine {
  FilingAction action = FilingAction::kAlreadyFiled;
  std::string fingerprint;
  std::string summary;
  std::string ticket_key;  // empty for kWouldFile and some kFailed
  std::string error;       // kFailed: why (Jira's reason; never a credential)
};

struct FilingReport {
  bool dry_run = false;
  std::vector<FilingLine> lines;  // gaps in input order, then comments
  store::GapChanges changes;      // what the store recorded (empty on a dry run)
  // What stopped the run early (bad credentials, rate limit, Jira or the
  // store unreachable); the gaps after it were not attempted.
  std::optional<core::Error> stopped;
  int not_attempted = 0;  // gaps and comments left because of `stopped`

  int Count(FilingAction action) const;
  // Nothing stopped the run and nothing failed.
  bool ok() const { return !stopped && Count(FilingAction::kFailed) == 0; }
};

class Filer {
 public:
  Filer(store::DocsStore& store, JiraApi& jira, FilerOptions options);

  // Files `gaps` (the audit's complete result; repeated fingerprints count
  // once). An error only when the store could not record the audit at all;
  // every later problem is in the report.
  core::Result<FilingReport> File(const std::vector<Gap>& gaps, const GapCoverage& covered);
  // Only the comments: the issues of fixed gaps still waiting for theirs
  // (what File() does after filing). The server's audit runs call it, so a
  // fix is commented on without anyone filing.
  FilingReport CommentFixed();

 private:
  core::Result<FilingReport> Record(const std::vector<const Gap*>& gaps,
                                    const GapCoverage& covered);
  core::Result<FilingReport> Preview(const std::vector<const Gap*>& gaps,
                                     const GapCoverage& covered);
  // One gap without a stored key: search, then create. False when the run must stop.
  bool FileOne(const Gap& gap, FilingReport& report);
  bool CommentOne(const store::GapRecord& gap, FilingReport& report);
  // Records a Jira or store error on `report`: true when the run goes on.
  bool Recover(const core::Error& error, const std::string& fingerprint, const std::string& summary,
               const std::string& key, FilingReport& report);

  store::DocsStore& store_;
  JiraApi& jira_;
  FilerOptions options_;
};

// The ticket texts, exposed for tests and the docs.
std::string TicketDescription(const Gap& gap);
std::string FixedComment(const store::GapRecord& gap);

}  // namespace opsdeck::tickets
