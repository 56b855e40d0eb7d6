// Makes the store's copies of config-defined entities (environments,
// pipelines) match a config snapshot, at start-up and on every reload.
// Blocks on the database; call from the database executor or at start-up.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/audit.h"
#include "store/store.h"

namespace opsdeck::app {

// Returns warnings (what could not be stored yet); empty when all is stored.
std::vector<std::string> SyncConfigToStore(store::Store& store, const config::Config& cfg,
                                           const core::Actor& actor, std::string_view request_id);

}  // namespace opsdeck::app
