// The config's value forms, for other layers that accept the same forms (the
// API's token expiry, say): durations "30s", "7d", "1h30m"; sizes "1MiB";
// RFC 3339 times. Pure functions; thread-safe.
#pragma once

#include "config/internal/formats.h"

namespace opsdeck::config {

using internal::ParseDuration;
using internal::ParseRfc3339;
using internal::ParseSize;

}  // namespace opsdeck::config
