// Calls route handlers the way the server does, without sockets: the route is
// found through the Router, the principal is set as the authorization gate
// would, and an async handler's reply is awaited. Plus the monitoring config
// and Services the monitoring handler tests share. Single-threaded.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <string>

#include "fake_health_store.h"
#include "http/router.h"
#include "http/services.h"

namespace opsdeck::http::testing {

struct Answer {
  unsigned status = 0;
  std::string body;
  Response response;
  boost::json::value Json() const { return boost::json::parse(body); }
  std::string ErrorPointer() const {
    const auto v = Json();
    const auto* err = v.as_object().if_contains("error");
    if (err == nullptr) return "<no error>";
    const auto* p = err->as_object().if_contains("pointer");
    if (p != nullptr) return std::string(p->as_string());
    return std::string(err->as_object().at("message").as_string());
  }
};

inline core::Principal As(core::Role role) {
  core::Principal p;
  p.kind = core::Principal::Kind::kToken;
  p.name = "t-" + std::string(core::RoleName(role));
  p.role = role;
  return p;
}

// `headers`: "Name: value" lines.
inline Answer Call(const Router& router, beast_http::verb method, const std::string& target,
                   const std::string& body = "", core::Role role = core::Role::kViewer,
                   const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  Request req{method, target, 11};
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  RequestContext ctx{req, "test-request"};
  const auto [path, query] = SplitTarget(req.target());
  ctx.path = std::string(path);
  ctx.query = std::string(query);
  const RouteMatch match = router.Match(method, ctx.path, ctx);
  Answer out;
  if (match.route == nullptr) {
    ADD_FAILURE() << "no route for " << target;
    return out;
  }
  const Route& route = *match.route;
  if (route.access.kind == Access::Kind::kRoles) {
    if (!route.access.Allows(role)) {
      out.status = 403;
      return out;
    }
    ctx.principal = As(role);
  }
  if (route.async_handler) {
    std::promise<Response> done;
    auto fut = done.get_future();
    route.async_handler(ctx, [&done](std::function<Response()> make) { done.set_value(make()); });
    if (fut.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
      ADD_FAILURE() << "async handler never replied: " << target;
      return out;
    }
    out.response = fut.get();
  } else if (route.stream_handler) {
    StreamStart s = route.stream_handler(ctx);
    out.response = std::move(s.head);
  } else {
    out.response = route.handler(ctx);
  }
  out.status = out.response.result_int();
  out.body = out.response.body();
  return out;
}

// A small catalog: dashboard-api (http check + heartbeat), dashboard-db;
// two external signals; sources for alertmanager and aws; one recurring
// maintenance window.
inline std::shared_ptr<const config::Config> MonitorConfig() {
  auto cfg = std::make_shared<config::Config>();
  cfg->server.public_url = "https://ops.example.com";
  cfg->environments = {{"staging", false, 0}, {"production", true, 1}};
  config::TargetConfig api;
  api.name = "dashboard-api";
  api.environment = "production";
  config::TargetConfig db;
  db.name = "dashboard-db";
  db.environment = "production";
  db.kind = config::TargetKind::kService;
  cfg->catalog.services = {api, db};
  cfg->catalog.external = {
      {config::ExternalType::kCloudwatch, "dashboard-api-5xx", {}, "dashboard-api"},
      {config::ExternalType::kAlertmanager, "", {{"service", "dashboard-api"}}, "dashboard-api"},
  };
  cfg->sources.alertmanager = config::AlertmanagerSourceConfig{
      core::SecretString("test-alertmanager-token-0123456789")};
  config::AwsSourceConfig aws;
  aws.token = core::SecretString("test-aws-token-0123456789");
  cfg->sources.aws = aws;
  config::MaintenanceConfig patching;
  patching.name = "staging patching";
  patching.select.environments = {"staging"};
  patching.schedule = "0 2 * * SUN";
  patching.duration = std::chrono::hours(2);
  cfg->maintenance = {patching};
  return cfg;
}

inline store::TargetRecord ApiTarget() {
  store::TargetRecord t;
  t.def.name = "dashboard-api";
  t.def.kind = "service";
  t.def.environment = "production";
  t.def.component = "backend";
  t.def.owner = "ezops";
  t.def.tags = {"public"};
  t.def.depends_on = {"dashboard-db"};
  t.def.checks = {{0, "http", "GET https://api.example.com/health", 10000},
                  {1, "heartbeat", "every 24h, grace 1h", 0},
                  {core::ExternalCheck(0), "cloudwatch", "alarm dashboard-api-5xx", 0}};
  t.status.target = "dashboard-api";
  t.status.state = core::TargetState::kDown;
  t.status.since = core::FromUnixMillis(1773150000000);
  t.status.reason = "status == 200 failed: got 503";
  t.status.incident_id = 7;
  return t;
}

}  // namespace opsdeck::http::testing
