// `sources:` section: credentials that webhook senders must present. A source
// left out of the file is disabled (its hook refuses every delivery). Plain
// values, immutable once loaded; any thread may read them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/secret.h"

namespace opsdeck::config {

struct GithubSourceConfig {
  core::SecretString secret;  // webhook secret for X-Hub-Signature-256
};

struct GitlabSourceConfig {
  core::SecretString token;  // compared with X-Gitlab-Token
};

// EventBridge API destinations with "API key" auth send `token` in
// `token_header`; SNS deliveries are accepted only from `sns_topics`.
struct AwsSourceConfig {
  std::string token_header = "X-Opsdeck-Token";
  core::SecretString token;
  std::vector<std::string> sns_topics;  // topic ARNs
};

struct AlertmanagerSourceConfig {
  core::SecretString token;  // bearer token of the webhook receiver
};

struct GenericSourceConfig {
  core::SecretString token;  // bearer token of `opsdeck event` and scripts
};

struct SourcesConfig {
  std::optional<GithubSourceConfig> github;
  std::optional<GitlabSourceConfig> gitlab;
  std::optional<AwsSourceConfig> aws;
  std::optional<AlertmanagerSourceConfig> alertmanager;
  std::optional<GenericSourceConfig> generic;
};

}  // namespace opsdeck::config
