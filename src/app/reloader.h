// Config reload (SIGHUP and POST /api/v1/config/reload): load the file again;
// refuse an invalid one with all its errors (the running config stays); apply a
// valid one atomically: new snapshot, log settings, body limit, environments
// synced to the store (audited). Settings that need a restart (listen,
// threads, storage) keep their running values and are reported as warnings.
// Thread-safe: reloads are serialised.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>

#include "app/config_holder.h"
#include "core/audit.h"
#include "http/services.h"
#include "store/store.h"

namespace opsdeck::app {

class Reloader {
 public:
  Reloader(std::string path, ConfigHolder& holder, store::Store& store,
           std::function<void(const config::Config&)> apply_runtime);
  // Checks a loaded config further (what only a subsystem knows: a probe's
  // conditions, a schedule's time zone); any message refuses the reload.
  void SetValidator(std::function<std::vector<std::string>(const config::Config&)> validate) {
    validate_ = std::move(validate);
  }
  http::ReloadOutcome Reload(const core::Actor& actor, const std::string& request_id);
  // Appends the reload counters to a /metrics exposition.
  void WriteMetrics(std::string& out) const;

 private:
  std::string path_;
  ConfigHolder& holder_;
  store::Store& store_;
  std::function<void(const config::Config&)> apply_runtime_;
  std::function<std::vector<std::string>(const config::Config&)> validate_;
  std::mutex mu_;
  std::atomic<uint64_t> successes_{0};
  std::atomic<uint64_t> failures_{0};
  std::atomic<int64_t> last_success_unix_{0};
};

}  // namespace opsdeck::app
