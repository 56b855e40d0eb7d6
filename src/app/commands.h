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

// `opsdeck event`: one generic-format event to POST /hooks/generic.
struct EventCommand {
  std::string server;      // base URL; empty: $OPSDECK_URL or http://127.0.0.1:8080
  std::string token_file;  // empty: $OPSDECK_EVENT_TOKEN
  std::string pipeline;
  std::string run_id;
  int attempt = 1;
  std::string status;
  std::string stage;
  std::string stage_status;
  std::string stage_url;
  std::string version, commit, ref, url, trigger, title;
  std::string started_at, finished_at;
  std::string idempotency_key;
  int retries = 3;
  int timeout_seconds = 10;
  bool dry_run = false;
  bool quiet = false;
};

// `opsdeck notify test CHANNEL`.
struct NotifyCommand {
  std::string config_path;
  std::string channel;
  bool quiet = false;
};

// `opsdeck demo`: serve the built-in demo config (docs/demo.md).
struct DemoCommand {
  std::string data_dir;        // empty: a fresh temp directory, removed on exit
  std::string listen;          // empty: 127.0.0.1:8080
  std::string targets_listen;  // empty: 127.0.0.1:8091
  std::string pace;            // empty: 5s
};

int RunCheckConfig(const std::string& path, bool quiet);
int RunUser(const UserCommand& cmd);
int RunToken(const TokenCommand& cmd);
int RunMigrate(const std::string& path);
int RunServe(const std::string& path);
int RunEvent(const EventCommand& cmd);
int RunNotifyTest(const NotifyCommand& cmd);
int RunDemo(const DemoCommand& cmd);

}  // namespace opsdeck::app
