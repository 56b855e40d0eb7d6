// Local civil time <-> UTC for one time zone, so core can evaluate calendar
// schedules (cron maintenance windows, later release windows) without reading
// tzdata: net/time_zone.h implements it for IANA zones; FixedOffsetZone here
// serves "UTC" and tests. Implementations are immutable: any thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace opsdeck::core {

using LocalSeconds = std::chrono::local_time<std::chrono::seconds>;
using LocalMinutes = std::chrono::local_time<std::chrono::minutes>;

// How one local civil time maps onto instants (shaped like
// std::chrono::local_info, but already resolved to instants).
struct LocalTimeInfo {
  enum class Kind {
    kUnique,       // earliest == latest
    kNonexistent,  // skipped by a forward jump: both are the jump's instant
    kAmbiguous,    // repeated by a backward jump: first and second pass
  };
  Kind kind = Kind::kUnique;
  TimePoint earliest{};
  TimePoint latest{};
};

class TimeZoneRules {
 public:
  virtual ~TimeZoneRules() = default;
  virtual const std::string& Name() const = 0;
  // Local time minus UTC in effect at instant `t`.
  virtual std::chrono::seconds OffsetAt(TimePoint t) const = 0;
  virtual LocalTimeInfo Resolve(LocalSeconds local) const = 0;

  // The wall clock at `t` (milliseconds truncated).
  LocalSeconds ToLocal(TimePoint t) const;
};

// A zone that never changes its offset: "UTC", or a fixed "+05:30".
class FixedOffsetZone final : public TimeZoneRules {
 public:
  explicit FixedOffsetZone(std::chrono::seconds offset, std::string name = {});
  const std::string& Name() const override { return name_; }
  std::chrono::seconds OffsetAt(TimePoint) const override { return offset_; }
  LocalTimeInfo Resolve(LocalSeconds local) const override;

  static std::shared_ptr<const TimeZoneRules> Utc();

 private:
  std::chrono::seconds offset_;
  std::string name_;
};

}  // namespace opsdeck::core
