// `opsdeck notify test CHANNEL`: sends one test message straight through the
// channel (no outbox, no database), so a webhook set-up can be checked from
// the command line. Retries 5xx, timeouts and 429 a few times, honouring the
// wait the service asks for; exits 1 with the service's reason otherwise.
#include <chrono>
#include <cstdio>
#include <thread>

#include "app/commands.h"
#include "app/exit_codes.h"
#include "app/notifications.h"
#include "config/loader.h"
#include "net/system_clock.h"
#include "notify/channel_factory.h"
#include "notify/curl_transport.h"

namespace opsdeck::app {
namespace {

constexpr int kTries = 4;
// A longer wait than this is reported instead of slept through.
constexpr auto kMaxWait = std::chrono::seconds(30);

core::Notice TestNotice(const std::string& channel, core::TimePoint now) {
  core::Notice n;
  n.kind = "test";
  n.subject = "test:" + std::to_string(core::ToUnixMillis(now));
  n.state = core::NoticeState::kSucceeded;
  n.title = "opsdeck test message";
  n.description = "If you can read this, the channel '" + channel +
                  "' is set up: opsdeck will post pipeline, deployment, incident and release "
                  "news here as notifications.routes say.";
  n.fields.push_back({"Channel", channel, true});
  n.footer = "opsdeck notify test";
  n.occurred_at = now;
  return n;
}

}  // namespace

int RunNotifyTest(const NotifyCommand& cmd) {
  const config::LoadResult loaded = config::LoadFile(cmd.config_path, config::ProcessEnv());
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.ToString().c_str());
    return kExitFailure;
  }
  const config::ChannelConfig* found = nullptr;
  for (const auto& c : loaded.config->notifications.channels) {
    if (c.name == cmd.channel) found = &c;
  }
  if (found == nullptr) {
    std::fprintf(stderr, "no channel named '%s' in notifications.channels of %s\n",
                 cmd.channel.c_str(), cmd.config_path.c_str());
    return kExitFailure;
  }
  auto channel = notify::MakeChannel(*found, std::make_shared<notify::CurlTransport>(),
                                     NotifyUserAgent(found->type));
  if (!channel) {
    std::fprintf(stderr, "channel '%s': %s\n", cmd.channel.c_str(), channel.error().message.c_str());
    return kExitFailure;
  }
  net::SystemClock clock;
  const core::Notice notice = TestNotice(cmd.channel, clock.Now());
  std::string last_error;
  for (int attempt = 1; attempt <= kTries; ++attempt) {
    const notify::SendResult r = (*channel)->Send(notice, "", "test-" + notice.subject);
    if (r.status == notify::SendStatus::kDelivered) {
      if (!cmd.quiet) {
        std::printf("sent a test message to '%s' (%s)%s%s\n", cmd.channel.c_str(),
                    std::string((*channel)->kind()).c_str(),
                    r.message_id.empty() ? "" : ": message ", r.message_id.c_str());
      }
      return kExitOk;
    }
    last_error = r.error;
    if (r.status == notify::SendStatus::kRejected) break;
    auto wait = r.status == notify::SendStatus::kRateLimited
                    ? r.retry_after
                    : std::chrono::duration_cast<core::Duration>(std::chrono::seconds(attempt));
    if (wait > kMaxWait || attempt == kTries) break;
    std::fprintf(stderr, "attempt %d: %s; retrying in %lld ms\n", attempt, r.error.c_str(),
                 static_cast<long long>(wait.count()));
    std::this_thread::sleep_for(wait);
  }
  std::fprintf(stderr, "channel '%s': the test message was not delivered: %s\n",
               cmd.channel.c_str(), last_error.c_str());
  return kExitFailure;
}

}  // namespace opsdeck::app
