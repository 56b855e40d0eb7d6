// GET /targets and /targets/{name}: the health store's targets, statuses,
// rollup summaries, latest and logged results as page models. The list page
// reads every active target once and its 24-hour uptimes once (no query per
// row); the detail page reads one target, its latest results, three window
// summaries, its open incident and one page of results.
#include "http/ui/target_pages_route.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/decode_view.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/pct_string_view.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <map>
#include <utility>

#include "http/routes.h"
#include "http/ui_list_page.h"

namespace opsdeck::http {
namespace target_pages {
namespace {

using namespace std::chrono_literals;
using ui_list::Href;
using ui_list::Param;

constexpr core::TargetState kStatesWorstFirst[] = {
    core::TargetState::kDown, core::TargetState::kDegraded, core::TargetState::kUnknown,
    core::TargetState::kMaintenance, core::TargetState::kUp};

struct Window {
  std::string_view key;
  std::string_view label;
  core::Duration length;
};
constexpr Window kWindows[] = {
    {"24h", "24 hours", 24h}, {"7d", "7 days", 7 * 24h}, {"30d", "30 days", 30 * 24h}};

void AddOption(std::vector<std::string>& options, const std::string& value) {
  if (!value.empty() && std::find(options.begin(), options.end(), value) == options.end()) {
    options.push_back(value);
  }
}

ui::TargetRow RowOf(store::TargetRecord& r) {
  ui::TargetRow row;
  row.href = TargetHref(r.def.name);
  row.name = std::move(r.def.name);
  row.kind = std::move(r.def.kind);
  row.environment = std::move(r.def.environment);
  row.component = std::move(r.def.component);
  row.state = r.status.state;
  row.since = r.status.since;
  row.flapping = r.status.flapping;
  row.reason = std::move(r.status.reason);
  row.incident_id = r.status.incident_id;
  return row;
}

// The `aws:` identifiers (a JSON object) as key/value pairs; values that are
// not strings are shown as JSON. Anything else shows nothing.
std::vector<std::pair<std::string, std::string>> AwsPairs(const std::string& json_text) {
  std::vector<std::pair<std::string, std::string>> pairs;
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(json_text, ec);
  if (ec || !v.is_object()) return pairs;
  for (const auto& kv : v.get_object()) {
    const boost::json::string* s = kv.value().if_string();
    if (s != nullptr && s->empty()) continue;
    pairs.emplace_back(std::string(kv.key()),
                       s != nullptr ? std::string(*s) : boost::json::serialize(kv.value()));
  }
  return pairs;
}

std::string CheckLabel(int index, const std::vector<store::CheckDef>& checks) {
  std::string label = core::IsExternalCheck(index) ? "signal " + std::to_string(-index)
                                                   : "#" + std::to_string(index + 1);
  for (const store::CheckDef& c : checks) {
    if (c.index == index) return label + " " + c.type;
  }
  return label;
}

}  // namespace

std::string TargetHref(std::string_view name) {
  return "/targets/" + boost::urls::encode(name, boost::urls::unreserved_chars);
}

core::Result<ui::TargetsModel> LoadTargets(store::HealthStore& health,
                                           const std::vector<std::string>& environments,
                                           core::TimePoint now, std::string_view query) {
  ui::TargetsModel model;
  ui_list::ListQuery q = ui_list::ReadListQuery(query);
  const std::string environment = Param(q.params, "environment");
  const std::string component = Param(q.params, "component");
  const std::string state_text = Param(q.params, "state");
  const std::string kind = Param(q.params, "kind");
  std::optional<core::TargetState> state;
  if (!state_text.empty()) {
    state = core::ParseTargetState(state_text);
    if (!state && q.error.empty()) {
      q.error = "state must be one of up, degraded, down, unknown, maintenance";
    }
  }
  if (!kind.empty() && kind != "service" && kind != "server" && q.error.empty()) {
    q.error = "kind must be service or server";
  }

  auto all = health.ListTargets({});
  if (!all) return all.error();
  auto uptimes = health.Summaries({}, now - 24h, now);
  if (!uptimes) return uptimes.error();

  std::vector<std::string> environment_options = environments;
  std::vector<std::string> component_options;
  std::map<core::TargetState, int> counts;
  for (store::TargetRecord& r : *all) {
    AddOption(environment_options, r.def.environment);
    AddOption(component_options, r.def.component);
    if (!q.error.empty()) continue;
    if ((!environment.empty() && r.def.environment != environment) ||
        (!component.empty() && r.def.component != component) ||
        (!kind.empty() && r.def.kind != kind)) {
      continue;
    }
    ++model.total;
    ++counts[r.status.state];
    if (state && r.status.state != *state) continue;
    ui::TargetRow row = RowOf(r);
    if (auto it = uptimes->find(row.name); it != uptimes->end())
      row.uptime_24h = it->second.Uptime();
    model.targets.push_back(std::move(row));
  }
  std::stable_sort(model.targets.begin(), model.targets.end(),
                   [](const ui::TargetRow& a, const ui::TargetRow& b) {
                     return core::TargetStateRank(a.state) > core::TargetStateRank(b.state);
                   });

  std::vector<std::string> state_options;
  for (core::TargetState s : kStatesWorstFirst) {
    state_options.emplace_back(core::TargetStateName(s));
    const bool selected = state == s;
    // A count links to its state (keeping the other filters); the selected one
    // links back to all states.
    const std::string_view name = selected ? std::string_view() : core::TargetStateName(s);
    model.counts.push_back(ui::StateCount{s, counts[s],
                                          Href("/targets",
                                               {{"environment", environment},
                                                {"component", component},
                                                {"state", name},
                                                {"kind", kind}},
                                               "list"),
                                          selected});
  }
  model.filters = {{"environment", "Environment", environment, std::move(environment_options)},
                   {"component", "Component", component, std::move(component_options)},
                   {"state", "State", state_text, std::move(state_options)},
                   {"kind", "Kind", kind, {"service", "server"}}};
  model.filtered =
      !environment.empty() || !component.empty() || !state_text.empty() || !kind.empty();
  model.error = std::move(q.error);
  return model;
}

core::Result<std::optional<ui::TargetModel>> LoadTarget(store::HealthStore& health,
                                                        std::string_view name, core::TimePoint now,
                                                        std::string_view query) {
  auto found = health.GetTarget(name);
  if (!found) return found.error();
  if (!found->has_value()) return std::optional<ui::TargetModel>();
  store::TargetRecord& record = **found;
  const std::vector<store::CheckDef> check_defs = record.def.checks;

  ui::TargetModel model;
  model.owner = std::move(record.def.owner);
  model.docs = std::move(record.def.docs);
  model.runbook = std::move(record.def.runbook);
  model.tags = std::move(record.def.tags);
  for (const std::string& dep : record.def.depends_on) {
    model.depends_on.push_back(ui::NamedLink{dep, TargetHref(dep), false});
  }
  model.aws = AwsPairs(record.def.aws_json);
  const std::optional<int64_t> incident_id = record.status.incident_id;
  model.target = RowOf(record);

  auto latest = health.LatestResults(model.target.name);
  if (!latest) return latest.error();
  for (const store::CheckDef& c : check_defs) {
    ui::CheckView check{c.index, c.type, c.summary, c.interval_ms, std::nullopt};
    for (store::ResultRow& r : *latest) {
      if (r.key.check == c.index) check.latest = std::move(r.result);
    }
    model.checks.push_back(std::move(check));
  }

  for (const Window& w : kWindows) {
    auto summaries = health.Summaries({model.target.name}, now - w.length, now);
    if (!summaries) return summaries.error();
    ui::WindowStats stats{std::string(w.key), std::string(w.label)};
    if (auto it = summaries->find(model.target.name); it != summaries->end()) {
      const store::RollupSummary& s = it->second;
      stats.count = s.count;
      stats.failures = s.failures;
      stats.uptime = s.Uptime();
      stats.p50 = s.latency.Quantile(0.50);
      stats.p95 = s.latency.Quantile(0.95);
      stats.p99 = s.latency.Quantile(0.99);
      if (w.key == "24h") model.target.uptime_24h = stats.uptime;
    }
    model.windows.push_back(std::move(stats));
  }

  if (incident_id) {
    auto incident = health.GetIncident(*incident_id);
    if (!incident) return incident.error();
    if (*incident && !(*incident)->ended_at) {
      const store::Incident& inc = **incident;
      model.open_incident =
          ui::OpenIncidentView{inc.id, inc.started_at, inc.cause, !inc.acknowledged_by.empty()};
    }
  }

  ui_list::ListQuery q = ui_list::ReadListQuery(query);
  std::string range = Param(q.params, "range");
  if (std::none_of(std::begin(kWindows), std::end(kWindows),
                   [&range](const Window& w) { return w.key == range; })) {
    range = "24h";
  }
  const std::string status = Param(q.params, "status");
  const std::string self = model.target.href;
  for (const Window& w : kWindows) {
    model.ranges.push_back(ui::NamedLink{
        std::string(w.label), Href(self, {{"range", w.key}, {"status", status}}, "history"),
        w.key == range});
  }
  model.range = range;
  model.series_url = "/api/v1" + self + "/series";

  store::ResultQuery results;
  results.target = model.target.name;
  results.limit = q.limit;
  results.cursor = ui_list::Optional(q.cursor);
  if (status == "ok" || status == "failed") {
    results.ok = status == "ok";
  } else if (!status.empty() && q.error.empty()) {
    q.error = "status must be ok or failed";
  }
  model.result_filters = {{"status", "Result", status, {"ok", "failed"}}};
  model.results_filtered = !status.empty();
  if (q.error.empty()) {
    auto page = health.ListResults(results);
    if (!page && page.error().code != core::ErrorCode::kInvalidArgument) return page.error();
    if (!page) {
      q.error = page.error().message;
    } else {
      for (store::ResultRow& r : page->items) {
        model.results.push_back(ui::ResultView{
            r.id, r.key.check, CheckLabel(r.key.check, check_defs), std::move(r.result)});
      }
      model.pager = ui_list::MakePager(
          self, "results",
          {{"status", status}, {"range", range == "24h" ? "" : range}, {"limit", q.limit_param}},
          q.cursor.empty(), page->next);
    }
  }
  model.results_error = std::move(q.error);
  return std::optional<ui::TargetModel>(std::move(model));
}

}  // namespace target_pages

namespace {

using ui_list::HtmlPage;
using ui_list::StoreErrorPage;

Response TargetsPage(RequestContext& ctx, const Services& services) {
  auto cfg = services.config();
  std::vector<std::string> environments;
  for (const core::Environment& e : cfg->environments) environments.push_back(e.name);
  auto model = target_pages::LoadTargets(services.store->health(), environments,
                                         services.clock->Now(), ctx.query);
  if (!model) return StoreErrorPage(ctx, model.error(), ShellFor(services, ctx.principal));
  model->shell = ShellFor(services, ctx.principal);
  return HtmlPage(ctx.request, ui_list::ListStatus(model->error), ui::RenderTargets(*model));
}

Response TargetNotFound(RequestContext& ctx, const Services& services, std::string_view name) {
  ui::ProblemModel problem;
  problem.shell = ShellFor(services, ctx.principal);
  problem.title = "Target not found";
  problem.heading = "Service or server not found";
  problem.detail = "No service or server is named \"" + ui::internal::Shorten(name, 80) + "\".";
  problem.back_href = "/targets";
  problem.back_label = "Back to services & servers";
  problem.back_icon = "server";
  return HtmlPage(ctx.request, beast_http::status::not_found, ui::RenderProblem(problem));
}

Response TargetPage(RequestContext& ctx, const Services& services) {
  const std::string& raw = ctx.params["name"];
  auto encoded = boost::urls::make_pct_string_view(raw);
  if (!encoded) return TargetNotFound(ctx, services, raw);
  std::string name;
  name.reserve(encoded->decoded_size());
  for (const char c : **encoded) name.push_back(c);
  if (services.settle_results) services.settle_results(name);
  auto model =
      target_pages::LoadTarget(services.store->health(), name, services.clock->Now(), ctx.query);
  if (!model) return StoreErrorPage(ctx, model.error(), ShellFor(services, ctx.principal));
  if (!model->has_value()) return TargetNotFound(ctx, services, name);
  ui::TargetModel& page = **model;
  page.shell = ShellFor(services, ctx.principal);
  return HtmlPage(ctx.request, ui_list::ListStatus(page.results_error), ui::RenderTarget(page));
}

}  // namespace

void AddTargetPageRoutes(Router& router, const Services& services) {
  const auto get = beast_http::verb::get;
  router.Add({get, "/targets", "ui:targets", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return TargetsPage(ctx, services); }});
  router.Add({get, "/targets/{name}", "ui:target", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return TargetPage(ctx, services); }});
}

}  // namespace opsdeck::http
