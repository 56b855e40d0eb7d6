// The reference configuration (the interface contract in ../shared) loads,
// and every section lands in the typed structs with the values written.
#include <gtest/gtest.h>

#include <filesystem>

#include "config_test_support.h"

namespace opsdeck::config {
namespace {

using namespace std::chrono_literals;

std::shared_ptr<const Config> LoadReference() {
  std::string dir = testing::FixtureDir() + "/good";
  std::string text = testing::WithStubSecrets(testing::ReadText(dir + "/reference.yaml"));
  LoadResult result = LoadString(text, "reference.yaml", testing::FixtureEnv(), dir);
  EXPECT_TRUE(result.ok()) << testing::Describe(result.errors);
  return result.config;
}

TEST(ReferenceConfig, FixtureIsAnExactCopyOfTheSharedReference) {
  std::filesystem::path shared =
      std::filesystem::path(OPSDECK_SOURCE_DIR) / ".." / "shared" / "reference-config.yaml";
  if (!std::filesystem::exists(shared)) GTEST_SKIP() << "no shared/ checkout beside the repo";
  EXPECT_EQ(testing::ReadText(shared.string()),
            testing::ReadText(testing::FixtureDir() + "/good/reference.yaml"))
      << "tests/fixtures/config/good/reference.yaml is out of date: copy "
         "shared/reference-config.yaml";
}

TEST(ReferenceConfig, ServerStorageLogAuth) {
  auto config = LoadReference();
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->server.host, "127.0.0.1");
  EXPECT_EQ(config->server.port, 8080);
  EXPECT_EQ(config->server.public_url, "https://ops.example.com");
  EXPECT_EQ(config->server.threads, 2);
  EXPECT_EQ(config->server.body_limit, 1024u * 1024u);
  EXPECT_FALSE(config->server.tls.has_value());
  EXPECT_EQ(config->storage.type, StorageType::kSqlite);
  EXPECT_EQ(config->storage.path, "./data/opsdeck.db");
  EXPECT_EQ(config->storage.retention.hour_rollups, 400 * 24h);
  EXPECT_EQ(config->log.level, "info");
  ASSERT_EQ(config->auth.tokens.size(), 1u);
  EXPECT_EQ(config->auth.tokens[0].role, Role::kViewer);
  EXPECT_EQ(config->auth.tokens[0].token.Reveal(), "gate-token-from-file");  // newline trimmed
  ASSERT_TRUE(config->auth.proxy_header.has_value());
  EXPECT_EQ(config->auth.proxy_header->trusted, std::vector<std::string>{"127.0.0.1"});
}

TEST(ReferenceConfig, EnvironmentsSourcesPipelines) {
  auto config = LoadReference();
  ASSERT_NE(config, nullptr);
  ASSERT_EQ(config->environments.size(), 3u);
  EXPECT_EQ(config->environments[2].name, "production");
  EXPECT_TRUE(config->environments[2].is_protected);
  EXPECT_EQ(config->environments[2].position, 2);
  ASSERT_TRUE(config->sources.github && config->sources.aws && config->sources.generic);
  EXPECT_EQ(config->sources.github->secret.Reveal(), "github-webhook-secret-value");
  EXPECT_EQ(config->sources.aws->sns_topics.size(), 1u);
  ASSERT_EQ(config->pipelines.size(), 7u);
  const PipelineConfig* prod = config->FindPipeline("dashboard-production");
  ASSERT_NE(prod, nullptr);
  EXPECT_EQ(std::get<CodePipelineMatch>(prod->match).region, "eu-central-1");
  EXPECT_EQ(std::get<GithubMatch>(config->FindPipeline("dashboard-ci")->match).branch, "*");
  EXPECT_EQ(config->FindPipeline("core-chain")->kind, PipelineKind::kBuild);
  EXPECT_TRUE(std::holds_alternative<GenericMatch>(config->FindPipeline("release-script")->match));
}

TEST(ReferenceConfig, CatalogChecksResolveDefaults) {
  auto config = LoadReference();
  ASSERT_NE(config, nullptr);
  const TargetConfig* api = config->FindTarget("dashboard-api");
  ASSERT_NE(api, nullptr);
  ASSERT_EQ(api->checks.size(), 1u);
  EXPECT_EQ(api->checks[0].interval, 10s);  // own
  EXPECT_EQ(api->checks[0].timeout, 5s);    // catalog.defaults
  EXPECT_EQ(api->checks[0].failure_threshold, 3);
  const auto& http = std::get<HttpCheck>(api->checks[0].spec);
  EXPECT_EQ(http.conditions.size(), 4u);
  ASSERT_EQ(http.headers.size(), 1u);
  EXPECT_EQ(http.headers[0].name, "Accept");
  const TargetConfig* backup = config->FindTarget("nightly-backup");
  ASSERT_NE(backup, nullptr);
  EXPECT_EQ(backup->kind, TargetKind::kServer);
  EXPECT_EQ(std::get<HeartbeatCheck>(backup->checks[0].spec).period, 24h);
  EXPECT_EQ(std::get<TlsCheck>(config->FindTarget("dashboard-web")->checks[1].spec).min_days, 14);
  ASSERT_EQ(config->catalog.external.size(), 2u);
  EXPECT_EQ(config->catalog.external[1].match.at("service"), "dashboard-api");
}

TEST(ReferenceConfig, NotificationsDocsJiraReleases) {
  auto config = LoadReference();
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->FindChannel("devops")->url.Reveal(),
            "https://discord.com/api/webhooks/222/devops-secret-path");
  EXPECT_EQ(config->FindChannel("audit-sink")->secret.Reveal(), "audit-sink-hmac-secret-value");
  EXPECT_EQ(config->notifications.routes.size(), 4u);
  EXPECT_EQ(config->maintenance[0].schedule, "0 2 * * SUN");
  EXPECT_EQ(config->docs_audit.schedule, 6h);
  ASSERT_EQ(config->docs_audit.rules.size(), 2u);
  EXPECT_EQ(config->docs_audit.rules[1].require, std::vector<DocsField>{DocsField::kRunbook});
  ASSERT_TRUE(config->jira.has_value());
  EXPECT_EQ(config->jira->api_version, 3);
  const ReleaseTemplateConfig* tmpl = config->FindTemplate("production-release");
  ASSERT_NE(tmpl, nullptr);
  ASSERT_EQ(tmpl->items.size(), 11u);
  EXPECT_EQ(tmpl->items[5].phase, Phase::kGoNoGo);
  EXPECT_FALSE(tmpl->items[7].required);
  ASSERT_TRUE(tmpl->items[9].auto_check.has_value());
  EXPECT_EQ(tmpl->items[9].auto_check->kind, AutoCheckConfig::Kind::kHealthyFor);
  EXPECT_EQ(tmpl->items[9].auto_check->environment, "production");
  EXPECT_EQ(tmpl->items[9].auto_check->healthy_for, 15min);
  EXPECT_EQ(tmpl->items[2].auto_check->environment, "staging");
  ASSERT_EQ(config->releases.windows.size(), 2u);
  EXPECT_EQ(config->releases.windows[0].timezone, "Europe/Berlin");
  EXPECT_EQ(core::FormatRfc3339(*config->releases.windows[1].until), "2027-01-06T00:00:00.000Z");
  const auto& rollback =
      std::get<RollbackHttpConfig>(config->releases.rollback.at("production").action);
  EXPECT_EQ(rollback.headers[0].value.Reveal(), "Bearer ghp_github-token-value");
  EXPECT_EQ(
      std::get<RollbackCommandConfig>(config->releases.rollback.at("staging").action).argv.size(),
      5u);
}

}  // namespace
}  // namespace opsdeck::config
