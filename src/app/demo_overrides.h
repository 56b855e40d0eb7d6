// `opsdeck demo`'s config: the built-in examples/opsdeck.yaml (embedded at
// build time) with the storage path, the listen address and the demo's
// targets address and pace replaced as the command line asks. Pure;
// thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace opsdeck::app {

// The config text `opsdeck demo` starts from.
std::string_view BuiltInDemoConfig();

struct DemoOverrides {
  std::string storage_path;    // required: the SQLite file
  std::string listen;          // "host:port"; empty: as written
  std::string targets_listen;  // "host:port"; empty: as written
  std::string pace;            // "1s"; empty: as written
};

// Rewrites the addresses where the built-in config writes them (the server,
// its self-checks, the demo targets and the checks that probe them).
// kInvalidArgument when a value cannot be placed (the text lacks the line
// it replaces), so an edited example fails loudly, not silently.
core::Result<std::string> ApplyDemoOverrides(std::string_view config_text, const DemoOverrides& o);

}  // namespace opsdeck::app
