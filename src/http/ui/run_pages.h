// Server-rendered pages of the pipelines capability: pipelines with their
// recent runs, one run with its stage timeline, deployments, and unmatched
// events. The HTTP layer fills the models from the store; links built from
// outside text (filters, cursors) arrive percent-encoded, and URLs that came
// from a source are linked only when they are http(s).
// Thread-safety: pure functions over immutable templates, safe on any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/run.h"
#include "http/ui/pages.h"

namespace opsdeck::http::ui {

// One <select> of a GET filter form. `selected` is kept as an option even
// when `options` lacks it, so the form shows what the list is filtered by.
struct FilterSelect {
  std::string name;      // the query parameter: "environment"
  std::string label;     // "Environment"
  std::string selected;  // "" is "all"
  std::vector<std::string> options;
};

// The paging links of a list, percent-encoded by the caller. Empty: no link.
struct Pager {
  std::string newest_href;  // the first page, when this is not it
  std::string older_href;   // the next page, built from the store's cursor
};

// GET /pipelines: every pipeline with its last run, then recent runs with
// filters (environment, pipeline, status) and paging.
struct PipelinesModel {
  ShellModel shell;
  std::vector<PipelineRow> pipelines;
  std::vector<FilterSelect> filters;
  bool filtered = false;
  std::string error;            // a bad filter or cursor, shown in a role="alert" box
  std::vector<core::Run> runs;  // newest first, without stages
  Pager pager;
};
std::string RenderPipelines(const PipelinesModel& model);

// GET /runs/{id}: everything known about one run and its stage timeline.
struct RunModel {
  ShellModel shell;
  core::TimePoint now{};      // the end of the timeline while the run is going
  core::Run run;              // with stages
  std::string pipeline_href;  // percent-encoded: "/pipelines?pipeline=...#runs"
};
std::string RenderRun(const RunModel& model);

// GET /deployments: what is live where, then every deployment newest first,
// filtered by environment and pipeline, with paging.
struct DeploymentsModel {
  ShellModel shell;
  std::vector<DeploymentRow> live;  // newest per environment, promotion order
  std::vector<FilterSelect> filters;
  bool filtered = false;
  std::string error;
  std::vector<DeploymentRow> deployments;
  Pager pager;
};
std::string RenderDeployments(const DeploymentsModel& model);

// GET /unmatched: well-formed events that matched no pipeline rule, with the
// reason and the keys a rule would look at.
struct UnmatchedRow {
  int64_t id = 0;
  std::string source;
  std::string event_type;
  std::string external_id;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> keys;  // ("repository", "acme/x")
  core::TimePoint received_at{};
};
struct UnmatchedModel {
  ShellModel shell;
  std::vector<FilterSelect> filters;
  bool filtered = false;
  std::string error;
  std::vector<UnmatchedRow> events;
  Pager pager;
};
std::string RenderUnmatched(const UnmatchedModel& model);

// An HTML error page in the frame: `code` (404, 503, ...) large, a heading, a
// sentence, and a link back. Every string is escaped.
struct ProblemModel {
  ShellModel shell;
  int code = 404;
  std::string title;    // "Run not found"
  std::string heading;  // "Run not found"
  std::string detail;   // "There is no run with id 42."
  std::string back_href = "/";
  std::string back_label = "Back to the overview";
  std::string back_icon = "overview";  // a symbol of icons.mustache
};
std::string RenderProblem(const ProblemModel& model);

namespace internal {

// How a run status is shown: a CSS modifier, a word and an icon, never colour
// alone. {"failed", "Failed", "down"}.
struct StatusView {
  std::string_view css;
  std::string_view label;
  std::string_view icon;
};
StatusView ViewOf(core::RunStatus status);

// 4200 ms -> "4 s", 312000 ms -> "5 min 12 s", 7500000 ms -> "2 h 5 min".
std::string FormatDuration(core::Duration d);
// The first 7 characters of a commit SHA (the whole text when shorter).
std::string ShortCommit(std::string_view commit);
// `url` when it is an http(s) URL without spaces or control characters; else
// empty. Sources already refuse other URLs; this is the second check, at the
// point where a string becomes an href.
std::string LinkableUrl(std::string_view url);
// "GitHub Actions", "GitLab CI", "AWS CodePipeline", "Generic".
std::string_view SourceLabel(std::string_view source);
// Cuts at a UTF-8 character boundary and appends "…" when it cut.
std::string Shorten(std::string_view text, std::size_t max_bytes);

}  // namespace internal
}  // namespace opsdeck::http::ui
