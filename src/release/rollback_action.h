// Runs an environment's configured rollback action (releases.rollback): an
// HTTP request or an allow-listed command, with {{version}}, {{environment}}
// and {{rollback_id}} filled in. Behind a small interface so the desk can be
// tested against a real loopback receiver or a script, and so a stop can cut
// a long command short. Blocking: call from a worker thread, never from an
// I/O thread. Thread-safety: Run may be called from several threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>

#include "config/releases_config.h"
#include "core/clock.h"

namespace opsdeck::release {

// What the templates may name.
struct ActionVars {
  std::string version;
  std::string environment;
  int64_t rollback_id = 0;
};

struct ActionOutcome {
  bool ok = false;
  // Shown as the rollback's action_result: "HTTP 204", "exit 0",
  // "exit 3", "killed by signal 9"; empty when the action never ran.
  std::string result;
  // Why it failed; empty when ok. Never holds a header value or the output.
  std::string error;
};

struct ActionLimits {
  // The whole HTTP exchange (DNS, connect, TLS, request, answer).
  core::Duration http_timeout = std::chrono::seconds(30);
  // A command still running then is killed (SIGKILL to its process group).
  core::Duration command_timeout = std::chrono::minutes(5);
  // Output kept for the log; the rest is read and dropped.
  size_t output_cap = 64 * 1024;
};

class RollbackActionRunner {
 public:
  virtual ~RollbackActionRunner() = default;
  // Runs `action` once. A stop request ends a running command (killed) and
  // reports it as failed.
  virtual ActionOutcome Run(const config::RollbackActionConfig& action, const ActionVars& vars,
                            std::stop_token stop) = 0;
};

// The real runner: libcurl (net::FetchUrl) for http, posix_spawn for commands
// (no shell, stdin /dev/null, stdout and stderr captured for the log).
std::unique_ptr<RollbackActionRunner> MakeActionRunner(ActionLimits limits = {});

// "http" | "command".
std::string_view ActionKindName(const config::RollbackActionConfig& action);

// Replaces {{version}}, {{environment}} and {{rollback_id}} in `text`, each
// value passed through `encode` (identity when null). Other {{...}} are kept.
std::string FillTemplate(std::string_view text, const ActionVars& vars,
                         std::string (*encode)(std::string_view) = nullptr);

// Whether a value may be put into a URL, header or body template as is:
// printable ASCII without quotes, backslashes, angle brackets or spaces, so a
// CI-supplied version cannot break out of a JSON string or a header.
bool IsTemplateSafe(std::string_view value);

}  // namespace opsdeck::release
