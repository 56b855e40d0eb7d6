// Secrets: `X` or `X_file` (never both), the file reading rules, and no secret
// value ever appearing in an error message.
#include <gtest/gtest.h>

#include "config_test_support.h"

namespace opsdeck::config {
namespace {

LoadResult LoadWithSecretsDir(std::string_view yaml, const EnvLookup& env = testing::FixtureEnv()) {
  return LoadString(yaml, "s.yaml", env, testing::SecretsDir());
}

std::string AllErrors(const LoadResult& result) { return testing::Describe(result.errors); }

TEST(SecretFile, ReadsRelativeToBaseDirAndTrimsTrailingNewlines) {
  LoadResult result = LoadWithSecretsDir(
      "notifications:\n  channels: [{name: d, type: discord, url_file: discord-devops-webhook}]\n"
      "jira: {url: 'https://j.example', project: OPS, token_file: opsdeck-gate-token}\n");
  ASSERT_TRUE(result.ok()) << AllErrors(result);
  // The stub file ends in "\r\n"; both are trimmed.
  EXPECT_EQ(result.config->FindChannel("d")->url.Reveal(),
            "https://discord.com/api/webhooks/222/devops-secret-path");
  EXPECT_EQ(result.config->jira->token.Reveal(), "gate-token-from-file");
}

TEST(SecretFile, AbsolutePathsAndVariablesInThePath) {
  LoadResult result =
      LoadWithSecretsDir("sources:\n  generic: {token_file: '${DIR}/opsdeck-gate-token'}\n",
                         testing::MapEnv({{"DIR", testing::SecretsDir()}}));
  ASSERT_TRUE(result.ok()) << AllErrors(result);
  EXPECT_EQ(result.config->sources.generic->token.Reveal(), "gate-token-from-file");
}

TEST(SecretFile, MissingEmptyAndDirectoryFilesAreErrors) {
  LoadResult result = LoadWithSecretsDir(
      "sources:\n"
      "  github: {secret_file: no-such-file}\n"
      "  gitlab: {token_file: empty-secret}\n"
      "  generic: {token_file: .}\n");
  ASSERT_EQ(result.errors.size(), 3u) << AllErrors(result);
  EXPECT_EQ(result.errors[0].path, "sources.github.secret_file");
  EXPECT_EQ(result.errors[0].line, 2);
  EXPECT_EQ(result.errors[0].column, 25);
  EXPECT_EQ(result.errors[0].message, "cannot read secret file 'no-such-file' (relative to " +
                                          testing::SecretsDir() + "): No such file or directory");
  EXPECT_NE(result.errors[1].message.find("is empty"), std::string::npos);
  EXPECT_NE(result.errors[2].message.find("is a directory"), std::string::npos);
}

TEST(SecretFile, BothValueAndFileIsAnError) {
  LoadResult result =
      LoadWithSecretsDir("sources:\n  gitlab: {token: abc, token_file: opsdeck-gate-token}\n");
  ASSERT_EQ(result.errors.size(), 1u) << AllErrors(result);
  EXPECT_EQ(result.errors[0].ToString(),
            "s.yaml:2:36: sources.gitlab.token_file: give either token or token_file, not both");
}

TEST(SecretFile, RequiredSecretNamesBothForms) {
  LoadResult result = LoadWithSecretsDir("sources:\n  alertmanager: {}\n");
  ASSERT_EQ(result.errors.size(), 1u) << AllErrors(result);
  EXPECT_EQ(result.errors[0].path, "sources.alertmanager.token");
  EXPECT_NE(result.errors[0].message.find("token or token_file"), std::string::npos);
}

TEST(SecretFile, ContentIsNotSubstituted) {
  // A file is taken literally: a secret may contain "${".
  LoadResult result = LoadWithSecretsDir("storage: {type: postgres, dsn_file: pg-dsn}\n");
  ASSERT_TRUE(result.ok()) << AllErrors(result);
  EXPECT_EQ(result.config->storage.dsn.Reveal(),
            "postgresql://opsdeck:pw-from-file@db.internal/opsdeck");
}

// Every secret value below must stay out of every message, whatever goes wrong
// around it.
TEST(SecretRedaction, NoSecretValueInAnyErrorMessage) {
  const std::string kEnvSecret = "ENV-SECRET-7f3a";
  const std::string kFileSecret = "gate-token-from-file";  // secrets/opsdeck-gate-token
  const std::string kInline = "INLINE-SECRET-93b1";
  LoadResult result = LoadWithSecretsDir(
      "server: {threads: '${S}', listen: '${S}'}\n"  // env value in a non-secret int
      "log: {level: '${S}'}\n"                       // env value in an enum
      "auth:\n"
      "  tokens:\n"
      "    - {name: a, role: viewer, token_file: opsdeck-gate-token}\n"
      "    - {name: b, role: viewer, token_file: opsdeck-gate-token}\n"  // same value as a
      "    - {name: c, role: boss, token: INLINE-SECRET-93b1}\n"         // bad role beside a secret
      "notifications:\n"
      "  channels:\n"
      "    - {name: x, type: discord, url: '${S}'}\n"              // env secret, not a URL
      "    - {name: y, type: slack, url: INLINE-SECRET-93b1}\n"    // inline secret, not a URL
      "    - {name: z, type: slack, url: [INLINE-SECRET-93b1]}\n"  // wrong type
      "jira: {url: 'https://j', project: P, token: '${S}', token_file: opsdeck-gate-token}\n",
      testing::MapEnv({{"S", kEnvSecret}}));
  EXPECT_GE(result.errors.size(), 8u) << AllErrors(result);
  for (const ConfigError& e : result.errors) {
    std::string text = e.ToString();
    EXPECT_EQ(text.find(kEnvSecret), std::string::npos) << text;
    EXPECT_EQ(text.find(kFileSecret), std::string::npos) << text;
    EXPECT_EQ(text.find(kInline), std::string::npos) << text;
  }
}

TEST(SecretRedaction, SecretsPrintRedacted) {
  LoadResult result = LoadWithSecretsDir("sources: {github: {secret: top-secret}}\n");
  ASSERT_TRUE(result.ok()) << AllErrors(result);
  std::ostringstream out;
  out << result.config->sources.github->secret;
  EXPECT_EQ(out.str(), "<redacted>");
}

}  // namespace
}  // namespace opsdeck::config
