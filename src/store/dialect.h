// Dialect: the few places SQLite and PostgreSQL SQL differ, so everything
// else is written once. One implementation per backend
// (sqlite/sqlite_dialect.cpp, postgres/postgres_dialect.cpp).
// Thread-safety: implementations are immutable singletons.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace opsdeck::store {

class Dialect {
 public:
  virtual ~Dialect() = default;
  virtual std::string_view Name() const = 0;
  // A migration's text with its {{placeholders}} replaced ({{id}}, {{blob}});
  // an unknown placeholder is kInternal (a bug in the migration file).
  virtual core::Result<std::string> RenderMigration(std::string_view sql) const = 0;
  // SQL with one text parameter (a lock name) that holds a lock until the
  // transaction ends; empty when write transactions are exclusive anyway.
  virtual std::string_view TxLockSql() const = 0;
  // SQL with one text parameter (a table name) returning a row when the
  // table exists in the current schema.
  virtual std::string_view TableExistsSql() const = 0;
};

// Replaces every {{key}} in `sql` by its value from `vars`.
core::Result<std::string> RenderTemplate(std::string_view sql,
                                         const std::vector<std::pair<std::string_view, std::string_view>>& vars);

}  // namespace opsdeck::store
