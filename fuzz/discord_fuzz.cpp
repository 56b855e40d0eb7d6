// libFuzzer target: the Discord channel (notify::DiscordChannel), both ways.
// The input is split at 0x00 bytes: the first part is Discord's answer (its
// first two bytes the status, then "Name: value" header lines, a blank line,
// the body), the rest are a notice's texts (title, description, footer,
// url, then field name/value pairs). Invariants checked on every input:
// the request body is JSON within every Discord limit (CONTRACTS.md §1), and
// no error carries the webhook token.
#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "config/notifications_config.h"
#include "notify/discord_channel.h"
#include "notify/text_limits.h"

namespace {

using namespace opsdeck;
namespace json = boost::json;

constexpr std::string_view kToken = "fuzz-Token-0123456789abcdefghijklmnop";

class ScriptedTransport final : public notify::HttpTransport {
 public:
  notify::HttpResponse answer;
  std::string last_body;
  core::Result<notify::HttpResponse> Send(const notify::HttpRequest& request) override {
    last_body = request.body;
    return answer;
  }
};

std::vector<std::string_view> Split(std::string_view in) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (parts.size() < 64) {
    const size_t zero = in.find('\0', start);
    parts.push_back(in.substr(start, zero == std::string_view::npos ? zero : zero - start));
    if (zero == std::string_view::npos) break;
    start = zero + 1;
  }
  return parts;
}

notify::HttpResponse AnswerOf(std::string_view part) {
  notify::HttpResponse r;
  r.status = part.size() >= 2 ? 100 + (static_cast<unsigned char>(part[0]) * 256 +
                                       static_cast<unsigned char>(part[1])) % 500
                              : 200;
  part.remove_prefix(std::min<size_t>(2, part.size()));
  const size_t blank = part.find("\n\n");
  std::string_view head = blank == std::string_view::npos ? std::string_view() : part.substr(0, blank);
  r.body = std::string(blank == std::string_view::npos ? part : part.substr(blank + 2));
  while (!head.empty()) {
    const size_t nl = head.find('\n');
    std::string_view line = head.substr(0, nl);
    const size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      r.headers.emplace_back(std::string(line.substr(0, colon)), std::string(line.substr(colon + 1)));
    }
    if (nl == std::string_view::npos) break;
    head.remove_prefix(nl + 1);
  }
  return r;
}

size_t Len(const json::value* v) {
  if (v == nullptr || !v->is_string()) return 0;
  const json::string& s = v->get_string();
  return notify::TextLength(notify::TrimSpace(std::string_view(s.data(), s.size())));
}

void Check(bool ok) {
  if (!ok) std::abort();
}

// Every row of Discord's limit table (CONTRACTS.md §1).
void CheckLimits(const std::string& body) {
  json::error_code ec;
  const json::value doc = json::parse(body, ec);
  Check(!ec && doc.is_object());
  const json::object& o = doc.get_object();
  Check(Len(o.if_contains("content")) <= 2000);
  const json::value* embeds = o.if_contains("embeds");
  if (embeds == nullptr) return;
  Check(embeds->is_array() && embeds->get_array().size() <= 10);
  size_t total = 0;
  for (const json::value& e : embeds->get_array()) {
    const json::object& eo = e.get_object();
    const size_t title = Len(eo.if_contains("title"));
    const size_t description = Len(eo.if_contains("description"));
    Check(title <= 256 && description <= 4096);
    total += title + description;
    if (const json::value* f = eo.if_contains("footer")) {
      const size_t footer = Len(f->get_object().if_contains("text"));
      Check(footer <= 2048);
      total += footer;
    }
    if (const json::value* a = eo.if_contains("author")) {
      const size_t author = Len(a->get_object().if_contains("name"));
      Check(author <= 256);
      total += author;
    }
    if (const json::value* fields = eo.if_contains("fields")) {
      Check(fields->get_array().size() <= 25);
      for (const json::value& f : fields->get_array()) {
        const size_t name = Len(f.get_object().if_contains("name"));
        const size_t value = Len(f.get_object().if_contains("value"));
        Check(name >= 1 && name <= 256 && value >= 1 && value <= 1024);
        total += name + value;
      }
    }
  }
  Check(total <= 6000);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<std::string_view> parts =
      Split(std::string_view(reinterpret_cast<const char*>(data), size));
  static auto transport = std::make_shared<ScriptedTransport>();
  static std::unique_ptr<notify::Channel> channel = [] {
    config::ChannelConfig cfg;
    cfg.name = "fuzz";
    cfg.type = config::ChannelType::kDiscord;
    cfg.url = core::SecretString("https://discord.com/api/webhooks/1100000000000000001/" +
                                 std::string(kToken));
    cfg.mention_on_production_failure = {"<@&509062983046135830>", "<@80351110224678912>"};
    cfg.username = "opsdeck";
    auto made = notify::DiscordChannel::Create(cfg, transport, "DiscordBot (fuzz, 0)");
    Check(made.has_value());
    return std::move(*made);
  }();
  transport->answer = AnswerOf(parts[0]);

  core::Notice n;
  n.kind = "pipeline.failed";
  n.subject = "run:1";
  n.state = static_cast<core::NoticeState>(size % 10);
  n.mention = size % 2 == 0;
  auto part = [&](size_t i) { return i < parts.size() ? std::string(parts[i]) : std::string(); };
  n.title = part(1);
  n.description = part(2);
  n.footer = part(3);
  n.url = part(4);
  for (size_t i = 5; i + 1 < parts.size(); i += 2) {
    n.fields.push_back({part(i), part(i + 1), i % 4 == 1});
  }
  for (const std::string& message_id : {std::string(), std::string("1219781299999999999")}) {
    const notify::SendResult r = channel->Send(n, message_id, "dlv");
    CheckLimits(transport->last_body);
    Check(r.error.find(kToken) == std::string::npos);
    Check(r.message_id.find(kToken) == std::string::npos);
  }
  return 0;
}
