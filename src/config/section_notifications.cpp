// Reader for `notifications:`: channels and the routes onto them.
#include <cctype>

#include "config/internal/enum_tables.h"
#include "config/internal/formats.h"
#include "config/internal/sections.h"

namespace opsdeck::config::internal {
namespace {

// Reports `key` when it is set on a channel type that does not use it.
void OnlyFor(MapReader& map, std::string_view key, bool allowed, std::string_view types) {
  if (allowed) return;
  if (auto value = map.Get(key))
    value->Error(std::string(key) + " is only used by " + std::string(types) + " channels");
}

void ReadChannel(const Value& item, std::vector<ChannelConfig>* out) {
  auto map = item.AsMap();
  if (!map) return;
  ChannelConfig channel;
  ReadDeclaredName(*map, kChannel, &channel.name);
  bool typed = map->ReadEnum("type", kChannelTypeNames, &channel.type, Presence::kRequired);
  if (map->ReadSecret("url", &channel.url, Presence::kRequired)) {
    // The URL is the credential: check its shape without ever quoting it.
    if (auto ok = CheckHttpUrl(channel.url.Reveal()); !ok) {
      map->Get(map->Get("url") ? "url" : "url_file")->Error(ok.error().message);
    }
  }
  map->ReadName("username", &channel.username);
  map->ReadUrl("avatar_url", &channel.avatar_url);
  map->ReadName("thread_id", &channel.thread_id);
  map->ReadStringList("mention_on_production_failure", &channel.mention_on_production_failure);
  map->ReadSecret("secret", &channel.secret);
  map->ReadPositiveDuration("timeout", &channel.timeout);
  if (typed) {
    bool discord = channel.type == ChannelType::kDiscord;
    bool chat = discord || channel.type == ChannelType::kSlack;
    OnlyFor(*map, "avatar_url", discord, "discord");
    OnlyFor(*map, "thread_id", discord, "discord");
    OnlyFor(*map, "username", chat, "discord and slack");
    OnlyFor(*map, "mention_on_production_failure", chat, "discord and slack");
    OnlyFor(*map, "secret", channel.type == ChannelType::kWebhook, "webhook");
    OnlyFor(*map, "secret_file", channel.type == ChannelType::kWebhook, "webhook");
  }
  map->Finish();
  out->push_back(std::move(channel));
}

// "*", "pipeline.*", "incident.opened": dot-separated words, the last may be *.
bool IsEventPattern(std::string_view pattern) {
  if (pattern == "*") return true;
  size_t start = 0;
  while (true) {
    size_t dot = pattern.find('.', start);
    std::string_view word =
        pattern.substr(start, dot == std::string_view::npos ? dot : dot - start);
    bool last = dot == std::string_view::npos;
    if (word.empty()) return false;
    if (word == "*") return last;
    for (char c : word) {
      if (!(std::islower(static_cast<unsigned char>(c)) ||
            std::isdigit(static_cast<unsigned char>(c)) || c == '_' || c == '-')) {
        return false;
      }
    }
    if (last) return true;
    start = dot + 1;
  }
}

void ReadRoute(const Value& item, std::vector<RouteConfig>* out) {
  auto map = item.AsMap();
  if (!map) return;
  RouteConfig route;
  if (auto events = map->Get("events", Presence::kRequired)) {
    auto list = events->AsList();
    if (list && list->empty()) events->Error("list at least one event pattern, or \"*\"");
    for (const Value& event : list.value_or(std::vector<Value>{})) {
      auto pattern = event.AsName();
      if (pattern && !IsEventPattern(*pattern)) {
        event.Error("bad event pattern " + event.Quoted() +
                    ": expected \"*\", \"kind.*\" or \"kind.action\"");
      } else if (pattern) {
        route.events.push_back(std::move(*pattern));
      }
    }
  }
  ReadReferenceList(*map, "environments", kEnvironment, &route.environments);
  ReadReferenceList(*map, "pipelines", kPipeline, &route.pipelines);
  ReadReferenceList(*map, "targets", kTarget, &route.targets);
  if (auto severity = map->Get("severity")) route.severity = severity->AsEnum(kSeverityNames);
  ReadReference(*map, "channel", kChannel, &route.channel, Presence::kRequired);
  map->Finish();
  out->push_back(std::move(route));
}

}  // namespace

void ReadNotifications(const Value& value, NotificationsConfig* out) {
  auto map = value.AsMap();
  if (!map) return;
  if (auto channels = map->Get("channels")) {
    for (const Value& item : channels->AsList().value_or(std::vector<Value>{}))
      ReadChannel(item, &out->channels);
  }
  if (auto routes = map->Get("routes")) {
    for (const Value& item : routes->AsList().value_or(std::vector<Value>{}))
      ReadRoute(item, &out->routes);
  }
  map->Finish();
}

}  // namespace opsdeck::config::internal
