// Monitored targets (catalog services and servers) and their history:
//   GET /api/v1/targets                ?environment= &component= &kind= &state= &tag=
//   GET /api/v1/targets/{name}         + each check's latest result, uptime and
//                                      latency over 24h/7d/30d, heartbeat push URLs
//                                      (devops and admin only: the URL is the secret)
//   GET /api/v1/targets/{name}/results ?check= &status=ok|failed &from= &to= &limit= &cursor=
//   GET /api/v1/targets/{name}/series  ?range=24h|7d|30d (minute points for 24h, hours otherwise)
// Uptime and percentiles come from the rollups (HealthStore::Summaries/Series),
// never from scanning raw results.
#include <boost/json.hpp>

#include <charconv>
#include <chrono>

#include "http/api/api_routes.h"
#include "http/api/health_json.h"
#include "http/api/query.h"
#include "http/responses.h"
#include "net/secrets.h"

namespace opsdeck::http {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr core::Duration kDay = 24h;

core::Result<store::TargetQuery> TargetFilters(const std::map<std::string, std::string>& q) {
  store::TargetQuery query;
  query.environment = Get(q, "environment");
  query.component = Get(q, "component");
  query.tag = Get(q, "tag");
  if (auto kind = Get(q, "kind")) {
    if (*kind != "service" && *kind != "server") {
      return core::Error::InvalidArgument("kind must be service or server", "kind");
    }
    query.kind = *kind;
  }
  if (auto state = Get(q, "state")) {
    query.state = core::ParseTargetState(*state);
    if (!query.state) {
      return core::Error::InvalidArgument(
          "state must be one of up, degraded, down, unknown, maintenance", "state");
    }
  }
  return query;
}

Response ListTargets(RequestContext& ctx, const Services& services) {
  auto q = ParseQuery(ctx.query);
  if (!q) return ErrorResponse(ctx.request, q.error());
  auto query = TargetFilters(*q);
  if (!query) return ErrorResponse(ctx.request, query.error());
  store::HealthStore& health = services.store->health();
  auto targets = health.ListTargets(*query);
  if (!targets) return ErrorResponse(ctx.request, targets.error());
  std::vector<std::string> names;
  names.reserve(targets->size());
  for (const auto& t : *targets) names.push_back(t.def.name);
  std::map<std::string, store::RollupSummary> day;
  if (!names.empty()) {
    const core::TimePoint now = services.clock->Now();
    auto summaries = health.Summaries(names, now - kDay, now);
    if (!summaries) return ErrorResponse(ctx.request, summaries.error());
    day = std::move(*summaries);
  }
  json::array items;
  items.reserve(targets->size());
  for (const auto& t : *targets) {
    auto it = day.find(t.def.name);
    items.push_back(TargetJson(t, it == day.end() ? std::nullopt
                                                  : std::optional<store::RollupSummary>(it->second)));
  }
  json::object body;
  body["items"] = std::move(items);
  body["next"] = nullptr;  // the whole catalog: it is config-sized
  return JsonResponse(ctx.request, beast_http::status::ok, body);
}

core::Result<store::TargetRecord> FindTarget(const Services& services, const std::string& name) {
  auto target = services.store->health().GetTarget(name);
  if (!target) return target.error();
  if (!*target) return core::Error::NotFound("no target " + name);
  return std::move(**target);
}

bool MaySeePushUrls(const core::Principal& who) {
  return who.authenticated() &&
         (who.role == core::Role::kDevops || who.role == core::Role::kAdmin);
}

Response GetTarget(RequestContext& ctx, const Services& services) {
  const std::string& name = ctx.params["name"];
  auto target = FindTarget(services, name);
  if (!target) return ErrorResponse(ctx.request, target.error());
  store::HealthStore& health = services.store->health();
  const core::TimePoint now = services.clock->Now();
  json::object windows;
  std::optional<store::RollupSummary> day;
  for (const auto& [label, span] : {std::pair{"24h", kDay}, std::pair{"7d", 7 * kDay},
                                    std::pair{"30d", 30 * kDay}}) {
    auto summaries = health.Summaries({name}, now - span, now);
    if (!summaries) return ErrorResponse(ctx.request, summaries.error());
    auto it = summaries->find(name);
    const store::RollupSummary summary = it == summaries->end() ? store::RollupSummary{} : it->second;
    if (std::string_view(label) == "24h") day = summary;
    windows[label] = SummaryJson(summary);
  }
  if (services.settle_results) services.settle_results(name);
  auto latest = health.LatestResults(name);
  if (!latest) return ErrorResponse(ctx.request, latest.error());
  json::object body = TargetJson(*target, day);
  body["windows"] = std::move(windows);
  const bool push_urls = MaySeePushUrls(ctx.principal);
  const std::string base = services.config()->server.public_url;
  json::array& checks = body["checks"].as_array();
  for (size_t i = 0; i < checks.size(); ++i) {
    json::object& check = checks[i].as_object();
    const store::CheckDef& def = target->def.checks[i];
    check["latest"] = nullptr;
    for (const auto& row : *latest) {
      if (row.key.check == def.index) check["latest"] = ResultJson(row);
    }
    if (def.type != "heartbeat") continue;
    if (!push_urls) {
      check["push_url"] = nullptr;
      continue;
    }
    // Made on first view and kept: the job's URL never changes by itself.
    auto token = health.HeartbeatToken(core::CheckKey{name, def.index}, net::RandomToken());
    if (!token) return ErrorResponse(ctx.request, token.error());
    check["push_url"] = base + "/hooks/heartbeat/" + *token;
  }
  return JsonResponse(ctx.request, beast_http::status::ok, body);
}

core::Result<int> IntParam(const std::map<std::string, std::string>& q, const std::string& key) {
  const std::string& s = q.at(key);
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) {
    return core::Error::InvalidArgument(key + " must be an integer", key);
  }
  return v;
}

Response ListResults(RequestContext& ctx, const Services& services) {
  auto list = ParseListParams(ctx.query);
  if (!list) return ErrorResponse(ctx.request, list.error());
  const auto& q = list->query;
  store::ResultQuery query;
  query.target = ctx.params["name"];
  query.limit = list->limit;
  query.cursor = list->cursor;
  if (q.contains("check")) {
    auto check = IntParam(q, "check");
    if (!check) return ErrorResponse(ctx.request, check.error());
    query.check = *check;
  }
  if (auto status = Get(q, "status")) {
    if (*status != "ok" && *status != "failed") {
      return ErrorResponse(ctx.request,
                           core::Error::InvalidArgument("status must be ok or failed", "status"));
    }
    query.ok = *status == "ok";
  }
  auto from = TimeQuery(q, "from");
  if (!from) return ErrorResponse(ctx.request, from.error());
  auto to = TimeQuery(q, "to");
  if (!to) return ErrorResponse(ctx.request, to.error());
  query.from = *from;
  query.to = *to;
  if (auto target = FindTarget(services, query.target); !target) {
    return ErrorResponse(ctx.request, target.error());
  }
  if (services.settle_results) services.settle_results(query.target);
  auto page = services.store->health().ListResults(query);
  if (!page) return ErrorResponse(ctx.request, page.error());
  json::array items;
  items.reserve(page->items.size());
  for (const auto& row : page->items) items.push_back(ResultJson(row));
  json::object body;
  body["items"] = std::move(items);
  body["next"] = page->next ? json::value(*page->next) : json::value(nullptr);
  return JsonResponse(ctx.request, beast_http::status::ok, body);
}

Response GetSeries(RequestContext& ctx, const Services& services) {
  auto q = ParseQuery(ctx.query);
  if (!q) return ErrorResponse(ctx.request, q.error());
  const std::string range = Get(*q, "range").value_or("24h");
  core::Duration span{};
  store::Resolution resolution = store::Resolution::kHour;
  if (range == "24h") {
    span = kDay;
    resolution = store::Resolution::kMinute;
  } else if (range == "7d") {
    span = 7 * kDay;
  } else if (range == "30d") {
    span = 30 * kDay;
  } else {
    return ErrorResponse(ctx.request,
                         core::Error::InvalidArgument("range must be 24h, 7d or 30d", "range"));
  }
  const std::string& name = ctx.params["name"];
  if (auto target = FindTarget(services, name); !target) {
    return ErrorResponse(ctx.request, target.error());
  }
  const core::TimePoint now = services.clock->Now();
  auto points = services.store->health().Series(name, now - span, now, resolution);
  if (!points) return ErrorResponse(ctx.request, points.error());
  json::array items;
  items.reserve(points->size());
  for (const auto& p : *points) {
    json::object o = SummaryJson(p.summary);
    o["at"] = core::FormatRfc3339(p.at);
    items.push_back(std::move(o));
  }
  json::object body;
  body["target"] = name;
  body["range"] = range;
  body["resolution"] = resolution == store::Resolution::kMinute ? "minute" : "hour";
  body["from"] = core::FormatRfc3339(now - span);
  body["to"] = core::FormatRfc3339(now);
  body["points"] = std::move(items);
  return JsonResponse(ctx.request, beast_http::status::ok, body);
}

}  // namespace

void AddTargetRoutes(Router& router, const Services& services) {
  const auto get = beast_http::verb::get;
  router.Add({get, "/api/v1/targets", "", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return ListTargets(ctx, services); }});
  router.Add({get, "/api/v1/targets/{name}", "", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return GetTarget(ctx, services); }});
  router.Add({get, "/api/v1/targets/{name}/results", "", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return ListResults(ctx, services); }});
  router.Add({get, "/api/v1/targets/{name}/series", "", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return GetSeries(ctx, services); }});
}

}  // namespace opsdeck::http
