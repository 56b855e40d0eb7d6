// GET /audit: the audit store newest first, filtered by action, entity type,
// entity and time range in the store, paged with the store's cursor like the
// other list pages. The actor filter is applied here, because AuditQuery has
// no actor field: the page reads the store in batches and keeps the matching
// rows, for a bounded number of store queries, so that a rare actor costs a
// few short reads per page rather than a scan of the whole log. A page it cut
// short says so and "Older" continues from the last row it read.
#include "http/ui/audit_log_pages_route.h"

#include <boost/json/parse.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/formats.h"
#include "http/routes.h"
#include "http/ui/audit_log_page.h"
#include "http/ui_list_page.h"

namespace opsdeck::http {
namespace {

using ui_list::Href;
using ui_list::HtmlPage;
using ui_list::ListQuery;
using ui_list::ListStatus;
using ui_list::MakePager;
using ui_list::Optional;
using ui_list::Param;
using ui_list::ReadListQuery;
using ui_list::StoreErrorPage;

// Store reads per page when filtering by actor; each asks for the rows the
// page still lacks, so at most this many times the page size are examined.
constexpr int kMaxActorReads = 10;

// A UTC time from the filter form: RFC 3339, or the shorter forms a person
// types, "2026-03-10", "2026-03-10 14:00" and "2026-03-10T14:00:05", read as UTC.
core::Result<std::optional<core::TimePoint>> ParseUtcInput(std::string text,
                                                           std::string_view field) {
  if (text.empty()) return std::optional<core::TimePoint>();
  if (text.size() > 10 && text[10] == ' ') text[10] = 'T';
  if (text.size() == 10) {
    text += "T00:00:00Z";
  } else if (text.size() == 16) {
    text += ":00Z";
  } else if (text.size() == 19) {
    text += "Z";
  }
  auto t = config::ParseRfc3339(text);
  if (!t) {
    return core::Error::InvalidArgument(
        std::string(field) + " must be a UTC time such as 2026-03-10 14:00, or RFC 3339");
  }
  return std::optional<core::TimePoint>(*t);
}

// "user:alice" matches that actor; "alice" any actor named alice.
bool ActorMatches(const core::Actor& actor, const std::string& filter) {
  if (filter.find(':') != std::string::npos) return actor.ToString() == filter;
  return actor.name == filter;
}

// Top-level keys whose values differ, when both sides are JSON objects.
std::vector<std::string> ChangedKeys(const std::string& before_text,
                                     const std::string& after_text) {
  std::vector<std::string> keys;
  boost::system::error_code ec_before;
  boost::system::error_code ec_after;
  const boost::json::value before = boost::json::parse(before_text, ec_before);
  const boost::json::value after = boost::json::parse(after_text, ec_after);
  if (ec_before || ec_after || !before.is_object() || !after.is_object()) return keys;
  const boost::json::object& b = before.get_object();
  const boost::json::object& a = after.get_object();
  for (const auto& kv : b) {
    const boost::json::value* other = a.if_contains(kv.key());
    if (other == nullptr || *other != kv.value()) keys.emplace_back(kv.key());
  }
  for (const auto& kv : a) {
    if (!b.contains(kv.key())) keys.emplace_back(kv.key());
  }
  return keys;
}

ui::AuditRow RowOf(core::AuditEvent& e) {
  ui::AuditRow row;
  row.id = e.id;
  row.at = e.at;
  row.actor_href = Href("/audit", {{"actor", e.actor.ToString()}}, "log");
  row.entity_href =
      Href("/audit", {{"entity_type", e.entity_type}, {"entity_id", e.entity_id}}, "log");
  row.changed = ChangedKeys(e.before_json, e.after_json);
  row.actor_kind = std::move(e.actor.kind);
  row.actor_name = std::move(e.actor.name);
  row.action = std::move(e.action);
  row.entity_type = std::move(e.entity_type);
  row.entity_id = std::move(e.entity_id);
  row.request_id = std::move(e.request_id);
  row.before_json = std::move(e.before_json);
  row.after_json = std::move(e.after_json);
  return row;
}

struct Found {
  std::vector<core::AuditEvent> events;
  std::optional<std::string> next;
  bool cut_short = false;  // the actor filter stopped before filling the page
  int examined = 0;
};

// One page of the log: straight from the store, or, with an actor filter,
// collected over up to kMaxActorReads reads that each end on a store cursor.
core::Result<Found> FindEntries(store::AuditStore& audit, store::AuditQuery query,
                                const std::string& actor) {
  Found found;
  if (actor.empty()) {
    auto page = audit.List(query);
    if (!page) return page.error();
    found.events = std::move(page->items);
    found.next = std::move(page->next);
    return found;
  }
  const int wanted = query.limit;
  for (int reads = 0; reads < kMaxActorReads; ++reads) {
    query.limit = wanted - static_cast<int>(found.events.size());
    auto page = audit.List(query);
    if (!page) return page.error();
    found.examined += static_cast<int>(page->items.size());
    for (core::AuditEvent& e : page->items) {
      if (ActorMatches(e.actor, actor)) found.events.push_back(std::move(e));
    }
    found.next = std::move(page->next);
    if (!found.next || static_cast<int>(found.events.size()) >= wanted) return found;
    query.cursor = found.next;
  }
  found.cut_short = true;
  return found;
}

Response AuditLogPage(RequestContext& ctx, const Services& services) {
  ui::AuditLogModel model;
  model.shell = ShellFor(services, ctx.principal);
  ListQuery q = ReadListQuery(ctx.query);
  ui::AuditFilters& f = model.filters;
  f.actor = Param(q.params, "actor");
  f.action = Param(q.params, "action");
  f.entity_type = Param(q.params, "entity_type");
  f.entity_id = Param(q.params, "entity_id");
  f.from = Param(q.params, "from");
  f.to = Param(q.params, "to");
  model.filtered = !f.actor.empty() || !f.action.empty() || !f.entity_type.empty() ||
                   !f.entity_id.empty() || !f.from.empty() || !f.to.empty();

  store::AuditQuery query;
  query.limit = q.limit;
  query.cursor = Optional(q.cursor);
  query.action = Optional(f.action);
  query.entity_type = Optional(f.entity_type);
  query.entity_id = Optional(f.entity_id);
  if (q.error.empty()) {
    auto from = ParseUtcInput(f.from, "From");
    auto to = ParseUtcInput(f.to, "Before");
    if (!from) {
      q.error = from.error().message;
    } else if (!to) {
      q.error = to.error().message;
    } else {
      query.from = *from;
      query.to = *to;
    }
  }
  if (q.error.empty()) {
    auto found = FindEntries(services.store->audit(), query, f.actor);
    if (!found && found.error().code != core::ErrorCode::kInvalidArgument) {
      return StoreErrorPage(ctx, found.error(), std::move(model.shell));
    }
    if (!found) {
      q.error = found.error().message;
    } else {
      for (core::AuditEvent& e : found->events) model.entries.push_back(RowOf(e));
      if (found->cut_short) {
        model.partial_note = "Searched " + std::to_string(found->examined) + " entries for actor " +
                             f.actor + "; Older searches further back.";
      }
      model.pager = MakePager("/audit", "log",
                              {{"actor", f.actor},
                               {"action", f.action},
                               {"entity_type", f.entity_type},
                               {"entity_id", f.entity_id},
                               {"from", f.from},
                               {"to", f.to},
                               {"limit", q.limit_param}},
                              q.cursor.empty(), found->next);
    }
  }
  model.error = q.error;
  return HtmlPage(ctx.request, ListStatus(model.error), ui::RenderAuditLog(model));
}

}  // namespace

void AddAuditLogPageRoutes(Router& router, const Services& services) {
  // The same readers as GET /api/v1/audit: any role, or anonymous with
  // auth.anonymous_read.
  router.Add({beast_http::verb::get, "/audit", "ui:audit", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return AuditLogPage(ctx, services); }});
}

}  // namespace opsdeck::http
