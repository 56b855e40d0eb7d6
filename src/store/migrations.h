// The numbered schema migrations (src/store/migrations/NNN_name.sql), embedded
// into the binary at build time by embed_migrations.cmake; nothing is read
// from disk at run time. Thread-safety: immutable static data.
#pragma once

#include <span>
#include <string_view>

namespace opsdeck::store {

struct Migration {
  int version;            // NNN from the file name, 1-based, contiguous
  std::string_view name;  // the rest of the file name, e.g. "initial"
  std::string_view sql;   // with {{placeholders}}, see Dialect::RenderMigration
};

// In ascending version order.
std::span<const Migration> EmbeddedMigrations();

// The highest version this binary knows.
inline int KnownSchemaVersion() {
  const auto all = EmbeddedMigrations();
  return all.empty() ? 0 : all.back().version;
}

}  // namespace opsdeck::store
