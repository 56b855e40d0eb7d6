#include "net/system_clock.h"

namespace opsdeck::net {

core::TimePoint SystemClock::Now() const {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

}  // namespace opsdeck::net
