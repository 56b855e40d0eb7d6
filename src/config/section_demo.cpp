// Reader for `demo:`. Read after `sources:`, so it can name the sources the
// demo posts to when they are missing.
#include <arpa/inet.h>

#include <string>
#include <vector>

#include "config/internal/formats.h"
#include "config/internal/sections.h"

namespace opsdeck::config::internal {
namespace {

// The demo serves fake services; they must never be reachable from another
// machine, so only loopback hosts are accepted.
// Addresses are parsed, not prefix-matched: "127.example.com" is a name.
bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost") return true;
  unsigned char v4[4];
  if (inet_pton(AF_INET, host.c_str(), v4) == 1) return v4[0] == 127;
  unsigned char v6[16];
  if (inet_pton(AF_INET6, host.c_str(), v6) != 1) return false;
  for (int i = 0; i < 15; ++i) {
    if (v6[i] != 0) return false;
  }
  return v6[15] == 1;
}

}  // namespace

void ReadDemo(const Value& value, const SourcesConfig& sources, DemoConfig* out) {
  auto map = value.AsMap();
  if (!map) return;
  map->ReadBool("enabled", &out->enabled);
  if (auto listen = map->Get("targets_listen")) {
    if (auto text = listen->AsString()) {
      auto parsed = ParseListen(*text);
      if (!parsed) {
        listen->Error("bad listen address " + listen->Quoted() + ": " + parsed.error().message);
      } else if (!IsLoopbackHost(parsed->host)) {
        listen->Error("the demo's targets listen on loopback only (127.0.0.1, ::1 or localhost), not " +
                      listen->Quoted());
      } else if (parsed->port == 0) {
        listen->Error("give a fixed port: the catalog's checks point at it");
      } else {
        out->targets_listen = *text;
        out->targets_host = parsed->host;
        out->targets_port = parsed->port;
      }
    }
  }
  if (map->ReadPositiveDuration("pace", &out->pace) && out->pace < 100ms) {
    map->Get("pace")->Error("must be at least 100ms");
  }
  if (out->enabled) {
    // The demo posts GitHub, GitLab and generic events through the real hooks,
    // signed with these sources' credentials.
    std::vector<std::string> missing;
    if (!sources.github) missing.push_back("sources.github");
    if (!sources.gitlab) missing.push_back("sources.gitlab");
    if (!sources.generic) missing.push_back("sources.generic");
    if (!missing.empty()) {
      std::string names;
      for (const auto& m : missing) names += (names.empty() ? "" : ", ") + m;
      map->Get("enabled")->Error("the demo posts its pipeline events through the webhooks; configure " +
                                 names + " (docs/demo.md)");
    }
  }
  map->Finish();
}

}  // namespace opsdeck::config::internal
