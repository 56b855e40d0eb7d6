// The current config snapshot, swapped atomically on reload: readers get a
// shared_ptr<const Config> that stays valid for as long as they hold it, even
// if a reload swaps in a newer one meanwhile. Thread-safe.
#pragma once

#include <memory>
#include <mutex>

#include "config/config.h"

namespace opsdeck::app {

class ConfigHolder {
 public:
  explicit ConfigHolder(std::shared_ptr<const config::Config> initial);
  std::shared_ptr<const config::Config> Get() const;
  void Set(std::shared_ptr<const config::Config> next);

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const config::Config> current_;  // GUARDED_BY(mu_)
};

}  // namespace opsdeck::app
