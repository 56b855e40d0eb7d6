// Reading the release API's requests: optional JSON bodies, typed fields
// whose errors name the field's JSON pointer, percent-decoded path segments
// (window names have spaces), and the one answer when no release desk is
// wired. Shared by api/releases.cpp, windows.cpp, gate.cpp, rollbacks.cpp.
// Pure functions; thread-safe.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "http/types.h"

namespace opsdeck::http {

// Free text a person types (a note, a reason): at most this many bytes, the
// desk's own limit, so the answer names the field before the desk is asked.
inline constexpr size_t kMaxReleaseTextBytes = 2000;
// Names and versions.
inline constexpr size_t kMaxReleaseNameBytes = 200;

// Like ParseJsonObject, but an empty (or blank) body is an empty object: the
// tick and confirm bodies are optional.
core::Result<boost::json::object> ParseOptionalBody(std::string_view body,
                                                    std::initializer_list<std::string_view> allowed);
// A string field: nullopt when absent or null; an error naming "/key" when it
// is not a string or longer than `max_bytes`.
core::Result<std::optional<std::string>> TextField(const boost::json::object& o,
                                                   std::string_view key, size_t max_bytes);
// The same, but absent, null or blank is "/key: <key> is required".
core::Result<std::string> RequiredText(const boost::json::object& o, std::string_view key,
                                       size_t max_bytes);
// An RFC 3339 time: nullopt when absent or null.
core::Result<std::optional<core::TimePoint>> TimeField(const boost::json::object& o,
                                                       std::string_view key);
// A positive integer id: nullopt when absent or null.
core::Result<std::optional<int64_t>> IdField(const boost::json::object& o, std::string_view key);
// An array of non-empty strings: empty when absent or null.
core::Result<std::vector<std::string>> StringListField(const boost::json::object& o,
                                                       std::string_view key);

// A path segment with its %XX escapes decoded; kNotFound ("no <what> <raw>")
// when it is not valid percent-encoding.
core::Result<std::string> PathText(const std::string& raw, const std::string& what);

// The 503 every release route answers when services.releases is null.
Response NoReleaseDesk(const Request& req);

}  // namespace opsdeck::http
