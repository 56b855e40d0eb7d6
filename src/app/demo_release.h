// The demo's release: when the store holds no release yet, the demo plans
// one for the next version with the config's first template and ticks the
// first couple of items, so the release pages and the overview's checklist
// progress are alive. Acts as the principal "system:demo" (admin), so the
// audit log names the demo. Thread-safe as the desk and store are; blocks.
#pragma once

#include <string>

#include "config/config.h"
#include "release/desk.h"
#include "store/store.h"

namespace opsdeck::app {

void EnsureDemoRelease(const config::Config& config, release::Desk& desk, store::Store& store,
                       const std::string& version);

}  // namespace opsdeck::app
