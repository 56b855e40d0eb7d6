// The documentation audit (docs/docs-audit.md, "In the server"), through
// services.docs_audit (503 when it is null):
//   GET    /api/v1/docs-audit                   latest run: coverage, gaps with tickets
//                                               ?environment= &kind= &severity= &subject_kind=
//   GET    /api/v1/docs-audit/gaps              every stored gap, newest first
//                                               ?state=open|fixed &filed=true|false &environment= &kind= &limit= &cursor=
//   POST   /api/v1/docs-audit/run               devops, admin; ?wait=true waits up to 60 s
//   GET    /api/v1/docs-audit/aws-exports       the uploaded exports (no bodies)
//   POST   /api/v1/docs-audit/aws-exports       devops, admin; ?name=ec2.json, body: the export
//   DELETE /api/v1/docs-audit/aws-exports/{name} devops, admin
//   POST   /api/v1/docs-audit/tickets           devops, admin; {"dry_run": true|false}
// Mutations are audited with their actor: uploads and deletes by the store,
// run requests here; filing by the store per ticket.
#include <boost/json.hpp>

#include "http/api/api_routes.h"
#include "http/api/json_body.h"
#include "http/api/query.h"
#include "http/responses.h"
#include "tickets/audit_report.h"
#include "tickets/audit_view.h"
#include "tickets/filer_report.h"

namespace opsdeck::http {
namespace {

namespace json = boost::json;

// The longest POST .../run?wait=true holds its database thread.
constexpr auto kMaxRunWait = std::chrono::seconds(60);

json::value TimeOrNull(const std::optional<core::TimePoint>& t) {
  return t ? json::value(core::FormatRfc3339(*t)) : json::value(nullptr);
}

std::string JiraUrl(const Services& services) {
  const auto config = services.config();
  return config->jira ? config->jira->url : std::string();
}

Response Unwired(RequestContext& ctx) {
  return ErrorResponse(ctx.request,
                       core::Error::Unavailable("the documentation audit is not running"));
}

core::Result<tickets::GapFilter> ParseFilter(const std::map<std::string, std::string>& q) {
  tickets::GapFilter f;
  f.environment = Get(q, "environment");
  f.kind = Get(q, "kind");
  f.severity = Get(q, "severity");
  f.subject_kind = Get(q, "subject_kind");
  if (f.severity && *f.severity != "info" && *f.severity != "warning" &&
      *f.severity != "critical") {
    return core::Error::InvalidArgument("severity must be info, warning or critical", "severity");
  }
  return f;
}

json::object ExportJson(const store::AwsExportRecord& e) {
  json::object o;
  o["name"] = e.name;
  o["commands"] = e.commands;
  o["resources"] = e.resources;
  o["bytes"] = e.bytes;
  o["uploaded_at"] = core::FormatRfc3339(e.uploaded_at);
  o["uploaded_by"] = e.uploaded_by;
  return o;
}

Response Latest(RequestContext& ctx, const Services& services) {
  tickets::AuditDesk& desk = *services.docs_audit;
  auto q = ParseQuery(ctx.query);
  if (!q) return ErrorResponse(ctx.request, q.error());
  auto filter = ParseFilter(*q);
  if (!filter) return ErrorResponse(ctx.request, filter.error());
  const auto latest = desk.Latest();
  json::object body;
  body["running"] = desk.Running();
  body["jira"] = json::object{{"configured", services.config()->jira.has_value()}};
  if (!latest) {
    body["state"] = "pending";  // the first run has not finished
    return JsonResponse(ctx.request, beast_http::status::ok, body);
  }
  auto stored = services.store->docs().OpenGaps();
  if (!stored) return ErrorResponse(ctx.request, stored.error());
  json::object report = tickets::ReportJson(latest->report);
  json::array gaps;
  for (const tickets::GapView& v :
       tickets::ViewGaps(latest->report, *stored, JiraUrl(services), *filter)) {
    json::object g = tickets::GapJson(*v.gap);
    json::array rules;
    for (const auto& r : v.rules) rules.emplace_back(r);
    g["rules"] = std::move(rules);
    g["state"] = v.state;
    g["ticket"] = v.ticket_key.empty() ? json::value(nullptr) : json::value(v.ticket_key);
    g["ticket_url"] = v.ticket_url.empty() ? json::value(nullptr) : json::value(v.ticket_url);
    g["first_seen"] = TimeOrNull(v.first_seen);
    gaps.push_back(std::move(g));
  }
  for (auto& [key, value] : report) body[key] = std::move(value);
  body["gaps"] = std::move(gaps);
  body["state"] = "ready";
  body["sequence"] = latest->sequence;
  body["trigger"] = latest->trigger;
  body["finished_at"] = core::FormatRfc3339(latest->finished_at);
  return JsonResponse(ctx.request, beast_http::status::ok, body);
}

Response ListGaps(RequestContext& ctx, const Services& services) {
  auto list = ParseListParams(ctx.query);
  if (!list) return ErrorResponse(ctx.request, list.error());
  store::GapQuery query;
  query.limit = list->limit;
  query.cursor = list->cursor;
  query.environment = Get(list->query, "environment");
  query.kind = Get(list->query, "kind");
  if (auto state = Get(list->query, "state")) {
    if (*state != "open" && *state != "fixed") {
      return ErrorResponse(ctx.request,
                           core::Error::InvalidArgument("state must be open or fixed", "state"));
    }
    query.open = *state == "open";
  }
  if (auto filed = Get(list->query, "filed")) {
    if (*filed != "true" && *filed != "false") {
      return ErrorResponse(ctx.request,
                           core::Error::InvalidArgument("filed must be true or false", "filed"));
    }
    query.filed = *filed == "true";
  }
  auto page = services.store->docs().ListGaps(query);
  if (!page) return ErrorResponse(ctx.request, page.error());
  const std::string jira_url = JiraUrl(services);
  json::array items;
  for (const store::GapRecord& r : page->items) {
    json::object g;
    g["fingerprint"] = r.fingerprint;
    g["kind"] = r.kind;
    g["subject_kind"] = r.subject_kind;
    g["subject"] = r.subject;
    g["environment"] = r.environment.empty() ? json::value(nullptr) : json::value(r.environment);
    g["summary"] = r.summary;
    g["state"] = r.open() ? "open" : "fixed";
    g["first_seen"] = core::FormatRfc3339(r.first_seen);
    g["last_seen"] = core::FormatRfc3339(r.last_seen);
    g["fixed_at"] = TimeOrNull(r.fixed_at);
    g["ticket"] = r.ticket_key.empty() ? json::value(nullptr) : json::value(r.ticket_key);
    const std::string url = tickets::TicketUrl(jira_url, r.ticket_key);
    g["ticket_url"] = url.empty() ? json::value(nullptr) : json::value(url);
    g["commented_at"] = TimeOrNull(r.commented_at);
    items.push_back(std::move(g));
  }
  json::object body;
  body["items"] = std::move(items);
  body["next"] = page->next ? json::value(*page->next) : json::value(nullptr);
  return JsonResponse(ctx.request, beast_http::status::ok, body);
}

Response Run(RequestContext& ctx, const Services& services) {
  auto q = ParseQuery(ctx.query);
  if (!q) return ErrorResponse(ctx.request, q.error());
  const auto wait = Get(*q, "wait");
  if (wait && *wait != "true" && *wait != "false") {
    return ErrorResponse(ctx.request,
                         core::Error::InvalidArgument("wait must be true or false", "wait"));
  }
  const core::Actor actor = ctx.principal.ToActor();
  const int64_t sequence = services.docs_audit->RequestRun("api");
  // A run changes no stored entity by itself, but who asked for one is
  // worth keeping (gaps it opens or fixes are audited by the store).
  const std::string after = "{\"sequence\":" + std::to_string(sequence) + "}";
  if (auto r = services.store->audit().Record(actor, ctx.request_id, "docs_audit", "run",
                                              "request", "null", after);
      !r) {
    return ErrorResponse(ctx.request, r.error());
  }
  json::object body;
  body["sequence"] = sequence;
  if (wait && *wait == "true") {
    const auto latest = services.docs_audit->WaitFor(sequence, kMaxRunWait);
    const bool done = latest && latest->sequence >= sequence;
    body["done"] = done;
    if (done) {
      body["finished_at"] = core::FormatRfc3339(latest->finished_at);
      body["result"] = latest->report.Passed() ? "pass" : "fail";
      body["gaps"] = latest->report.gaps.size();
      body["failing_gaps"] = latest->report.FailingGaps();
    }
    return JsonResponse(ctx.request, done ? beast_http::status::ok : beast_http::status::accepted,
                        body);
  }
  body["done"] = false;
  return JsonResponse(ctx.request, beast_http::status::accepted, body);
}

Response ListExports(RequestContext& ctx, const Services& services) {
  auto list = services.docs_audit->AwsExports();
  if (!list) return ErrorResponse(ctx.request, list.error());
  json::array items;
  for (const auto& e : *list) items.push_back(ExportJson(e));
  return JsonResponse(ctx.request, beast_http::status::ok, json::object{{"items", std::move(items)}});
}

Response Upload(RequestContext& ctx, const Services& services) {
  auto q = ParseQuery(ctx.query);
  if (!q) return ErrorResponse(ctx.request, q.error());
  const auto name = Get(*q, "name");
  if (!name || name->empty()) {
    return ErrorResponse(ctx.request,
                         core::Error::InvalidArgument(
                             "name the export: POST /api/v1/docs-audit/aws-exports?name=ec2.json "
                             "with the JSON the aws CLI printed as the body",
                             "name"));
  }
  auto stored = services.docs_audit->UploadAwsExport(*name, ctx.request.body(),
                                                     ctx.principal.ToActor(), ctx.request_id);
  if (!stored) return ErrorResponse(ctx.request, stored.error());
  return JsonResponse(ctx.request, beast_http::status::created, ExportJson(*stored));
}

Response DeleteExport(RequestContext& ctx, const Services& services) {
  auto deleted = services.docs_audit->DeleteAwsExport(ctx.params["name"], ctx.principal.ToActor(),
                                                      ctx.request_id);
  if (!deleted) return ErrorResponse(ctx.request, deleted.error());
  return MakeResponse(ctx.request, beast_http::status::no_content, "", "application/json");
}

Response FileTickets(RequestContext& ctx, const Services& services) {
  bool dry_run = false;
  if (!ctx.request.body().empty()) {
    auto body = ParseJsonObject(ctx.request.body(), {"dry_run"});
    if (!body) return ErrorResponse(ctx.request, body.error());
    auto dry = OptionalBool(*body, "dry_run");
    if (!dry) return ErrorResponse(ctx.request, dry.error());
    dry_run = dry->value_or(false);
  }
  auto report = services.docs_audit->FileTickets(dry_run, ctx.principal.ToActor(), ctx.request_id);
  if (!report) return ErrorResponse(ctx.request, report.error());
  json::object body = tickets::FilingReportJson(*report);
  const std::string jira_url = JiraUrl(services);
  for (auto& item : body["items"].as_array()) {
    json::object& o = item.as_object();
    const json::value* key = o.if_contains("ticket");
    const std::string url =
        key && key->is_string() ? tickets::TicketUrl(jira_url, key->as_string()) : std::string();
    o["ticket_url"] = url.empty() ? json::value(nullptr) : json::value(url);
  }
  if (report->stopped) {
    // Jira stopped the filing (credentials, rate limit, unreachable): the
    // caller reached opsdeck fine, so not a 401 of ours but a bad gateway,
    // with what was done before it stopped.
    body["error"] = json::object{{"code", core::ErrorCodeName(report->stopped->code)},
                                 {"message", report->stopped->message}};
    return JsonResponse(ctx.request, beast_http::status::bad_gateway, body);
  }
  return JsonResponse(ctx.request, beast_http::status::ok, body);
}

// Wraps a handler with the 503 for an unwired desk.
Handler Wired(const Services& services, Response (*fn)(RequestContext&, const Services&)) {
  return [&services, fn](RequestContext& ctx) {
    if (services.docs_audit == nullptr) return Unwired(ctx);
    return fn(ctx, services);
  };
}

}  // namespace

void AddDocsAuditRoutes(Router& router, const Services& services) {
  const auto get = beast_http::verb::get;
  const auto post = beast_http::verb::post;
  const auto del = beast_http::verb::delete_;
  const Access devops = Access::Only({core::Role::kDevops, core::Role::kAdmin});
  const std::string base = "/api/v1/docs-audit";
  router.Add({get, base, "", Access::AnyRole(), Exec::kDatabase, Wired(services, Latest)});
  router.Add({get, base + "/gaps", "", Access::AnyRole(), Exec::kDatabase,
              Wired(services, ListGaps)});
  router.Add({post, base + "/run", "", devops, Exec::kDatabase, Wired(services, Run)});
  router.Add({get, base + "/aws-exports", "", Access::AnyRole(), Exec::kDatabase,
              Wired(services, ListExports)});
  router.Add({post, base + "/aws-exports", "", devops, Exec::kDatabase, Wired(services, Upload)});
  router.Add({del, base + "/aws-exports/{name}", "", devops, Exec::kDatabase,
              Wired(services, DeleteExport)});
  router.Add({post, base + "/tickets", "", devops, Exec::kDatabase,
              Wired(services, FileTickets)});
}

}  // namespace opsdeck::http
