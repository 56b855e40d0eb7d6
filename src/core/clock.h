// The Clock interface: every reading of time goes through one, so tests control
// time. Implementations must be thread-safe (SystemClock in net/ is; ManualClock
// here is, for tests).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace opsdeck::core {

using TimePoint = std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds>;
using Duration = std::chrono::milliseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

// A clock that only moves when told. For tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start) : ms_(start.time_since_epoch().count()) {}
  TimePoint Now() const override { return TimePoint(Duration(ms_.load())); }
  void Advance(Duration d) { ms_ += d.count(); }
  void Set(TimePoint t) { ms_ = t.time_since_epoch().count(); }

 private:
  std::atomic<int64_t> ms_;
};

inline int64_t ToUnixMillis(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint FromUnixMillis(int64_t ms) { return TimePoint(Duration(ms)); }

// RFC 3339 UTC with millisecond precision: "2026-11-29T16:06:45.123Z".
std::string FormatRfc3339(TimePoint t);

}  // namespace opsdeck::core
