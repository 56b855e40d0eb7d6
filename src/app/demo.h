// The built-in demo (`demo: {enabled: true}`, or `opsdeck demo`): local
// targets whose health changes, for the catalog to probe, and a driver that
// sends realistic pipeline events through the real webhook path and walks
// an incident open and closed, so every page is alive within a minute.
// Thread-safe: Start, Drive and Stop are called by serve's main thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "config/config.h"
#include "core/clock.h"
#include "core/result.h"
#include "http/services.h"

namespace opsdeck::app {

namespace demo {
class TargetsServer;
}

class Demo {
 public:
  // Null (and nothing started) when config.demo.enabled is false. Otherwise
  // starts the demo's local targets, before the monitor first probes them.
  static core::Result<std::unique_ptr<Demo>> Start(const config::Config& config,
                                                   const core::Clock& clock);
  ~Demo();
  // The server listens at `base_url` ("http://127.0.0.1:8080"): start
  // sending events to it. `services` outlives the demo.
  void Drive(const std::string& base_url, http::Services& services);
  // Stops every thread and server the demo started. Idempotent.
  void Stop();

 private:
  Demo() = default;
  void RunDriver(const std::string& base_url, http::Services& services);
  // Waits until `deadline` or Stop; false when stopping.
  bool WaitUntil(core::TimePoint deadline);

  const core::Clock* clock_ = nullptr;
  core::Duration pace_{};
  core::TimePoint started_{};
  std::unique_ptr<demo::TargetsServer> targets_;
  std::thread driver_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
};

}  // namespace opsdeck::app
