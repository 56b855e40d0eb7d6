// Reader for `auth:`.
#include "config/internal/enum_tables.h"
#include "config/internal/formats.h"
#include "config/internal/sections.h"

namespace opsdeck::config::internal {
namespace {

void ReadToken(const Value& item, std::vector<ApiTokenConfig>* out) {
  auto map = item.AsMap();
  if (!map) return;
  ApiTokenConfig token;
  bool ok = ReadDeclaredName(*map, "token", &token.name);
  ok = map->ReadEnum("role", kRoleNames, &token.role, Presence::kRequired) && ok;
  ok = map->ReadSecret("token", &token.token, Presence::kRequired) && ok;
  if (auto expires = map->Get("expires")) {
    token.expires = expires->AsTime();
    ok = ok && token.expires.has_value();
  }
  map->Finish();
  if (!ok) return;
  for (const ApiTokenConfig& other : *out) {
    if (other.token == token.token) {
      // Never name the value; the names are enough to find the copy.
      auto at = map->Get(map->Get("token") ? "token" : "token_file");
      at->Error("same token value as token '" + other.name + "'");
      return;
    }
  }
  out->push_back(std::move(token));
}

void ReadProxyHeader(const Value& value, std::optional<ProxyHeaderConfig>* out) {
  auto map = value.AsMap();
  if (!map) return;
  ProxyHeaderConfig proxy;
  bool ok = map->ReadName("header", &proxy.header, Presence::kRequired);
  if (auto trusted = map->Get("trusted", Presence::kRequired)) {
    auto items = trusted->AsList();
    ok = ok && items && !items->empty();
    if (items && items->empty()) trusted->Error("list at least one trusted proxy address");
    for (const Value& item : items.value_or(std::vector<Value>{})) {
      auto text = item.AsName();
      if (!text) continue;
      if (auto valid = CheckIpOrCidr(*text); !valid) {
        item.Error("bad address " + item.Quoted() + ": " + valid.error().message);
        ok = false;
      }
      proxy.trusted.push_back(std::move(*text));
    }
  } else {
    ok = false;
  }
  map->ReadEnum("default_role", kRoleNames, &proxy.default_role);
  map->Finish();
  if (ok) *out = std::move(proxy);
}

}  // namespace

void ReadAuth(const Value& value, AuthConfig* out) {
  auto map = value.AsMap();
  if (!map) return;
  map->ReadBool("anonymous_read", &out->anonymous_read);
  map->ReadDuration("session_idle", &out->session_idle);
  map->ReadDuration("session_max", &out->session_max);
  if (auto tokens = map->Get("tokens")) {
    for (const Value& item : tokens->AsList().value_or(std::vector<Value>{}))
      ReadToken(item, &out->tokens);
  }
  if (auto proxy = map->Get("proxy_header")) ReadProxyHeader(*proxy, &out->proxy_header);
  map->Finish();
}

}  // namespace opsdeck::config::internal
