#include "test_support.h"

#include <gtest/gtest.h>

#include <cctype>
#include <chrono>

namespace opsdeck::notify::testing {

void FakeTransport::Answer(long status, std::string body, HeaderList headers) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  answers_.emplace_back(std::move(r));
}

void FakeTransport::Fail(core::Error error) { answers_.emplace_back(std::move(error)); }

core::Result<HttpResponse> FakeTransport::Send(const HttpRequest& request) {
  requests_.push_back(request);
  if (answers_.empty()) {
    ADD_FAILURE() << "FakeTransport: no answer scripted for " << request.method;
    return core::Error::Internal("no answer scripted");
  }
  core::Result<HttpResponse> next = std::move(answers_.front());
  answers_.pop_front();
  return next;
}

core::Notice SampleNotice() {
  core::Notice n;
  n.kind = "pipeline.failed";
  n.subject = "run:42";
  n.severity = core::NoticeSeverity::kCritical;
  n.state = core::NoticeState::kFailed;
  n.environment = "production";
  n.pipeline = "dashboard-production";
  n.title = "dashboard-production #184 failed";
  n.url = "https://github.com/acme/dashboard/actions/runs/9876543210";
  n.description = "Fix the rollout gate (#412)";
  n.fields = {{"Environment", "production", true},
              {"Branch", "main", true},
              {"Commit", "`3f2a9c1`", true},
              {"Duration", "4m 12s", true}};
  n.footer = "opsdeck · GitHub Actions";
  n.occurred_at = core::FromUnixMillis(1773151331000);  // 2026-03-10T14:02:11Z
  n.opsdeck_url = "https://ops.example.com/runs/42";
  return n;
}

core::Notice HostileNotice() {
  core::Notice n = SampleNotice();
  n.mention = true;
  n.title = "  " + Repeat("Ünïcödé 🚀 ", 300) + "  ";
  // ~10 kB: 2-, 3- and 4-byte characters and a stray invalid byte sequence.
  n.description = Repeat("é中😀", 3000) + "\xC3\x28\xF0\x9F\x98" + Repeat("ß", 500);
  n.fields.clear();
  for (int i = 0; i < 100; ++i) {
    n.fields.push_back(
        {Repeat("näme " + std::to_string(i) + " ", 300), Repeat("välüe 🚀 <&> ", 1500), i % 2 == 0});
  }
  n.fields.push_back({"   ", "whitespace name", true});
  n.fields.push_back({"empty value", "", true});
  n.footer = Repeat("föötér ", 3000) + "\xFF";
  return n;
}

namespace {

// Decodes one code point at s[i]; returns its length, 0 when malformed.
size_t Decode(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  size_t len = 0;
  uint32_t cp = 0;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(k) & 0x3F);
  }
  const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

}  // namespace

bool IsStrictUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = Decode(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

size_t TrimmedCodePoints(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++n) {
    const size_t len = Decode(s, i);
    i += len == 0 ? 1 : len;
  }
  return n;
}

std::string Repeat(std::string_view text, size_t count) {
  std::string out;
  size_t n = 0;
  while (n < count) {
    for (size_t i = 0; i < text.size() && n < count; ++n) {
      const size_t len = Decode(text, i);
      out.append(text.substr(i, len));
      i += len;
    }
  }
  return out;
}

boost::json::value ParseJson(std::string_view text) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  EXPECT_FALSE(ec) << "not JSON: " << text.substr(0, 200);
  return v;
}

std::string HeaderOf(const HttpRequest& request, std::string_view name) {
  for (const auto& [k, v] : request.headers) {
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return v;
    }
  }
  return {};
}

}  // namespace opsdeck::notify::testing
