// What route handlers may reach: the current config snapshot, the store, the
// clock, metrics and the reload action. Built by app/ (the composition root)
// and kept alive for the server's lifetime. The members are thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/audit.h"
#include "core/clock.h"
#include "http/metrics.h"
#include "store/store.h"

namespace opsdeck::http {

struct ReloadOutcome {
  bool ok = false;
  std::vector<std::string> errors;    // file:line:col: path: message
  std::vector<std::string> warnings;  // e.g. settings that need a restart
};

struct Services {
  std::function<std::shared_ptr<const config::Config>()> config;
  store::Store* store = nullptr;
  const core::Clock* clock = nullptr;
  HttpMetrics* metrics = nullptr;  // set once the route table is built
  BuildInfo build;
  std::function<ReloadOutcome(const core::Actor& actor, const std::string& request_id)> reload;
  // New outbox entries were committed: the dispatcher looks at once. May be
  // empty (tests); quick, safe from any thread.
  std::function<void()> notify_wake;
};

}  // namespace opsdeck::http
