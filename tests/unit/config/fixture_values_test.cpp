// Values of the non-reference good fixtures: the less common value forms land
// in the structs as documented (escapes, sums of durations, one-off windows,
// a second staging environment in auto checks, X_file secrets).
#include <gtest/gtest.h>

#include "config_test_support.h"

namespace opsdeck::config {
namespace {

using namespace std::chrono_literals;

std::shared_ptr<const Config> LoadGood(const std::string& name) {
  std::string dir = testing::FixtureDir() + "/good";
  LoadResult result =
      LoadString(testing::ReadText(dir + "/" + name), name, testing::FixtureEnv(), dir);
  EXPECT_TRUE(result.ok()) << testing::Describe(result.errors);
  return result.config;
}

TEST(SecondStagingFixture, ServerForms) {
  auto c = LoadGood("second-staging.yaml");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->server.listen, "[::1]:9090");  // ${OPSDECK_PORT}
  EXPECT_EQ(c->server.host, "::1");
  EXPECT_EQ(c->server.port, 9090);
  EXPECT_EQ(c->server.public_url, "https://ops.example.com");  // trailing slash dropped
  EXPECT_EQ(c->server.body_limit, 2'000'000u);
  EXPECT_EQ(c->server.header_timeout, 500ms);
  EXPECT_EQ(c->server.body_timeout, 90s);
  ASSERT_TRUE(c->server.tls.has_value());
  EXPECT_EQ(c->server.tls->key_file, "/etc/opsdeck/tls.key");
  EXPECT_EQ(c->log.format, "json");
  EXPECT_EQ(c->auth.proxy_header->default_role, Role::kReleaseManager);
}

TEST(SecondStagingFixture, EnvironmentsAndChecks) {
  auto c = LoadGood("second-staging.yaml");
  ASSERT_NE(c, nullptr);
  ASSERT_EQ(c->environments.size(), 4u);
  EXPECT_EQ(c->FindEnvironment("staging-2")->position, 2);
  const TargetConfig* web = c->FindTarget("web");
  ASSERT_NE(web, nullptr);
  ASSERT_EQ(web->checks.size(), 3u);
  const CheckConfig& http_check = web->checks[0];
  EXPECT_EQ(http_check.interval, 1min);  // catalog.defaults
  EXPECT_EQ(http_check.timeout, 2s);     // own
  EXPECT_EQ(http_check.failure_threshold, 5);
  EXPECT_EQ(http_check.success_threshold, 1);
  const auto& http = std::get<HttpCheck>(http_check.spec);
  EXPECT_EQ(http.method, "POST");
  EXPECT_FALSE(http.tls_verify);
  EXPECT_EQ(http.headers[1].value.Reveal(), "Bearer ${NOT_A_VARIABLE}");  // $${ escape
  EXPECT_EQ(http.body, R"({"probe": true, "price": "$5"})");              // lone $ kept
  EXPECT_EQ(std::get<DnsCheck>(web->checks[1].spec).expect,
            std::vector<std::string>{"d111.cloudfront.net"});
  EXPECT_EQ(std::get<TlsCheck>(web->checks[2].spec).port, 443);
  EXPECT_EQ(std::get<HeartbeatCheck>(c->FindTarget("batch-1")->checks[0].spec).grace, 5min);
}

TEST(SecondStagingFixture, ReleasesWindowsRollback) {
  auto c = LoadGood("second-staging.yaml");
  ASSERT_NE(c, nullptr);
  const ReleaseTemplateConfig* tmpl = c->FindTemplate("staging-2-release");
  ASSERT_NE(tmpl, nullptr);
  EXPECT_EQ(tmpl->items[0].auto_check->kind, AutoCheckConfig::Kind::kPipelineGreen);
  EXPECT_EQ(tmpl->items[0].auto_check->environment, "staging-2");
  EXPECT_EQ(tmpl->items[1].auto_check->healthy_for, 90min);
  EXPECT_EQ(tmpl->items[2].auto_check->kind, AutoCheckConfig::Kind::kWindowConfirmed);
  const ReleaseWindowConfig& launch = c->releases.windows[0];
  EXPECT_TRUE(launch.schedule.empty());
  EXPECT_EQ(core::FormatRfc3339(*launch.from), "2026-06-01T06:00:00.000Z");
  EXPECT_EQ(c->releases.windows[1].kind, WindowKind::kDeny);
  EXPECT_EQ(c->releases.windows[1].duration, 24h);
  EXPECT_EQ(std::get<RollbackCommandConfig>(c->releases.rollback.at("staging-2").action).argv[0],
            "/usr/local/bin/redeploy");
  EXPECT_EQ(std::get<RollbackHttpConfig>(c->releases.rollback.at("production").action).method,
            "POST");
}

TEST(SecretsFromFilesFixture, EverySecretReadFromItsFile) {
  auto c = LoadGood("secrets-from-files.yaml");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->storage.type, StorageType::kPostgres);
  EXPECT_EQ(c->storage.dsn.Reveal(), "postgresql://opsdeck:pw-from-file@db.internal/opsdeck");
  EXPECT_EQ(c->sources.aws->token.Reveal(), "gate-token-from-file");
  EXPECT_EQ(c->sources.aws->token_header, "X-Opsdeck-Token");  // default
  EXPECT_EQ(c->FindChannel("sink")->secret.Reveal(), "gate-token-from-file");
  EXPECT_EQ(core::FormatRfc3339(*c->auth.tokens[0].expires), "2026-12-31T23:00:00.000Z");
  EXPECT_EQ(c->jira->api_version, 2);
}

}  // namespace
}  // namespace opsdeck::config
