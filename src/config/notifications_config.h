// `notifications:` section: chat and webhook channels, and the routes that
// choose channels for each event. Plain values, immutable once loaded; any
// thread may read them.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/common.h"
#include "core/clock.h"
#include "core/secret.h"

namespace opsdeck::config {

enum class ChannelType { kDiscord, kSlack, kWebhook };
std::string_view ChannelTypeName(ChannelType type);

struct ChannelConfig {
  std::string name;
  ChannelType type = ChannelType::kDiscord;
  core::SecretString url;  // webhook URL (`url` or `url_file`); the URL is the credential
  std::string username;    // discord, slack: display name override
  std::string avatar_url;  // discord
  std::string thread_id;   // discord: post into this thread
  std::vector<std::string> mention_on_production_failure;  // discord, slack
  core::SecretString secret;  // webhook: HMAC-SHA256 key (`secret` or `secret_file`)
  // One request, connect to last byte. A request that times out is retried
  // (its outcome is unknown, so a create may be repeated: docs/notifications.md).
  core::Duration timeout = std::chrono::seconds(10);
};

// An event goes to `channel` when it matches every non-empty filter.
struct RouteConfig {
  std::vector<std::string> events;  // "pipeline.*", "incident.opened", "*"
  std::vector<std::string> environments;
  std::vector<std::string> pipelines;
  std::vector<std::string> targets;
  std::optional<Severity> severity;  // minimum severity
  std::string channel;
};

struct NotificationsConfig {
  std::vector<ChannelConfig> channels;
  std::vector<RouteConfig> routes;  // every matching route delivers
};

}  // namespace opsdeck::config
