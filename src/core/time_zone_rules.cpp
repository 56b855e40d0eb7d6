#include "core/time_zone_rules.h"

#include <cstdlib>

namespace opsdeck::core {

namespace {

// "+05:30" / "-03:00" for names not given.
std::string OffsetName(std::chrono::seconds offset) {
  const auto total = offset.count();
  const auto abs = std::llabs(total);
  char buf[16];
  const auto h = static_cast<int>(abs / 3600);
  const auto m = static_cast<int>((abs % 3600) / 60);
  buf[0] = total < 0 ? '-' : '+';
  buf[1] = static_cast<char>('0' + h / 10);
  buf[2] = static_cast<char>('0' + h % 10);
  buf[3] = ':';
  buf[4] = static_cast<char>('0' + m / 10);
  buf[5] = static_cast<char>('0' + m % 10);
  return std::string(buf, 6);
}

}  // namespace

LocalSeconds TimeZoneRules::ToLocal(TimePoint t) const {
  const auto utc = std::chrono::floor<std::chrono::seconds>(t.time_since_epoch());
  return LocalSeconds(utc + OffsetAt(t));
}

FixedOffsetZone::FixedOffsetZone(std::chrono::seconds offset, std::string name)
    : offset_(offset), name_(name.empty() ? OffsetName(offset) : std::move(name)) {}

LocalTimeInfo FixedOffsetZone::Resolve(LocalSeconds local) const {
  const TimePoint t(std::chrono::duration_cast<Duration>(local.time_since_epoch() - offset_));
  return {LocalTimeInfo::Kind::kUnique, t, t};
}

std::shared_ptr<const TimeZoneRules> FixedOffsetZone::Utc() {
  static const auto utc = std::make_shared<const FixedOffsetZone>(std::chrono::seconds(0), "UTC");
  return utc;
}

}  // namespace opsdeck::core
