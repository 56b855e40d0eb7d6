#include "app/reloader.h"

#include <boost/json.hpp>

#include <chrono>

#include "app/config_sync.h"
#include "config/loader.h"
#include "net/log.h"

namespace opsdeck::app {
namespace {

// What an audit row keeps of a config: its environments and sections in use.
// Never secrets.
std::string Summary(const config::Config& c) {
  boost::json::array envs;
  for (const auto& e : c.environments) {
    boost::json::object o;
    o["name"] = e.name;
    o["protected"] = e.is_protected;
    envs.push_back(std::move(o));
  }
  boost::json::object out;
  out["environments"] = std::move(envs);
  out["body_limit"] = c.server.body_limit;
  out["log_level"] = c.log.level;
  out["log_format"] = c.log.format;
  return boost::json::serialize(out);
}

}  // namespace

Reloader::Reloader(std::string path, ConfigHolder& holder, store::Store& store,
                   std::function<void(const config::Config&)> apply_runtime)
    : path_(std::move(path)),
      holder_(holder),
      store_(store),
      apply_runtime_(std::move(apply_runtime)) {}

http::ReloadOutcome Reloader::Reload(const core::Actor& actor, const std::string& request_id) {
  std::lock_guard lock(mu_);
  http::ReloadOutcome out;
  config::LoadResult loaded = config::LoadFile(path_, config::ProcessEnv());
  if (!loaded.ok()) {
    failures_.fetch_add(1);
    for (const auto& e : loaded.errors) out.errors.push_back(e.ToString());
    net::LogError("config reload refused; the running config stays",
                  {{"file", path_}, {"errors", static_cast<int>(out.errors.size())},
                   {"actor", actor.ToString()}});
    for (const auto& e : out.errors) net::LogError("config error", {{"error", e}});
    return out;
  }
  if (validate_) out.errors = validate_(*loaded.config);
  if (!out.errors.empty()) {
    failures_.fetch_add(1);
    net::LogError("config reload refused; the running config stays",
                  {{"file", path_}, {"errors", static_cast<int>(out.errors.size())},
                   {"actor", actor.ToString()}});
    for (const auto& e : out.errors) net::LogError("config error", {{"error", e}});
    return out;
  }
  const auto old = holder_.Get();
  auto next = std::make_shared<config::Config>(*loaded.config);
  // Restart-only settings keep their running values.
  if (next->server.listen != old->server.listen || next->server.threads != old->server.threads ||
      next->server.max_connections != old->server.max_connections ||
      next->server.tls.has_value() != old->server.tls.has_value()) {
    out.warnings.push_back(
        "server.listen, server.threads, server.max_connections and server.tls take effect after "
        "a restart");
  }
  if (next->storage.type != old->storage.type || next->storage.path != old->storage.path ||
      !(next->storage.dsn == old->storage.dsn) || next->storage.pool_size != old->storage.pool_size) {
    out.warnings.push_back("storage settings take effect after a restart");
  }
  const uint64_t body_limit = next->server.body_limit;
  next->server = old->server;
  next->server.body_limit = body_limit;
  next->storage = old->storage;

  // The reload itself is audited (what the running config had, what it has now).
  if (auto r = store_.audit().Record(actor, request_id, "config", path_, "reload", Summary(*old),
                                     Summary(*next));
      !r) {
    out.warnings.push_back("reload not audited: " + r.error().message);
  }
  for (auto& w : SyncConfigToStore(store_, *next, actor, request_id)) out.warnings.push_back(std::move(w));
  std::shared_ptr<const config::Config> snapshot = std::move(next);
  holder_.Set(snapshot);
  apply_runtime_(*snapshot);
  successes_.fetch_add(1);
  last_success_unix_ = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  out.ok = true;
  net::LogInfo("config reloaded", {{"file", path_},
                                   {"actor", actor.ToString()},
                                   {"environments", static_cast<int>(snapshot->environments.size())},
                                   {"warnings", static_cast<int>(out.warnings.size())}});
  for (const auto& w : out.warnings) net::LogWarn("config reload", {{"warning", w}});
  return out;
}

void Reloader::WriteMetrics(std::string& out) const {
  out +=
      "# HELP opsdeck_config_reloads_total Config reloads, by result.\n"
      "# TYPE opsdeck_config_reloads_total counter\n"
      "opsdeck_config_reloads_total{result=\"success\"} " + std::to_string(successes_.load()) +
      "\n" + "opsdeck_config_reloads_total{result=\"failure\"} " +
      std::to_string(failures_.load()) + "\n" +
      "# HELP opsdeck_config_last_reload_success_timestamp_seconds Time of the last successful "
      "reload (0: none since start).\n"
      "# TYPE opsdeck_config_last_reload_success_timestamp_seconds gauge\n"
      "opsdeck_config_last_reload_success_timestamp_seconds " +
      std::to_string(last_success_unix_.load()) + "\n";
}

}  // namespace opsdeck::app
