// Internal to config/: one reader per top-level section, each in its own
// section_*.cpp. A reader fills its struct from `value`, reports every problem
// to the value's ReadContext, declares the names it defines and records the
// names it references. Not thread-safe (one load, one thread).
#pragma once

#include "config/config.h"
#include "config/internal/node_reader.h"

namespace opsdeck::config::internal {

void ReadServer(const Value& value, ServerConfig* out);
void ReadStorage(const Value& value, StorageConfig* out);
void ReadLog(const Value& value, LogConfig* out);
// Declares the environments; with no `environments:` section (`value` null),
// declares and returns the default promotion path.
void ReadEnvironments(ReadContext& ctx, const Value* value, std::vector<core::Environment>* out);
void ReadAuth(const Value& value, AuthConfig* out);
void ReadSources(const Value& value, SourcesConfig* out);
void ReadPipelines(const Value& value, std::vector<PipelineConfig>* out);
void ReadCatalog(const Value& value, CatalogConfig* out);
void ReadCheck(const Value& value, const CheckDefaults& defaults, CheckConfig* out);
void ReadMaintenance(const Value& value, std::vector<MaintenanceConfig>* out);
void ReadNotifications(const Value& value, NotificationsConfig* out);
void ReadDocsAudit(const Value& value, DocsAuditConfig* out);
void ReadJira(const Value& value, JiraConfig* out);
void ReadReleases(const Value& value, ReleasesConfig* out);
void ReadRollback(const Value& value, std::map<std::string, RollbackActionConfig>* out);
// Reads `demo:`; `sources` (already read) must hold what the demo posts to.
void ReadDemo(const Value& value, const SourcesConfig& sources, DemoConfig* out);

// Shared pieces.
HeaderList ReadHeaders(const Value& value);
// `schedule` (cron), `duration` and `timezone` keys of a recurring window.
void ReadRecurrence(MapReader& map, std::string* schedule, core::Duration* duration,
                    std::string* timezone, Presence presence);
// A name (or a list of names) that must be declared as `kind` by the end of
// the load; each use is checked at its own position.
bool ReadReference(MapReader& map, std::string_view key, std::string_view kind, std::string* out,
                   Presence presence = Presence::kOptional);
bool ReadReferenceList(MapReader& map, std::string_view key, std::string_view kind,
                       std::vector<std::string>* out, Presence presence = Presence::kOptional);
// Reads `name` (required, non-empty) and declares it as `kind`.
bool ReadDeclaredName(MapReader& map, std::string_view kind, std::string* out);

// Name kinds for ReadContext::Declare / Reference.
inline constexpr std::string_view kEnvironment = "environment";
inline constexpr std::string_view kPipeline = "pipeline";
inline constexpr std::string_view kTarget = "target";
inline constexpr std::string_view kChannel = "channel";

}  // namespace opsdeck::config::internal
