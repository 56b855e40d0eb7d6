// EnvironmentStore over a Database, written once for both backends.
// Sync takes the "environments" write lock, so two instances syncing at once
// serialise and the second sees the first's result (no duplicate audit rows).
// Thread-safety: safe from any thread; holds no mutable state.
#pragma once

#include "core/clock.h"
#include "store/database.h"
#include "store/store.h"

namespace opsdeck::store {

class SqlEnvironmentStore final : public EnvironmentStore {
 public:
  SqlEnvironmentStore(Database& db, const core::Clock& clock) : db_(db), clock_(clock) {}

  core::Result<std::vector<core::Environment>> List() override;
  // Audit actions: "create" (new), "update" (position or protection changed),
  // "retire" (left the config; the row and its history stay), "restore"
  // (back in the config after being retired; reported as added).
  core::Result<EnvironmentSyncReport> Sync(const std::vector<core::Environment>& wanted,
                                           const core::Actor& actor,
                                           std::string_view request_id) override;

 private:
  Database& db_;
  const core::Clock& clock_;
};

}  // namespace opsdeck::store
