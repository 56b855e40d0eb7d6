// The release side of the composition root: the release desk over the store,
// its announcements routed through the notification config, and its hooks
// into the API (Services::releases, Services::on_intake). The desk reads the
// config snapshot on every call, so a reload needs no restart of it.
// Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/config_holder.h"
#include "core/clock.h"
#include "http/services.h"
#include "net/event_bus.h"
#include "release/release_desk.h"
#include "store/store.h"

namespace opsdeck::app {

class Releases {
 public:
  // Starts the desk's threads (periodic pass every 15 s, rollback actions).
  static core::Result<std::unique_ptr<Releases>> Start(store::Store& store,
                                                       const core::Clock& clock,
                                                       ConfigHolder& holder, net::EventBus& events,
                                                       std::function<void()> notify_wake);
  ~Releases();
  // The config changed (already validated with ConfigErrors).
  void Apply(const config::Config& config);
  void FillServices(http::Services& services);
  // Stops the threads (a running rollback command is killed and recorded as
  // failed). Call before the store closes. Idempotent.
  void Stop();

  // What serve and reload refuse in `releases:` (windows whose schedule or
  // time zone cannot be used).
  static std::vector<std::string> ConfigErrors(const config::Config& config);

 private:
  Releases() = default;
  std::unique_ptr<release::ReleaseDesk> desk_;
};

}  // namespace opsdeck::app
