// /healthz (the process is alive), /readyz (storage reachable), /metrics.
#include "http/responses.h"
#include "http/routes.h"

namespace opsdeck::http {

void AddHealthRoutes(Router& router, const Services& services) {
  router.Add({beast_http::verb::get, "/healthz", "", Access::Public(), Exec::kInline, [](RequestContext& ctx) {
                return MakeResponse(ctx.request, beast_http::status::ok, "{\"status\":\"ok\"}\n",
                                    "application/json");
              }});

  router.Add({beast_http::verb::get, "/readyz", "", Access::Public(), Exec::kDatabase,
              [&services](RequestContext& ctx) {
                boost::json::object body;
                body["storage"] = services.store->Backend();
                auto ping = services.store->Ping();
                if (!ping) {
                  body["status"] = "unavailable";
                  body["error"] = ping.error().message;
                  auto res = JsonResponse(ctx.request, beast_http::status::service_unavailable, body);
                  res.set(beast_http::field::cache_control, "no-store");
                  return res;
                }
                body["status"] = "ready";
                auto res = JsonResponse(ctx.request, beast_http::status::ok, body);
                res.set(beast_http::field::cache_control, "no-store");
                return res;
              }});

  // On the database executor: the monitor's figures are read on its own
  // thread, which this waits for (milliseconds; bounded at 2 s).
  router.Add({beast_http::verb::get, "/metrics", "", Access::Public(), Exec::kDatabase,
              [&services](RequestContext& ctx) {
                std::string text = services.metrics->Render();
                // The monitor's own figures (per-target up and latency).
                if (services.write_monitor_metrics) services.write_monitor_metrics(text);
                return MakeResponse(ctx.request, beast_http::status::ok, std::move(text),
                                    "text/plain; version=0.0.4; charset=utf-8");
              }});
}

}  // namespace opsdeck::http
