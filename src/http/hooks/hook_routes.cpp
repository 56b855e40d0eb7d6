// POST /hooks/{github,gitlab,aws,generic}: webhook intake (PRODUCT.md,
// "Webhooks"). Each delivery is verified and parsed by its source, bound to
// pipelines by the config's match rules, and stored in one transaction; the
// answer is 2xx only after that transaction committed:
//   200 accepted | duplicate (delivery id seen before) | ping | confirmed
//   202 unmatched (stored, listed at /api/v1/unmatched) | ignored, with a reason
//   400 malformed, naming the problem (`pointer`: a JSON pointer or header)
//   401 missing or wrong signature/token; 404 source not configured
//   413 past server.body_limit (the server answers before the handler runs)
//   503 storage unavailable (the sender retries)
// On SQLite the handler is asynchronous: it parses on the connection's I/O
// thread, hands the delivery to the writer and answers when its group commit
// completes, holding no thread meanwhile, so every delivery in flight can
// share one commit. Otherwise (PostgreSQL, or AWS whose parsing may fetch a
// certificate) it blocks on the intake executor (Exec::kIntake).
// A CloudWatch alarm state change at /hooks/aws goes to monitoring instead
// (monitor_hooks.h: 200 recorded, 202 ignored or unmatched); so do
// /hooks/heartbeat/{token} and /hooks/alertmanager, registered here too.
#include <boost/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "http/hooks/hook_common.h"
#include "http/hooks/hook_routes.h"
#include "http/hooks/monitor_hooks.h"
#include "http/hooks/source_set.h"
#include "http/responses.h"
#include "net/log.h"

namespace opsdeck::http {
namespace {

namespace json = boost::json;

store::UnmatchedInput Unmatched(const ingest::ParseOutcome& outcome, const core::RunEvent& ev,
                                ingest::MatchResult& m) {
  store::UnmatchedInput u;
  u.source = std::string(core::SourceKindName(ev.source));
  u.event_type = outcome.event_type;
  u.external_id = ev.external_run_id;
  u.reason = std::move(m.reason);
  u.summary_json = std::move(m.summary_json);
  return u;
}

// What a delivery turned into before storage: an answer already, or a
// request for the store plus what the answer will need.
struct Prepared {
  std::optional<Response> answer;
  store::IntakeRequest request;
  std::string delivery_id;
  bool all_unmatched = false;
  std::string first_reason;
  size_t unmatched = 0;
};

Response NotConfigured(const Request& req, const std::string& name) {
  return ErrorResponse(req, beast_http::status::not_found, "not_found",
                       "source " + name + " is not configured (sources." + name + ")");
}

// The rest of Prepare, once the source has parsed the delivery.
Prepared PrepareParsed(RequestContext& ctx, const Services& services,
                       const std::shared_ptr<const SourceSet>& set, const IntakeHooks& hooks,
                       const std::string& name, core::Result<ingest::ParseOutcome> parsed);

Prepared Prepare(RequestContext& ctx, const Services& services, SourceSetCache& cache,
                 const IntakeHooks& hooks, const std::string& name) {
  const auto set = cache.For(services.config());
  const ingest::Source* source = set->Find(name);
  if (source == nullptr) {
    Prepared p;
    p.answer = NotConfigured(ctx.request, name);
    return p;
  }
  return PrepareParsed(ctx, services, set, hooks, name, source->Parse(ToDelivery(ctx.request)));
}

Prepared PrepareParsed(RequestContext& ctx, const Services& services,
                       const std::shared_ptr<const SourceSet>& set, const IntakeHooks& hooks,
                       const std::string& name, core::Result<ingest::ParseOutcome> parsed) {
  Prepared p;
  if (!parsed) {
    net::LogInfo("webhook refused", {{"source", name},
                                     {"request_id", ctx.request_id},
                                     {"error", parsed.error().ToString()}});
    p.answer = HookError(ctx.request, parsed.error());
    return p;
  }
  ingest::ParseOutcome& outcome = *parsed;
  switch (outcome.kind) {
    case ingest::ParseOutcome::kPing:
      p.answer = HookStatus(ctx.request, beast_http::status::ok, "ok",
                            {{"event", "ping"}, {"reason", outcome.reason}});
      return p;
    case ingest::ParseOutcome::kIgnored:
      p.answer = HookStatus(ctx.request, beast_http::status::accepted, "ignored", {{"reason", outcome.reason}});
      return p;
    case ingest::ParseOutcome::kConfirm: {
      if (!hooks.confirm) {
        p.answer = ErrorResponse(ctx.request, core::Error::Unavailable("subscription confirmation is not available"));
      } else if (auto done = hooks.confirm(outcome.confirm_url); !done) {
        net::LogWarn("SNS subscription confirmation failed",
                     {{"request_id", ctx.request_id}, {"error", done.error().ToString()}});
        p.answer = ErrorResponse(ctx.request, beast_http::status::bad_gateway, "unavailable",
                                 "confirming the subscription failed: " + done.error().message);
      } else {
        net::LogInfo("SNS subscription confirmed", {{"request_id", ctx.request_id}, {"reason", outcome.reason}});
        p.answer = HookStatus(ctx.request, beast_http::status::ok, "confirmed", {{"reason", outcome.reason}});
      }
      return p;
    }
    case ingest::ParseOutcome::kEvents:
      break;
  }
  store::IntakeRequest& request = p.request;
  request.source = name;
  request.received_at = services.clock->Now();
  for (auto& ev : outcome.events) {
    if (request.delivery_id.empty()) request.delivery_id = ev.delivery_id;
    ingest::MatchResult m = set->matcher.Match(ev);
    if (m.binding) {
      request.events.push_back(store::BoundEvent{std::move(ev), std::move(*m.binding)});
    } else {
      request.unmatched.push_back(Unmatched(outcome, ev, m));
    }
  }
  if (set->plans_notices && !request.events.empty()) {
    // The set (this config snapshot's routes) lives as long as the plan.
    request.outbox = [set](const store::IntakeResult& r) { return set->router.PlanIntake(r); };
  }
  p.delivery_id = request.delivery_id;
  p.all_unmatched = request.events.empty();
  p.unmatched = request.unmatched.size();
  if (!request.unmatched.empty()) p.first_reason = request.unmatched.front().reason;
  return p;
}

// The answer once the store has spoken.
Response Answer(const Request& req, const Prepared& p,
                core::Result<store::IntakeResult>& stored) {
  if (!stored) {
    if (stored.error().code == core::ErrorCode::kNotFound) {
      // A pipeline in the config is not in the store yet: the sender retries.
      net::LogWarn("webhook: pipeline not stored", {{"error", stored.error().ToString()}});
      auto err = core::Error::Unavailable("pipeline not ready; retry later");
      err.retry_after = std::chrono::seconds(5);
      return ErrorResponse(req, err);
    }
    return ErrorResponse(req, stored.error());
  }
  json::object body;
  if (!p.delivery_id.empty()) body["delivery"] = p.delivery_id;
  if (stored->duplicate) return HookStatus(req, beast_http::status::ok, "duplicate", std::move(body));
  if (p.all_unmatched) {
    body["reason"] = p.first_reason;
    return HookStatus(req, beast_http::status::accepted, "unmatched", std::move(body));
  }
  json::array runs;
  for (const auto& r : stored->changed) {
    runs.push_back(json::object{{"id", r.id}, {"pipeline", r.pipeline},
                                {"status", core::RunStatusName(r.status)}});
  }
  body["runs"] = std::move(runs);
  body["unmatched"] = p.unmatched;
  return HookStatus(req, beast_http::status::ok, "accepted", std::move(body));
}

// /hooks/aws: CodePipeline events go on as for every source; a CloudWatch
// alarm change goes to the monitor.
Prepared PrepareAws(RequestContext& ctx, const Services& services, SourceSetCache& cache,
                    const IntakeHooks& hooks, const std::string& name) {
  const auto config = services.config();
  const auto set = cache.For(config);
  if (set->aws == nullptr) {
    Prepared p;
    p.answer = NotConfigured(ctx.request, name);
    return p;
  }
  auto parsed = set->aws->ParseWithAlarms(ToDelivery(ctx.request));
  if (parsed && parsed->alarm) {
    Prepared p;
    p.answer = AnswerAlarm(ctx.request, services, *config, *parsed->alarm);
    return p;
  }
  core::Result<ingest::ParseOutcome> outcome =
      parsed ? core::Result<ingest::ParseOutcome>(std::move(parsed->outcome))
             : core::Result<ingest::ParseOutcome>(parsed.error());
  return PrepareParsed(ctx, services, set, hooks, name, std::move(outcome));
}

// After a committed, non-duplicate delivery: each changed run as
// `run.updated` and each recorded deployment as `deployment.recorded` on the
// event stream (small JSON; readers fetch what they show). Nothing is built
// while nobody listens.
void PublishIntake(const Services& services, const store::IntakeResult& stored) {
  if (services.events == nullptr || stored.duplicate || services.events->Subscribers() == 0) return;
  for (const core::Run& run : stored.changed) {
    boost::json::object o{{"id", run.id},
                          {"pipeline", run.pipeline},
                          {"environment", run.environment},
                          {"status", core::RunStatusName(run.status)},
                          {"version", run.version}};
    services.events->Publish("run.updated", boost::json::serialize(o));
  }
  for (const core::Deployment& d : stored.deployments) {
    boost::json::object o{{"environment", d.environment},
                          {"pipeline", d.pipeline},
                          {"version", d.version},
                          {"commit", d.commit}};
    services.events->Publish("deployment.recorded", boost::json::serialize(o));
  }
}

// Blocking: for sources whose parsing may block (SNS certificate fetches).
Response HandleHook(RequestContext& ctx, const Services& services, SourceSetCache& cache,
                    const IntakeHooks& hooks, const std::string& name) {
  Prepared p = name == "aws" ? PrepareAws(ctx, services, cache, hooks, name)
                             : Prepare(ctx, services, cache, hooks, name);
  if (p.answer) return std::move(*p.answer);
  auto stored = services.store->runs().Ingest(p.request);
  if (stored && stored->outbox_appended > 0 && services.notify_wake) services.notify_wake();
  if (stored && !stored->duplicate && services.on_intake) services.on_intake(*stored);
  if (stored) PublishIntake(services, *stored);
  return Answer(ctx.request, p, stored);
}

// Non-blocking: parse on the I/O thread, wait for the group commit without
// holding a thread, answer back on the connection's thread.
void HandleHookAsync(RequestContext& ctx, Reply reply, const Services& services,
                     SourceSetCache& cache, std::shared_ptr<const IntakeHooks> hooks,
                     const std::string& name) {
  auto p = std::make_shared<Prepared>(Prepare(ctx, services, cache, *hooks, name));
  if (p->answer) {
    reply([p]() { return std::move(*p->answer); });
    return;
  }
  const Request* req = &ctx.request;
  services.store->runs().IngestAsync(
      std::move(p->request),
      [p, req, &services, reply = std::move(reply)](core::Result<store::IntakeResult> stored) {
        if (stored && stored->outbox_appended > 0 && services.notify_wake) services.notify_wake();
        if (stored && !stored->duplicate && services.on_intake) services.on_intake(*stored);
        if (stored) PublishIntake(services, *stored);
        auto shared = std::make_shared<core::Result<store::IntakeResult>>(std::move(stored));
        reply([p, req, shared]() { return Answer(*req, *p, *shared); });
      });
}

}  // namespace

void AddHookRoutes(Router& router, const Services& services, IntakeHooks hooks) {
  auto cache = std::make_shared<SourceSetCache>(hooks.certificates);
  auto shared_hooks = std::make_shared<const IntakeHooks>(std::move(hooks));
  for (const char* name : {"github", "gitlab", "aws", "generic"}) {
    const std::string source = name;
    Route route{beast_http::verb::post, "/hooks/" + source, "", Access::Webhook(), Exec::kIntake,
                [&services, cache, shared_hooks, source](RequestContext& ctx) {
                  return HandleHook(ctx, services, *cache, *shared_hooks, source);
                }};
    // Non-blocking where both ends allow it: SQLite's writer completes writes
    // asynchronously (PostgreSQL's Ingest blocks on a pooled connection), and
    // AWS may fetch an SNS signing certificate while parsing. Otherwise the
    // blocking handler runs on the intake executor.
    if (source != "aws" && services.store->Backend() == "sqlite") {
      route.async_handler = [&services, cache, shared_hooks, source](RequestContext& ctx, Reply reply) {
        HandleHookAsync(ctx, std::move(reply), services, *cache, shared_hooks, source);
      };
    }
    router.Add(std::move(route));
  }
  AddMonitorHookRoutes(router, services);
}

}  // namespace opsdeck::http
