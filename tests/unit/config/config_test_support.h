// Shared helpers for the config tests: a fake environment holding every
// variable the fixtures use, fixture paths, and reading fixture files.
// Test-only; not thread-safe beyond what GoogleTest needs.
#pragma once

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "config/loader.h"

namespace opsdeck::config::testing {

inline std::string FixtureDir() { return std::string(OPSDECK_FIXTURES) + "/config"; }
inline std::string SecretsDir() { return FixtureDir() + "/secrets"; }

// The ${...} variables of the reference config (and the other fixtures).
inline const std::map<std::string, std::string>& FixtureVariables() {
  static const std::map<std::string, std::string> vars = {
      {"OPSDECK_PG_DSN", "postgresql://opsdeck:pg-secret-value@db.internal/opsdeck"},
      {"GITHUB_WEBHOOK_SECRET", "github-webhook-secret-value"},
      {"GITLAB_WEBHOOK_TOKEN", "gitlab-webhook-token-value"},
      {"AWS_EVENTS_TOKEN", "aws-events-token-value"},
      {"ALERTMANAGER_TOKEN", "alertmanager-token-value"},
      {"OPSDECK_EVENT_TOKEN", "generic-event-token-value"},
      {"DISCORD_PIPELINE_WEBHOOK", "https://discord.com/api/webhooks/111/pipeline-secret-path"},
      {"SLACK_WEBHOOK", "https://hooks.slack.com/services/T000/B000/slack-secret-path"},
      {"AUDIT_SINK_SECRET", "audit-sink-hmac-secret-value"},
      {"JIRA_API_TOKEN", "jira-api-token-value"},
      {"GITHUB_TOKEN", "ghp_github-token-value"},
      {"OPSDECK_PORT", "9090"},
  };
  return vars;
}

inline EnvLookup MapEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

inline EnvLookup FixtureEnv() { return MapEnv(FixtureVariables()); }

inline std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The reference config names /run/secrets/...; the tests read the stubs in
// tests/fixtures/config/secrets/ instead. Only those paths change, so line
// numbers (and the columns of errors elsewhere) stay those of the file.
inline std::string WithStubSecrets(std::string text) {
  const std::string from = "/run/secrets/";
  const std::string to = SecretsDir() + "/";
  for (size_t pos = text.find(from); pos != std::string::npos;
       pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

inline std::string Describe(const std::vector<ConfigError>& errors) {
  std::string out;
  for (const ConfigError& e : errors) out += "  " + e.ToString() + "\n";
  return out;
}

}  // namespace opsdeck::config::testing
