// The SQLite dialect (store/dialect.h). Thread-safety: an immutable singleton.
#pragma once

#include "store/dialect.h"

namespace opsdeck::store {

const Dialect& SqliteDialect();

}  // namespace opsdeck::store
