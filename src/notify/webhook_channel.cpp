#include "notify/webhook_channel.h"

#include <algorithm>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "net/http_fetch.h"
#include "net/secrets.h"
#include "notify/text_limits.h"

namespace opsdeck::notify {
namespace {

namespace json = boost::json;

constexpr std::string_view kSignaturePrefix = "sha256=";
constexpr size_t kErrorTextMax = 200;
constexpr size_t kHeaderValueMax = 200;
// Retry-After as an HTTP-date (RFC 9110 §10.2.3) is not worth a clock here:
// wait this long instead. Also the wait when the header is missing.
constexpr std::chrono::milliseconds kDefaultRateLimitWait{1000};

// A header value cannot carry CR/LF or other controls; ours are ASCII ids.
std::string HeaderValue(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c >= 0x20 && c < 0x7F && out.size() < kHeaderValueMax) out += c;
  }
  return out;
}

std::string HttpUrlOrEmpty(std::string_view url) {
  return net::HasHttpScheme(url) ? ValidUtf8(url) : std::string();
}

}  // namespace

core::Result<std::unique_ptr<Channel>> WebhookChannel::Create(
    const config::ChannelConfig& cfg, std::shared_ptr<HttpTransport> transport,
    std::string user_agent) {
  const std::string& url = cfg.url.Reveal();
  const auto parsed = boost::urls::parse_uri(url);
  if (!parsed || !net::HasHttpScheme(url) || parsed->encoded_host().empty()) {
    return core::Error::InvalidArgument("webhook channel \"" + cfg.name +
                                        "\": url is not an http(s) URL");
  }
  Settings s;
  s.transport = std::move(transport);
  s.user_agent = std::move(user_agent);
  s.url = url;
  s.secret = cfg.secret.Reveal();
  s.secrets = UrlSecrets(url);
  s.secrets.push_back(s.secret);
  s.timeout = cfg.timeout;
  return std::unique_ptr<Channel>(std::make_unique<WebhookChannel>(std::move(s)));
}

std::string WebhookChannel::RenderBody(const core::Notice& n, std::string_view delivery_id) {
  json::object o;
  o["id"] = ValidUtf8(delivery_id);
  o["kind"] = ValidUtf8(n.kind);
  o["subject"] = ValidUtf8(n.subject);
  o["severity"] = core::NoticeSeverityName(n.severity);
  o["state"] = core::NoticeStateName(n.state);
  if (!n.environment.empty()) o["environment"] = ValidUtf8(n.environment);
  if (!n.pipeline.empty()) o["pipeline"] = ValidUtf8(n.pipeline);
  if (!n.target.empty()) o["target"] = ValidUtf8(n.target);
  o["title"] = ValidUtf8(n.title);
  o["url"] = HttpUrlOrEmpty(n.url);
  o["description"] = ValidUtf8(n.description);
  json::array fields;
  for (const core::NoticeField& f : n.fields) {
    fields.push_back(json::object{{"name", ValidUtf8(f.name)}, {"value", ValidUtf8(f.value)}});
  }
  o["fields"] = std::move(fields);
  if (n.occurred_at) {
    o["occurred_at"] = core::FormatRfc3339(*n.occurred_at);
  } else {
    o["occurred_at"] = nullptr;
  }
  o["opsdeck_url"] = HttpUrlOrEmpty(n.opsdeck_url);
  return json::serialize(o);
}

SendResult WebhookChannel::Send(const core::Notice& notice, const std::string& /*message_id*/,
                                std::string_view delivery_id) {
  HttpRequest request;
  request.method = "POST";
  request.url = s_.url;
  request.body = RenderBody(notice, delivery_id);
  request.headers = {{"Content-Type", "application/json"},
                     {"User-Agent", s_.user_agent},
                     {"X-Opsdeck-Event", HeaderValue(notice.kind)},
                     {"X-Opsdeck-Delivery", HeaderValue(delivery_id)}};
  if (!s_.secret.empty()) {
    request.headers.emplace_back(
        "X-Opsdeck-Signature",
        std::string(kSignaturePrefix) + net::HmacSha256Hex(s_.secret, request.body));
  }
  request.timeout = s_.timeout;
  auto answer = s_.transport->Send(request);
  if (!answer) {
    SendResult result;
    result.status = SendStatus::kRetry;
    result.error = Scrub("webhook: " + answer.error().message);
    return result;
  }
  return Classify(*answer);
}

SendResult WebhookChannel::Classify(const HttpResponse& response) const {
  SendResult result;
  if (response.status >= 200 && response.status < 300) return result;
  if (response.status == 429) {
    return RateLimited(response, kDefaultRateLimitWait, "webhook: rate limited");
  }
  std::string error = "webhook: HTTP " + std::to_string(response.status);
  // Scrubbed before cutting, so no cut-off piece of a token survives.
  const std::string detail = PrintableSnippet(Scrub(response.body), kErrorTextMax);
  if (!detail.empty()) error += ": " + detail;
  result.error = Scrub(std::move(error));
  result.status = FailureStatus(response.status);
  result.channel_gone = response.status == 410;  // "Gone": the receiver says so itself
  return result;
}

std::string WebhookChannel::Scrub(std::string text) const {
  return Redact(std::move(text), s_.secrets);
}

}  // namespace opsdeck::notify
