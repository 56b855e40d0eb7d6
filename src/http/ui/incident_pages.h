// Server-rendered incident pages: the list (/incidents, open first, then
// resolved) and one incident (/incidents/{id}) with its cause, timeline,
// notes and dependents, and for devops and admin the Acknowledge and Add
// note actions (posted by monitoring.js to the JSON API with the session's
// CSRF token). The HTTP layer fills the models from the health store
// (ui/incident_pages_route.cpp); links with outside names arrive
// percent-encoded.
// Thread-safety: pure functions over immutable templates, safe on any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "http/ui/pages.h"
#include "http/ui/run_pages.h"

namespace opsdeck::http::ui {

struct IncidentRow {
  int64_t id = 0;
  std::string target;
  std::string target_href;  // percent-encoded: "/targets/web%20api"
  std::string environment;
  core::TimePoint started_at{};
  std::optional<core::TimePoint> ended_at;  // nullopt while open
  std::string cause;
  std::optional<int64_t> root_id;  // the dependency's incident it is linked to
  std::string root_target;
  std::string acknowledged_by;
  std::optional<core::TimePoint> acknowledged_at;
};

// GET /incidents. Open incidents come first (all of them, on the first page
// only), then resolved ones newest first, paged with the store's cursor.
struct IncidentsModel {
  ShellModel shell;
  core::TimePoint now{};              // the end of an open incident's duration so far
  std::vector<FilterSelect> filters;  // state, environment, target
  bool filtered = false;
  std::string error;
  bool show_open = true;      // false when filtered to resolved or past page one
  bool show_resolved = true;  // false when filtered to open
  std::vector<IncidentRow> open;
  std::vector<IncidentRow> resolved;
  Pager pager;  // of the resolved list
};
std::string RenderIncidents(const IncidentsModel& model);

struct IncidentNoteView {
  std::string author;
  core::TimePoint at{};
  std::string text;
};

struct DependentView {
  int64_t id = 0;
  std::string target;  // empty when unknown (the incident is resolved)
  std::string target_href;
};

// GET /incidents/{id}.
struct IncidentModel {
  ShellModel shell;
  core::TimePoint now{};
  IncidentRow incident;
  std::vector<IncidentNoteView> notes;  // oldest first
  std::vector<DependentView> dependents;
  // Devops and admin may acknowledge an open, unacknowledged incident and add
  // notes; the page hides both from everyone else (the API refuses them too).
  bool can_act = false;
};
std::string RenderIncident(const IncidentModel& model);

}  // namespace opsdeck::http::ui
