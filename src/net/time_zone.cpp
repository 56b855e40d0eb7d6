#include "net/time_zone.h"

#include <date/tz.h>

#include <exception>
#include <string>

namespace opsdeck::net {

namespace {

using core::LocalSeconds;
using core::LocalTimeInfo;
using core::TimePoint;

class IanaZone final : public core::TimeZoneRules {
 public:
  IanaZone(const date::time_zone* zone, std::string name) : zone_(zone), name_(std::move(name)) {}

  const std::string& Name() const override { return name_; }

  std::chrono::seconds OffsetAt(TimePoint t) const override {
    return zone_->get_info(date::sys_seconds(std::chrono::floor<std::chrono::seconds>(t.time_since_epoch())))
        .offset;
  }

  LocalTimeInfo Resolve(LocalSeconds local) const override {
    const date::local_seconds lt(local.time_since_epoch());
    const date::local_info info = zone_->get_info(lt);
    const auto instant = [&](std::chrono::seconds offset) {
      return TimePoint(std::chrono::duration_cast<core::Duration>(lt.time_since_epoch() - offset));
    };
    switch (info.result) {
      case date::local_info::unique: {
        const TimePoint t = instant(info.first.offset);
        return {LocalTimeInfo::Kind::kUnique, t, t};
      }
      case date::local_info::nonexistent: {
        // The gap ends where the second period begins: the jump's instant.
        const TimePoint t(std::chrono::duration_cast<core::Duration>(info.second.begin.time_since_epoch()));
        return {LocalTimeInfo::Kind::kNonexistent, t, t};
      }
      case date::local_info::ambiguous:
      default:
        return {LocalTimeInfo::Kind::kAmbiguous, instant(info.first.offset), instant(info.second.offset)};
    }
  }

 private:
  const date::time_zone* zone_;  // owned by date's tzdb, which lives until exit
  std::string name_;
};

}  // namespace

core::Result<std::shared_ptr<const core::TimeZoneRules>> LocateTimeZone(std::string_view name) {
  try {
    const date::time_zone* zone = date::locate_zone(name);
    return std::shared_ptr<const core::TimeZoneRules>(std::make_shared<const IanaZone>(zone, std::string(name)));
  } catch (const std::exception&) {
    // date/tz throws std::runtime_error for unknown names (and when tzdata is
    // missing altogether); both mean this name cannot be used.
    return core::Error::InvalidArgument("unknown time zone '" + std::string(name) +
                                        "' (expected an IANA name such as Europe/Berlin)");
  }
}

}  // namespace opsdeck::net
