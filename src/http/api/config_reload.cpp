// POST /api/v1/config/reload: load the config file again; a valid one is
// swapped in, an invalid one is refused with all its errors and the running
// config stays. Admin only.
#include "http/api/api_routes.h"
#include "http/responses.h"

namespace opsdeck::http {

void AddConfigRoutes(Router& router, const Services& services) {
  router.Add({beast_http::verb::post, "/api/v1/config/reload", "", Access::Only({core::Role::kAdmin}), Exec::kDatabase,
              [&services](RequestContext& ctx) {
                const ReloadOutcome out = services.reload(ctx.principal.ToActor(), ctx.request_id);
                boost::json::array warnings;
                for (const auto& w : out.warnings) warnings.push_back(boost::json::string(w));
                if (!out.ok) {
                  boost::json::array details;
                  for (const auto& e : out.errors) details.push_back(boost::json::string(e));
                  boost::json::object err;
                  err["code"] = "invalid_argument";
                  err["message"] = "the new config has " + std::to_string(out.errors.size()) +
                                   " error(s); the running config stays";
                  err["details"] = std::move(details);
                  boost::json::object body;
                  body["error"] = std::move(err);
                  return JsonResponse(ctx.request, beast_http::status::bad_request, body);
                }
                boost::json::object body;
                body["status"] = "reloaded";
                body["warnings"] = std::move(warnings);
                return JsonResponse(ctx.request, beast_http::status::ok, body);
              }});
}

}  // namespace opsdeck::http
