// The generic webhook: every notice is POSTed as opsdeck's own JSON to the
// configured URL, signed with HMAC-SHA256 when a secret is set. The body and
// headers below are a public contract (docs/notifications.md): add fields,
// never rename or remove one. Not thread-safe: one dispatcher thread at a time.
//
// Headers:
//   Content-Type: application/json
//   User-Agent: the one given to Create (the app's, with its version)
//   X-Opsdeck-Event: <kind>                 e.g. pipeline.failed
//   X-Opsdeck-Delivery: <delivery id>       the same on every retry: dedupe on it
//   X-Opsdeck-Signature: sha256=<hex>       only with a secret: lowercase hex
//                                           HMAC-SHA256 of the exact body bytes
// Body (UTF-8 JSON object, keys in this order):
//   {"id": delivery id, "kind": "pipeline.failed", "subject": "run:42",
//    "severity": "info"|"warning"|"critical", "state": "queued"|...|"resolved",
//    "environment"?, "pipeline"?, "target"? (each omitted when empty),
//    "title": "...", "url": "" or http(s), "description": "...",
//    "fields": [{"name": "...", "value": "..."}],
//    "occurred_at": "2026-03-10T14:02:11.000Z" or null,
//    "opsdeck_url": "" or http(s)}
// Answers: 2xx delivered; 429 waits Retry-After; 408, 5xx and no answer are
// retried; any other status gives up.
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

class WebhookChannel final : public Channel {
  struct Settings {
    std::shared_ptr<HttpTransport> transport;
    std::string user_agent;
    std::string url;     // may carry a credential (userinfo, a token in the path or query)
    std::string secret;  // HMAC key, empty for none
    std::vector<std::string> secrets;  // the URL's parts and the key, for Scrub
    std::chrono::milliseconds timeout{10000};
  };

 public:
  // kInvalidArgument when cfg.url is not an http(s) URL.
  static core::Result<std::unique_ptr<Channel>> Create(const config::ChannelConfig& cfg,
                                                       std::shared_ptr<HttpTransport> transport,
                                                       std::string user_agent);
  explicit WebhookChannel(Settings settings) : s_(std::move(settings)) {}  // through Create

  std::string_view kind() const override { return "webhook"; }
  bool edits_in_place() const override { return false; }
  // `message_id` is ignored; `delivery_id` becomes `id` and X-Opsdeck-Delivery.
  SendResult Send(const core::Notice& notice, const std::string& message_id,
                  std::string_view delivery_id) override;

  // The documented body. Exposed for tests.
  static std::string RenderBody(const core::Notice& notice, std::string_view delivery_id);

 private:
  SendResult Classify(const HttpResponse& response) const;
  std::string Scrub(std::string text) const;

  Settings s_;
};

}  // namespace opsdeck::notify
