#include "app/notifications.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <filesystem>
#include <fstream>

#include <algorithm>
#include <random>

#include "app/build_info.h"
#include "http/metrics.h"
#include "net/log.h"
#include "notify/channel_factory.h"
#include "notify/curl_transport.h"
#include "notify/router.h"

namespace opsdeck::app {
namespace {

std::string ReadFirstLine(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// Where this process runs, precisely enough that a pid means one process:
// host name, boot id and pid namespace.
std::string Machine() {
  char host[256] = {0};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  std::error_code ec;
  const std::string pidns = std::filesystem::read_symlink("/proc/self/ns/pid", ec).string();
  return std::string(host) + "|" + ReadFirstLine("/proc/sys/kernel/random/boot_id") + "|" + pidns;
}

// "<machine>|<pid>|<random>": unique per process, and telling whether a
// holder was a process of this machine that no longer exists.
std::string HolderId() {
  std::random_device rd;
  return Machine() + "|" + std::to_string(getpid()) + "|" + std::to_string(rd());
}

bool HolderIsGone(std::string_view holder) {
  static const std::string machine = Machine();
  if (holder.size() <= machine.size() + 1 || holder.substr(0, machine.size()) != machine ||
      holder[machine.size()] != '|') {
    return false;  // another machine or namespace: only its lease's expiry tells
  }
  std::string_view rest = holder.substr(machine.size() + 1);
  const size_t bar = rest.find('|');
  if (bar == std::string_view::npos) return false;
  int pid = 0;
  auto [end, err] = std::from_chars(rest.data(), rest.data() + bar, pid);
  if (err != std::errc() || end != rest.data() + bar || pid <= 0 || pid == getpid()) return false;
  return kill(pid, 0) != 0 && errno == ESRCH;
}

notify::DispatcherOptions OptionsFor(const config::Config& config) {
  notify::DispatcherOptions o;
  o.holder = HolderId();
  o.holder_is_gone = HolderIsGone;
  // A lease outlives any one request by far, so it never lapses mid-send.
  core::Duration longest = std::chrono::seconds(10);
  for (const auto& c : config.notifications.channels) longest = std::max(longest, c.timeout);
  o.lease_ttl = std::max<core::Duration>(std::chrono::seconds(30), 3 * longest);
  return o;
}

}  // namespace

std::string NotifyUserAgent(config::ChannelType type) {
  if (type == config::ChannelType::kDiscord) {
    return std::string("DiscordBot (https://github.com/opsdeck/opsdeck, ") + kVersion + ")";
  }
  return std::string("opsdeck/") + kVersion;
}

std::function<std::vector<store::OutboxEntry>(const core::Notice&)> RouteWithCurrentConfig(
    ConfigHolder& holder) {
  return [&holder](const core::Notice& notice) {
    std::vector<store::OutboxEntry> out;
    notify::Router(*holder.Get()).Route(notice, &out);
    return out;
  };
}

Notifications::Notifications(store::OutboxStore& outbox, const core::Clock& clock,
                             const config::Config& config)
    : dispatcher_(std::make_unique<notify::Dispatcher>(outbox, clock, OptionsFor(config))) {
  Apply(config);
}

Notifications::~Notifications() { dispatcher_->Stop(); }

void Notifications::Apply(const config::Config& config) {
  std::vector<std::pair<std::string, std::unique_ptr<notify::Channel>>> channels;
  for (const config::ChannelConfig& c : config.notifications.channels) {
    auto made = notify::MakeChannel(c, std::make_shared<notify::CurlTransport>(), NotifyUserAgent(c.type));
    if (!made) {
      net::LogError("notification channel not started",
                    {{"channel", c.name}, {"error", made.error().message}});
      continue;
    }
    channels.emplace_back(c.name, std::move(*made));
  }
  dispatcher_->SetChannels(std::move(channels));
}

void Notifications::WriteMetrics(std::string& out) const {
  const auto counters = dispatcher_->Counters();
  struct Family {
    const char* name;
    const char* help;
    uint64_t notify::ChannelCounters::*field;
  };
  static const Family kFamilies[] = {
      {"opsdeck_notifications_sent_total", "Notifications delivered, per channel.",
       &notify::ChannelCounters::sent},
      {"opsdeck_notifications_failed_total",
       "Notifications given up on (a 4xx other than 429), per channel.",
       &notify::ChannelCounters::failed},
      {"opsdeck_notifications_retries_total",
       "Attempts that will be retried (5xx, timeouts, dropped connections), per channel.",
       &notify::ChannelCounters::retried},
      {"opsdeck_notifications_rate_limited_total", "Attempts answered 429, per channel.",
       &notify::ChannelCounters::rate_limited},
      {"opsdeck_notifications_paused_total",
       "Times a channel was paused because the service said its webhook is gone, per channel.",
       &notify::ChannelCounters::paused},
      {"opsdeck_notifications_superseded_total",
       "Pending notifications replaced by a later state of the same message, per channel.",
       &notify::ChannelCounters::superseded},
  };
  for (const Family& f : kFamilies) {
    out += std::string("# HELP ") + f.name + " " + f.help + "\n# TYPE " + f.name + " counter\n";
    for (const auto& c : counters) {
      out += std::string(f.name) + "{channel=\"" + http::EscapeLabel(c.channel) + "\"} " +
             std::to_string(c.*(f.field)) + "\n";
    }
  }
}

}  // namespace opsdeck::app
