// AuditStore over a Database, written once for both backends. Pages are
// keyset-paginated on the row id (newest first); the cursor is opaque text.
// Thread-safety: safe from any thread; holds no mutable state.
#pragma once

#include <optional>
#include <string>

#include "store/database.h"
#include "store/store.h"

namespace opsdeck::store {

class SqlAuditStore final : public AuditStore {
 public:
  explicit SqlAuditStore(Database& db) : db_(db) {}
  core::Result<Page<core::AuditEvent>> List(const AuditQuery& query) override;

 private:
  Database& db_;
};

// Cursor text for "rows older than id" and back; exposed for tests.
std::string EncodeIdCursor(int64_t id);
std::optional<int64_t> DecodeIdCursor(std::string_view cursor);

}  // namespace opsdeck::store
