// The latest audit as the API and the docs-audit page show it: each gap of
// the report beside what the store knows of it (its Jira key, a link to the
// issue, since when it is open), and the filters the page and
// GET /api/v1/docs-audit offer. Pure functions of values; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/docs_store.h"
#include "tickets/audit_run.h"

namespace opsdeck::tickets {

struct GapView {
  const Gap* gap = nullptr;
  std::vector<std::string> rules;  // "docs_audit.rules[1] (kinds: service; ...)"; none for drift
  std::string ticket_key;          // empty: no ticket
  std::string ticket_url;          // JIRA/browse/KEY when jira.url is http(s) and the key looks like one
  std::string state = "open";      // the store's: "open" (every current gap is)
  std::optional<core::TimePoint> first_seen;
};

// Every filter is optional; values compare exactly.
struct GapFilter {
  std::optional<std::string> environment;  // "" selects gaps without one
  std::optional<std::string> kind;         // missing_field, broken_link, ...
  std::optional<std::string> severity;     // info, warning, critical
  std::optional<std::string> subject_kind; // service, server, pipeline, ec2-instance, ...
};

// The rules named in a gap's description ("Required by:" lines).
std::vector<std::string> GapRules(const Gap& gap);
// `jira_url` + "/browse/" + key, or empty when either is unusable (a URL
// that is not http(s), a key that is not PROJECT-123).
std::string TicketUrl(std::string_view jira_url, std::string_view key);

// The report's gaps that pass `filter`, in report order, with `stored` (the
// store's open gaps) joined by fingerprint.
std::vector<GapView> ViewGaps(const DocsAuditReport& report,
                              const std::vector<store::GapRecord>& stored,
                              std::string_view jira_url, const GapFilter& filter);

}  // namespace opsdeck::tickets
