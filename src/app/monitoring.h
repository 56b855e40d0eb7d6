// The monitoring side of the composition root: the HealthMonitor over the
// store, announcements routed through the notification config, the API's
// hooks into it (passive results, metrics, acknowledgement notices,
// maintenance occurrences). Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/config_holder.h"
#include "core/clock.h"
#include "http/services.h"
#include "monitor/health_monitor.h"
#include "net/event_bus.h"
#include "store/store.h"

namespace opsdeck::app {

class Monitoring {
 public:
  // Starts monitoring `holder`'s config. kInvalidArgument for a catalog the
  // monitor cannot run (check-config reports the same), kUnavailable when
  // the store cannot be read.
  static core::Result<std::unique_ptr<Monitoring>> Start(store::Store& store, const core::Clock& clock,
                                                         ConfigHolder& holder, net::EventBus& events,
                                                         std::function<void()> notify_wake,
                                                         monitor::MonitorOptions options = {});
  ~Monitoring();
  // The config changed (reload; already validated with monitor::CatalogErrors).
  void Apply();
  void FillServices(http::Services& services);
  void Stop();

 private:
  Monitoring(ConfigHolder& holder, const core::Clock& clock);
  ConfigHolder& holder_;
  const core::Clock& clock_;
  std::unique_ptr<monitor::HealthMonitor> monitor_;
};

}  // namespace opsdeck::app
