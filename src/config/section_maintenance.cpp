// Reader for `maintenance:`: recurring windows that silence alerts.
#include "config/internal/sections.h"

namespace opsdeck::config::internal {

void ReadMaintenance(const Value& value, std::vector<MaintenanceConfig>* out) {
  auto items = value.AsList();
  if (!items) return;
  for (const Value& item : *items) {
    auto map = item.AsMap();
    if (!map) continue;
    MaintenanceConfig window;
    ReadDeclaredName(*map, "maintenance window", &window.name);
    if (auto select_value = map->Get("select", Presence::kRequired)) {
      if (auto select = select_value->AsMap()) {
        ReadReferenceList(*select, "environments", kEnvironment, &window.select.environments);
        ReadReferenceList(*select, "targets", kTarget, &window.select.targets);
        select->ReadStringList("tags", &window.select.tags);
        bool all_known = select->Finish();
        const TargetSelector& s = window.select;
        if (all_known && s.environments.empty() && s.targets.empty() && s.tags.empty()) {
          select_value->Error("select needs at least one of environments, targets, tags");
        }
      }
    }
    ReadRecurrence(*map, &window.schedule, &window.duration, &window.timezone, Presence::kRequired);
    map->Finish();
    out->push_back(std::move(window));
  }
}

}  // namespace opsdeck::config::internal
