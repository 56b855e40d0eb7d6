// GET /audit: the audit log. Every audited change (who, when, what, to which
// entity, before and after), newest first, filtered by actor, action, entity
// and time, with keyset paging. The before/after JSON is shown as text. The
// HTTP layer fills the model from the store (ui/audit_log_pages_route.cpp).
// Thread-safety: a pure function over immutable templates, safe on any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "http/ui/pages.h"
#include "http/ui/run_pages.h"

namespace opsdeck::http::ui {

struct AuditRow {
  int64_t id = 0;
  core::TimePoint at{};
  std::string actor_kind;  // "user", "token", "system"
  std::string actor_name;  // "alice", "config"
  std::string action;      // "create", "tick", "reload"
  std::string entity_type;
  std::string entity_id;
  std::string request_id;   // empty when the change had no HTTP request
  std::string before_json;  // JSON text; "null" when the entity did not exist
  std::string after_json;   // JSON text; "null" when the entity was removed
  // Top-level keys whose values differ between before and after (objects
  // only), the one-line summary of an update; empty otherwise.
  std::vector<std::string> changed;
  // Links that filter the log by this actor / entity, percent-encoded by the
  // caller (names are outside text).
  std::string actor_href;
  std::string entity_href;
};

// The filter form's values, as given (shown back in the inputs).
struct AuditFilters {
  std::string actor;  // "alice" or "user:alice"
  std::string action;
  std::string entity_type;
  std::string entity_id;
  std::string from;  // UTC, "2026-03-10 14:00" or RFC 3339
  std::string to;
};

struct AuditLogModel {
  ShellModel shell;
  AuditFilters filters;
  bool filtered = false;
  std::string error;  // a bad filter or cursor, shown in a role="alert" box
  // Set when the actor filter stopped before filling the page (it examines a
  // bounded number of entries per page): says so, and "Older" goes on.
  std::string partial_note;
  std::vector<AuditRow> entries;  // newest first
  Pager pager;
};
std::string RenderAuditLog(const AuditLogModel& model);

}  // namespace opsdeck::http::ui
