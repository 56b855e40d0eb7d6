// Reader for `releases.rollback`: per environment, either an HTTP call or an
// allow-listed command (argv, no shell).
#include "config/internal/sections.h"

namespace opsdeck::config::internal {
namespace {

void ReadHttpAction(const Value& value, RollbackHttpConfig* out) {
  auto map = value.AsMap();
  if (!map) return;
  static constexpr EnumName<int> kMethods[] = {
      {"GET", 0}, {"POST", 1}, {"PUT", 2}, {"PATCH", 3}, {"DELETE", 4}};
  if (auto method = map->Get("method")) {
    if (auto index = method->AsEnum(kMethods)) out->method = std::string(kMethods[*index].name);
  }
  map->ReadUrl("url", &out->url, Presence::kRequired);
  if (auto headers = map->Get("headers")) out->headers = ReadHeaders(*headers);
  map->ReadString("body", &out->body);
  map->Finish();
}

void ReadCommandAction(const Value& value, RollbackCommandConfig* out) {
  auto items = value.AsList();
  if (!items) return;
  if (items->empty()) {
    value.Error("command needs at least the program path");
    return;
  }
  for (const Value& item : *items) {
    auto arg = item.AsName();
    if (!arg) return;
    if (out->argv.empty() && !arg->starts_with("/")) {
      item.Error("the program must be an absolute path, got " + item.Quoted());
    }
    out->argv.push_back(std::move(*arg));
  }
}

}  // namespace

void ReadRollback(const Value& value, std::map<std::string, RollbackActionConfig>* out) {
  auto map = value.AsMap();
  if (!map) return;
  for (auto& [environment, action_value] : map->Entries()) {
    map->context().Reference(kEnvironment, environment, map->KeyLocation(environment));
    auto action = action_value.AsMap();
    if (!action) continue;
    auto http = action->Get("http");
    auto command = action->Get("command");
    bool all_known = action->Finish();
    RollbackActionConfig config;
    if (http && command) {
      action_value.Error("give either http or command, not both");
      continue;
    }
    if (http) {
      RollbackHttpConfig call;
      ReadHttpAction(*http, &call);
      config.action = std::move(call);
    } else if (command) {
      RollbackCommandConfig cmd;
      ReadCommandAction(*command, &cmd);
      config.action = std::move(cmd);
    } else {
      if (all_known) action_value.Error("a rollback action needs http or command");
      continue;
    }
    (*out)[environment] = std::move(config);
  }
}

}  // namespace opsdeck::config::internal
