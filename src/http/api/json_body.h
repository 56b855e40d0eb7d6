// Reading JSON request bodies: an object with known keys only, typed getters
// that report the offending field. Pure; thread-safe.
#pragma once

#include <boost/json/value.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace opsdeck::http {

// Parses `body` as a JSON object whose keys are all in `allowed`.
core::Result<boost::json::object> ParseJsonObject(std::string_view body,
                                                  std::initializer_list<std::string_view> allowed);
// The string at `key`: nullopt when absent, an error when not a string.
core::Result<std::optional<std::string>> OptionalString(const boost::json::object& o,
                                                        std::string_view key);
core::Result<std::optional<bool>> OptionalBool(const boost::json::object& o, std::string_view key);

}  // namespace opsdeck::http
