// Maintenance windows: checks keep running and results are recorded, but
// covered targets show `maintenance` and raise no alerts.
//   GET    /api/v1/maintenance        one-off windows not yet ended (soonest first) in
//                                     `items`; the config's recurring windows, with the
//                                     occurrence now or next, in `recurring`
//   POST   /api/v1/maintenance        devops, admin: {name, environments, targets, tags,
//                                     starts_at (default now), ends_at}
//   DELETE /api/v1/maintenance/{id}   devops, admin: ends a one-off window now
// A target is covered when it matches every non-empty list (as config's select).
#include <boost/json.hpp>

#include "http/api/api_routes.h"
#include "http/api/health_json.h"
#include "http/api/json_body.h"
#include "http/responses.h"
#include "ingest/time_parse.h"

namespace opsdeck::http {
namespace {

namespace json = boost::json;

constexpr size_t kMaxNameBytes = 200;

core::Result<std::vector<std::string>> StringList(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return out;
  const json::array* list = it->value().if_array();
  const std::string where = "/" + std::string(key);
  if (list == nullptr) return core::Error::InvalidArgument("must be an array of strings", where);
  for (size_t i = 0; i < list->size(); ++i) {
    const json::string* s = (*list)[i].if_string();
    if (s == nullptr || s->empty()) {
      return core::Error::InvalidArgument("must be a non-empty string", where + "/" + std::to_string(i));
    }
    out.emplace_back(*s);
  }
  return out;
}

core::Result<std::optional<core::TimePoint>> TimeField(const json::object& o, std::string_view key) {
  auto text = OptionalString(o, key);
  if (!text) return text.error();
  if (!*text) return std::optional<core::TimePoint>();
  auto t = ingest::ParseRfc3339(**text);
  if (!t) {
    return core::Error::InvalidArgument("must be an RFC 3339 time such as 2026-11-29T12:00:00Z",
                                        "/" + std::string(key));
  }
  return std::optional<core::TimePoint>(*t);
}

// Everything checked before anything is stored.
core::Result<store::MaintenanceWindow> ReadWindow(std::string_view text, const config::Config& cfg,
                                                  core::TimePoint now) {
  auto body = ParseJsonObject(text, {"name", "environments", "targets", "tags", "starts_at",
                                     "ends_at"});
  if (!body) return body.error();
  store::MaintenanceWindow w;
  auto name = OptionalString(*body, "name");
  if (!name) return name.error();
  if (!*name || (*name)->empty() || (*name)->size() > kMaxNameBytes) {
    return core::Error::InvalidArgument("name is required (at most 200 bytes)", "/name");
  }
  w.name = **name;
  for (auto [key, out] : {std::pair{"environments", &w.environments},
                          std::pair{"targets", &w.targets}, std::pair{"tags", &w.tags}}) {
    auto list = StringList(*body, key);
    if (!list) return list.error();
    *out = std::move(*list);
  }
  for (size_t i = 0; i < w.environments.size(); ++i) {
    if (cfg.FindEnvironment(w.environments[i]) == nullptr) {
      return core::Error::InvalidArgument("no environment " + w.environments[i],
                                          "/environments/" + std::to_string(i));
    }
  }
  for (size_t i = 0; i < w.targets.size(); ++i) {
    if (cfg.FindTarget(w.targets[i]) == nullptr) {
      return core::Error::InvalidArgument("no target " + w.targets[i],
                                          "/targets/" + std::to_string(i));
    }
  }
  if (w.environments.empty() && w.targets.empty() && w.tags.empty()) {
    return core::Error::InvalidArgument("select at least one of environments, targets, tags",
                                        "/environments");
  }
  auto starts = TimeField(*body, "starts_at");
  if (!starts) return starts.error();
  auto ends = TimeField(*body, "ends_at");
  if (!ends) return ends.error();
  if (!*ends) return core::Error::InvalidArgument("ends_at is required", "/ends_at");
  w.starts_at = starts->value_or(now);
  w.ends_at = **ends;
  if (w.ends_at <= w.starts_at) {
    return core::Error::InvalidArgument("ends_at must be after starts_at", "/ends_at");
  }
  if (w.ends_at <= now) return core::Error::InvalidArgument("ends_at is in the past", "/ends_at");
  return w;
}

json::object RecurringJson(const config::MaintenanceConfig& m, const Services& services,
                           core::TimePoint now) {
  json::object o;
  o["name"] = m.name;
  o["environments"] = Strings(m.select.environments);
  o["targets"] = Strings(m.select.targets);
  o["tags"] = Strings(m.select.tags);
  o["schedule"] = m.schedule;
  o["duration_ms"] = m.duration.count();
  o["timezone"] = m.timezone;
  std::optional<MaintenanceOccurrence> when;
  if (services.maintenance_occurrence) when = services.maintenance_occurrence(m, now);
  o["starts_at"] = when ? json::value(core::FormatRfc3339(when->starts_at)) : json::value(nullptr);
  o["ends_at"] = when ? json::value(core::FormatRfc3339(when->ends_at)) : json::value(nullptr);
  o["active"] = when && when->starts_at <= now && now < when->ends_at;
  return o;
}

void Publish(const Services& services, std::string_view change, int64_t id) {
  if (services.events == nullptr) return;
  json::object o;
  o["id"] = id;
  o["change"] = change;
  services.events->Publish("maintenance.updated", json::serialize(o));
}

Response ListMaintenance(RequestContext& ctx, const Services& services) {
  const core::TimePoint now = services.clock->Now();
  auto windows = services.store->health().ListMaintenance(now);
  if (!windows) return ErrorResponse(ctx.request, windows.error());
  json::array items;
  for (const auto& w : *windows) items.push_back(MaintenanceJson(w, now));
  json::array recurring;
  for (const auto& m : services.config()->maintenance) {
    recurring.push_back(RecurringJson(m, services, now));
  }
  json::object body;
  body["items"] = std::move(items);
  body["next"] = nullptr;
  body["recurring"] = std::move(recurring);
  return JsonResponse(ctx.request, beast_http::status::ok, body);
}

Response CreateMaintenance(RequestContext& ctx, const Services& services) {
  const core::TimePoint now = services.clock->Now();
  auto window = ReadWindow(ctx.request.body(), *services.config(), now);
  if (!window) return ErrorResponse(ctx.request, window.error());
  auto created = services.store->health().CreateMaintenance(*window, ctx.principal.ToActor(),
                                                            ctx.request_id);
  if (!created) return ErrorResponse(ctx.request, created.error());
  Publish(services, "created", created->id);
  return JsonResponse(ctx.request, beast_http::status::created, MaintenanceJson(*created, now));
}

Response EndMaintenance(RequestContext& ctx, const Services& services) {
  auto id = PathId(ctx.params["id"], "maintenance window");
  if (!id) return ErrorResponse(ctx.request, id.error());
  const core::TimePoint now = services.clock->Now();
  auto ended = services.store->health().EndMaintenance(*id, now, ctx.principal.ToActor(),
                                                       ctx.request_id);
  if (!ended) return ErrorResponse(ctx.request, ended.error());
  Publish(services, "ended", *id);
  json::object body;
  body["id"] = *id;
  body["ended_at"] = core::FormatRfc3339(now);
  return JsonResponse(ctx.request, beast_http::status::ok, body);
}

}  // namespace

void AddMaintenanceRoutes(Router& router, const Services& services) {
  const Access devops = Access::Only({core::Role::kDevops, core::Role::kAdmin});
  router.Add({beast_http::verb::get, "/api/v1/maintenance", "", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return ListMaintenance(ctx, services); }});
  router.Add({beast_http::verb::post, "/api/v1/maintenance", "", devops, Exec::kDatabase,
              [&services](RequestContext& ctx) { return CreateMaintenance(ctx, services); }});
  router.Add({beast_http::verb::delete_, "/api/v1/maintenance/{id}", "", devops, Exec::kDatabase,
              [&services](RequestContext& ctx) { return EndMaintenance(ctx, services); }});
}

}  // namespace opsdeck::http
