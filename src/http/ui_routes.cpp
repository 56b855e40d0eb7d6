// The web UI: pages rendered server-side (http/ui/), static assets embedded in
// the binary with ETags, and the 404/405 fallback. Pages that read the store
// (the overview and the pipeline pages) run on the database executor.
#include <boost/beast/core/string.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <map>
#include <optional>
#include <utility>
#include <variant>

#include "http/responses.h"
#include "http/routes.h"
#include "http/badges.h"
#include "http/ui/assets.h"
#include "http/ui/audit_log_pages_route.h"
#include "http/ui/docs_audit_pages_route.h"
#include "http/ui/incident_pages_route.h"
#include "http/ui/notification_page_route.h"
#include "http/ui/overview_page_load.h"
#include "http/ui/pages.h"
#include "http/ui/release_pages_route.h"
#include "http/ui/rollback_pages_route.h"
#include "http/ui/run_pages.h"
#include "http/ui/target_pages_route.h"
#include "http/ui/window_pages_route.h"
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

std::string PipelineHref(std::string_view name) {
  return Href("/pipelines", {{"pipeline", name}}, "runs");
}

// The active pipelines with their last runs, the config naming their source.
core::Result<std::vector<ui::PipelineRow>> PipelineRows(const Services& services,
                                                        const config::Config& cfg) {
  auto pipelines = services.store->runs().ListPipelines();
  if (!pipelines) return pipelines.error();
  auto last = services.store->runs().LastRuns();
  if (!last) return last.error();
  std::map<std::string, core::Run*> by_pipeline;
  for (core::Run& r : *last) by_pipeline[r.pipeline] = &r;
  std::vector<ui::PipelineRow> rows;
  rows.reserve(pipelines->size());
  for (store::PipelineDef& p : *pipelines) {
    ui::PipelineRow row;
    row.runs_href = PipelineHref(p.name);
    for (const config::PipelineConfig& c : cfg.pipelines) {
      if (c.name == p.name) row.source = std::string(config::MatchSourceName(c.match));
    }
    if (auto it = by_pipeline.find(p.name); it != by_pipeline.end()) {
      row.last_run = std::move(*it->second);
    }
    row.name = std::move(p.name);
    row.environment = std::move(p.environment);
    row.is_deploy = p.is_deploy;
    row.owner = std::move(p.owner);
    row.docs_url = std::move(p.docs_url);
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<ui::DeploymentRow> DeploymentRows(std::vector<store::DeploymentRecord> records) {
  std::vector<ui::DeploymentRow> rows;
  rows.reserve(records.size());
  for (store::DeploymentRecord& r : records) {
    rows.push_back(ui::DeploymentRow{r.id, r.run_id, std::move(r.deployment)});
  }
  return rows;
}

std::vector<std::string> EnvironmentNames(const config::Config& cfg) {
  std::vector<std::string> names;
  for (const core::Environment& e : cfg.environments) names.push_back(e.name);
  return names;
}

std::vector<std::string> PipelineNames(const std::vector<ui::PipelineRow>& rows) {
  std::vector<std::string> names;
  for (const ui::PipelineRow& r : rows) names.push_back(r.name);
  return names;
}

// A handful of queries whatever the catalog's size: live deployments,
// pipelines with their last runs, then overview_page::LoadBlocks.
Response OverviewPage(RequestContext& ctx, const Services& services) {
  auto cfg = services.config();
  ui::OverviewModel model;
  model.shell = ShellFor(services, ctx.principal);
  if (services.events != nullptr) model.shell.stream_url = "/api/v1/stream";
  model.now = services.clock->Now();
  model.now_rfc3339 = core::FormatRfc3339(model.now);
  model.environments = ui::EnvironmentCards(cfg->environments);
  auto live = services.store->runs().LiveDeployments();
  if (!live) return StoreErrorPage(ctx, live.error(), std::move(model.shell));
  model.live = DeploymentRows(std::move(*live));
  auto pipelines = PipelineRows(services, *cfg);
  if (!pipelines) return StoreErrorPage(ctx, pipelines.error(), std::move(model.shell));
  model.pipelines = std::move(*pipelines);
  auto more = overview_page::LoadBlocks(services, *cfg, model);
  if (!more) return StoreErrorPage(ctx, more.error(), std::move(model.shell));
  return HtmlPage(ctx.request, beast_http::status::ok, ui::RenderOverview(model));
}

Response PipelinesPage(RequestContext& ctx, const Services& services) {
  auto cfg = services.config();
  ui::PipelinesModel model;
  model.shell = ShellFor(services, ctx.principal);
  auto rows = PipelineRows(services, *cfg);
  if (!rows) return StoreErrorPage(ctx, rows.error(), std::move(model.shell));
  model.pipelines = std::move(*rows);

  ListQuery q = ReadListQuery(ctx.query);
  const std::string environment = Param(q.params, "environment");
  const std::string pipeline = Param(q.params, "pipeline");
  const std::string status = Param(q.params, "status");
  store::RunQuery query;
  query.limit = q.limit;
  query.cursor = Optional(q.cursor);
  query.environment = Optional(environment);
  query.pipeline = Optional(pipeline);
  if (!status.empty()) {
    query.status = core::ParseRunStatus(status);
    if (!query.status) {
      q.error = "status must be one of queued, running, succeeded, failed, canceled, superseded";
    }
  }
  std::vector<std::string> statuses;
  for (auto s :
       {core::RunStatus::kQueued, core::RunStatus::kRunning, core::RunStatus::kSucceeded,
        core::RunStatus::kFailed, core::RunStatus::kCanceled, core::RunStatus::kSuperseded}) {
    statuses.emplace_back(core::RunStatusName(s));
  }
  model.filters = {{"environment", "Environment", environment, EnvironmentNames(*cfg)},
                   {"pipeline", "Pipeline", pipeline, PipelineNames(model.pipelines)},
                   {"status", "Status", status, std::move(statuses)}};
  model.filtered = !environment.empty() || !pipeline.empty() || !status.empty();
  if (q.error.empty()) {
    auto page = services.store->runs().ListRuns(query);
    if (!page && page.error().code != core::ErrorCode::kInvalidArgument) {
      return StoreErrorPage(ctx, page.error(), std::move(model.shell));
    }
    if (!page) {
      q.error = page.error().message;
    } else {
      model.runs = std::move(page->items);
      model.pager = MakePager("/pipelines", "runs",
                              {{"environment", environment},
                               {"pipeline", pipeline},
                               {"status", status},
                               {"limit", q.limit_param}},
                              q.cursor.empty(), page->next);
    }
  }
  model.error = q.error;
  return HtmlPage(ctx.request, ListStatus(model.error), ui::RenderPipelines(model));
}

Response RunPage(RequestContext& ctx, const Services& services) {
  const std::string& text = ctx.params["id"];
  int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  std::optional<core::Run> run;
  if (ec == std::errc() && end == text.data() + text.size() && id > 0) {
    auto found = services.store->runs().GetRun(id);
    if (!found) return StoreErrorPage(ctx, found.error(), ShellFor(services, ctx.principal));
    run = std::move(*found);
  }
  if (!run) {
    ui::ProblemModel problem;
    problem.shell = ShellFor(services, ctx.principal);
    problem.title = "Run not found";
    problem.heading = "Run not found";
    problem.detail = "There is no run with id " + ui::internal::Shorten(text, 40) + ".";
    problem.back_href = "/pipelines";
    problem.back_label = "Back to pipelines";
    problem.back_icon = "pipeline";
    return HtmlPage(ctx.request, beast_http::status::not_found, ui::RenderProblem(problem));
  }
  ui::RunModel model;
  model.shell = ShellFor(services, ctx.principal);
  model.now = services.clock->Now();
  model.pipeline_href = PipelineHref(run->pipeline);
  model.run = std::move(*run);
  return HtmlPage(ctx.request, beast_http::status::ok, ui::RenderRun(model));
}

Response DeploymentsPage(RequestContext& ctx, const Services& services) {
  auto cfg = services.config();
  ui::DeploymentsModel model;
  model.shell = ShellFor(services, ctx.principal);
  auto live = services.store->runs().LiveDeployments();
  if (!live) return StoreErrorPage(ctx, live.error(), std::move(model.shell));
  model.live = DeploymentRows(std::move(*live));
  auto pipelines = services.store->runs().ListPipelines();
  if (!pipelines) return StoreErrorPage(ctx, pipelines.error(), std::move(model.shell));
  std::vector<std::string> deploy_pipelines;
  for (const store::PipelineDef& p : *pipelines) {
    if (p.is_deploy) deploy_pipelines.push_back(p.name);
  }

  ListQuery q = ReadListQuery(ctx.query);
  const std::string environment = Param(q.params, "environment");
  const std::string pipeline = Param(q.params, "pipeline");
  store::DeploymentQuery query;
  query.limit = q.limit;
  query.cursor = Optional(q.cursor);
  query.environment = Optional(environment);
  query.pipeline = Optional(pipeline);
  model.filters = {{"environment", "Environment", environment, EnvironmentNames(*cfg)},
                   {"pipeline", "Pipeline", pipeline, std::move(deploy_pipelines)}};
  model.filtered = !environment.empty() || !pipeline.empty();
  if (q.error.empty()) {
    auto page = services.store->runs().ListDeployments(query);
    if (!page && page.error().code != core::ErrorCode::kInvalidArgument) {
      return StoreErrorPage(ctx, page.error(), std::move(model.shell));
    }
    if (!page) {
      q.error = page.error().message;
    } else {
      model.deployments = DeploymentRows(std::move(page->items));
      model.pager = MakePager(
          "/deployments", "history",
          {{"environment", environment}, {"pipeline", pipeline}, {"limit", q.limit_param}},
          q.cursor.empty(), page->next);
    }
  }
  model.error = q.error;
  return HtmlPage(ctx.request, ListStatus(model.error), ui::RenderDeployments(model));
}

// The match keys of an unmatched event (a JSON object as text) as pairs;
// values that are not strings are shown as JSON.
std::vector<std::pair<std::string, std::string>> MatchKeys(const std::string& json_text) {
  std::vector<std::pair<std::string, std::string>> keys;
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(json_text, ec);
  if (ec || !v.is_object()) return keys;
  for (const auto& kv : v.get_object()) {
    const boost::json::string* s = kv.value().if_string();
    keys.emplace_back(std::string(kv.key()),
                      s != nullptr ? std::string(*s) : boost::json::serialize(kv.value()));
  }
  return keys;
}

Response UnmatchedPage(RequestContext& ctx, const Services& services) {
  ui::UnmatchedModel model;
  model.shell = ShellFor(services, ctx.principal);
  ListQuery q = ReadListQuery(ctx.query);
  const std::string source = Param(q.params, "source");
  store::UnmatchedQuery query;
  query.limit = q.limit;
  query.cursor = Optional(q.cursor);
  query.source = Optional(source);
  std::vector<std::string> sources;
  for (auto k : {core::SourceKind::kGithub, core::SourceKind::kGitlab,
                 core::SourceKind::kCodePipeline, core::SourceKind::kGeneric}) {
    sources.emplace_back(core::SourceKindName(k));
  }
  model.filters = {{"source", "Source", source, std::move(sources)}};
  model.filtered = !source.empty();
  if (q.error.empty()) {
    auto page = services.store->runs().ListUnmatched(query);
    if (!page && page.error().code != core::ErrorCode::kInvalidArgument) {
      return StoreErrorPage(ctx, page.error(), std::move(model.shell));
    }
    if (!page) {
      q.error = page.error().message;
    } else {
      for (store::UnmatchedRecord& r : page->items) {
        model.events.push_back(
            ui::UnmatchedRow{r.id, std::move(r.event.source), std::move(r.event.event_type),
                             std::move(r.event.external_id), std::move(r.event.reason),
                             MatchKeys(r.event.summary_json), r.received_at});
      }
      model.pager =
          MakePager("/unmatched", "events", {{"source", source}, {"limit", q.limit_param}},
                    q.cursor.empty(), page->next);
    }
  }
  model.error = q.error;
  return HtmlPage(ctx.request, ListStatus(model.error), ui::RenderUnmatched(model));
}

bool ApiPath(std::string_view path) {
  return path.starts_with("/api/") || path.starts_with("/hooks/") || path == "/api";
}

}  // namespace

void AddUiRoutes(Router& router, const Services& services) {
  const auto get = beast_http::verb::get;
  // Every page that reads the store runs on the database executor.
  router.Add({get, "/", "ui:overview", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return OverviewPage(ctx, services); }});
  router.Add({get, "/pipelines", "ui:pipelines", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return PipelinesPage(ctx, services); }});
  router.Add({get, "/runs/{id}", "ui:run", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return RunPage(ctx, services); }});
  router.Add({get, "/deployments", "ui:deployments", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return DeploymentsPage(ctx, services); }});
  router.Add({get, "/unmatched", "ui:unmatched", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return UnmatchedPage(ctx, services); }});
  AddNotificationPageRoute(router, services);  // /notifications
  AddTargetPageRoutes(router, services);       // /targets, /targets/{name}
  AddIncidentPageRoutes(router, services);     // /incidents, /incidents/{id}
  AddReleasePageRoutes(router, services);      // /releases, /releases/{id}
  AddWindowPageRoutes(router, services);       // /windows
  AddRollbackPageRoutes(router, services);     // /rollbacks
  AddDocsAuditPageRoutes(router, services);    // /docs-audit
  AddAuditLogPageRoutes(router, services);     // /audit
  AddBadgeRoutes(router, services);            // /badge/...

  router.Add({beast_http::verb::get, "/static/*", "ui:static", Access::Public(), Exec::kInline,
              [](RequestContext& ctx) {
                const ui::StaticReply r =
                    ui::ServeStatic(ctx.path, ctx.request[beast_http::field::if_none_match]);
                if (r.status == 404 || r.asset == nullptr) {
                  return ErrorResponse(ctx.request, beast_http::status::not_found, "not_found",
                                       "no such asset");
                }
                Response res;
                if (r.status == 304) {
                  res = Response{beast_http::status::not_modified, ctx.request.version()};
                  res.keep_alive(ctx.request.keep_alive());
                } else {
                  res = MakeResponse(ctx.request, beast_http::status::ok,
                                     std::string(r.asset->body), r.asset->content_type);
                }
                res.set(beast_http::field::etag, r.asset->etag);
                res.set(beast_http::field::cache_control, r.cache_control);
                return res;
              }});
}

std::function<Response(RequestContext&, const std::string&)> NotFoundHandlerFor(
    const Services& services) {
  return [&services](RequestContext& ctx, const std::string& allow) {
    return NotFound(ctx, allow, services);
  };
}

ui::ShellModel ShellFor(const Services& services, const core::Principal& who) {
  ui::ShellModel shell;
  shell.product_version = services.build.version;
  shell.storage_backend = std::string(services.store->Backend());
  shell.signed_in = who.authenticated();
  if (shell.signed_in) {
    shell.user_name = who.name;
    shell.user_role = std::string(core::RoleName(who.role));
    shell.csrf_token = who.csrf_token;
  }
  return shell;
}

Response NotFound(RequestContext& ctx, const std::string& allow, const Services& services) {
  if (!allow.empty()) {
    Response res = ErrorResponse(ctx.request, beast_http::status::method_not_allowed,
                                 "method_not_allowed", "method not allowed; allowed: " + allow);
    res.set(beast_http::field::allow, allow);
    return res;
  }
  if (ApiPath(ctx.path)) {
    return ErrorResponse(ctx.request, beast_http::status::not_found, "not_found",
                         "no such endpoint");
  }
  return HtmlPage(ctx.request, beast_http::status::not_found,
                  ui::RenderNotFound(ctx.path, ShellFor(services, ctx.principal)));
}

}  // namespace opsdeck::http
