// LoadString / LoadFile behaviour: defaults, all errors at once with their
// positions, YAML syntax errors, the error format, and file handling.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <type_traits>

#include "config_test_support.h"

namespace opsdeck::config {
namespace {

using namespace std::chrono_literals;

static_assert(std::is_same_v<decltype(LoadResult::config), std::shared_ptr<const Config>>,
              "the loaded config is an immutable snapshot");

LoadResult Load(std::string_view yaml) { return LoadString(yaml, "t.yaml", testing::FixtureEnv()); }

std::vector<std::string> Texts(const LoadResult& result) {
  std::vector<std::string> out;
  for (const ConfigError& e : result.errors) out.push_back(e.ToString());
  return out;
}

TEST(Loader, EmptyFileGivesTheDocumentedDefaults) {
  LoadResult result = Load("# nothing but a comment\n");
  ASSERT_TRUE(result.ok()) << testing::Describe(result.errors);
  const Config& c = *result.config;
  EXPECT_EQ(c.source_file, "t.yaml");
  EXPECT_EQ(c.server.listen, "127.0.0.1:8080");
  EXPECT_EQ(c.server.port, 8080);
  EXPECT_EQ(c.storage.type, StorageType::kSqlite);
  EXPECT_EQ(c.storage.path, "./data/opsdeck.db");
  ASSERT_EQ(c.environments.size(), 3u);
  EXPECT_EQ(c.environments[0].name, "development");
  EXPECT_EQ(c.environments[1].position, 1);
  EXPECT_EQ(c.environments[2].name, "production");
  EXPECT_FALSE(c.jira.has_value());
  EXPECT_FALSE(c.sources.github.has_value());
  EXPECT_EQ(c.docs_audit.schedule, 6h);
}

TEST(Loader, DefaultEnvironmentsCanBeReferenced) {
  LoadResult result = Load(
      "pipelines:\n"
      "  - {name: p, environment: staging, kind: build, match: {generic: {pipeline: p}}}\n");
  EXPECT_TRUE(result.ok()) << testing::Describe(result.errors);
}

TEST(Loader, ReportsUnknownKeyWrongTypeAndUnsetVariableAllAtOnce) {
  LoadResult result = Load(
      "server:\n"
      "  listen: 127.0.0.1:8080\n"
      "  thraeds: 4\n"     // line 3: unknown key, close to threads
      "storage: sqlite\n"  // line 4: string where a map is expected
      "sources:\n"
      "  github:\n"
      "    secret: ${NOT_SET_ANYWHERE}\n");  // line 7: unset variable
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.config, nullptr);
  EXPECT_EQ(
      Texts(result),
      (std::vector<std::string>{
          "t.yaml:3:3: server.thraeds: unknown key (did you mean 'threads'?)",
          "t.yaml:4:10: storage: expected a map, got a string",
          "t.yaml:7:13: sources.github.secret: environment variable NOT_SET_ANYWHERE is not set",
      }));
}

TEST(Loader, ErrorsAreSortedByPositionWhateverTheSectionOrder) {
  LoadResult result = Load(
      "notifications:\n"
      "  routes: [{events: ['*'], channel: nowhere}]\n"
      "log: {level: loud}\n"
      "environments: [{name: prod}, {name: prod}]\n");
  std::vector<std::string> texts = Texts(result);
  ASSERT_EQ(texts.size(), 3u) << testing::Describe(result.errors);
  EXPECT_EQ(texts[0], "t.yaml:2:37: notifications.routes[0].channel: unknown channel 'nowhere'");
  EXPECT_EQ(texts[1], "t.yaml:3:14: log.level: expected debug, info, warn or error, got 'loud'");
  EXPECT_EQ(texts[2],
            "t.yaml:4:37: environments[1].name: duplicate environment name 'prod' (first defined "
            "at line 4)");
}

TEST(Loader, ReferencesMayPointForward) {
  LoadResult result = Load(
      "notifications:\n"
      "  routes: [{events: ['*'], channel: ops}]\n"
      "  channels: [{name: ops, type: slack, url: 'https://hooks.slack.com/x'}]\n");
  EXPECT_TRUE(result.ok()) << testing::Describe(result.errors);
}

TEST(Loader, YamlSyntaxErrorHasItsPosition) {
  LoadResult result = Load("server:\n  listen: [127.0.0.1\nlog: {}\n");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].line, 3);
  EXPECT_GT(result.errors[0].column, 0);
  EXPECT_NE(result.errors[0].message.find("YAML syntax error"), std::string::npos);
}

TEST(Loader, TopLevelMustBeOneMap) {
  EXPECT_EQ(Texts(Load("- a\n- b\n")),
            std::vector<std::string>{
                "t.yaml:1:1: the top level must be a map of sections (server:, storage:, ...)"});
  LoadResult two = Load("log: {}\n---\nlog: {}\n");
  ASSERT_EQ(two.errors.size(), 1u);
  EXPECT_NE(two.errors[0].message.find("only one YAML document"), std::string::npos);
}

TEST(Loader, NullValuesMeanAbsent) {
  LoadResult result = Load("server:\n  public_url:\nauth:\n  tokens:\nenvironments:\n");
  ASSERT_TRUE(result.ok()) << testing::Describe(result.errors);
  EXPECT_EQ(result.config->environments.size(), 3u);
}

TEST(ConfigError, ToStringLeavesOutUnknownParts) {
  EXPECT_EQ((ConfigError{"f.yaml", 3, 5, "server.threads", "too many"}).ToString(),
            "f.yaml:3:5: server.threads: too many");
  EXPECT_EQ((ConfigError{"f.yaml", 2, 1, "", "YAML syntax error: x"}).ToString(),
            "f.yaml:2:1: YAML syntax error: x");
  EXPECT_EQ((ConfigError{"f.yaml", 0, 0, "", "config file does not exist"}).ToString(),
            "f.yaml: config file does not exist");
}

class LoadFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("opsdeck-config-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_ / "secrets");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  std::filesystem::path dir_;
};

TEST_F(LoadFileTest, ReadsRelativeSecretFilesBesideTheConfig) {
  Write("secrets/dsn", "postgresql://u:p@h/db\r\n\n");
  Write("opsdeck.yaml", "storage:\n  type: postgres\n  dsn_file: secrets/dsn\n");
  LoadResult result = LoadFile((dir_ / "opsdeck.yaml").string(), testing::FixtureEnv());
  ASSERT_TRUE(result.ok()) << testing::Describe(result.errors);
  EXPECT_EQ(result.config->storage.dsn.Reveal(),
            "postgresql://u:p@h/db");  // all trailing newlines trimmed
  EXPECT_EQ(result.config->source_file, (dir_ / "opsdeck.yaml").string());
}

TEST_F(LoadFileTest, MissingFileAndDirectoryAreErrors) {
  LoadResult missing = LoadFile((dir_ / "nope.yaml").string(), testing::FixtureEnv());
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_EQ(missing.errors[0].ToString(),
            (dir_ / "nope.yaml").string() + ": config file does not exist");
  LoadResult directory = LoadFile(dir_.string(), testing::FixtureEnv());
  ASSERT_EQ(directory.errors.size(), 1u);
  EXPECT_NE(directory.errors[0].message.find("directory"), std::string::npos);
}

TEST(ProcessEnv, ReadsTheRealEnvironment) {
  ::setenv("OPSDECK_CONFIG_TEST_VAR", "from-process", 1);
  EXPECT_EQ(ProcessEnv()("OPSDECK_CONFIG_TEST_VAR"), "from-process");
  ::unsetenv("OPSDECK_CONFIG_TEST_VAR");
  EXPECT_EQ(ProcessEnv()("OPSDECK_CONFIG_TEST_VAR"), std::nullopt);
}

}  // namespace
}  // namespace opsdeck::config
