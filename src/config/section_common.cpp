// Readers shared by several sections: header maps, recurring schedules and
// name references.
#include "config/internal/formats.h"
#include "config/internal/sections.h"

namespace opsdeck::config::internal {

HeaderList ReadHeaders(const Value& value) {
  HeaderList headers;
  auto map = value.AsMap();
  if (!map) return headers;
  for (auto& [name, header_value] : map->Entries()) {
    if (name.empty() || name.find_first_of(": \t\r\n") != std::string::npos) {
      header_value.Error("not a valid HTTP header name");
      continue;
    }
    if (auto text = header_value.AsString()) {
      headers.push_back(HeaderConfig{name, core::SecretString(std::move(*text))});
    }
  }
  return headers;
}

void ReadRecurrence(MapReader& map, std::string* schedule, core::Duration* duration,
                    std::string* timezone, Presence presence) {
  if (auto value = map.Get("schedule", presence)) {
    if (auto text = value->AsString()) {
      if (auto ok = CheckCron(*text); !ok)
        value->Error(ok.error().message);
      else
        *schedule = std::move(*text);
    }
  }
  map.ReadPositiveDuration("duration", duration, presence);
  if (auto value = map.Get("timezone")) {
    if (auto text = value->AsString()) {
      if (auto ok = CheckTimezoneName(*text); !ok)
        value->Error(ok.error().message);
      else
        *timezone = std::move(*text);
    }
  }
}

bool ReadReference(MapReader& map, std::string_view key, std::string_view kind, std::string* out,
                   Presence presence) {
  auto value = map.Get(key, presence);
  auto name = value ? value->AsName() : std::nullopt;
  if (!name) return false;
  map.context().Reference(kind, *name, value->location(), value->Quoted());
  *out = std::move(*name);
  return true;
}

bool ReadReferenceList(MapReader& map, std::string_view key, std::string_view kind,
                       std::vector<std::string>* out, Presence presence) {
  auto value = map.Get(key, presence);
  auto items = value ? value->AsList() : std::nullopt;
  if (!items) return false;
  bool ok = true;
  for (const Value& item : *items) {
    auto name = item.AsName();
    if (!name) {
      ok = false;
      continue;
    }
    map.context().Reference(kind, *name, item.location(), item.Quoted());
    out->push_back(std::move(*name));
  }
  return ok;
}

bool ReadDeclaredName(MapReader& map, std::string_view kind, std::string* out) {
  auto value = map.Get("name", Presence::kRequired);
  auto name = value ? value->AsName() : std::nullopt;
  if (!name) return false;
  map.context().Declare(kind, *name, value->location());
  *out = std::move(*name);
  return true;
}

}  // namespace opsdeck::config::internal
