// GET /docs-audit: the documentation audit page. Coverage overall, per
// environment and per kind (text and a bar), what the last run checked, and
// every gap with its severity (a word and an icon, never colour alone), item
// (linked to its target or pipeline page), rule, Jira issue (linked only
// when the URL is http(s)) and state; filters; and, for devops and admins,
// Run now, Upload AWS export and File tickets (web/static/docs_audit.js).
// The route (docs_audit_pages_route.cpp) fills the model.
// Thread-safety: a pure function over immutable templates, safe on any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "http/ui/pages.h"
#include "http/ui/run_pages.h"

namespace opsdeck::http::ui {

struct DocsCoverageRow {
  std::string name;  // "overall", an environment, a kind
  int items = 0;
  int documented = 0;
};

struct DocsGapRow {
  std::string severity;  // info | warning | critical
  std::string kind;      // missing_field | broken_link | undocumented_resource | missing_resource
  std::string subject_kind;
  std::string subject;
  std::string subject_href;  // its target or pipeline page, or empty
  std::string environment;   // may be empty
  std::string summary;
  std::string detail;
  std::vector<std::string> rules;
  std::string ticket_key;  // may be empty
  std::string ticket_url;  // http(s) only, else empty
  std::string state;       // open | fixed
  std::optional<core::TimePoint> since;  // first seen (open) or fixed at
};

struct DocsExportRow {
  std::string name;
  std::string commands;
  int64_t resources = 0;
  core::TimePoint uploaded_at{};
  std::string uploaded_by;
};

struct DocsAuditModel {
  ShellModel shell;
  bool wired = true;     // false: the server runs no audit (shown as a notice)
  bool ready = false;    // a run has finished
  bool running = false;  // one is in progress now
  int64_t sequence = 0;
  std::string trigger;
  std::optional<core::TimePoint> finished_at;
  DocsCoverageRow overall;
  std::vector<DocsCoverageRow> by_environment;
  std::vector<DocsCoverageRow> by_kind;
  std::string links_text;  // "3 links checked, 1 broken" / "Links not checked"
  std::string aws_text;    // "8 resources from aws ec2 describe-instances" / "No AWS export"
  int failing = 0;
  std::vector<FilterSelect> filters;  // environment, kind, severity, state
  bool filtered = false;
  std::string error;
  bool showing_fixed = false;  // state=fixed: the store's fixed gaps
  std::vector<DocsGapRow> gaps;
  std::vector<DocsExportRow> exports;
  bool can_act = false;  // devops, admin
  bool jira_configured = false;
};
std::string RenderDocsAudit(const DocsAuditModel& model);

namespace internal {
// "57%" (rounded), or "—" with no items.
std::string CoveragePercent(int documented, int items);
}  // namespace internal

}  // namespace opsdeck::http::ui
