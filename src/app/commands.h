// The CLI commands, each in its own cli_<name>.cpp. Each returns an exit code
// from exit_codes.h. Called once from main(); not thread-safe.
#pragma once

#include <string>

namespace opsdeck::app {

int RunCheckConfig(const std::string& path, bool quiet);
int RunMigrate(const std::string& path);
int RunServe(const std::string& path);

}  // namespace opsdeck::app
