// What the docs audit found over time and what was filed for it: one row per
// documentation gap (keyed by the audit's stable fingerprint) with when it was
// first and last seen, when it was fixed, its Jira ticket and whether that
// ticket got the "fixed" comment; and the AWS CLI exports uploaded through
// the API, which every later audit run checks drift against. The Jira filer
// (tickets/filer.h), the server's audit desk, the API and UI read and write
// it. Every state change is audited.
// Same failure rule and thread-safety as store.h.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/audit.h"
#include "core/clock.h"
#include "core/result.h"
#include "store/outbox_store.h"
#include "store/page.h"

namespace opsdeck::store {

// One gap as one audit run saw it. Strings, not tickets::Gap: the store
// depends on core only.
struct GapSighting {
  std::string fingerprint;   // non-empty, stable across runs
  std::string kind;          // "missing_field", "broken_link", ...
  std::string subject_kind;  // "service", "pipeline", "ec2-instance", ...
  std::string subject;
  std::string environment;  // may be empty
  std::string summary;
};

struct GapRecord {
  int64_t id = 0;
  std::string fingerprint;
  std::string kind;
  std::string subject_kind;
  std::string subject;
  std::string environment;
  std::string summary;  // as last seen
  core::TimePoint first_seen{};
  core::TimePoint last_seen{};
  std::optional<core::TimePoint> fixed_at;  // set: the last audit no longer found it
  std::string ticket_key;                   // empty: no ticket known
  std::optional<core::TimePoint> filed_at;  // when ticket_key was stored
  // When the "no longer found" comment went onto the ticket; cleared when
  // the gap reappears, so a second fix is commented on again.
  std::optional<core::TimePoint> commented_at;

  bool open() const { return !fixed_at.has_value(); }
  bool operator==(const GapRecord&) const = default;
};

// What RecordGaps changed, by fingerprint, in input order.
struct GapChanges {
  std::vector<std::string> opened;    // never seen before
  std::vector<std::string> reopened;  // had been fixed, seen again (keeps its ticket)
  std::vector<std::string> fixed;     // were open, now gone
  bool operator==(const GapChanges&) const = default;
};

struct GapQuery {
  int limit = 50;  // clamped to [1, 500]
  std::optional<std::string> cursor;
  std::optional<bool> open;   // true: not fixed; false: fixed
  std::optional<bool> filed;  // true: has a ticket key; false: has none
  std::optional<std::string> environment;
  std::optional<std::string> kind;
};
// Gaps are listed newest first (first_seen, then id).

// The announcements one recorded audit run causes (docs.* notices routed to
// channels), built from what it changed, inside its transaction so a run and
// its announcements commit together. Empty entries: nothing to announce.
using GapAnnouncer = std::function<std::vector<OutboxEntry>(const GapChanges&)>;

// An uploaded AWS CLI export, without its body.
struct AwsExportRecord {
  int64_t id = 0;
  std::string name;      // unique; uploading the same name replaces it
  std::string commands;  // "aws ec2 describe-instances, ..." as the upload found them
  int64_t resources = 0;
  int64_t bytes = 0;     // of the body
  core::TimePoint uploaded_at{};
  std::string uploaded_by;  // Actor::ToString()
  bool operator==(const AwsExportRecord&) const = default;
};

struct AwsExportBody {
  std::string name;
  std::string body;
};

// Longest export name: a file name, shown in the UI and in gap sources.
inline constexpr size_t kMaxAwsExportNameBytes = 200;

class DocsStore {
 public:
  virtual ~DocsStore() = default;

  // Records one audit run at the clock's now: every gap in `seen` is stored
  // (new), reopened (was fixed) or refreshed (last_seen, summary); every
  // fingerprint in `gone` that is stored and open is marked fixed. `gone` is
  // the caller's judgement of what the audit checked and no longer finds (an
  // audit without an AWS export cannot say an AWS gap is fixed). A
  // fingerprint in both lists counts as seen. Opening, reopening and fixing
  // are audited ("docs_gap"); a mere refresh is not. kInvalidArgument for an
  // empty fingerprint or kind.
  virtual core::Result<GapChanges> RecordGaps(const std::vector<GapSighting>& seen,
                                              const std::vector<std::string>& gone,
                                              const core::Actor& actor,
                                              std::string_view request_id) = 0;

  // Stores the ticket filed (or found in Jira) for a gap. Storing the key it
  // already has is a no-op; a different key is kConflict (another instance
  // filed first: the caller uses the stored one). kNotFound for an unknown
  // fingerprint, kInvalidArgument for an empty key.
  virtual core::Result<GapRecord> SetTicket(std::string_view fingerprint, std::string_view key,
                                            const core::Actor& actor,
                                            std::string_view request_id) = 0;

  // Notes that the fixed gap's ticket got its comment. kConflict when the
  // gap is open again, has no ticket or was already commented on.
  virtual core::Result<GapRecord> MarkCommented(std::string_view fingerprint,
                                                const core::Actor& actor,
                                                std::string_view request_id) = 0;

  virtual core::Result<std::optional<GapRecord>> GetGap(std::string_view fingerprint) = 0;
  // Every open gap, oldest first (what an audit compares itself with).
  virtual core::Result<std::vector<GapRecord>> OpenGaps() = 0;
  // Fixed gaps with a ticket and no comment yet, oldest fix first.
  virtual core::Result<std::vector<GapRecord>> PendingComments() = 0;
  // A cursor is only valid with the same filters; a malformed one is
  // kInvalidArgument.
  virtual core::Result<Page<GapRecord>> ListGaps(const GapQuery& query) = 0;

  // RecordGaps, and in the same transaction appends the outbox entries
  // `announce` builds from the changes (none when it is empty or returns
  // none).
  virtual core::Result<GapChanges> RecordGapsAnnounced(const std::vector<GapSighting>& seen,
                                                       const std::vector<std::string>& gone,
                                                       const GapAnnouncer& announce,
                                                       const core::Actor& actor,
                                                       std::string_view request_id) = 0;

  // Stores an uploaded export (the caller has checked that it parses), or
  // replaces the body of the one with the same name; audited
  // ("docs_aws_export": "upload" / "replace", without the body).
  // kInvalidArgument for an empty or over-long name or an empty body.
  virtual core::Result<AwsExportRecord> PutAwsExport(std::string_view name, std::string_view body,
                                                     std::string_view commands, int64_t resources,
                                                     const core::Actor& actor,
                                                     std::string_view request_id) = 0;
  // Every stored export, by name.
  virtual core::Result<std::vector<AwsExportRecord>> ListAwsExports() = 0;
  // Every stored export's body, by name (what an audit run reads).
  virtual core::Result<std::vector<AwsExportBody>> AwsExportBodies() = 0;
  // Deletes one; audited ("delete"). kNotFound for an unknown name.
  virtual core::Result<void> DeleteAwsExport(std::string_view name, const core::Actor& actor,
                                             std::string_view request_id) = 0;
};

}  // namespace opsdeck::store
