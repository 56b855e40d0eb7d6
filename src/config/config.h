// The loaded configuration: an immutable snapshot built by config::LoadFile /
// LoadString (config/loader.h) and shared as std::shared_ptr<const Config>; a
// reload builds a new one and swaps the pointer (app/config_holder.h). Never
// mutated after the load returns, so any thread may read it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/auth_config.h"
#include "config/catalog_config.h"
#include "config/demo_config.h"
#include "config/docs_audit_config.h"
#include "config/maintenance_config.h"
#include "config/notifications_config.h"
#include "config/pipelines_config.h"
#include "config/releases_config.h"
#include "config/sources_config.h"
#include "core/clock.h"
#include "core/environment.h"
#include "core/secret.h"

namespace opsdeck::config {

using core::Duration;
using namespace std::chrono_literals;

struct TlsConfig {
  std::string cert_file;
  std::string key_file;
};

// `server:`
struct ServerConfig {
  std::string listen = "127.0.0.1:8080";  // as written
  std::string host = "127.0.0.1";         // parsed from listen ("::1" for "[::1]:8080")
  uint16_t port = 8080;
  std::string public_url;             // base of links in notifications
  int threads = 2;                    // I/O threads
  uint64_t body_limit = 1024 * 1024;  // bytes; 413 beyond it
  Duration header_timeout = 10s;      // whole request head must arrive within this
  Duration body_timeout = 30s;        // whole body must arrive within this
  Duration idle_timeout = 60s;        // keep-alive connection with no request
  int max_connections = 4096;         // refused beyond it
  Duration shutdown_timeout = 10s;    // in-flight requests get this long on SIGTERM
  std::optional<TlsConfig> tls;
};

// `storage:`
struct RetentionConfig {
  Duration raw_results = 7 * 24h;
  Duration minute_rollups = 30 * 24h;
  Duration hour_rollups = 400 * 24h;
};

enum class StorageType { kSqlite, kPostgres };
std::string_view StorageTypeName(StorageType type);

struct StorageConfig {
  StorageType type = StorageType::kSqlite;
  std::string path = "./data/opsdeck.db";  // sqlite
  core::SecretString dsn;                  // postgres: libpq connection string or URI
  int pool_size = 4;                       // postgres connections per instance
  Duration busy_timeout = 5s;              // sqlite busy timeout / postgres connect timeout
  RetentionConfig retention;
};

// `log:`
struct LogConfig {
  std::string level = "info";   // debug | info | warn | error
  std::string format = "text";  // text | json
};

struct Config {
  std::string source_file;  // the path it was loaded from
  ServerConfig server;
  StorageConfig storage;
  LogConfig log;
  // The promotion path, in order. Defaults to development, staging, production
  // when the file has no `environments:` section.
  std::vector<core::Environment> environments;
  // The remaining sections, each declared in its own header under config/.
  AuthConfig auth;
  SourcesConfig sources;
  std::vector<PipelineConfig> pipelines;
  CatalogConfig catalog;
  std::vector<MaintenanceConfig> maintenance;
  NotificationsConfig notifications;
  DocsAuditConfig docs_audit;
  std::optional<JiraConfig> jira;  // absent: no ticket filing
  ReleasesConfig releases;
  DemoConfig demo;  // off unless `demo:` says enabled

  // Lookups by name; nullptr when absent. Names are unique (checked at load).
  const core::Environment* FindEnvironment(std::string_view name) const;
  const PipelineConfig* FindPipeline(std::string_view name) const;
  const TargetConfig* FindTarget(std::string_view name) const;  // services, then servers
  const ChannelConfig* FindChannel(std::string_view name) const;
  const ReleaseTemplateConfig* FindTemplate(std::string_view name) const;
};

}  // namespace opsdeck::config
