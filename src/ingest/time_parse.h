// A strict RFC 3339 timestamp parser ("2026-03-10T14:02:11Z",
// "2026-03-10T14:30:01.512Z", "2026-03-10T16:02:11+02:00"), normalised to UTC
// with millisecond precision (extra fraction digits are truncated).
// Stateless and thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "core/clock.h"

namespace opsdeck::ingest {

// nullopt for anything that is not a full RFC 3339 date-time: a missing
// offset, an impossible date (2026-02-30), out-of-range fields, trailing text.
// 't'/'z' are accepted in lower case as RFC 3339 allows; a leap second (:60)
// is accepted and lands on the following second.
std::optional<core::TimePoint> ParseRfc3339(std::string_view text);

}  // namespace opsdeck::ingest
