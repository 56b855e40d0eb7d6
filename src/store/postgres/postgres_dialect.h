// The PostgreSQL dialect (store/dialect.h) and the `?` -> `$n` placeholder
// translation. Thread-safety: an immutable singleton and a pure function.
#pragma once

#include <string>
#include <string_view>

#include "store/dialect.h"

namespace opsdeck::store {

const Dialect& PostgresDialect();

// Replaces each `?` outside string literals, quoted identifiers, dollar
// quotes and comments by $1, $2, ... in order.
std::string TranslatePlaceholders(std::string_view sql);

}  // namespace opsdeck::store
