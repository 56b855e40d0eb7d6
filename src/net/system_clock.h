// The real wall clock behind core::Clock. Thread-safe (stateless).
#pragma once

#include "core/clock.h"

namespace opsdeck::net {

class SystemClock final : public core::Clock {
 public:
  core::TimePoint Now() const override;
};

}  // namespace opsdeck::net
