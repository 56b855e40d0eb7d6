#include "core/health.h"

#include <array>

namespace opsdeck::core {

namespace {
constexpr std::array<std::string_view, 5> kNames = {"unknown", "up", "degraded", "down",
                                                    "maintenance"};
}  // namespace

std::string_view TargetStateName(TargetState s) { return kNames[static_cast<size_t>(s)]; }

std::optional<TargetState> ParseTargetState(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<TargetState>(i);
  }
  return std::nullopt;
}

int TargetStateRank(TargetState s) {
  switch (s) {
    case TargetState::kDown: return 4;
    case TargetState::kDegraded: return 3;
    case TargetState::kUnknown: return 2;
    case TargetState::kMaintenance: return 1;
    case TargetState::kUp: return 0;
  }
  return 0;
}

}  // namespace opsdeck::core
