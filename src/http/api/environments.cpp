// GET /api/v1/environments: the promotion path as stored (synced from config).
#include "http/api/api_routes.h"
#include "http/responses.h"

namespace opsdeck::http {

void AddEnvironmentRoutes(Router& router, const Services& services) {
  router.Add({beast_http::verb::get, "/api/v1/environments", "", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) {
                auto envs = services.store->environments().List();
                if (!envs) return ErrorResponse(ctx.request, envs.error());
                boost::json::array items;
                for (const auto& e : *envs) {
                  boost::json::object o;
                  o["name"] = e.name;
                  o["position"] = e.position;
                  o["protected"] = e.is_protected;
                  items.push_back(std::move(o));
                }
                boost::json::object body;
                body["items"] = std::move(items);
                body["next"] = nullptr;
                return JsonResponse(ctx.request, beast_http::status::ok, body);
              }});
}

}  // namespace opsdeck::http
