#include "config/internal/formats.h"

#include <arpa/inet.h>

#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <limits>
#include <optional>
#include <vector>

namespace opsdeck::config::internal {
namespace {

using core::Error;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::optional<uint64_t> ParseUnsigned(std::string_view digits) {
  if (digits.empty()) return std::nullopt;
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

// value * factor without overflow, or nullopt.
std::optional<uint64_t> Multiply(uint64_t value, uint64_t factor, uint64_t max) {
  if (factor != 0 && value > max / factor) return std::nullopt;
  return value * factor;
}

std::vector<std::string_view> Split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t pos = text.find(sep, start);
    parts.push_back(text.substr(start, pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return parts;
}

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

core::Result<core::Duration> ParseDuration(std::string_view text) {
  static constexpr std::string_view kForms =
      " (use a whole number and a unit: 500ms, 30s, 5m, 2h, 7d)";
  if (text.empty()) return Error::InvalidArgument("empty duration" + std::string(kForms));
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  uint64_t total_ms = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t digits_start = i;
    while (i < text.size() && IsDigit(text[i])) ++i;
    auto number = ParseUnsigned(text.substr(digits_start, i - digits_start));
    if (!number) return Error::InvalidArgument("invalid duration" + std::string(kForms));
    size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view unit = text.substr(unit_start, i - unit_start);
    uint64_t factor = 0;
    if (unit == "ms")
      factor = 1;
    else if (unit == "s")
      factor = 1000;
    else if (unit == "m")
      factor = 60'000;
    else if (unit == "h")
      factor = 3'600'000;
    else if (unit == "d")
      factor = 86'400'000;
    else if (i < text.size() && text[i] == '.')
      return Error::InvalidArgument("use whole numbers (90m, not 1.5h)");
    else if (i + 1 < text.size() && text[i] == ' ' &&
             std::isalpha(static_cast<unsigned char>(text[i + 1])))
      return Error::InvalidArgument("no space between number and unit");
    else if (unit.empty())
      return Error::InvalidArgument("duration needs a unit" + std::string(kForms));
    else
      return Error::InvalidArgument("unknown duration unit '" + std::string(unit) + "'" +
                                    std::string(kForms));
    auto part = Multiply(*number, factor, kMax);
    if (!part || *part > kMax - total_ms) return Error::InvalidArgument("duration is too large");
    total_ms += *part;
  }
  return core::Duration(static_cast<int64_t>(total_ms));
}

std::string FormatDuration(core::Duration duration) {
  int64_t ms = duration.count();
  if (ms == 0) return "0s";
  std::string out = ms < 0 ? "-" : "";
  uint64_t rest = ms < 0 ? static_cast<uint64_t>(-(ms + 1)) + 1 : static_cast<uint64_t>(ms);
  static constexpr std::pair<uint64_t, const char*> kUnits[] = {
      {86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1000, "s"}, {1, "ms"}};
  for (const auto& [factor, unit] : kUnits) {
    if (rest >= factor) {
      out += std::to_string(rest / factor) + unit;
      rest %= factor;
    }
  }
  return out;
}

core::Result<uint64_t> ParseSize(std::string_view text) {
  static constexpr std::string_view kForms =
      " (use bytes or a whole number with KiB, MiB, GiB, KB, MB, GB)";
  size_t i = 0;
  while (i < text.size() && IsDigit(text[i])) ++i;
  auto number = ParseUnsigned(text.substr(0, i));
  if (!number) return Error::InvalidArgument("invalid size" + std::string(kForms));
  std::string_view unit = text.substr(i);
  if (unit.starts_with('.'))
    return Error::InvalidArgument("use whole numbers (1536KiB, not 1.5MiB)");
  if (unit.starts_with(' ')) return Error::InvalidArgument("no space between number and unit");
  struct Unit {
    std::string_view name;
    uint64_t factor;
  };
  static constexpr std::array<Unit, 9> kUnits = {{{"", 1},
                                                  {"B", 1},
                                                  {"KiB", 1ULL << 10},
                                                  {"MiB", 1ULL << 20},
                                                  {"GiB", 1ULL << 30},
                                                  {"TiB", 1ULL << 40},
                                                  {"KB", 1'000},
                                                  {"MB", 1'000'000},
                                                  {"GB", 1'000'000'000}}};
  for (const Unit& u : kUnits) {
    if (u.name != unit) continue;
    auto bytes = Multiply(*number, u.factor, std::numeric_limits<uint64_t>::max());
    if (!bytes) return Error::InvalidArgument("size is too large");
    return *bytes;
  }
  return Error::InvalidArgument("unknown size unit '" + std::string(unit) + "'" +
                                std::string(kForms));
}

core::Result<core::TimePoint> ParseRfc3339(std::string_view text) {
  auto bad = [] {
    return Error::InvalidArgument("expected an RFC 3339 time such as 2026-12-20T00:00:00Z");
  };
  // YYYY-MM-DDTHH:MM:SS
  if (text.size() < 20) return bad();
  auto field = [&](size_t pos, size_t len) { return ParseUnsigned(text.substr(pos, len)); };
  auto year = field(0, 4), month = field(5, 2), day = field(8, 2);
  auto hour = field(11, 2), minute = field(14, 2), second = field(17, 2);
  if (!year || !month || !day || !hour || !minute || !second) return bad();
  if (text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't') || text[13] != ':' ||
      text[16] != ':') {
    return bad();
  }
  std::chrono::year_month_day ymd{std::chrono::year(static_cast<int>(*year)),
                                  std::chrono::month(static_cast<unsigned>(*month)),
                                  std::chrono::day(static_cast<unsigned>(*day))};
  if (!ymd.ok() || *hour > 23 || *minute > 59 || *second > 60) {
    return Error::InvalidArgument("not a valid calendar date and time");
  }
  size_t i = 19;
  int64_t millis = 0;
  if (i < text.size() && text[i] == '.') {
    size_t start = ++i;
    while (i < text.size() && IsDigit(text[i])) ++i;
    if (i == start) return bad();
    std::string frac(text.substr(start, std::min<size_t>(i - start, 3)));
    while (frac.size() < 3) frac += '0';
    millis = static_cast<int64_t>(*ParseUnsigned(frac));
  }
  int64_t offset_minutes = 0;
  std::string_view zone = text.substr(i);
  if (zone == "Z" || zone == "z") {
    offset_minutes = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    auto oh = ParseUnsigned(zone.substr(1, 2)), om = ParseUnsigned(zone.substr(4, 2));
    if (!oh || !om || *oh > 23 || *om > 59) return bad();
    offset_minutes = static_cast<int64_t>(*oh * 60 + *om) * (zone[0] == '-' ? -1 : 1);
  } else {
    return Error::InvalidArgument("RFC 3339 time needs a zone: Z or +HH:MM");
  }
  auto days = std::chrono::sys_days(ymd);
  auto t = std::chrono::time_point_cast<core::Duration>(days) + std::chrono::hours(*hour) +
           std::chrono::minutes(*minute) + std::chrono::seconds(std::min<uint64_t>(*second, 59)) +
           core::Duration(millis) - std::chrono::minutes(offset_minutes);
  return core::TimePoint(t);
}

namespace {

struct CronField {
  std::string_view name;
  int min;
  int max;
  std::vector<std::string_view> names;  // names[k] stands for min + k
};

std::optional<int> CronValue(std::string_view token, const CronField& field) {
  if (auto n = ParseUnsigned(token)) {
    if (*n > static_cast<uint64_t>(field.max)) return std::nullopt;
    return static_cast<int>(*n);
  }
  std::string upper = Upper(token);
  for (size_t k = 0; k < field.names.size(); ++k) {
    if (field.names[k] == upper) return field.min + static_cast<int>(k);
  }
  return std::nullopt;
}

core::Result<void> CheckCronField(std::string_view text, const CronField& field) {
  auto bad = [&](std::string why) {
    return Error::InvalidArgument("cron " + std::string(field.name) + " field '" +
                                  std::string(text) + "': " + why);
  };
  for (std::string_view item : Split(text, ',')) {
    std::string_view range = item;
    size_t slash = item.find('/');
    if (slash != std::string_view::npos) {
      auto step = ParseUnsigned(item.substr(slash + 1));
      if (!step || *step == 0) return bad("step must be a positive number");
      range = item.substr(0, slash);
    }
    if (range == "*") continue;
    size_t dash = range.find('-');
    std::string_view lo_text = range.substr(0, dash);
    auto lo = CronValue(lo_text, field);
    if (!lo || *lo < field.min) {
      return bad("expected *, a number " + std::to_string(field.min) + "-" +
                 std::to_string(field.max) + (field.names.empty() ? "" : " or a name") +
                 ", a range or a list");
    }
    if (dash != std::string_view::npos) {
      auto hi = CronValue(range.substr(dash + 1), field);
      if (!hi || *hi < *lo) return bad("bad range");
    }
  }
  return core::Ok();
}

}  // namespace

core::Result<void> CheckCron(std::string_view expr) {
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < expr.size()) {
    while (i < expr.size() && std::isspace(static_cast<unsigned char>(expr[i]))) ++i;
    size_t start = i;
    while (i < expr.size() && !std::isspace(static_cast<unsigned char>(expr[i]))) ++i;
    if (i > start) fields.push_back(expr.substr(start, i - start));
  }
  if (fields.size() != 5) {
    return Error::InvalidArgument(
        "cron schedule needs 5 fields (minute hour day-of-month month day-of-week), got " +
        std::to_string(fields.size()));
  }
  static const std::array<CronField, 5> kFields = {{
      {"minute", 0, 59, {}},
      {"hour", 0, 23, {}},
      {"day-of-month", 1, 31, {}},
      {"month",
       1,
       12,
       {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
      {"day-of-week", 0, 7, {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}},
  }};
  for (size_t k = 0; k < 5; ++k) {
    if (auto r = CheckCronField(fields[k], kFields[k]); !r) return r;
  }
  return core::Ok();
}

core::Result<HostPort> ParseListen(std::string_view text) {
  HostPort out;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return Error::InvalidArgument("expected [IPv6]:PORT, e.g. [::1]:8080");
    }
    out.host = std::string(text.substr(1, close - 1));
    in6_addr addr6{};
    if (inet_pton(AF_INET6, out.host.c_str(), &addr6) != 1) {
      return Error::InvalidArgument("not an IPv6 address inside [...]");
    }
    port_text = text.substr(close + 2);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos)
      return Error::InvalidArgument("expected HOST:PORT, e.g. 127.0.0.1:8080");
    out.host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
    if (out.host.empty()) {
      return Error::InvalidArgument(
          "the host is required: 0.0.0.0:PORT for every interface, 127.0.0.1:PORT for loopback "
          "only");
    }
    if (out.host.find(':') != std::string::npos) {
      return Error::InvalidArgument("put an IPv6 address in brackets, e.g. [::1]:8080");
    }
    for (char c : out.host) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') {
        return Error::InvalidArgument("the host must be an IP address or a host name");
      }
    }
  }
  auto port = ParseUnsigned(port_text);
  if (!port || *port > 65535) return Error::InvalidArgument("the port must be a number 0-65535");
  out.port = static_cast<uint16_t>(*port);
  return out;
}

core::Result<void> CheckHttpUrl(std::string_view text) {
  std::string lower(text.substr(0, 8));
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t rest = 0;
  if (lower.starts_with("https://"))
    rest = 8;
  else if (lower.starts_with("http://"))
    rest = 7;
  else
    return Error::InvalidArgument("expected an http:// or https:// URL");
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c)) ||
        std::iscntrl(static_cast<unsigned char>(c))) {
      return Error::InvalidArgument("URL contains whitespace");
    }
  }
  std::string_view authority = text.substr(rest);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority = authority.substr(at + 1);
  if (authority.empty() || authority.front() == ':')
    return Error::InvalidArgument("URL has no host");
  return core::Ok();
}

core::Result<void> CheckIpOrCidr(std::string_view text) {
  std::string addr(text.substr(0, text.find('/')));
  in6_addr buf{};
  int max_prefix = 0;
  if (inet_pton(AF_INET, addr.c_str(), &buf) == 1)
    max_prefix = 32;
  else if (inet_pton(AF_INET6, addr.c_str(), &buf) == 1)
    max_prefix = 128;
  else
    return Error::InvalidArgument("expected an IP address or CIDR range");
  if (size_t slash = text.find('/'); slash != std::string_view::npos) {
    auto prefix = ParseUnsigned(text.substr(slash + 1));
    if (!prefix || *prefix > static_cast<uint64_t>(max_prefix)) {
      return Error::InvalidArgument("bad CIDR prefix length");
    }
  }
  return core::Ok();
}

core::Result<void> CheckTimezoneName(std::string_view text) {
  if (text.empty()) return Error::InvalidArgument("the time zone must not be empty");
  bool ok = text.front() != '/' && text.back() != '/' && text.find("..") == std::string_view::npos;
  for (char c : text) {
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' ||
                c == '+');
  }
  if (!ok)
    return Error::InvalidArgument("expected an IANA time zone name such as UTC or Europe/Berlin");
  return core::Ok();
}

}  // namespace opsdeck::config::internal
