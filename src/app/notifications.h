// The notification side of the composition root: builds each configured
// channel (notify::MakeChannel over a CurlTransport of its own) and runs the
// outbox dispatcher, rebuilt on config reload. Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "config/config.h"
#include "core/clock.h"
#include "notify/dispatcher.h"
#include "store/outbox_store.h"

namespace opsdeck::app {

// Discord asks for "DiscordBot (https://github.com/opsdeck/opsdeck, <version>)";
// the others get "opsdeck/<version>".
std::string NotifyUserAgent(config::ChannelType type);

class Notifications {
 public:
  Notifications(store::OutboxStore& outbox, const core::Clock& clock, const config::Config& config);
  ~Notifications();
  // Channels changed (reload): new workers for the new channel list.
  void Apply(const config::Config& config);
  void Wake() { dispatcher_->Wake(); }
  void Stop() { dispatcher_->Stop(); }
  // opsdeck_notifications_*_total{channel} counters for /metrics.
  void WriteMetrics(std::string& out) const;

 private:
  std::unique_ptr<notify::Dispatcher> dispatcher_;
};

}  // namespace opsdeck::app
