// The notification side of the composition root: builds each configured
// channel (notify::MakeChannel over a CurlTransport of its own) and runs the
// outbox dispatcher, rebuilt on config reload. Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/config_holder.h"
#include "config/config.h"
#include "core/notification.h"
#include "core/clock.h"
#include "notify/dispatcher.h"
#include "store/outbox_store.h"

namespace opsdeck::app {

// Discord asks for "DiscordBot (https://github.com/opsdeck/opsdeck, <version>)";
// the others get "opsdeck/<version>".
std::string NotifyUserAgent(config::ChannelType type);

// Routes a notice with the config snapshot current at the call, so a
// reload's routes apply to the next announcement: what the monitor, the
// release desk and the docs audit call inside their transactions.
std::function<std::vector<store::OutboxEntry>(const core::Notice&)> RouteWithCurrentConfig(
    ConfigHolder& holder);

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
