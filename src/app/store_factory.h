// Opens the configured store: the one place that names the concrete backends.
#pragma once

#include <memory>

#include "config/config.h"
#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace opsdeck::app {

core::Result<std::unique_ptr<store::Store>> OpenStore(const config::StorageConfig& storage,
                                                      const core::Clock& clock);

// Opens and migrates; logs what was applied.
core::Result<std::unique_ptr<store::Store>> OpenAndMigrate(const config::StorageConfig& storage,
                                                           const core::Clock& clock);

}  // namespace opsdeck::app
