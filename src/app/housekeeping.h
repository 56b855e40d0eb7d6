// Periodic clean-up of stored state that expires: UI sessions past their
// absolute or idle expiry, and login-failure counts older than an hour. Runs
// at start and every kInterval on the database executor; safe with several
// instances (each delete is idempotent). Start/Stop from the main context.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

#include "config/config.h"
#include "core/clock.h"
#include "store/store.h"

namespace opsdeck::app {

class Housekeeper {
 public:
  static constexpr std::chrono::minutes kInterval{10};

  Housekeeper(boost::asio::io_context& ctx, boost::asio::any_io_executor db,
              store::Store& store, const core::Clock& clock,
              std::function<std::shared_ptr<const config::Config>()> config)
      : timer_(ctx), db_(std::move(db)), store_(store), clock_(clock), config_(std::move(config)) {}

  void Start();
  void Stop();
  // One pass (exposed for tests); blocking.
  void RunOnce();

 private:
  void Schedule(std::chrono::steady_clock::duration after);
  boost::asio::steady_timer timer_;
  boost::asio::any_io_executor db_;
  store::Store& store_;
  const core::Clock& clock_;
  std::function<std::shared_ptr<const config::Config>()> config_;
  std::atomic<bool> stopped_{false};
};

}  // namespace opsdeck::app
