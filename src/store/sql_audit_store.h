// AuditStore over a Database, written once for both backends. Pages are
// keyset-paginated on the row id (newest first); the cursor is opaque text.
// Thread-safety: safe from any thread; holds no mutable state.
#pragma once

#include <optional>
#include <string>

#include "core/clock.h"
#include "store/database.h"
#include "store/store.h"

namespace opsdeck::store {

class SqlAuditStore final : public AuditStore {
 public:
  SqlAuditStore(Database& db, const core::Clock& clock) : db_(db), clock_(clock) {}
  core::Result<Page<core::AuditEvent>> List(const AuditQuery& query) override;
  core::Result<void> Record(const core::Actor& actor, std::string_view request_id,
                            std::string_view entity_type, std::string_view entity_id,
                            std::string_view action, std::string_view before_json,
                            std::string_view after_json) override;

 private:
  Database& db_;
  const core::Clock& clock_;
};

// Cursor text for "rows older than id" and back; exposed for tests.
std::string EncodeIdCursor(int64_t id);
std::optional<int64_t> DecodeIdCursor(std::string_view cursor);

}  // namespace opsdeck::store
