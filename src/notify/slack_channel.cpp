#include "notify/slack_channel.h"

#include <algorithm>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "net/http_fetch.h"
#include "notify/text_limits.h"

namespace opsdeck::notify {
namespace {

namespace json = boost::json;

// https://api.slack.com/reference/block-kit/blocks#section
constexpr size_t kSectionTextLimit = 3000;
constexpr size_t kSectionFieldCountLimit = 10;
constexpr size_t kSectionFieldTextLimit = 2000;
// https://api.slack.com/reference/block-kit/blocks#context
constexpr size_t kContextElementLimit = 10;
constexpr size_t kContextTextLimit = 3000;
// https://api.slack.com/reference/block-kit/blocks (up to 50 blocks a message)
constexpr size_t kBlockLimit = 50;
// https://api.slack.com/methods/chat.postMessage#truncating
constexpr size_t kTextLimit = 40000;
// Slack counts characters; kept with text_limits.h's margin (Budget).
// Our own shares of a section's 3000: the rest goes to the description.
constexpr size_t kTitleMax = 256;
constexpr size_t kMentionsMax = 500;
constexpr size_t kLinkUrlMax = 1000;
constexpr size_t kFieldNameMax = 200;
constexpr size_t kErrorTextMax = 200;
// Section, fields section, context; the fallback text is icon, mentions, title, link.
static_assert(3 <= kBlockLimit && 3 <= kContextElementLimit);
static_assert(kMentionsMax + kTitleMax + 3 * kLinkUrlMax + 64 < Budget(kTextLimit));
static_assert(kMentionsMax + kTitleMax + kLinkUrlMax + 16 < Budget(kSectionTextLimit));

std::string_view IconOf(core::NoticeState s) {
  switch (s) {
    case core::NoticeState::kQueued:
      return ":hourglass_flowing_sand:";
    case core::NoticeState::kRunning:
      return ":arrows_counterclockwise:";
    case core::NoticeState::kSucceeded:
      return ":white_check_mark:";
    case core::NoticeState::kFailed:
      return ":x:";
    case core::NoticeState::kCanceled:
      return ":no_entry_sign:";
    case core::NoticeState::kSuperseded:
      return ":fast_forward:";
    case core::NoticeState::kInfo:
      return ":information_source:";
    case core::NoticeState::kWarning:
      return ":warning:";
    case core::NoticeState::kCritical:
      return ":rotating_light:";
    case core::NoticeState::kResolved:
      return ":large_green_circle:";
  }
  return ":information_source:";
}

// `raw` fitted and escaped so that the escaped text is within `budget`
// (escaping lengthens, and cutting after it could split "&amp;").
std::string FitEscaped(std::string_view raw, size_t budget) {
  size_t b = budget;
  for (;;) {
    std::string out = SlackEscape(FitText(raw, b));
    const size_t len = TextLength(out);
    if (len <= budget) return out;
    b -= std::min(b, len - budget);
  }
}

// A URL usable inside <url|label>: http(s), a well-formed URI (so no space,
// `<`, `>` or `|` that would end the link), not too long, `&` escaped.
std::string LinkUrl(std::string_view url) {
  if (!net::HasHttpScheme(url) || !boost::urls::parse_uri(url) || url.size() > kLinkUrlMax) {
    return {};
  }
  std::string out = SlackEscape(url);
  return TextLength(out) <= kLinkUrlMax ? out : std::string();
}

json::object Mrkdwn(std::string text) {
  return json::object{{"type", "mrkdwn"}, {"text", std::move(text)}};
}

}  // namespace

std::string SlackEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

core::Result<std::unique_ptr<Channel>> SlackChannel::Create(
    const config::ChannelConfig& cfg, std::shared_ptr<HttpTransport> transport,
    std::string user_agent) {
  const std::string where = "slack channel \"" + cfg.name + "\": ";
  const std::string& url = cfg.url.Reveal();
  const auto parsed = boost::urls::parse_uri(url);
  if (!parsed || !net::HasHttpScheme(url) || parsed->encoded_host().empty()) {
    return core::Error::InvalidArgument(where + "url is not an http(s) URL");
  }
  Settings s;
  s.transport = std::move(transport);
  s.user_agent = std::move(user_agent);
  s.url = url;
  s.secrets = UrlSecrets(url);
  s.username = FitText(cfg.username, kTitleMax);
  s.timeout = cfg.timeout;
  for (const std::string& raw : cfg.mention_on_production_failure) {
    const std::string m(TrimSpace(raw));
    if (m.size() < 3 || m.front() != '<' || m.back() != '>' || !IsValidUtf8(m) ||
        m.find_first_of("<>", 1) != m.size() - 1) {
      return core::Error::InvalidArgument(where + "mention \"" + ValidUtf8(m) +
                                          "\" is not Slack syntax (<@U123>, <!here>, "
                                          "<!subteam^S123>)");
    }
    s.mentions.push_back(m);
  }
  return std::unique_ptr<Channel>(std::make_unique<SlackChannel>(std::move(s)));
}

std::string SlackChannel::RenderBody(const core::Notice& n) const {
  std::string mentions;
  if (n.mention) {
    for (const std::string& m : s_.mentions) {
      if (TextLength(mentions) + TextLength(m) + 1 > kMentionsMax) break;
      mentions += m + " ";
    }
  }
  std::string title = FitEscaped(n.title, kTitleMax);
  if (title.empty()) title = FitEscaped(n.kind.empty() ? "opsdeck" : n.kind, kTitleMax);
  const std::string ci_url = LinkUrl(ValidUtf8(n.url));
  const std::string ops_url = LinkUrl(ValidUtf8(n.opsdeck_url));
  const std::string& link = ci_url.empty() ? ops_url : ci_url;
  const std::string linked = link.empty() ? title : "<" + link + "|" + title + ">";

  json::object body;
  body["text"] = mentions + std::string(IconOf(n.state)) + " " + linked;
  if (!s_.username.empty()) body["username"] = s_.username;

  json::array blocks;
  std::string head = mentions + "*" + linked + "*";
  const std::string description =
      FitEscaped(n.description, Budget(kSectionTextLimit) - TextLength(head) - 1);
  if (!description.empty()) head += "\n" + description;
  blocks.push_back(json::object{{"type", "section"}, {"text", Mrkdwn(std::move(head))}});

  std::vector<std::pair<std::string, std::string>> valid;
  for (const core::NoticeField& f : n.fields) {
    std::string name = FitEscaped(f.name, kFieldNameMax);
    // "*name*\n" around the value.
    std::string value = FitEscaped(f.value, Budget(kSectionFieldTextLimit) - TextLength(name) - 3);
    if (!name.empty() && !value.empty()) valid.emplace_back(std::move(name), std::move(value));
  }
  if (!valid.empty()) {
    const size_t keep =
        valid.size() > kSectionFieldCountLimit ? kSectionFieldCountLimit - 1 : valid.size();
    json::array fields;
    for (size_t i = 0; i < keep; ++i) {
      fields.push_back(Mrkdwn("*" + valid[i].first + "*\n" + valid[i].second));
    }
    if (keep < valid.size()) {
      fields.push_back(Mrkdwn("*" + std::string(kEllipsis) + "*\nand " +
                              std::to_string(valid.size() - keep) + " more"));
    }
    blocks.push_back(json::object{{"type", "section"}, {"fields", std::move(fields)}});
  }

  json::array context;
  const std::string footer = FitEscaped(n.footer, Budget(kContextTextLimit));
  if (!footer.empty()) context.push_back(Mrkdwn(footer));
  if (n.occurred_at) {
    const int64_t secs = core::ToUnixMillis(*n.occurred_at) / 1000;
    context.push_back(Mrkdwn("<!date^" + std::to_string(secs) + "^{date_short_pretty} {time}|" +
                             core::FormatRfc3339(*n.occurred_at) + ">"));
  }
  if (!ci_url.empty() && !ops_url.empty()) {
    context.push_back(Mrkdwn("<" + ops_url + "|Open in opsdeck>"));
  }
  if (!context.empty()) {
    blocks.push_back(json::object{{"type", "context"}, {"elements", std::move(context)}});
  }
  body["blocks"] = std::move(blocks);
  return json::serialize(body);
}

SendResult SlackChannel::Send(const core::Notice& notice, const std::string& /*message_id*/,
                              std::string_view /*delivery_id*/) {
  HttpRequest request;
  request.method = "POST";
  request.url = s_.url;
  request.headers = {{"Content-Type", "application/json"}, {"User-Agent", s_.user_agent}};
  request.body = RenderBody(notice);
  request.timeout = s_.timeout;
  auto answer = s_.transport->Send(request);
  if (!answer) {
    SendResult result;
    result.status = SendStatus::kRetry;
    result.error = Scrub("slack: " + answer.error().message);
    return result;
  }
  return Classify(*answer);
}

SendResult SlackChannel::Classify(const HttpResponse& response) const {
  SendResult result;
  if (response.status == 200) return result;  // Slack: "treat 200 as success"
  if (response.status == 429) {
    return RateLimited(response, std::chrono::seconds(1), "slack: rate limited");
  }
  std::string error = "slack: HTTP " + std::to_string(response.status);
  // Scrubbed before cutting, so no cut-off piece of a token survives.
  const std::string detail = PrintableSnippet(Scrub(response.body), kErrorTextMax);
  if (!detail.empty()) error += " " + detail;
  result.error = Scrub(std::move(error));
  result.status = FailureStatus(response.status);
  // 404 no_service / channel_not_found, 410 channel_is_archived: the webhook
  // leads nowhere until someone fixes it.
  result.channel_gone = response.status == 404 || response.status == 410;
  return result;
}

std::string SlackChannel::Scrub(std::string text) const {
  return Redact(std::move(text), s_.secrets);
}

}  // namespace opsdeck::notify
