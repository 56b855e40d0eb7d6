#include "notify/discord_channel.h"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cmath>
#include <cstdint>
#include <utility>

#include "net/http_fetch.h"
#include "notify/text_limits.h"

namespace opsdeck::notify {
namespace {

namespace json = boost::json;

// Embed limits, inclusive, counted after trimming:
// https://discord.com/developers/docs/resources/message#embed-object-embed-limits
constexpr size_t kTitleLimit = 256;
constexpr size_t kDescriptionLimit = 4096;
constexpr size_t kFieldCountLimit = 25;
constexpr size_t kFieldNameLimit = 256;
constexpr size_t kFieldValueLimit = 1024;
constexpr size_t kFooterLimit = 2048;
constexpr size_t kEmbedTotalLimit = 6000;
// https://discord.com/developers/docs/resources/webhook#execute-webhook-jsonform-params
constexpr size_t kContentLimit = 2000;
// https://discord.com/developers/docs/resources/message#allowed-mentions-object
constexpr size_t kMentionIdLimit = 100;
// https://discord.com/developers/docs/resources/webhook#webhook-object (name 1-80 characters)
constexpr size_t kUsernameLimit = 80;
// The "…and N more" field that stands for dropped ones.
constexpr size_t kSummaryNameMax = 32;
constexpr std::string_view kSummaryValue = "not shown here";
// Title, footer and the summary field alone always fit the total, so dropping
// fields always ends the shrinking and field values never need cutting.
static_assert(Budget(kTitleLimit) + Budget(kFooterLimit) + kSummaryNameMax + kSummaryValue.size() <
              Budget(kEmbedTotalLimit));

// https://discord.com/developers/docs/topics/opcodes-and-status-codes#json
constexpr int64_t kUnknownMessage = 10008;
constexpr int64_t kOldMessageEditLimit = 30046;
constexpr int64_t kUnknownWebhook = 10015;
constexpr int64_t kInvalidWebhookToken = 50027;
constexpr std::string_view kApiVersion = "v10";
constexpr size_t kErrorTextMax = 200;

// Indexed by core::NoticeState; other tests depend on these exact values.
constexpr std::array<uint32_t, 10> kColors = {
    0x8B949E,  // queued
    0x1F6FEB,  // running
    0x2DA44E,  // succeeded
    0xCF222E,  // failed
    0x6E7781,  // canceled
    0xA0A0A0,  // superseded
    0x0969DA,  // info
    0xBF8700,  // warning
    0xCF222E,  // critical
    0x2DA44E,  // resolved
};
static_assert(static_cast<size_t>(core::NoticeState::kResolved) + 1 == kColors.size());

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsDigits(std::string_view s) {
  return !s.empty() && s.size() <= 20 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsTokenText(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
           c == '_' || c == '.';
  });
}

bool IsWellFormedHttpUrl(std::string_view url) {
  return net::HasHttpScheme(url) && boost::urls::parse_uri(url).has_value();
}

struct WebhookUrl {
  std::string base;
  std::string token;
  std::string thread_id;
};

core::Result<WebhookUrl> ParseWebhookUrl(const std::string& raw, const std::string& name) {
  const auto bad = [&] {
    return core::Error::InvalidArgument("discord channel \"" + name +
                                        "\": url is not a Discord webhook URL "
                                        "(https://discord.com/api/webhooks/{id}/{token})");
  };
  const auto parsed = boost::urls::parse_uri(raw);
  if (!parsed || !net::HasHttpScheme(raw) || parsed->has_userinfo() ||
      parsed->encoded_host().empty()) {
    return bad();
  }
  std::vector<std::string> segs;
  for (const auto seg : parsed->encoded_segments()) segs.emplace_back(seg);
  if (!segs.empty() && segs.back().empty()) segs.pop_back();  // a trailing slash
  size_t i = 1;
  std::string version(kApiVersion);
  if (segs.size() > 1 && segs[1].size() > 1 && segs[1][0] == 'v' &&
      IsDigits(std::string_view(segs[1]).substr(1))) {
    version = segs[1];
    i = 2;
  }
  if (segs.size() != i + 3 || segs[0] != "api" || segs[i] != "webhooks" || !IsDigits(segs[i + 1]) ||
      !IsTokenText(segs[i + 2])) {
    return bad();
  }
  WebhookUrl out;
  out.token = segs[i + 2];
  out.base = std::string(parsed->scheme()) + "://" + std::string(parsed->encoded_authority()) +
             "/api/" + version + "/webhooks/" + segs[i + 1] + "/" + out.token;
  for (const auto param : parsed->params()) {
    if (param.key == "thread_id" && param.has_value) out.thread_id = param.value;
  }
  return out;
}

std::optional<double> Number(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  return std::nullopt;
}

std::string String(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return {};
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  return {};
}

std::optional<json::object> ParseObject(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

// "embeds.0.title: Must be 256 or fewer in length." from a 50035 error tree.
std::string FirstFieldError(const json::value& node, const std::string& path, int depth) {
  const json::object* o = node.if_object();
  if (o == nullptr || depth > 16) return {};
  if (const json::value* errs = o->if_contains("_errors"); errs != nullptr && errs->is_array()) {
    for (const json::value& e : errs->get_array()) {
      if (const json::object* eo = e.if_object()) return path + ": " + String(*eo, "message");
    }
  }
  for (const auto& [key, child] : *o) {
    std::string found = FirstFieldError(
        child, path.empty() ? std::string(key) : path + "." + std::string(key), depth + 1);
    if (!found.empty()) return found;
  }
  return {};
}

// A markdown link target ends at `)`; a well-formed URI has no spaces.
std::string MarkdownUrl(std::string_view url) {
  std::string out;
  for (const char c : url) out += c == '(' ? "%28" : c == ')' ? "%29" : std::string(1, c);
  return out;
}

std::string Description(std::string_view text, const std::string& link_line, size_t budget) {
  const size_t link = TextLength(link_line);
  if (link_line.empty() || link + 1 > budget) return FitText(text, budget);
  std::string d = FitText(text, budget - link - 1);
  if (!d.empty()) d += '\n';
  return d + link_line;
}

struct EmbedField {
  std::string name;
  std::string value;
  bool is_inline = true;
};

size_t Length(const std::vector<EmbedField>& fields) {
  size_t n = 0;
  for (const EmbedField& f : fields) n += TextLength(f.name) + TextLength(f.value);
  return n;
}

// The first `keep` of `all`, plus a summary field for the rest.
std::vector<EmbedField> KeepFields(const std::vector<EmbedField>& all, size_t keep) {
  std::vector<EmbedField> out(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(keep));
  if (keep < all.size()) {
    out.push_back(
        {FitText(std::string(kEllipsis) + "and " + std::to_string(all.size() - keep) + " more",
                 kSummaryNameMax),
         std::string(kSummaryValue), false});
  }
  return out;
}

json::object RenderEmbed(const core::Notice& n) {
  json::object e;
  std::string title = FitText(n.title, Budget(kTitleLimit));
  if (title.empty()) title = FitText(n.kind.empty() ? "opsdeck" : n.kind, Budget(kTitleLimit));
  const bool ci = IsWellFormedHttpUrl(n.url);
  const bool ops = IsWellFormedHttpUrl(n.opsdeck_url);
  std::string link_line;
  if (ci && ops) link_line = "[Open in opsdeck](" + MarkdownUrl(n.opsdeck_url) + ")";

  std::vector<EmbedField> valid;
  for (const core::NoticeField& f : n.fields) {
    EmbedField ef{FitText(f.name, Budget(kFieldNameLimit)),
                  FitText(f.value, Budget(kFieldValueLimit)), f.is_inline};
    if (!ef.name.empty() && !ef.value.empty()) valid.push_back(std::move(ef));
  }
  const std::string footer = FitText(n.footer, Budget(kFooterLimit));

  // Over the total: the description shrinks first (it takes what is left),
  // then trailing fields go.
  const size_t fixed = TextLength(title) + TextLength(footer);
  size_t keep = valid.size() > kFieldCountLimit ? kFieldCountLimit - 1 : valid.size();
  std::vector<EmbedField> fields = KeepFields(valid, keep);
  while (keep > 0 && fixed + Length(fields) > Budget(kEmbedTotalLimit)) {
    fields = KeepFields(valid, --keep);
  }
  const size_t left = Budget(kEmbedTotalLimit) - fixed - Length(fields);
  const std::string description =
      Description(n.description, link_line, std::min(Budget(kDescriptionLimit), left));

  e["title"] = title;
  if (ci) {
    e["url"] = ValidUtf8(n.url);
  } else if (ops) {
    e["url"] = ValidUtf8(n.opsdeck_url);
  }
  if (!description.empty()) e["description"] = description;
  e["color"] = kColors.at(static_cast<size_t>(n.state));
  if (!fields.empty()) {
    json::array arr;
    for (EmbedField& f : fields) {
      arr.push_back(json::object{
          {"name", std::move(f.name)}, {"value", std::move(f.value)}, {"inline", f.is_inline}});
    }
    e["fields"] = std::move(arr);
  }
  if (!footer.empty()) e["footer"] = json::object{{"text", footer}};
  if (n.occurred_at) e["timestamp"] = core::FormatRfc3339(*n.occurred_at);
  return e;
}

}  // namespace

core::Result<std::unique_ptr<Channel>> DiscordChannel::Create(
    const config::ChannelConfig& cfg, std::shared_ptr<HttpTransport> transport,
    std::string user_agent) {
  const std::string where = "discord channel \"" + cfg.name + "\": ";
  auto url = ParseWebhookUrl(cfg.url.Reveal(), cfg.name);
  if (!url) return url.error();
  Settings s;
  s.transport = std::move(transport);
  s.user_agent = std::move(user_agent);
  s.base_url = std::move(url->base);
  s.secrets = UrlSecrets(cfg.url.Reveal());
  s.secrets.push_back(url->token);
  s.secrets.push_back(s.base_url);
  s.thread_id = cfg.thread_id.empty() ? url->thread_id : cfg.thread_id;
  s.timeout = cfg.timeout;
  if (!s.thread_id.empty() && !IsDigits(s.thread_id)) {
    return core::Error::InvalidArgument(where + "thread_id must be a thread's numeric id");
  }
  if (!cfg.username.empty()) {
    s.username = ValidUtf8(TrimSpace(cfg.username));
    std::string lower = s.username;
    std::transform(lower.begin(), lower.end(), lower.begin(), AsciiLower);
    const size_t chars = CountCodePoints(lower);
    if (chars == 0 || chars > kUsernameLimit || lower.find("discord") != std::string::npos ||
        lower.find("clyde") != std::string::npos) {
      return core::Error::InvalidArgument(
          where + "username must be 1-80 characters without \"discord\" or \"clyde\"");
    }
  }
  if (!cfg.avatar_url.empty()) {
    if (!IsWellFormedHttpUrl(cfg.avatar_url)) {
      return core::Error::InvalidArgument(where + "avatar_url must be an http(s) URL");
    }
    s.avatar_url = cfg.avatar_url;
  }
  for (const std::string& raw : cfg.mention_on_production_failure) {
    const std::string_view m = TrimSpace(raw);
    const bool framed = m.size() > 3 && m.substr(0, 2) == "<@" && m.back() == '>';
    const std::string_view inner = framed ? m.substr(2, m.size() - 3) : std::string_view();
    if (framed && inner.front() == '&' && IsDigits(inner.substr(1))) {
      s.role_ids.emplace_back(inner.substr(1));
    } else if (framed && inner.front() == '!' && IsDigits(inner.substr(1))) {
      s.user_ids.emplace_back(inner.substr(1));
    } else if (framed && IsDigits(inner)) {
      s.user_ids.emplace_back(inner);
    } else {
      return core::Error::InvalidArgument(where + "mention \"" + ValidUtf8(m) +
                                          "\" is not <@&role_id>, <@user_id> or <@!user_id>");
    }
    s.mentions.emplace_back(m);
  }
  if (s.role_ids.size() > kMentionIdLimit || s.user_ids.size() > kMentionIdLimit) {
    return core::Error::InvalidArgument(where + "at most 100 role and 100 user mentions");
  }
  return std::unique_ptr<Channel>(std::make_unique<DiscordChannel>(std::move(s)));
}

std::string DiscordChannel::RenderBody(const core::Notice& notice, bool edit) const {
  json::object body;
  if (!edit && !s_.username.empty()) body["username"] = s_.username;
  if (!edit && !s_.avatar_url.empty()) body["avatar_url"] = s_.avatar_url;
  if (notice.mention && !s_.mentions.empty()) {
    const std::string what =
        FitText((notice.environment.empty() ? std::string() : notice.environment + ": ") +
                    std::string(core::NoticeStateName(notice.state)),
                200);
    std::string content;
    for (const std::string& token : s_.mentions) {
      if (TextLength(content) + token.size() + 1 + TextLength(what) > Budget(kContentLimit)) break;
      content += token + " ";
    }
    body["content"] = content + what;
  } else if (edit) {
    body["content"] = "";
  }
  json::array roles(s_.role_ids.begin(), s_.role_ids.end());
  json::array users(s_.user_ids.begin(), s_.user_ids.end());
  body["allowed_mentions"] = json::object{
      {"parse", json::array()}, {"roles", std::move(roles)}, {"users", std::move(users)}};
  body["embeds"] = json::array{RenderEmbed(notice)};
  return json::serialize(body);
}

SendResult DiscordChannel::Send(const core::Notice& notice, const std::string& message_id,
                                std::string_view /*delivery_id*/) {
  const bool edit = !message_id.empty();
  SendResult result;
  HttpRequest request;
  if (edit) {
    if (!IsDigits(message_id)) {
      result.status = SendStatus::kRejected;
      result.message_gone = true;
      result.error = "discord: the stored message id is not a Discord message id";
      return result;
    }
    request.method = "PATCH";
    request.url = s_.base_url + "/messages/" + message_id;
    if (!s_.thread_id.empty()) request.url += "?thread_id=" + s_.thread_id;
  } else {
    request.method = "POST";
    request.url = s_.base_url + "?wait=true";
    if (!s_.thread_id.empty()) request.url += "&thread_id=" + s_.thread_id;
  }
  request.headers = {{"Content-Type", "application/json"}, {"User-Agent", s_.user_agent}};
  request.body = RenderBody(notice, edit);
  request.timeout = s_.timeout;
  auto answer = s_.transport->Send(request);
  if (!answer) {
    result.status = SendStatus::kRetry;
    result.error = Scrub("discord: " + answer.error().message);
    return result;
  }
  return Classify(*answer, message_id);
}

SendResult DiscordChannel::Classify(const HttpResponse& response,
                                    const std::string& message_id) const {
  SendResult result;
  const auto header_seconds = [&](std::string_view name) {
    const auto value = FindHeader(response.headers, name);
    return value ? ParseSeconds(*value) : std::nullopt;
  };
  const auto reset_after = header_seconds("X-RateLimit-Reset-After");
  if (const auto remaining = FindHeader(response.headers, "X-RateLimit-Remaining");
      remaining && TrimSpace(*remaining) == "0" && reset_after) {
    result.retry_after = *reset_after;
  }
  const std::optional<json::object> body = ParseObject(response.body);
  const std::string status = std::to_string(response.status);

  if (response.status >= 200 && response.status < 300) {
    result.message_id = message_id;
    if (message_id.empty() && body) result.message_id = String(*body, "id");
    if (result.message_id.empty()) {
      result.status = SendStatus::kRejected;
      result.error = "discord answered without a message id (HTTP " + status + ")";
    }
    return result;
  }
  if (response.status == 429) {
    // The body's retry_after is the precise wait (float seconds); the
    // Retry-After header is the same rounded up to whole seconds, so it is
    // only the fallback: waiting for it would idle up to a second per 429.
    // An empty bucket's Reset-After (result.retry_after) is honoured too.
    std::chrono::milliseconds wait = std::max(result.retry_after, std::chrono::milliseconds(1));
    std::optional<std::chrono::milliseconds> precise;
    bool global = false;
    if (body) {
      if (const auto s = Number(*body, "retry_after"); s && *s >= 0) precise = SecondsToMillis(*s);
      const json::value* g = body->if_contains("global");
      global = g != nullptr && g->is_bool() && g->get_bool();
    }
    if (precise) {
      wait = std::max(wait, *precise);
    } else if (const auto h = header_seconds("Retry-After")) {
      wait = std::max(wait, *h);
    }
    const auto global_header = FindHeader(response.headers, "X-RateLimit-Global");
    global = global || (global_header && TrimSpace(*global_header) == "true");
    result.status = SendStatus::kRateLimited;
    result.retry_after = wait;
    result.error = global ? "discord: rate limited (global)" : "discord: rate limited";
    return result;
  }
  std::optional<double> number = body ? Number(*body, "code") : std::nullopt;
  if (number && !(std::abs(*number) < 1e15)) number.reset();  // no code; no overflowing cast
  const int64_t code = static_cast<int64_t>(number.value_or(0));
  std::string error = "discord: HTTP " + status;
  if (number) {
    // Scrubbed before cutting, so no cut-off piece of a token survives.
    error += " code " + std::to_string(code) + ": " +
             PrintableSnippet(Scrub(String(*body, "message")), kErrorTextMax);
    if (const json::value* errs = body->if_contains("errors")) {
      const std::string leaf = Scrub(FirstFieldError(*errs, "", 0));
      if (!leaf.empty()) error += " (" + PrintableSnippet(leaf, kErrorTextMax) + ")";
    }
  }
  result.error = Scrub(std::move(error));
  result.status = FailureStatus(response.status);
  if (result.status == SendStatus::kRetry) return result;
  result.message_gone =
      !message_id.empty() && ((response.status == 404 && code == kUnknownMessage) ||
                              (response.status == 400 && code == kOldMessageEditLimit));
  result.channel_gone = (response.status == 404 && code == kUnknownWebhook) ||
                        (response.status == 401 && code == kInvalidWebhookToken);
  return result;
}

std::string DiscordChannel::Scrub(std::string text) const {
  return Redact(std::move(text), s_.secrets);
}

}  // namespace opsdeck::notify
