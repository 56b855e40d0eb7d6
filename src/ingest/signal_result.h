// What an external alert signal (a CloudWatch alarm change, Alertmanager
// alerts) becomes for the monitor: a passive result for one target's external
// check (core::ExternalCheck(i), i its position in catalog.external), or the
// reason nothing was reported. Plain values; thread-safety of any value.
#pragma once

#include <string>
#include <vector>

#include "core/health.h"

namespace opsdeck::ingest {

struct SignalResult {
  core::CheckKey key;
  core::CheckResult result;
};

struct SignalMapping {
  std::vector<SignalResult> results;  // at most one per catalog.external entry
  // Alerts or alarms that match no entry, by name ("HighLatency (3fa9c1e0)").
  std::vector<std::string> unmatched;
  // Set when the signal is well-formed but reports nothing (INSUFFICIENT_DATA).
  std::string ignored;
};

}  // namespace opsdeck::ingest
