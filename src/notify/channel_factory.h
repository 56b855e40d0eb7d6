// The registry of channel kinds: builds the Channel a config entry names.
// Adding a kind is one case here plus its own file. Stateless; any thread.
#pragma once

#include <memory>
#include <string>

#include "config/notifications_config.h"
#include "core/result.h"
#include "notify/channel.h"

namespace opsdeck::notify {

// The channel for cfg.type, sending through `transport` with `user_agent`
// (the app passes "DiscordBot (https://github.com/opsdeck/opsdeck, <version>)").
// kInvalidArgument when the kind's Create rejects the config; the message
// names the channel, never its URL.
core::Result<std::unique_ptr<Channel>> MakeChannel(const config::ChannelConfig& cfg,
                                                   std::shared_ptr<HttpTransport> transport,
                                                   std::string user_agent);

}  // namespace opsdeck::notify
