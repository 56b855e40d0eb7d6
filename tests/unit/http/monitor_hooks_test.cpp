// The monitoring webhooks through their route handlers: heartbeat pushes,
// Alertmanager notifications and CloudWatch alarms at /hooks/aws. Each answers
// 2xx only after the monitor's `done` said the result is durable, 202 with a
// reason when nothing matched, and refuses bad tokens and input.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <atomic>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "fake_health_store.h"
#include "http/hooks/hook_routes.h"
#include "ingest/signal_result.h"
#include "route_harness.h"

namespace opsdeck::http {
namespace {

using testing::Call;
constexpr auto kGet = beast_http::verb::get;
constexpr auto kPost = beast_http::verb::post;
const core::TimePoint kNow = core::FromUnixMillis(1773153600000);

// The raw body of a fixture request file (after the first blank line).
std::string FixtureBody(const std::string& path) {
  std::ifstream in(std::string(OPSDECK_FIXTURES) + "/" + path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  return text.substr(text.find("\n\n") + 2);
}

class MonitorHooksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = testing::MonitorConfig();
    services_.config = [this] { return config_; };
    services_.store = &store_;
    services_.clock = &clock_;
    services_.submit_result = [this](core::CheckKey key, core::CheckResult result,
                                     std::function<void(core::Result<void>)> done) {
      std::lock_guard lock(mu_);
      submitted_.push_back({std::move(key), std::move(result)});
      if (defer_) {
        pending_.push_back(std::move(done));
      } else {
        done(fail_ ? core::Result<void>(core::Error::Unavailable("store down")) : core::Ok());
      }
    };
    AddHookRoutes(router_, services_, IntakeHooks{});
    health_.tokens[{"dashboard-api", 1}] = "hb-token-0123456789abcdefghijklmnopqrstuvwxyz0";
  }

  std::shared_ptr<const config::Config> config_;
  testing::FakeHealthStore health_;
  testing::HealthOnlyStore store_{health_};
  core::ManualClock clock_{kNow};
  Services services_;
  Router router_;
  std::mutex mu_;
  std::vector<ingest::SignalResult> submitted_;
  std::vector<std::function<void(core::Result<void>)>> pending_;
  bool defer_ = false;
  bool fail_ = false;
};

const std::string kHb = "/hooks/heartbeat/hb-token-0123456789abcdefghijklmnopqrstuvwxyz0";

TEST_F(MonitorHooksTest, HeartbeatRecordsAnUpResultByPostOrGet) {
  for (auto method : {kPost, kGet}) {
    const auto a = Call(router_, method, kHb);
    ASSERT_EQ(a.status, 200u) << a.body;
    EXPECT_EQ(a.Json().at("status"), "ok");
    EXPECT_EQ(a.Json().at("reported"), "up");
  }
  ASSERT_EQ(submitted_.size(), 2u);
  EXPECT_EQ(submitted_[0].key, (core::CheckKey{"dashboard-api", 1}));
  EXPECT_TRUE(submitted_[0].result.ok);
  EXPECT_EQ(submitted_[0].result.at, kNow);
  const Route* route = nullptr;
  for (const auto& r : router_.routes()) {
    if (r.pattern == "/hooks/heartbeat/{token}") route = &r;
  }
  ASSERT_NE(route, nullptr);
  EXPECT_TRUE(route->path_is_secret) << "the token must never reach the access log";
}

TEST_F(MonitorHooksTest, HeartbeatReportsDownWithItsMessage) {
  const auto a = Call(router_, kPost, kHb + "?status=down&msg=backup%20disk%20full");
  ASSERT_EQ(a.status, 200u) << a.body;
  ASSERT_EQ(submitted_.size(), 1u);
  EXPECT_FALSE(submitted_[0].result.ok);
  EXPECT_EQ(submitted_[0].result.error, "heartbeat: reported down: backup disk full");
  const auto bad = Call(router_, kPost, kHb + "?status=sideways");
  EXPECT_EQ(bad.status, 400u);
  EXPECT_EQ(bad.ErrorPointer(), "status");
  EXPECT_EQ(submitted_.size(), 1u);
}

TEST_F(MonitorHooksTest, UnknownHeartbeatTokenIs404AndRecordsNothing) {
  const auto a = Call(router_, kPost, "/hooks/heartbeat/not-a-token");
  EXPECT_EQ(a.status, 404u);
  EXPECT_EQ(a.Json().at("error").at("code"), "not_found");
  EXPECT_EQ(a.body.find("not-a-token"), std::string::npos) << "the answer does not echo the token";
  EXPECT_TRUE(submitted_.empty());
  EXPECT_EQ(Call(router_, kPost, "/hooks/heartbeat/" + std::string(300, 'a')).status, 404u);
}

TEST_F(MonitorHooksTest, HeartbeatWithoutMonitorOrStoreIs503) {
  fail_ = true;
  EXPECT_EQ(Call(router_, kPost, kHb).status, 503u);
  fail_ = false;
  services_.submit_result = nullptr;
  EXPECT_EQ(Call(router_, kPost, kHb).status, 503u);
  health_.unavailable = true;
  EXPECT_EQ(Call(router_, kPost, kHb).status, 503u);
}

TEST_F(MonitorHooksTest, HeartbeatAnswersOnlyAfterTheResultIsDurable) {
  defer_ = true;
  std::atomic<bool> answered{false};
  unsigned status = 0;
  std::thread caller([&] {
    status = Call(router_, kPost, kHb).status;
    answered = true;
  });
  const auto waiting = [&] {
    std::lock_guard lock(mu_);
    return pending_.size();
  };
  for (int i = 0; i < 400 && waiting() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(answered.load()) << "answered before the monitor committed";
  {
    std::lock_guard lock(mu_);
    ASSERT_EQ(pending_.size(), 1u);
    pending_[0](core::Ok());
  }
  caller.join();
  EXPECT_EQ(status, 200u);
}

std::vector<std::pair<std::string, std::string>> AmAuth(const std::string& token =
                                                            "test-alertmanager-token-0123456789") {
  return {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}};
}

TEST_F(MonitorHooksTest, AlertmanagerFiringAndResolved) {
  auto a = Call(router_, kPost, "/hooks/alertmanager", FixtureBody("alertmanager/firing.http"),
                core::Role::kViewer, AmAuth());
  ASSERT_EQ(a.status, 200u) << a.body;
  EXPECT_EQ(a.Json().at("status"), "accepted");
  EXPECT_EQ(a.Json().at("results").at(0).at("target"), "dashboard-api");
  ASSERT_EQ(submitted_.size(), 1u);
  EXPECT_EQ(submitted_[0].key, (core::CheckKey{"dashboard-api", core::ExternalCheck(1)}));
  EXPECT_FALSE(submitted_[0].result.ok);
  EXPECT_EQ(submitted_[0].result.error,
            "alertmanager: HighErrorRate firing: 5xx rate above 5% for 10 minutes");
  a = Call(router_, kPost, "/hooks/alertmanager", FixtureBody("alertmanager/resolved.http"),
           core::Role::kViewer, AmAuth());
  ASSERT_EQ(a.status, 200u) << a.body;
  EXPECT_TRUE(submitted_.at(1).result.ok);
}

TEST_F(MonitorHooksTest, AlertmanagerListsUnmatchedAlertsOr202sWhenAllAre) {
  auto a = Call(router_, kPost, "/hooks/alertmanager", FixtureBody("alertmanager/grouped.http"),
                core::Role::kViewer, AmAuth());
  ASSERT_EQ(a.status, 200u) << a.body;
  // Only dashboard-api has an entry in this config; db and billing alerts are unmatched.
  EXPECT_EQ(a.Json().at("unmatched").as_array().size(), 2u);
  a = Call(router_, kPost, "/hooks/alertmanager", FixtureBody("alertmanager/all-unmatched.http"),
           core::Role::kViewer, AmAuth());
  EXPECT_EQ(a.status, 202u) << a.body;
  EXPECT_EQ(a.Json().at("status"), "unmatched");
  EXPECT_NE(std::string(a.Json().at("reason").as_string()).find("QueueBacklog"), std::string::npos);
  EXPECT_EQ(submitted_.size(), 1u);
}

TEST_F(MonitorHooksTest, AlertmanagerRefusals) {
  const std::string body = FixtureBody("alertmanager/firing.http");
  auto a = Call(router_, kPost, "/hooks/alertmanager", body, core::Role::kViewer, AmAuth("wrong"));
  EXPECT_EQ(a.status, 401u);
  a = Call(router_, kPost, "/hooks/alertmanager", body, core::Role::kViewer, {});
  EXPECT_EQ(a.status, 401u);
  a = Call(router_, kPost, "/hooks/alertmanager",
           FixtureBody("alertmanager/alert-status-unknown.http"), core::Role::kViewer, AmAuth());
  EXPECT_EQ(a.status, 400u);
  EXPECT_EQ(a.ErrorPointer(), "/alerts/0/status");
  services_.submit_result = nullptr;
  a = Call(router_, kPost, "/hooks/alertmanager", body, core::Role::kViewer, AmAuth());
  EXPECT_EQ(a.status, 503u) << "Alertmanager retries a 5xx; a 2xx would lose the alert";
  auto cfg = std::make_shared<config::Config>(*config_);
  cfg->sources.alertmanager.reset();
  config_ = cfg;
  a = Call(router_, kPost, "/hooks/alertmanager", body, core::Role::kViewer, AmAuth());
  EXPECT_EQ(a.status, 404u);
  EXPECT_TRUE(submitted_.empty());
}

TEST_F(MonitorHooksTest, AlertmanagerFailureToRecordIs503) {
  fail_ = true;
  const auto a = Call(router_, kPost, "/hooks/alertmanager", FixtureBody("alertmanager/firing.http"),
                      core::Role::kViewer, AmAuth());
  EXPECT_EQ(a.status, 503u) << a.body;
}

std::vector<std::pair<std::string, std::string>> AwsAuth() {
  return {{"X-Opsdeck-Token", "test-aws-token-0123456789"}, {"Content-Type", "application/json"}};
}

TEST_F(MonitorHooksTest, CloudWatchAlarmAtTheAwsHook) {
  auto a = Call(router_, kPost, "/hooks/aws", FixtureBody("cloudwatch/alarm.http"),
                core::Role::kViewer, AwsAuth());
  ASSERT_EQ(a.status, 200u) << a.body;
  EXPECT_EQ(a.Json().at("event"), "alarm");
  ASSERT_EQ(submitted_.size(), 1u);
  EXPECT_EQ(submitted_[0].key, (core::CheckKey{"dashboard-api", core::ExternalCheck(0)}));
  EXPECT_FALSE(submitted_[0].result.ok);
  EXPECT_TRUE(submitted_[0].result.error.starts_with("cloudwatch: dashboard-api-5xx in ALARM: Threshold Crossed"));
  a = Call(router_, kPost, "/hooks/aws", FixtureBody("cloudwatch/ok.http"), core::Role::kViewer, AwsAuth());
  ASSERT_EQ(a.status, 200u) << a.body;
  EXPECT_TRUE(submitted_.at(1).result.ok);
}

TEST_F(MonitorHooksTest, CloudWatchIgnoredUnmatchedAndRefused) {
  auto a = Call(router_, kPost, "/hooks/aws", FixtureBody("cloudwatch/insufficient-data.http"),
                core::Role::kViewer, AwsAuth());
  EXPECT_EQ(a.status, 202u) << a.body;
  EXPECT_EQ(a.Json().at("status"), "ignored");
  a = Call(router_, kPost, "/hooks/aws", FixtureBody("cloudwatch/unmatched-alarm.http"),
           core::Role::kViewer, AwsAuth());
  EXPECT_EQ(a.status, 202u) << a.body;
  EXPECT_EQ(a.Json().at("status"), "unmatched");
  a = Call(router_, kPost, "/hooks/aws", FixtureBody("cloudwatch/alarm.http"), core::Role::kViewer,
           {{"X-Opsdeck-Token", "wrong"}});
  EXPECT_EQ(a.status, 401u);
  a = Call(router_, kPost, "/hooks/aws", FixtureBody("cloudwatch/missing-alarm-name.http"),
           core::Role::kViewer, AwsAuth());
  EXPECT_EQ(a.status, 400u);
  EXPECT_EQ(a.ErrorPointer(), "/detail/alarmName");
  EXPECT_TRUE(submitted_.empty());
}

}  // namespace
}  // namespace opsdeck::http
