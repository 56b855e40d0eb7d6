// Discord incoming webhooks (CONTRACTS.md §1): one embed per notice, created
// with `?wait=true` so the message id comes back, then edited in place for
// every later notice about the same subject. Every embed limit is kept by
// construction (text_limits.h), never discovered by a 400.
// Not thread-safe: one dispatcher thread at a time (channel.h).
//
// Wire decisions:
// - An edit (PATCH) sends content, allowed_mentions and embeds. `embeds`
//   replaces the message's embeds whole, so every edit carries the complete
//   embed. `content` is the mention line when the notice mentions, else ""
//   so a stale "production: failed" ping line does not sit above an embed that
//   now says something else. username/avatar_url are create-only.
// - allowed_mentions is always {"parse":[]} plus exactly the configured role
//   and user ids: nothing else in the text can ever ping.
// - A create answered 2xx without a message id (we asked for wait=true) is
//   kRejected, not kRetry: the far side may well have posted it, so a retry
//   would post a duplicate, and a 2xx without the message object means the URL
//   does not lead to Discord's webhook API (a proxy, a /slack variant): a
//   misconfiguration the delivery log should show, not hide.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/notifications_config.h"
#include "core/result.h"
#include "notify/channel.h"

namespace opsdeck::notify {

class DiscordChannel final : public Channel {
  struct Settings {
    std::shared_ptr<HttpTransport> transport;
    std::string user_agent;
    std::string base_url;              // scheme://host/api/v10/webhooks/{id}/{token}: a credential
    std::vector<std::string> secrets;  // the URL's parts, for Scrub
    std::string thread_id;
    std::string username;
    std::string avatar_url;
    std::vector<std::string> mentions;  // as configured: "<@&123>", "<@456>"
    std::vector<std::string> role_ids;
    std::vector<std::string> user_ids;
    std::chrono::milliseconds timeout{10000};
  };

 public:
  // kInvalidArgument when cfg.url is not a Discord webhook URL
  // (http(s)://host/api[/vN]/webhooks/{id}/{token}), a mention is neither
  // <@&role> nor <@user>/<@!user>, thread_id is not a snowflake, or the
  // username breaks Discord's rules (1-80 chars, no "discord"/"clyde").
  static core::Result<std::unique_ptr<Channel>> Create(const config::ChannelConfig& cfg,
                                                       std::shared_ptr<HttpTransport> transport,
                                                       std::string user_agent);
  explicit DiscordChannel(Settings settings) : s_(std::move(settings)) {}  // through Create

  std::string_view kind() const override { return "discord"; }
  bool edits_in_place() const override { return true; }
  SendResult Send(const core::Notice& notice, const std::string& message_id,
                  std::string_view delivery_id) override;

  // The JSON body for `notice`: an execute (create) body, or an edit body
  // without username/avatar_url when `edit`. Exposed for tests.
  std::string RenderBody(const core::Notice& notice, bool edit) const;

 private:
  SendResult Classify(const HttpResponse& response, const std::string& message_id) const;
  std::string Scrub(std::string text) const;

  Settings s_;
};

}  // namespace opsdeck::notify
