// The fixture the release API tests share: the release, window, gate and
// rollback routes over a FakeDesk and FakeReleaseStore, plus a call that goes
// through the real authorization gate (Authenticator + Authorize) for the
// tests about tokens, roles and CSRF. Single-threaded.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "fake_release_desk.h"
#include "http/api/api_routes.h"
#include "http/auth.h"
#include "http/authorize.h"
#include "route_harness.h"

namespace opsdeck::http::testing {

inline constexpr auto kGet = beast_http::verb::get;
inline constexpr auto kPost = beast_http::verb::post;
// auth.tokens of the test config: the pipeline's gate token is a viewer, as
// in the reference config.
inline constexpr const char* kGateToken = "gate-token-0123456789abcdef";
inline constexpr const char* kDevopsToken = "devops-token-0123456789abcdef";

class ReleaseApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cfg = std::make_shared<config::Config>();
    cfg->environments = {{"staging", false, 0}, {"production", true, 1}};
    cfg->auth.tokens = {{"production-pipeline-gate", core::Role::kViewer,
                         core::SecretString(kGateToken), std::nullopt},
                        {"devops-bot", core::Role::kDevops, core::SecretString(kDevopsToken),
                         std::nullopt}};
    config_ = cfg;
    services_.config = [this] { return config_; };
    services_.store = &store_;
    services_.clock = &clock_;
    services_.releases = &desk_;
    AddReleaseRoutes(router_, services_);
    AddWindowRoutes(router_, services_);
    AddGateRoutes(router_, services_);
    AddRollbackRoutes(router_, services_);
    releases_.releases[7] = SampleRelease();
    releases_.bookings = {SampleBooking()};
  }

  Answer Call(beast_http::verb method, const std::string& target, const std::string& body = "",
              core::Role role = core::Role::kViewer) {
    return testing::Call(router_, method, target, body, role);
  }

  // Through the authorization gate: `headers` carry the credentials.
  Answer CallAuthorized(beast_http::verb method, const std::string& target,
                        const std::string& body,
                        const std::vector<std::pair<std::string, std::string>>& headers) {
    Request req{method, target, 11};
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    req.prepare_payload();
    RequestContext ctx{req, "test-request"};
    const auto [path, query] = SplitTarget(req.target());
    ctx.path = std::string(path);
    ctx.query = std::string(query);
    ctx.remote_address = "127.0.0.1";
    Answer out;
    const RouteMatch match = router_.Match(method, ctx.path, ctx);
    if (match.route == nullptr) {
      ADD_FAILURE() << "no route for " << target;
      return out;
    }
    Authenticator auth(services_.config, store_, clock_);
    if (auto refused = Authorize(*match.route, ctx, auth, false)) {
      out.response = std::move(*refused);
    } else {
      out.response = match.route->handler(ctx);
    }
    out.status = out.response.result_int();
    out.body = out.response.body();
    return out;
  }

  // A signed-in UI user of `role`; its requests carry the session cookie.
  void SignIn(core::Role role) {
    store::SessionRecord s;
    s.id = 1;
    s.user = "rita";
    s.role = role;
    s.csrf_token = "csrf-0123456789";
    s.created_at = clock_.Now();
    s.last_seen_at = clock_.Now();
    s.expires_at = clock_.Now() + std::chrono::hours(1);
    sessions_.session = s;
  }

  static std::string Code(const Answer& a) {
    return std::string(a.Json().at("error").at("code").as_string());
  }
  static std::string Message(const Answer& a) {
    return std::string(a.Json().at("error").at("message").as_string());
  }

  std::shared_ptr<const config::Config> config_;
  FakeDesk desk_;
  FakeReleaseStore releases_;
  FakeSessionStore sessions_;
  ReleaseOnlyStore store_{releases_, sessions_};
  core::ManualClock clock_{kReleaseNow};
  Services services_;
  Router router_;
};

}  // namespace opsdeck::http::testing
