#include "app/config_holder.h"

namespace opsdeck::app {

ConfigHolder::ConfigHolder(std::shared_ptr<const config::Config> initial)
    : current_(std::move(initial)) {}

std::shared_ptr<const config::Config> ConfigHolder::Get() const {
  std::lock_guard lock(mu_);
  return current_;
}

void ConfigHolder::Set(std::shared_ptr<const config::Config> next) {
  std::lock_guard lock(mu_);
  current_ = std::move(next);
}

}  // namespace opsdeck::app
