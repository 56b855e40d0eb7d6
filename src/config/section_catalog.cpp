// Reader for `catalog:`: check defaults, services, servers and external
// signals. Target names are unique across services and servers.
#include "config/internal/enum_tables.h"
#include "config/internal/formats.h"
#include "config/internal/sections.h"

namespace opsdeck::config::internal {
namespace {

void ReadDefaults(const Value& value, CheckDefaults* out) {
  auto map = value.AsMap();
  if (!map) return;
  map->ReadPositiveDuration("interval", &out->interval);
  bool own_timeout = map->ReadPositiveDuration("timeout", &out->timeout);
  map->ReadInt("failure_threshold", &out->failure_threshold, 1, 100);
  map->ReadInt("success_threshold", &out->success_threshold, 1, 100);
  if (out->timeout > out->interval) {
    if (auto at = map->Get(own_timeout ? "timeout" : "interval")) {
      at->Error("timeout (" + FormatDuration(out->timeout) +
                ") must not be longer than the interval (" + FormatDuration(out->interval) + ")");
    }
    out->timeout = out->interval;  // reported once here, not again on every check
  }
  map->Finish();
}

void ReadAws(const Value& value, std::shared_ptr<const AwsRefConfig>* out) {
  auto map = value.AsMap();
  if (!map) return;
  AwsRefConfig aws;
  if (map->ReadName("arn", &aws.arn) && !aws.arn.starts_with("arn:")) {
    auto arn = map->Get("arn");
    arn->Error("expected an ARN (arn:PARTITION:SERVICE:...), got " + arn->Quoted());
  }
  map->ReadName("id", &aws.id);
  map->ReadName("instance_id", &aws.instance_id);
  map->ReadName("region", &aws.region);
  map->ReadName("account", &aws.account);
  map->Finish();
  *out = std::make_shared<const AwsRefConfig>(std::move(aws));
}

void ReadTarget(const Value& item, TargetKind kind, const CheckDefaults& defaults,
                std::vector<TargetConfig>* out) {
  auto map = item.AsMap();
  if (!map) return;
  TargetConfig target;
  target.kind = kind;
  ReadDeclaredName(*map, kTarget, &target.name);
  ReadReference(*map, "environment", kEnvironment, &target.environment, Presence::kRequired);
  map->ReadName("component", &target.component);
  map->ReadName("owner", &target.owner);
  map->ReadUrl("docs", &target.docs);
  map->ReadUrl("runbook", &target.runbook);
  map->ReadStringList("tags", &target.tags);
  if (ReadReferenceList(*map, "depends_on", kTarget, &target.depends_on)) {
    for (const std::string& dependency : target.depends_on) {
      if (dependency == target.name)
        map->Get("depends_on")->Error("a target cannot depend on itself");
    }
  }
  if (auto aws = map->Get("aws")) ReadAws(*aws, &target.aws);
  if (auto checks = map->Get("checks")) {
    for (const Value& check_value : checks->AsList().value_or(std::vector<Value>{})) {
      CheckConfig check;
      ReadCheck(check_value, defaults, &check);
      target.checks.push_back(std::move(check));
    }
  }
  map->Finish();
  out->push_back(std::move(target));
}

void ReadExternal(const Value& item, std::vector<ExternalSignalConfig>* out) {
  auto map = item.AsMap();
  if (!map) return;
  ExternalSignalConfig signal;
  bool typed = map->ReadEnum("type", kExternalTypeNames, &signal.type, Presence::kRequired);
  ReadReference(*map, "target", kTarget, &signal.target, Presence::kRequired);
  if (!typed) {
    map->Entries();
    return;
  }
  if (signal.type == ExternalType::kCloudwatch) {
    map->ReadName("alarm", &signal.alarm, Presence::kRequired);
  } else if (auto match = map->Get("match", Presence::kRequired)) {
    if (auto labels = match->AsMap()) {
      auto entries = labels->Entries();
      if (entries.empty()) match->Error("match needs at least one label");
      for (auto& [label, label_value] : entries) {
        if (auto text = label_value.AsString()) signal.match[label] = std::move(*text);
      }
    }
  }
  map->Finish();
  out->push_back(std::move(signal));
}

}  // namespace

void ReadCatalog(const Value& value, CatalogConfig* out) {
  auto map = value.AsMap();
  if (!map) return;
  if (auto defaults = map->Get("defaults")) ReadDefaults(*defaults, &out->defaults);
  // Sized to the list up front: grown by doubling, 10,000 entries would keep
  // room for 16,384 (a TargetConfig is ~450 bytes) for the server's lifetime.
  if (auto services = map->Get("services")) {
    const auto items = services->AsList().value_or(std::vector<Value>{});
    out->services.reserve(items.size());
    for (const Value& item : items) ReadTarget(item, TargetKind::kService, out->defaults, &out->services);
  }
  if (auto servers = map->Get("servers")) {
    const auto items = servers->AsList().value_or(std::vector<Value>{});
    out->servers.reserve(items.size());
    for (const Value& item : items) ReadTarget(item, TargetKind::kServer, out->defaults, &out->servers);
  }
  if (auto external = map->Get("external")) {
    for (const Value& item : external->AsList().value_or(std::vector<Value>{}))
      ReadExternal(item, &out->external);
  }
  map->Finish();
}

}  // namespace opsdeck::config::internal
