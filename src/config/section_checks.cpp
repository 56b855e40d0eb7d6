// Reader for one entry of a catalog item's `checks:`. The keys allowed depend
// on `type`, so a key of another check type is reported as unknown.
#include "config/internal/enum_tables.h"
#include "config/internal/formats.h"
#include "config/internal/sections.h"

namespace opsdeck::config::internal {
namespace {

constexpr int kMaxThreshold = 100;

void ReadHttp(MapReader& map, HttpCheck* out) {
  map.ReadUrl("url", &out->url, Presence::kRequired);
  static constexpr EnumName<int> kMethods[] = {{"GET", 0},    {"HEAD", 1},  {"POST", 2},
                                               {"PUT", 3},    {"PATCH", 4}, {"DELETE", 5},
                                               {"OPTIONS", 6}};
  if (auto method = map.Get("method")) {
    if (auto index = method->AsEnum(kMethods)) out->method = std::string(kMethods[*index].name);
  }
  if (auto headers = map.Get("headers")) out->headers = ReadHeaders(*headers);
  map.ReadString("body", &out->body);
  map.ReadStringList("conditions", &out->conditions);
  if (auto tls_value = map.Get("tls")) {
    if (auto tls = tls_value->AsMap()) {
      tls->ReadBool("verify", &out->tls_verify);
      tls->Finish();
    }
  }
}

void ReadDns(MapReader& map, DnsCheck* out) {
  map.ReadName("name", &out->name, Presence::kRequired);
  static constexpr EnumName<int> kRecords[] = {{"A", 0},   {"AAAA", 1}, {"CNAME", 2}, {"MX", 3},
                                               {"TXT", 4}, {"NS", 5},   {"SRV", 6}};
  if (auto record = map.Get("record")) {
    if (auto index = record->AsEnum(kRecords)) out->record = std::string(kRecords[*index].name);
  }
  map.ReadStringList("expect", &out->expect);
}

}  // namespace

void ReadCheck(const Value& value, const CheckDefaults& defaults, CheckConfig* out) {
  auto map = value.AsMap();
  if (!map) return;
  if (!map->ReadEnum("type", kCheckTypeNames, &out->type, Presence::kRequired)) {
    map->Entries();  // the allowed keys depend on the type: report nothing more
    return;
  }
  if (out->type != CheckType::kHeartbeat) {
    out->interval = defaults.interval;
    out->timeout = defaults.timeout;
    out->failure_threshold = defaults.failure_threshold;
    out->success_threshold = defaults.success_threshold;
    map->ReadPositiveDuration("interval", &out->interval);
    bool own_timeout = map->ReadPositiveDuration("timeout", &out->timeout);
    map->ReadInt("failure_threshold", &out->failure_threshold, 1, kMaxThreshold);
    map->ReadInt("success_threshold", &out->success_threshold, 1, kMaxThreshold);
    if (out->timeout > out->interval) {
      Location at = own_timeout ? map->Get("timeout")->location() : map->location();
      at.path = map->KeyPath("timeout");
      value.context().AddError(at, "timeout (" + FormatDuration(out->timeout) +
                                       (own_timeout ? "" : ", from catalog.defaults") +
                                       ") must not be longer than the interval (" +
                                       FormatDuration(out->interval) + ")");
    }
  }
  switch (out->type) {
    case CheckType::kHttp: {
      HttpCheck http;
      ReadHttp(*map, &http);
      out->spec = std::move(http);
      break;
    }
    case CheckType::kTcp: {
      TcpCheck tcp;
      map->ReadName("host", &tcp.host, Presence::kRequired);
      map->ReadPort("port", &tcp.port, Presence::kRequired);
      out->spec = std::move(tcp);
      break;
    }
    case CheckType::kTls: {
      TlsCheck tls;
      map->ReadName("host", &tls.host, Presence::kRequired);
      map->ReadPort("port", &tls.port);
      map->ReadInt("min_days", &tls.min_days, 0, 3650);
      out->spec = std::move(tls);
      break;
    }
    case CheckType::kDns: {
      DnsCheck dns;
      ReadDns(*map, &dns);
      out->spec = std::move(dns);
      break;
    }
    case CheckType::kHeartbeat: {
      HeartbeatCheck heartbeat;
      map->ReadPositiveDuration("period", &heartbeat.period, Presence::kRequired);
      map->ReadDuration("grace", &heartbeat.grace);
      for (std::string_view key :
           {"interval", "timeout", "failure_threshold", "success_threshold"}) {
        if (auto extra = map->Get(key)) {
          extra->Error(std::string(key) +
                       " is not used by heartbeat checks (they take period and grace)");
        }
      }
      out->spec = std::move(heartbeat);
      break;
    }
  }
  map->Finish();
}

}  // namespace opsdeck::config::internal
