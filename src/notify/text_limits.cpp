#include "notify/text_limits.h"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <charconv>
#include <cmath>
#include <vector>

namespace opsdeck::notify {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr double kMaxSeconds = 86400.0;
// Shorter URL parts are no credential (UrlSecrets).
constexpr size_t kMinSecretPart = 8;
constexpr size_t kMinSecretSegment = 16;

// Length of the well-formed UTF-8 sequence at text[i] (Unicode table 3-7),
// or 0 when none starts there.
size_t SequenceLength(std::string_view text, size_t i) {
  const auto b0 = static_cast<unsigned char>(text[i]);
  if (b0 < 0x80) return 1;
  size_t n = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 == 0xE0) {
    n = 3;
    lo = 0xA0;
  } else if ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF) {
    n = 3;
  } else if (b0 == 0xED) {
    n = 3;
    hi = 0x9F;  // no surrogates
  } else if (b0 == 0xF0) {
    n = 4;
    lo = 0x90;
  } else if (b0 >= 0xF1 && b0 <= 0xF3) {
    n = 4;
  } else if (b0 == 0xF4) {
    n = 4;
    hi = 0x8F;  // nothing beyond U+10FFFF
  } else {
    return 0;
  }
  if (text.size() - i < n) return 0;
  const auto b1 = static_cast<unsigned char>(text[i + 1]);
  if (b1 < lo || b1 > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 0;
  }
  return n;
}

// Sequence length of valid UTF-8 from its lead byte.
size_t LeadLength(unsigned char b) {
  if (b < 0x80) return 1;
  if (b >= 0xF0) return 4;
  if (b >= 0xE0) return 3;
  return 2;
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::string ValidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const size_t n = SequenceLength(text, i);
    if (n == 0) {
      out += kReplacement;
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

bool IsValidUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t n = SequenceLength(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

size_t CountCodePoints(std::string_view utf8) {
  return static_cast<size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

size_t TextLength(std::string_view utf8) {
  const auto astral = std::count_if(utf8.begin(), utf8.end(),
                                    [](char c) { return static_cast<unsigned char>(c) >= 0xF0; });
  return CountCodePoints(utf8) + static_cast<size_t>(astral);
}

std::string_view TrimSpace(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

std::string FitText(std::string_view raw, size_t max_length) {
  const std::string valid = ValidUtf8(raw);
  const std::string_view text = TrimSpace(valid);
  if (TextLength(text) <= max_length) return std::string(text);
  if (max_length == 0) return {};
  size_t units = 0;
  size_t end = 0;
  while (end < text.size()) {
    const size_t n = LeadLength(static_cast<unsigned char>(text[end]));
    const size_t u = n == 4 ? 2 : 1;
    if (units + u > max_length - 1) break;
    units += u;
    end += n;
  }
  std::string out(TrimSpace(text.substr(0, end)));
  out += kEllipsis;
  return out;
}

std::string Redact(std::string text, const std::vector<std::string>& needles) {
  std::vector<std::string_view> sorted(needles.begin(), needles.end());
  std::sort(sorted.begin(), sorted.end(),
            [](std::string_view a, std::string_view b) { return a.size() > b.size(); });
  for (const std::string_view needle : sorted) {
    if (needle.empty()) continue;
    for (size_t pos = text.find(needle); pos != std::string::npos;
         pos = text.find(needle, pos + std::string_view("<redacted>").size())) {
      text.replace(pos, needle.size(), "<redacted>");
    }
  }
  return text;
}

std::vector<std::string> UrlSecrets(std::string_view url) {
  std::vector<std::string> out{std::string(url)};
  const auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return out;
  const auto add = [&](std::string_view part, size_t min_size) {
    if (part.size() >= min_size) out.emplace_back(part);
  };
  add(parsed->encoded_userinfo(), 1);
  add(parsed->encoded_password(), 1);
  add(parsed->encoded_path(), kMinSecretPart);
  add(parsed->encoded_query(), kMinSecretPart);
  for (const auto param : parsed->encoded_params()) add(param.value, kMinSecretPart);
  for (const auto seg : parsed->encoded_segments()) add(seg, kMinSecretSegment);
  return out;
}

std::string PrintableSnippet(std::string_view body, size_t max_length) {
  const std::string valid = ValidUtf8(body);
  std::string out;
  out.reserve(std::min(valid.size(), max_length * 4 + 4));
  bool space = false;
  for (size_t i = 0; i < valid.size();) {
    const auto b = static_cast<unsigned char>(valid[i]);
    const size_t n = LeadLength(b);
    // C0 controls, DEL and C1 controls (U+0080..U+009F: C2 80..C2 9F).
    const bool control =
        b < 0x20 || b == 0x7F || (b == 0xC2 && static_cast<unsigned char>(valid[i + 1]) < 0xA0);
    if (control || b == ' ') {
      space = true;
    } else {
      if (space && !out.empty()) out += ' ';
      space = false;
      out.append(valid, i, n);
    }
    i += n;
    if (out.size() > max_length * 4 + 4) break;  // enough to fill any snippet
  }
  return FitText(out, max_length);
}

std::optional<std::string_view> FindHeader(const HeaderList& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(),
                   [](char a, char b) { return Lower(a) == Lower(b); })) {
      return std::string_view(value);
    }
  }
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> ParseSeconds(std::string_view text) {
  text = TrimSpace(text);
  if (text.empty()) return std::nullopt;
  double seconds = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return SecondsToMillis(seconds);
}

std::optional<std::chrono::milliseconds> SecondsToMillis(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return std::nullopt;
  seconds = std::min(seconds, kMaxSeconds);
  // Less a hair of float noise, so 1.337 s is 1337 ms, not 1338.
  return std::chrono::milliseconds(static_cast<int64_t>(std::ceil(seconds * 1000.0 - 1e-6)));
}

SendResult RateLimited(const HttpResponse& response, std::chrono::milliseconds fallback,
                       std::string error) {
  const auto header = FindHeader(response.headers, "Retry-After");
  const auto wait = header ? ParseSeconds(*header) : std::nullopt;
  SendResult result;
  result.status = SendStatus::kRateLimited;
  result.retry_after = std::max(wait.value_or(fallback), std::chrono::milliseconds(1));
  result.error = std::move(error);
  return result;
}

SendStatus FailureStatus(long http_status) {
  return http_status >= 500 || http_status == 408 ? SendStatus::kRetry : SendStatus::kRejected;
}

}  // namespace opsdeck::notify
