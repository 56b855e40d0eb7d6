// The CLI commands, each in its own cli_<name>.cpp. Each returns an exit code
// from exit_codes.h. Called once from main(); not thread-safe.
#pragma once

#include <string>

namespace opsdeck::app {

struct UserCommand {
  std::string config_path;
  std::string action;  // add | list | disable | enable | set-role | set-password
  std::string name;
  std::string role;
  bool no_password = false;
};
struct TokenCommand {
  std::string config_path;
  std::string action;  // add | list | revoke
  std::string name;
  std::string role;
  std::string expires_in;  // "90d"; empty: never
};

int RunCheckConfig(const std::string& path, bool quiet);
int RunUser(const UserCommand& cmd);
int RunToken(const TokenCommand& cmd);
int RunMigrate(const std::string& path);
int RunServe(const std::string& path);

}  // namespace opsdeck::app
