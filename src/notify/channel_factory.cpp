#include "notify/channel_factory.h"

#include <utility>

#include "notify/discord_channel.h"
#include "notify/slack_channel.h"
#include "notify/webhook_channel.h"

namespace opsdeck::notify {

core::Result<std::unique_ptr<Channel>> MakeChannel(const config::ChannelConfig& cfg,
                                                   std::shared_ptr<HttpTransport> transport,
                                                   std::string user_agent) {
  switch (cfg.type) {
    case config::ChannelType::kDiscord:
      return DiscordChannel::Create(cfg, std::move(transport), std::move(user_agent));
    case config::ChannelType::kSlack:
      return SlackChannel::Create(cfg, std::move(transport), std::move(user_agent));
    case config::ChannelType::kWebhook:
      return WebhookChannel::Create(cfg, std::move(transport), std::move(user_agent));
  }
  return core::Error::InvalidArgument("channel \"" + cfg.name + "\": unknown channel type");
}

}  // namespace opsdeck::notify
