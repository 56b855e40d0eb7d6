// One chat or webhook destination behind one interface: a channel kind
// (discord_channel, slack_channel, webhook_channel) renders a core::Notice
// into its wire format, makes one HTTP attempt through an HttpTransport and
// classifies the answer for the dispatcher (deliver, retry, wait, give up).
// A channel object is used by one dispatcher thread at a time.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/notification.h"
#include "core/result.h"

namespace opsdeck::notify {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "POST";
  std::string url;
  HeaderList headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};
};

struct HttpResponse {
  long status = 0;
  HeaderList headers;  // names as received; compare case-insensitively
  std::string body;
};

// Sends one request. An error (kUnavailable, kTimeout) means no HTTP answer
// arrived: connect refused, a reset, a timeout. Whether the far side acted
// on the request is then unknown.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual core::Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

enum class SendStatus {
  kDelivered,    // done; message_id set by channels that edit in place
  kRetry,        // 5xx, 502, timeout, dropped connection: try again after backoff
  kRateLimited,  // 429: try again after retry_after, not before
  kRejected,     // any other 4xx, or a body the channel cannot send: give up
};
std::string_view SendStatusName(SendStatus s);

struct SendResult {
  SendStatus status = SendStatus::kDelivered;
  // The message this subject now has on the channel (Discord: the id from
  // the `?wait=true` answer or the edited message's id).
  std::string message_id;
  // kRateLimited: wait at least this long before the next request to this
  // channel. Also set after a success when the answer said the bucket is
  // empty (X-RateLimit-Remaining: 0 -> X-RateLimit-Reset-After).
  std::chrono::milliseconds retry_after{0};
  // An edit found no message to edit (deleted, or too old to edit): the
  // dispatcher forgets the stored id and creates a new message.
  bool message_gone = false;
  // kRejected: the service says this webhook itself is gone (Discord 404
  // Unknown Webhook or 401 Invalid Webhook Token, Slack 404/410, a webhook's
  // 410). The dispatcher pauses the channel and keeps the entry pending, so
  // nothing is lost once the URL is fixed and the config reloaded, and a dead
  // webhook is not hammered (Discord: "If a webhook returns 404, stop using it").
  bool channel_gone = false;
  // kRetry / kRejected / kRateLimited: why, for the delivery log. Never the
  // URL's secret part or a credential.
  std::string error;
};

class Channel {
 public:
  virtual ~Channel() = default;
  virtual std::string_view kind() const = 0;  // "discord", "slack", "webhook"
  // True when later notices about a subject edit the message that the
  // first one created (Discord). Otherwise every notice is a new message.
  virtual bool edits_in_place() const = 0;
  // One attempt. `message_id`: the subject's message on this channel to
  // edit, or empty to create one. `delivery_id`: stable across retries of
  // this notice (the webhook channel sends it for the receiver's dedupe).
  virtual SendResult Send(const core::Notice& notice, const std::string& message_id,
                          std::string_view delivery_id) = 0;
};

}  // namespace opsdeck::notify
