// Pipelines, runs, deployments and unmatched events:
//   GET /api/v1/pipelines               the configured pipelines with their last run
//   GET /api/v1/runs                    ?pipeline= &environment= &status= &from= &to= &limit= &cursor=
//   GET /api/v1/runs/{id}               one run with its stage timeline
//   GET /api/v1/deployments             ?environment= &pipeline= &limit= &cursor=
//   GET /api/v1/unmatched               ?source= &limit= &cursor=
#include <boost/json.hpp>

#include <charconv>
#include <map>

#include "http/api/api_routes.h"
#include "http/api/query.h"
#include "http/api/run_json.h"
#include "http/responses.h"
#include "ingest/time_parse.h"

namespace opsdeck::http {
namespace {

namespace json = boost::json;

template <typename T, typename ToJson>
Response PageResponse(const Request& req, const store::Page<T>& page, ToJson&& to_json) {
  json::array items;
  items.reserve(page.items.size());
  for (const auto& item : page.items) items.push_back(to_json(item));
  json::object body;
  body["items"] = std::move(items);
  body["next"] = page.next ? json::value(*page.next) : json::value(nullptr);
  return JsonResponse(req, beast_http::status::ok, body);
}

core::Result<std::optional<core::TimePoint>> TimeParam(const std::map<std::string, std::string>& q,
                                                       const std::string& key) {
  auto v = Get(q, key);
  if (!v) return std::optional<core::TimePoint>();
  auto t = ingest::ParseRfc3339(*v);
  if (!t) {
    return core::Error::InvalidArgument(key + " must be an RFC 3339 time such as 2026-11-29T12:00:00Z",
                                        key);
  }
  return std::optional<core::TimePoint>(*t);
}

Response ListRuns(RequestContext& ctx, const Services& services) {
  auto list = ParseListParams(ctx.query);
  if (!list) return ErrorResponse(ctx.request, list.error());
  const auto* q = &list->query;
  store::RunQuery query;
  query.limit = list->limit;
  query.cursor = list->cursor;
  query.pipeline = Get(*q, "pipeline");
  query.environment = Get(*q, "environment");
  if (auto s = Get(*q, "status")) {
    query.status = core::ParseRunStatus(*s);
    if (!query.status) {
      return ErrorResponse(ctx.request, core::Error::InvalidArgument(
          "status must be one of queued, running, succeeded, failed, canceled, superseded", "status"));
    }
  }
  auto from = TimeParam(*q, "from");
  if (!from) return ErrorResponse(ctx.request, from.error());
  auto to = TimeParam(*q, "to");
  if (!to) return ErrorResponse(ctx.request, to.error());
  query.from = *from;
  query.to = *to;
  auto page = services.store->runs().ListRuns(query);
  if (!page) return ErrorResponse(ctx.request, page.error());
  return PageResponse(ctx.request, *page, [](const core::Run& r) { return RunJson(r, false); });
}

Response GetRun(RequestContext& ctx, const Services& services) {
  const std::string& text = ctx.params["id"];
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return ErrorResponse(ctx.request, core::Error::NotFound("no run " + text));
  }
  auto run = services.store->runs().GetRun(id);
  if (!run) return ErrorResponse(ctx.request, run.error());
  if (!*run) return ErrorResponse(ctx.request, core::Error::NotFound("no run " + text));
  return JsonResponse(ctx.request, beast_http::status::ok, RunJson(**run, true));
}

Response ListPipelines(RequestContext& ctx, const Services& services) {
  auto pipelines = services.store->runs().ListPipelines();
  if (!pipelines) return ErrorResponse(ctx.request, pipelines.error());
  auto last = services.store->runs().LastRuns();
  if (!last) return ErrorResponse(ctx.request, last.error());
  std::map<std::string, const core::Run*> by_pipeline;
  for (const auto& r : *last) by_pipeline[r.pipeline] = &r;
  const auto cfg = services.config();
  std::map<std::string_view, std::string_view> source_of;
  for (const auto& c : cfg->pipelines) source_of[c.name] = config::MatchSourceName(c.match);
  json::array items;
  for (const auto& p : *pipelines) {
    json::object o;
    o["name"] = p.name;
    o["environment"] = p.environment;
    o["kind"] = p.is_deploy ? "deploy" : "build";
    o["owner"] = p.owner.empty() ? json::value(nullptr) : json::value(p.owner);
    o["docs"] = p.docs_url.empty() ? json::value(nullptr) : json::value(p.docs_url);
    if (auto s = source_of.find(p.name); s != source_of.end()) o["source"] = s->second;
    auto it = by_pipeline.find(p.name);
    o["last_run"] = it == by_pipeline.end() ? json::value(nullptr) : json::value(RunJson(*it->second, false));
    items.push_back(std::move(o));
  }
  json::object body;
  body["items"] = std::move(items);
  body["next"] = nullptr;
  return JsonResponse(ctx.request, beast_http::status::ok, body);
}

Response ListDeployments(RequestContext& ctx, const Services& services) {
  auto list = ParseListParams(ctx.query);
  if (!list) return ErrorResponse(ctx.request, list.error());
  const auto* q = &list->query;
  store::DeploymentQuery query;
  query.limit = list->limit;
  query.cursor = list->cursor;
  query.environment = Get(*q, "environment");
  query.pipeline = Get(*q, "pipeline");
  auto page = services.store->runs().ListDeployments(query);
  if (!page) return ErrorResponse(ctx.request, page.error());
  return PageResponse(ctx.request, *page, [](const store::DeploymentRecord& d) { return DeploymentJson(d); });
}

Response ListUnmatched(RequestContext& ctx, const Services& services) {
  auto list = ParseListParams(ctx.query);
  if (!list) return ErrorResponse(ctx.request, list.error());
  const auto* q = &list->query;
  store::UnmatchedQuery query;
  query.limit = list->limit;
  query.cursor = list->cursor;
  query.source = Get(*q, "source");
  auto page = services.store->runs().ListUnmatched(query);
  if (!page) return ErrorResponse(ctx.request, page.error());
  return PageResponse(ctx.request, *page, [](const store::UnmatchedRecord& u) { return UnmatchedJson(u); });
}

}  // namespace

void AddRunRoutes(Router& router, const Services& services) {
  const auto get = beast_http::verb::get;
  router.Add({get, "/api/v1/pipelines", "", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return ListPipelines(ctx, services); }});
  router.Add({get, "/api/v1/runs", "", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return ListRuns(ctx, services); }});
  router.Add({get, "/api/v1/runs/{id}", "", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return GetRun(ctx, services); }});
  router.Add({get, "/api/v1/deployments", "", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return ListDeployments(ctx, services); }});
  router.Add({get, "/api/v1/unmatched", "", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return ListUnmatched(ctx, services); }});
}

}  // namespace opsdeck::http
