// Monitoring webhooks (PRODUCT.md, Webhooks; docs/openapi.yaml):
//
// POST|GET /hooks/heartbeat/{token}[?status=down&msg=...]
//   A job's push: the token is the credential and names one heartbeat check.
//   GET is accepted too, because cron jobs use `curl -fsS URL`. An unknown
//   token is 404, not 401: there is nothing to authenticate against, and a 404
//   tells the job's owner the URL is wrong. The path is logged as its pattern,
//   never with the token. `status=down` (or fail) reports a failure with `msg`.
//   200 once recorded; 503 when monitoring is off or the store is down.
//
// POST /hooks/alertmanager
//   A webhook_config receiver with `authorization: {credentials: <token>}`.
//   Each alert is mapped onto catalog.external alertmanager entries; 200 lists
//   the results and any unmatched alerts, 202 when none matched.
//
// CloudWatch alarm changes arrive at /hooks/aws (hook_routes.cpp) and are
// answered by AnswerAlarm: 200 recorded, 202 ignored (INSUFFICIENT_DATA) or
// unmatched, with the reason.
#include "http/hooks/monitor_hooks.h"

#include <boost/json.hpp>

#include "http/api/query.h"
#include "http/hooks/hook_common.h"
#include "http/responses.h"
#include "ingest/alertmanager_source.h"
#include "net/log.h"

namespace opsdeck::http {
namespace {

namespace json = boost::json;

// Tokens are 43 characters (net::RandomToken); anything much longer is not one.
constexpr size_t kMaxTokenBytes = 128;

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

Response HandleHeartbeat(RequestContext& ctx, const Services& services) {
  const std::string& token = ctx.params["token"];
  auto q = ParseQuery(ctx.query);
  if (!q) return HookError(ctx.request, core::Error::InvalidArgument(q.error().message, "query"));
  bool ok = true;
  if (auto status = Get(*q, "status")) {
    if (*status == "down" || *status == "fail" || *status == "failed") {
      ok = false;
    } else if (*status != "up" && *status != "ok") {
      return HookError(ctx.request,
                       core::Error::InvalidArgument("status must be up or down", "status"));
    }
  }
  const auto unknown = core::Error::NotFound("unknown heartbeat token");
  if (token.size() > kMaxTokenBytes) return HookError(ctx.request, unknown);
  auto key = services.store->health().FindHeartbeat(token);
  if (!key) return ErrorResponse(ctx.request, key.error());
  if (!*key) return HookError(ctx.request, unknown);
  ingest::SignalResult r;
  r.key = **key;
  r.result.at = services.clock->Now();
  r.result.ok = ok;
  if (!ok) {
    r.result.error = "heartbeat: reported down";
    if (auto msg = Get(*q, "msg"); msg && !msg->empty()) r.result.error += ": " + *msg;
  }
  json::object body{{"target", r.key.target}, {"check", r.key.check},
                    {"reported", ok ? "up" : "down"}};
  if (auto stored = SubmitAndWait(services, {std::move(r)}); !stored) {
    return ErrorResponse(ctx.request, stored.error());
  }
  return HookStatus(ctx.request, beast_http::status::ok, "ok", std::move(body));
}

void HandleAlertmanager(RequestContext& ctx, Reply reply, const Services& services) {
  const Request* req = &ctx.request;
  const auto cfg = services.config();
  if (!cfg->sources.alertmanager) {
    reply([req] {
      return ErrorResponse(*req, beast_http::status::not_found, "not_found",
                           "source alertmanager is not configured (sources.alertmanager)");
    });
    return;
  }
  const ingest::AlertmanagerSource source(cfg->sources.alertmanager->token);
  auto parsed = source.Parse(ToDelivery(ctx.request));
  if (!parsed) {
    net::LogInfo("webhook refused", {{"source", "alertmanager"},
                                     {"request_id", ctx.request_id},
                                     {"error", parsed.error().ToString()}});
    auto error = std::make_shared<core::Error>(parsed.error());
    reply([req, error] { return HookError(*req, *error); });
    return;
  }
  ingest::SignalMapping mapping = ingest::MapAlerts(*parsed, cfg->catalog.external,
                                                    services.clock->Now());
  auto body = std::make_shared<json::object>();
  if (!parsed->group_key.empty()) (*body)["group_key"] = parsed->group_key;
  (*body)["truncated_alerts"] = parsed->truncated_alerts;
  (*body)["unmatched"] = [&] {
    json::array names;
    for (const auto& n : mapping.unmatched) names.emplace_back(n);
    return names;
  }();
  if (mapping.results.empty()) {
    (*body)["reason"] = parsed->alerts.empty()
                            ? std::string("the notification carries no alerts")
                            : "no catalog.external alertmanager entry matches: " +
                                  Join(mapping.unmatched);
    reply([req, body] {
      return HookStatus(*req, beast_http::status::accepted, "unmatched", *body);
    });
    return;
  }
  (*body)["results"] = ResultsJson(mapping.results);
  SubmitAll(services, std::move(mapping.results), [req, body, reply](core::Result<void> stored) {
    auto outcome = std::make_shared<core::Result<void>>(std::move(stored));
    reply([req, body, outcome] {
      if (!*outcome) return ErrorResponse(*req, outcome->error());
      return HookStatus(*req, beast_http::status::ok, "accepted", *body);
    });
  });
}

}  // namespace

Response AnswerAlarm(const Request& req, const Services& services, const config::Config& config,
                     const ingest::CloudWatchAlarmChange& change) {
  ingest::SignalMapping mapping = ingest::MapAlarm(change, config.catalog.external,
                                                   services.clock->Now());
  json::object body{{"event", "alarm"}, {"alarm", change.alarm_name}, {"state", change.state}};
  if (!change.delivery_id.empty()) body["delivery"] = change.delivery_id;
  if (!mapping.ignored.empty()) {
    body["reason"] = mapping.ignored;
    return HookStatus(req, beast_http::status::accepted, "ignored", std::move(body));
  }
  if (mapping.results.empty()) {
    body["reason"] = "no catalog.external cloudwatch entry names alarm " + change.alarm_name;
    return HookStatus(req, beast_http::status::accepted, "unmatched", std::move(body));
  }
  body["results"] = ResultsJson(mapping.results);
  if (auto stored = SubmitAndWait(services, std::move(mapping.results)); !stored) {
    return ErrorResponse(req, stored.error());
  }
  return HookStatus(req, beast_http::status::ok, "accepted", std::move(body));
}

void AddMonitorHookRoutes(Router& router, const Services& services) {
  for (const auto method : {beast_http::verb::post, beast_http::verb::get}) {
    Route route{method, "/hooks/heartbeat/{token}", "", Access::Webhook(), Exec::kIntake,
                [&services](RequestContext& ctx) { return HandleHeartbeat(ctx, services); }};
    route.path_is_secret = true;
    router.Add(std::move(route));
  }
  Route alertmanager{beast_http::verb::post, "/hooks/alertmanager", "", Access::Webhook(),
                     Exec::kInline};
  // Parsing and mapping are pure and quick; the wait for the monitor's
  // commit holds no thread.
  alertmanager.async_handler = [&services](RequestContext& ctx, Reply reply) {
    HandleAlertmanager(ctx, std::move(reply), services);
  };
  router.Add(std::move(alertmanager));
}

}  // namespace opsdeck::http
