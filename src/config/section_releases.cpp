// Reader for `releases:` templates and windows (rollback: section_rollback.cpp).
// Checklist item ids are scoped to their template; depends_on must name items
// of the same template and form no cycle.
#include <functional>

#include "config/internal/enum_tables.h"
#include "config/internal/formats.h"
#include "config/internal/sections.h"
#include "config/internal/suggest.h"

namespace opsdeck::config::internal {
namespace {

struct ItemRefs {
  Location at;  // of the item's id
  std::vector<std::pair<std::string, Location>> depends_on;
};

std::optional<AutoCheckConfig> ParseAuto(const Value& value) {
  auto text = value.AsName();
  if (!text) return std::nullopt;
  AutoCheckConfig out;
  out.text = *text;
  static constexpr std::string_view kGreen = "_green", kHealthy = "_healthy_";
  size_t healthy = text->rfind(kHealthy);
  if (*text == "window_confirmed") {
    out.kind = AutoCheckConfig::Kind::kWindowConfirmed;
    return out;
  }
  if (text->size() > kGreen.size() && text->ends_with(kGreen)) {
    out.kind = AutoCheckConfig::Kind::kPipelineGreen;
    out.environment = text->substr(0, text->size() - kGreen.size());
  } else if (healthy != std::string::npos && healthy > 0) {
    out.kind = AutoCheckConfig::Kind::kHealthyFor;
    out.environment = text->substr(0, healthy);
    auto duration = ParseDuration(std::string_view(*text).substr(healthy + kHealthy.size()));
    if (!duration || duration->count() == 0) {
      value.Error("bad duration in " + value.Quoted() + ": write e.g. production_healthy_15m");
      return std::nullopt;
    }
    out.healthy_for = *duration;
  } else {
    value.Error(
        "expected window_confirmed, <environment>_green or <environment>_healthy_<duration>, got " +
        value.Quoted());
    return std::nullopt;
  }
  value.context().Reference(kEnvironment, out.environment, value.location(),
                            "'" + out.environment + "' (in " + value.Quoted() + ")");
  return out;
}

void ReadItem(MapReader& map, ChecklistItemConfig* item, ItemRefs* refs) {
  if (auto id = map.Get("id", Presence::kRequired)) {
    if (auto text = id->AsName()) item->id = std::move(*text);
    refs->at = id->location();
  }
  map.ReadEnum("phase", kPhaseNames, &item->phase, Presence::kRequired);
  map.ReadEnum("role", kChecklistRoleNames, &item->role, Presence::kRequired);
  map.ReadName("title", &item->title, Presence::kRequired);
  map.ReadString("description", &item->description);
  map.ReadBool("required", &item->required);
  if (auto deps = map.Get("depends_on")) {
    for (const Value& dep : deps->AsList().value_or(std::vector<Value>{})) {
      if (auto name = dep.AsName()) {
        item->depends_on.push_back(*name);
        refs->depends_on.emplace_back(std::move(*name), dep.location());
      }
    }
  }
  if (auto auto_value = map.Get("auto")) item->auto_check = ParseAuto(*auto_value);
  map.Finish();
}

// Unknown ids, self-references and cycles among a template's items.
void CheckDependencies(ReadContext& ctx, const std::vector<ChecklistItemConfig>& items,
                       const std::vector<ItemRefs>& refs) {
  std::map<std::string, size_t> index;
  std::vector<std::string> ids;
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].id.empty()) continue;
    if (!index.emplace(items[i].id, i).second) {
      ctx.AddError(refs[i].at, "duplicate item id '" + items[i].id + "' in this template");
    }
    ids.push_back(items[i].id);
  }
  std::vector<std::vector<size_t>> edges(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    for (const auto& [name, at] : refs[i].depends_on) {
      auto it = index.find(name);
      if (it == index.end()) {
        ctx.AddError(at, "unknown item id '" + name + "' in this template" + DidYouMean(name, ids));
      } else if (it->second == i) {
        ctx.AddError(at, "an item cannot depend on itself");
      } else {
        edges[i].push_back(it->second);
      }
    }
  }
  enum class Mark { kNew, kOpen, kDone };
  std::vector<Mark> marks(items.size(), Mark::kNew);
  std::vector<size_t> stack;
  std::function<bool(size_t)> visit = [&](size_t i) {
    marks[i] = Mark::kOpen;
    stack.push_back(i);
    for (size_t next : edges[i]) {
      if (marks[next] == Mark::kOpen) {
        std::string cycle;
        for (auto it = std::find(stack.begin(), stack.end(), next); it != stack.end(); ++it) {
          cycle += items[*it].id + " -> ";
        }
        ctx.AddError(refs[i].at, "depends_on forms a cycle: " + cycle + items[next].id);
        return false;
      }
      if (marks[next] == Mark::kNew && !visit(next)) return false;
    }
    stack.pop_back();
    marks[i] = Mark::kDone;
    return true;
  };
  for (size_t i = 0; i < items.size(); ++i) {
    if (marks[i] == Mark::kNew && !visit(i)) break;  // one cycle report is enough
  }
}

void ReadTemplate(const Value& value, std::vector<ReleaseTemplateConfig>* out) {
  auto map = value.AsMap();
  if (!map) return;
  ReleaseTemplateConfig tmpl;
  ReadDeclaredName(*map, "template", &tmpl.name);
  std::vector<ItemRefs> refs;
  if (auto items = map->Get("items", Presence::kRequired)) {
    auto list = items->AsList();
    if (list && list->empty()) items->Error("a template needs at least one item");
    for (const Value& item_value : list.value_or(std::vector<Value>{})) {
      auto item_map = item_value.AsMap();
      if (!item_map) continue;
      ChecklistItemConfig item;
      ItemRefs item_refs{item_value.location(), {}};
      ReadItem(*item_map, &item, &item_refs);
      tmpl.items.push_back(std::move(item));
      refs.push_back(std::move(item_refs));
    }
  }
  CheckDependencies(map->context(), tmpl.items, refs);
  map->Finish();
  out->push_back(std::move(tmpl));
}

void ReadWindow(const Value& value, std::vector<ReleaseWindowConfig>* out) {
  auto map = value.AsMap();
  if (!map) return;
  ReleaseWindowConfig window;
  ReadDeclaredName(*map, "window", &window.name);
  map->ReadEnum("kind", kWindowKindNames, &window.kind, Presence::kRequired);
  bool recurring = map->Get("schedule").has_value();
  bool one_off = map->Get("from").has_value() || map->Get("until").has_value();
  if (recurring && one_off) {
    map->Get("schedule")
        ->Error("give either schedule (recurring) or from/until (one-off), not both");
  } else if (!recurring && !one_off) {
    value.Error("a window needs schedule + duration (recurring) or from + until (one-off)");
  }
  if (recurring || !one_off) {
    ReadRecurrence(*map, &window.schedule, &window.duration, &window.timezone,
                   recurring ? Presence::kRequired : Presence::kOptional);
  } else {
    for (std::string_view key : {"duration", "timezone"}) {
      if (auto extra = map->Get(key))
        extra->Error(std::string(key) + " is only used with schedule");
    }
    if (auto from = map->Get("from", Presence::kRequired)) window.from = from->AsTime();
    if (auto until = map->Get("until", Presence::kRequired)) {
      window.until = until->AsTime();
      if (window.from && window.until && *window.until <= *window.from)
        until->Error("until must be after from");
    }
  }
  map->ReadStringList("devops", &window.devops);
  map->Finish();
  out->push_back(std::move(window));
}

}  // namespace

void ReadReleases(const Value& value, ReleasesConfig* out) {
  auto map = value.AsMap();
  if (!map) return;
  if (auto templates = map->Get("templates")) {
    for (const Value& item : templates->AsList().value_or(std::vector<Value>{}))
      ReadTemplate(item, &out->templates);
  }
  if (auto windows = map->Get("windows")) {
    for (const Value& item : windows->AsList().value_or(std::vector<Value>{}))
      ReadWindow(item, &out->windows);
  }
  if (auto rollback = map->Get("rollback")) ReadRollback(*rollback, &out->rollback);
  map->Finish();
}

}  // namespace opsdeck::config::internal
