// JSON shapes of the monitoring API (targets, results, rollups, incidents,
// maintenance windows), shared by api/targets.cpp, incidents.cpp and
// maintenance.cpp. Times are RFC 3339 UTC; durations are milliseconds (names
// end in _ms); absent values are null. Pure functions; thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <map>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "store/health_store.h"

namespace opsdeck::http {

boost::json::value TimeOrNull(const std::optional<core::TimePoint>& t);
boost::json::value TextOrNull(const std::string& s);
boost::json::array Strings(const std::vector<std::string>& values);

// The target without checks' results: definition, state, checks, and
// `uptime_24h` (a share in [0, 1], null without results).
boost::json::object TargetJson(const store::TargetRecord& target,
                               const std::optional<store::RollupSummary>& day);
boost::json::object ResultJson(const store::ResultRow& row);
boost::json::object TimingsJson(const core::ProbeTimings& t);
// {count, failures, uptime, p50_ms, p95_ms, p99_ms}
boost::json::object SummaryJson(const store::RollupSummary& summary);
boost::json::object IncidentJson(const store::Incident& incident, bool detail);
boost::json::object NoteJson(const store::IncidentNote& note);
boost::json::object MaintenanceJson(const store::MaintenanceWindow& window, core::TimePoint now);

// ?from= / ?to=: an RFC 3339 time, nullopt when absent, kInvalidArgument
// naming `key` otherwise.
core::Result<std::optional<core::TimePoint>> TimeQuery(const std::map<std::string, std::string>& q,
                                                       const std::string& key);

// A positive decimal id from a path segment; kNotFound ("no <what> <text>") otherwise.
core::Result<int64_t> PathId(const std::string& text, const std::string& what);

}  // namespace opsdeck::http
