// Server-rendered pages of the monitoring capability's catalog: every service
// and server with its state (/targets) and one target in detail
// (/targets/{name}): definition, checks with their latest result, uptime and
// latency per window, charts and the result log. The HTTP layer fills the
// models from the health store (ui/target_pages_route.cpp); links built from
// outside text arrive percent-encoded, URLs from config are linked only when
// they are http(s).
// Thread-safety: pure functions over immutable templates, safe on any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/health.h"
#include "http/ui/pages.h"
#include "http/ui/run_pages.h"

namespace opsdeck::http::ui {

// A target as a row of /targets and the head of its detail page.
struct TargetRow {
  std::string name;
  std::string href;  // percent-encoded by the caller: "/targets/web%20api"
  std::string kind;  // "service" | "server"
  std::string environment;
  std::string component;
  core::TargetState state = core::TargetState::kUnknown;
  core::TimePoint since{};
  bool flapping = false;
  std::string reason;
  std::optional<double> uptime_24h;    // [0, 1]; nullopt without results
  std::optional<int64_t> incident_id;  // its open incident
};

// How many targets are in one state, and the link that filters by it.
struct StateCount {
  core::TargetState state = core::TargetState::kUnknown;
  int count = 0;
  std::string href;  // "/targets?state=down&environment=..."
  bool selected = false;
};

// GET /targets: counts per state, filters, one row per target (the given
// order: the route sorts worst first, config order within a state).
struct TargetsModel {
  ShellModel shell;
  std::vector<StateCount> counts;     // every state, worst first
  std::vector<FilterSelect> filters;  // environment, component, state, kind
  bool filtered = false;
  std::string error;  // a bad filter, shown in a role="alert" box
  std::vector<TargetRow> targets;
  int total = 0;  // targets before the state filter
};
std::string RenderTargets(const TargetsModel& model);

// A check of the target with its latest result, if any.
struct CheckView {
  int index = 0;  // core::CheckKey::check; external signals are negative
  std::string type;
  std::string summary;
  int64_t interval_ms = 0;  // 0: passive (heartbeat, external)
  std::optional<core::CheckResult> latest;
};

// Uptime and latency over one window (24 h, 7 d, 30 d), from rollups.
struct WindowStats {
  std::string key;    // "24h": the ?range= value
  std::string label;  // "24 hours"
  uint64_t count = 0;
  uint64_t failures = 0;
  std::optional<double> uptime;
  std::optional<core::Micros> p50, p95, p99;
};

// A link that names another page by its outside name (depends_on, ranges).
struct NamedLink {
  std::string label;
  std::string href;  // percent-encoded by the caller
  bool selected = false;
};

struct ResultView {
  int64_t id = 0;
  int check = 0;
  std::string check_label;  // "#1 http" or the signal's type
  core::CheckResult result;
};

struct OpenIncidentView {
  int64_t id = 0;
  core::TimePoint started_at{};
  std::string cause;
  bool acknowledged = false;
};

// GET /targets/{name}.
struct TargetModel {
  ShellModel shell;
  TargetRow target;
  std::string owner;
  std::string docs;     // linked only when http(s)
  std::string runbook;  // linked only when http(s)
  std::vector<std::string> tags;
  std::vector<NamedLink> depends_on;
  std::vector<std::pair<std::string, std::string>> aws;  // ("arn", "arn:aws:...")
  std::vector<CheckView> checks;
  std::vector<WindowStats> windows;  // 24h, 7d, 30d
  // The chart range: links that reload the page with ?range=, and the API
  // URL the chart script reads points from (?range= is added by the script).
  std::vector<NamedLink> ranges;
  std::string range;       // "24h"
  std::string series_url;  // "/api/v1/targets/web%20api/series"
  std::optional<OpenIncidentView> open_incident;
  // The result log: newest first, filtered by outcome, paged.
  std::vector<FilterSelect> result_filters;
  bool results_filtered = false;
  std::string results_error;
  std::vector<ResultView> results;
  Pager pager;
};
std::string RenderTarget(const TargetModel& model);

namespace internal {

// How a target state is shown: a CSS modifier (the same as the state name),
// a word and an icon, never colour alone.
struct TargetStateView {
  std::string_view css;
  std::string_view label;
  std::string_view icon;
};
TargetStateView ViewOf(core::TargetState state);

// 0.99953 -> "99.95%"; exactly 1 -> "100%"; never rounds up to 100.
std::string FormatUptime(double fraction);
// 840 µs -> "0.84 ms", 12'400 µs -> "12.4 ms", 245'000 µs -> "245 ms",
// 2'500'000 µs -> "2.50 s".
std::string FormatLatency(core::Micros latency);

}  // namespace internal
}  // namespace opsdeck::http::ui
