// Error values that cross every layer boundary (see ENGINEERING.md, Conventions).
// Plain values: copyable, no shared state, safe to pass between threads.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace opsdeck::core {

// The closed set of error kinds. HTTP status codes are derived from these in
// exactly one table (http/status_table.cpp); nothing else maps them.
enum class ErrorCode {
  kInvalidArgument,
  kNotFound,
  kConflict,
  kUnauthenticated,
  kPermissionDenied,
  kPayloadTooLarge,
  kUnavailable,
  kTimeout,
  kRateLimited,
  kInternal,
};

std::string_view ErrorCodeName(ErrorCode code);  // "invalid_argument", ...

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;  // never contains a secret
  std::string where;    // file:line:col for config, JSON pointer, redacted URL
  std::optional<std::chrono::milliseconds> retry_after;  // kRateLimited only

  static Error InvalidArgument(std::string msg, std::string where = {});
  static Error NotFound(std::string msg);
  static Error Conflict(std::string msg);
  static Error Unauthenticated(std::string msg);
  static Error PermissionDenied(std::string msg);
  static Error PayloadTooLarge(std::string msg);
  static Error Unavailable(std::string msg);
  static Error Timeout(std::string msg);
  static Error Internal(std::string msg);

  // "where: message" or just "message".
  std::string ToString() const;
};

}  // namespace opsdeck::core
