#include "core/error.h"

#include <utility>

namespace opsdeck::core {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kUnauthenticated: return "unauthenticated";
    case ErrorCode::kPermissionDenied: return "permission_denied";
    case ErrorCode::kPayloadTooLarge: return "payload_too_large";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kTimeout: return "timeout";
    case ErrorCode::kRateLimited: return "rate_limited";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

namespace {
Error Make(ErrorCode code, std::string msg, std::string where = {}) {
  return Error{code, std::move(msg), std::move(where), std::nullopt};
}
}  // namespace

Error Error::InvalidArgument(std::string msg, std::string where) {
  return Make(ErrorCode::kInvalidArgument, std::move(msg), std::move(where));
}
Error Error::NotFound(std::string msg) { return Make(ErrorCode::kNotFound, std::move(msg)); }
Error Error::Conflict(std::string msg) { return Make(ErrorCode::kConflict, std::move(msg)); }
Error Error::Unauthenticated(std::string msg) {
  return Make(ErrorCode::kUnauthenticated, std::move(msg));
}
Error Error::PermissionDenied(std::string msg) {
  return Make(ErrorCode::kPermissionDenied, std::move(msg));
}
Error Error::PayloadTooLarge(std::string msg) {
  return Make(ErrorCode::kPayloadTooLarge, std::move(msg));
}
Error Error::Unavailable(std::string msg) { return Make(ErrorCode::kUnavailable, std::move(msg)); }
Error Error::Timeout(std::string msg) { return Make(ErrorCode::kTimeout, std::move(msg)); }
Error Error::Internal(std::string msg) { return Make(ErrorCode::kInternal, std::move(msg)); }

std::string Error::ToString() const {
  if (where.empty()) return message;
  return where + ": " + message;
}

}  // namespace opsdeck::core
