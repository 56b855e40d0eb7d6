// Secret<T>: a value that never prints itself. Logging, JSON rendering and error
// messages see "<redacted>"; only code that really needs the value calls Reveal().
// A plain value type.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace opsdeck::core {

inline constexpr std::string_view kRedacted = "<redacted>";

template <typename T>
class Secret {
 public:
  Secret() = default;
  explicit Secret(T value) : value_(std::move(value)) {}

  const T& Reveal() const { return value_; }
  std::string_view Masked() const { return kRedacted; }
  bool empty() const { return value_.empty(); }

  friend bool operator==(const Secret&, const Secret&) = default;
  friend std::ostream& operator<<(std::ostream& os, const Secret&) { return os << kRedacted; }

 private:
  T value_{};
};

using SecretString = Secret<std::string>;

}  // namespace opsdeck::core
