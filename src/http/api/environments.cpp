// GET /api/v1/environments: the promotion path as stored (synced from config),
// each with its live version (newest deployment) and the last run and state
// of each of its pipelines.
#include <map>
#include <vector>

#include "http/api/api_routes.h"
#include "http/api/run_json.h"
#include "http/responses.h"

namespace opsdeck::http {

void AddEnvironmentRoutes(Router& router, const Services& services) {
  router.Add({beast_http::verb::get, "/api/v1/environments", "", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) {
                auto envs = services.store->environments().List();
                if (!envs) return ErrorResponse(ctx.request, envs.error());
                auto live = services.store->runs().LiveDeployments();
                if (!live) return ErrorResponse(ctx.request, live.error());
                auto pipelines = services.store->runs().ListPipelines();
                if (!pipelines) return ErrorResponse(ctx.request, pipelines.error());
                auto last = services.store->runs().LastRuns();
                if (!last) return ErrorResponse(ctx.request, last.error());
                std::map<std::string, const store::DeploymentRecord*> live_by_env;
                for (const auto& d : *live) live_by_env[d.deployment.environment] = &d;
                std::map<std::string, const core::Run*> last_by_pipeline;
                for (const auto& r : *last) last_by_pipeline[r.pipeline] = &r;

                boost::json::array items;
                for (const auto& e : *envs) {
                  boost::json::object o;
                  o["name"] = e.name;
                  o["position"] = e.position;
                  o["protected"] = e.is_protected;
                  auto l = live_by_env.find(e.name);
                  o["live"] = l == live_by_env.end() ? boost::json::value(nullptr)
                                                     : boost::json::value(DeploymentJson(*l->second));
                  boost::json::array ps;
                  for (const auto& p : *pipelines) {
                    if (p.environment != e.name) continue;
                    boost::json::object po;
                    po["name"] = p.name;
                    po["kind"] = p.is_deploy ? "deploy" : "build";
                    auto r = last_by_pipeline.find(p.name);
                    po["last_run"] = r == last_by_pipeline.end()
                                         ? boost::json::value(nullptr)
                                         : boost::json::value(RunJson(*r->second, false));
                    po["status"] = r == last_by_pipeline.end()
                                       ? boost::json::value(nullptr)
                                       : boost::json::value(core::RunStatusName(r->second->status));
                    ps.push_back(std::move(po));
                  }
                  o["pipelines"] = std::move(ps);
                  items.push_back(std::move(o));
                }
                boost::json::object body;
                body["items"] = std::move(items);
                body["next"] = nullptr;
                return JsonResponse(ctx.request, beast_http::status::ok, body);
              }});
}

}  // namespace opsdeck::http
