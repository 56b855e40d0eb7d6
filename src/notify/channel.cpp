#include "notify/channel.h"

namespace opsdeck::notify {

std::string_view SendStatusName(SendStatus s) {
  switch (s) {
    case SendStatus::kDelivered:
      return "delivered";
    case SendStatus::kRetry:
      return "retry";
    case SendStatus::kRateLimited:
      return "rate_limited";
    case SendStatus::kRejected:
      return "rejected";
  }
  return "rejected";
}

}  // namespace opsdeck::notify
