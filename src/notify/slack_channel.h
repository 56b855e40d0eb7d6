// Slack incoming webhooks (CONTRACTS.md §2): every notice is a new message,
// a fallback `text` plus Block Kit blocks, with Slack's limits kept and text
// from outside escaped (&amp; &lt; &gt;) so it cannot form links or pings.
// Not thread-safe: one dispatcher thread at a time (channel.h).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/notifications_config.h"
#include "core/result.h"
#include "notify/channel.h"

namespace opsdeck::notify {

class SlackChannel final : public Channel {
  struct Settings {
    std::shared_ptr<HttpTransport> transport;
    std::string user_agent;
    std::string url;                   // the credential
    std::vector<std::string> secrets;  // the URL's parts (/services/T…/B…/…), for Scrub
    std::string username;
    std::vector<std::string> mentions;  // as configured: "<@U123>", "<!subteam^S1>"
    std::chrono::milliseconds timeout{10000};
  };

 public:
  // kInvalidArgument when cfg.url is not an http(s) URL.
  static core::Result<std::unique_ptr<Channel>> Create(const config::ChannelConfig& cfg,
                                                       std::shared_ptr<HttpTransport> transport,
                                                       std::string user_agent);
  explicit SlackChannel(Settings settings) : s_(std::move(settings)) {}  // through Create

  std::string_view kind() const override { return "slack"; }
  bool edits_in_place() const override { return false; }
  // `message_id` is ignored: Slack webhooks cannot edit.
  SendResult Send(const core::Notice& notice, const std::string& message_id,
                  std::string_view delivery_id) override;

  // The JSON body for `notice`. Exposed for tests.
  std::string RenderBody(const core::Notice& notice) const;

 private:
  SendResult Classify(const HttpResponse& response) const;
  std::string Scrub(std::string text) const;

  Settings s_;
};

// `text` with Slack's three control characters escaped.
// https://api.slack.com/reference/surfaces/formatting#escaping
std::string SlackEscape(std::string_view text);

}  // namespace opsdeck::notify
