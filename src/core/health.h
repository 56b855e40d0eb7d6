// Health in opsdeck's own terms: a target's state, one probe's result and its
// timing breakdown. Shared by the probes (monitor/), the deciders
// (core/health_tracker, core/incident_planner), the store and the API.
// Plain values; no I/O.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace opsdeck::core {

using Micros = std::chrono::microseconds;

// PRODUCT.md's vocabulary. `maintenance` is shown while a maintenance window
// covers the target (its checks still run and are recorded).
enum class TargetState { kUnknown, kUp, kDegraded, kDown, kMaintenance };
std::string_view TargetStateName(TargetState s);  // "unknown", "up", ...
std::optional<TargetState> ParseTargetState(std::string_view name);
// Worst first: down > degraded > unknown > maintenance > up (for sorting).
int TargetStateRank(TargetState s);

// Where one probe spent its time. A phase the probe did not go through (no
// TLS on http://, no DNS for an IP literal) is nullopt.
struct ProbeTimings {
  std::optional<Micros> dns;
  std::optional<Micros> connect;
  std::optional<Micros> tls;
  std::optional<Micros> first_byte;  // request sent -> first response byte
  Micros total{0};
  bool operator==(const ProbeTimings&) const = default;
};

// One probe of one check, as the probe reports it (before thresholds).
struct CheckResult {
  TimePoint at{};   // when the probe started
  bool ok = false;  // every condition held
  ProbeTimings timings;
  // Why it failed, naming the condition: `status == 200 failed: got 503`,
  // `connect: connection refused`, `timeout after 5s`. Empty when ok.
  std::string error;
  int http_status = 0;                   // http: the final status; 0 otherwise
  std::optional<int> certificate_days;   // tls (and https): days until expiry
  bool operator==(const CheckResult&) const = default;
};

// Which check of which target: the target's config name and the check's
// position in its `checks` list (0-based). An external signal (CloudWatch
// alarm, Alertmanager match) is check ExternalCheck(i), i its position in
// `catalog.external`.
struct CheckKey {
  std::string target;
  int check = 0;
  bool operator==(const CheckKey&) const = default;
  auto operator<=>(const CheckKey&) const = default;
};
constexpr int ExternalCheck(int external_index) { return -1 - external_index; }
constexpr bool IsExternalCheck(int check) { return check < 0; }

}  // namespace opsdeck::core
