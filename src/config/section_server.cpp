// Readers for `server:`, `storage:`, `log:` and `environments:`.
#include <cctype>

#include "config/internal/enum_tables.h"
#include "config/internal/formats.h"
#include "config/internal/sections.h"

namespace opsdeck::config::internal {

void ReadServer(const Value& value, ServerConfig* out) {
  auto map = value.AsMap();
  if (!map) return;
  if (auto listen = map->Get("listen")) {
    if (auto text = listen->AsString()) {
      if (auto parsed = ParseListen(*text); !parsed) {
        listen->Error("bad listen address " + listen->Quoted() + ": " + parsed.error().message);
      } else {
        out->listen = std::move(*text);
        out->host = parsed->host;
        out->port = parsed->port;
      }
    }
  }
  if (map->ReadUrl("public_url", &out->public_url)) {
    while (out->public_url.ends_with('/')) out->public_url.pop_back();
  }
  map->ReadInt("threads", &out->threads, 1, 64);
  if (auto limit = map->Get("body_limit")) {
    auto bytes = limit->AsSize();
    if (bytes && *bytes == 0)
      limit->Error("must be larger than 0");
    else if (bytes)
      out->body_limit = *bytes;
  }
  map->ReadPositiveDuration("header_timeout", &out->header_timeout);
  map->ReadPositiveDuration("body_timeout", &out->body_timeout);
  map->ReadPositiveDuration("idle_timeout", &out->idle_timeout);
  map->ReadInt("max_connections", &out->max_connections, 1, 1'000'000);
  map->ReadPositiveDuration("shutdown_timeout", &out->shutdown_timeout);
  if (auto tls_value = map->Get("tls")) {
    if (auto tls = tls_value->AsMap()) {
      TlsConfig parsed;
      bool ok = tls->ReadName("cert_file", &parsed.cert_file, Presence::kRequired);
      ok = tls->ReadName("key_file", &parsed.key_file, Presence::kRequired) && ok;
      tls->Finish();
      if (ok) out->tls = std::move(parsed);
    }
  }
  map->Finish();
}

void ReadStorage(const Value& value, StorageConfig* out) {
  auto map = value.AsMap();
  if (!map) return;
  map->ReadEnum("type", kStorageTypeNames, &out->type);
  bool postgres = out->type == StorageType::kPostgres;
  if (map->ReadName("path", &out->path) && postgres) {
    map->Get("path")->Error("path is for sqlite; postgres uses dsn");
  }
  if (map->ReadSecret("dsn", &out->dsn, postgres ? Presence::kRequired : Presence::kOptional) &&
      !postgres) {
    map->Get(map->Get("dsn") ? "dsn" : "dsn_file")->Error("dsn is for postgres; sqlite uses path");
  }
  map->ReadInt("pool_size", &out->pool_size, 1, 1000);
  map->ReadPositiveDuration("busy_timeout", &out->busy_timeout);
  if (auto retention_value = map->Get("retention")) {
    if (auto retention = retention_value->AsMap()) {
      retention->ReadPositiveDuration("raw_results", &out->retention.raw_results);
      retention->ReadPositiveDuration("minute_rollups", &out->retention.minute_rollups);
      retention->ReadPositiveDuration("hour_rollups", &out->retention.hour_rollups);
      retention->Finish();
    }
  }
  map->Finish();
}

void ReadLog(const Value& value, LogConfig* out) {
  auto map = value.AsMap();
  if (!map) return;
  static constexpr EnumName<int> kLevels[] = {{"debug", 0}, {"info", 1}, {"warn", 2}, {"error", 3}};
  static constexpr EnumName<int> kFormats[] = {{"text", 0}, {"json", 1}};
  if (auto level = map->Get("level")) {
    if (auto parsed = level->AsEnum(kLevels)) out->level = std::string(kLevels[*parsed].name);
  }
  if (auto format = map->Get("format")) {
    if (auto parsed = format->AsEnum(kFormats)) out->format = std::string(kFormats[*parsed].name);
  }
  map->Finish();
}

void ReadEnvironments(ReadContext& ctx, const Value* value, std::vector<core::Environment>* out) {
  if (!value) {
    for (const char* name : {"development", "staging", "production"}) {
      ctx.Declare(kEnvironment, name, Location{});
      out->push_back(core::Environment{name, false, static_cast<int>(out->size())});
    }
    return;
  }
  auto items = value->AsList();
  if (!items) return;
  if (items->empty()) value->Error("at least one environment is required");
  for (const Value& item : *items) {
    auto map = item.AsMap();
    if (!map) continue;
    core::Environment env;
    env.position = static_cast<int>(out->size());
    if (ReadDeclaredName(*map, kEnvironment, &env.name)) {
      bool ok = true;
      for (char c : env.name) {
        ok =
            ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.');
      }
      if (!ok) map->Get("name")->Error("environment names use letters, digits, '-', '_' and '.'");
    }
    map->ReadBool("protected", &env.is_protected);
    map->Finish();
    out->push_back(std::move(env));
  }
}

}  // namespace opsdeck::config::internal
