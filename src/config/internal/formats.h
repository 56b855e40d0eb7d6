// Internal to config/: parsers and checkers for the value forms the config
// file uses (durations, sizes, RFC 3339 times, cron, listen addresses, URLs).
// Pure functions; thread-safe. CheckHttpUrl's messages never repeat the input,
// so it may check secret URLs (webhook URLs are credentials).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"

namespace opsdeck::config::internal {

// "500ms", "30s", "5m", "2h", "7d", and sums of them such as "1h30m".
core::Result<core::Duration> ParseDuration(std::string_view text);

// The shortest exact spelling in the same units: "500ms", "90s", "1h30m".
std::string FormatDuration(core::Duration duration);

// Plain bytes ("1048576", "512B"), binary units (KiB, MiB, GiB, TiB) or
// decimal ones (KB, MB, GB, TB). Whole numbers only.
core::Result<uint64_t> ParseSize(std::string_view text);

// "2026-12-20T00:00:00Z", "2026-12-20T01:00:00.5+01:00".
core::Result<core::TimePoint> ParseRfc3339(std::string_view text);

// Five fields: minute hour day-of-month month day-of-week; each a list of
// `*`, numbers, names (JAN-DEC, SUN-SAT), ranges and `/step`s.
core::Result<void> CheckCron(std::string_view expr);

struct HostPort {
  std::string host;  // without brackets for IPv6
  uint16_t port = 0;
};
// "127.0.0.1:8080", "[::1]:8080", "localhost:8080". The host is required.
core::Result<HostPort> ParseListen(std::string_view text);

// An absolute http:// or https:// URL with a host.
core::Result<void> CheckHttpUrl(std::string_view text);

// An IP address or CIDR range ("10.0.0.0/8", "::1").
core::Result<void> CheckIpOrCidr(std::string_view text);

// Shaped like an IANA zone name ("UTC", "Europe/Berlin"); existence is checked
// when the window schedule is built.
core::Result<void> CheckTimezoneName(std::string_view text);

}  // namespace opsdeck::config::internal
