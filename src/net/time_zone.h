// IANA time zones for core's calendar schedules: core::TimeZoneRules backed by
// Howard Hinnant's date/tz reading the system tzdata (/usr/share/zoneinfo).
// Zones are immutable once located and safe to use from any thread; the
// first Locate loads the database (thread-safe, date/tz's own once-init).
#pragma once

#include <memory>
#include <string_view>

#include "core/result.h"
#include "core/time_zone_rules.h"

namespace opsdeck::net {

// The rules of the IANA zone `name` ("Europe/Berlin", "UTC"). kInvalidArgument
// naming the zone when tzdata does not know it.
core::Result<std::shared_ptr<const core::TimeZoneRules>> LocateTimeZone(std::string_view name);

}  // namespace opsdeck::net
