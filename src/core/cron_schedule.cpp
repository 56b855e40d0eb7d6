#include "core/cron_schedule.h"

#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <vector>

namespace opsdeck::core {

namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::local_days;
using std::chrono::minutes;

constexpr std::array<std::string_view, 12> kMonthNames = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<std::string_view, 7> kWeekdayNames = {"SUN", "MON", "TUE", "WED",
                                                           "THU", "FRI", "SAT"};

struct FieldSpec {
  std::string_view name;
  int lo;
  int hi;
  const std::string_view* names;  // nullptr: numbers only
  size_t name_count;
  int first_named;  // the value of names[0]
};

constexpr std::array<FieldSpec, 5> kFields = {{
    {"minute", 0, 59, nullptr, 0, 0},
    {"hour", 0, 23, nullptr, 0, 0},
    {"day-of-month", 1, 31, nullptr, 0, 0},
    {"month", 1, 12, kMonthNames.data(), kMonthNames.size(), 1},
    {"day-of-week", 0, 7, kWeekdayNames.data(), kWeekdayNames.size(), 0},
}};

// Longest month length by month number (February counts its leap day).
constexpr std::array<int, 13> kMaxDays = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

Error FieldError(const FieldSpec& f, const std::string& what) {
  return Error::InvalidArgument("cron: " + std::string(f.name) + ": " + what);
}

Result<int> ParseValue(std::string_view tok, const FieldSpec& f) {
  if (tok.empty()) return FieldError(f, "missing value");
  if (std::isdigit(static_cast<unsigned char>(tok[0]))) {
    int v = 0;
    auto [p, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), v);
    if (ec != std::errc() || p != tok.data() + tok.size()) {
      return FieldError(f, "'" + std::string(tok) + "' is not a number");
    }
    if (v < f.lo || v > f.hi) {
      return FieldError(f, std::to_string(v) + " is out of range " + std::to_string(f.lo) + "-" +
                               std::to_string(f.hi));
    }
    return v;
  }
  if (f.names != nullptr && tok.size() == 3) {
    std::string upper(tok);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (size_t i = 0; i < f.name_count; ++i) {
      if (f.names[i] == upper) return f.first_named + static_cast<int>(i);
    }
  }
  std::string expected = std::to_string(f.lo) + "-" + std::to_string(f.hi);
  if (f.names != nullptr) {
    expected += " or " + std::string(f.names[0]) + "-" + std::string(f.names[f.name_count - 1]);
  }
  return FieldError(f, "'" + std::string(tok) + (f.names != nullptr ? "' is not a number or name" : "' is not a number") +
                           " (expected " + expected + ")");
}

// One field into a bit mask (bit v set when value v matches).
Result<uint64_t> ParseField(std::string_view text, const FieldSpec& f) {
  uint64_t mask = 0;
  size_t pos = 0;
  while (true) {
    const size_t comma = text.find(',', pos);
    const std::string_view elem =
        text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    if (elem.empty()) return FieldError(f, "empty list element in '" + std::string(text) + "'");
    std::string_view base = elem;
    int step = 1;
    bool has_step = false;
    if (const size_t slash = elem.find('/'); slash != std::string_view::npos) {
      base = elem.substr(0, slash);
      const std::string_view s = elem.substr(slash + 1);
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), step);
      if (s.empty() || ec != std::errc() || p != s.data() + s.size()) {
        return FieldError(f, "step '" + std::string(s) + "' is not a number");
      }
      if (step < 1) return FieldError(f, "step " + std::to_string(step) + " must be at least 1");
      has_step = true;
    }
    int lo = f.lo;
    int hi = f.hi;
    if (base != "*") {
      const size_t dash = base.find('-');
      auto first = ParseValue(base.substr(0, dash), f);
      if (!first) return first.error();
      lo = *first;
      if (dash != std::string_view::npos) {
        auto last = ParseValue(base.substr(dash + 1), f);
        if (!last) return last.error();
        hi = *last;
        if (hi < lo) {
          return FieldError(f, "range '" + std::string(base) + "' goes backwards");
        }
      } else if (!has_step) {
        hi = lo;
      }
    }
    for (int v = lo; v <= hi; v += step) mask |= uint64_t{1} << v;
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return mask;
}

std::string_view ExpandMacro(std::string_view spec) {
  if (spec == "@yearly" || spec == "@annually") return "0 0 1 1 *";
  if (spec == "@monthly") return "0 0 1 * *";
  if (spec == "@weekly") return "0 0 * * 0";
  if (spec == "@daily" || spec == "@midnight") return "0 0 * * *";
  if (spec == "@hourly") return "0 * * * *";
  return {};
}

std::vector<std::string_view> SplitFields(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    size_t j = i;
    while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace

Result<CronSchedule> CronSchedule::Parse(std::string_view spec) {
  std::string_view body = spec;
  while (!body.empty() && std::isspace(static_cast<unsigned char>(body.front()))) body.remove_prefix(1);
  while (!body.empty() && std::isspace(static_cast<unsigned char>(body.back()))) body.remove_suffix(1);
  if (!body.empty() && body.front() == '@') {
    const std::string_view expanded = ExpandMacro(body);
    if (expanded.empty()) {
      return Error::InvalidArgument("cron: unknown macro '" + std::string(body) +
                                    "' (expected @yearly, @annually, @monthly, @weekly, @daily, "
                                    "@midnight or @hourly)");
    }
    body = expanded;
  }
  const auto fields = SplitFields(body);
  if (fields.size() != 5) {
    return Error::InvalidArgument(
        "cron: expected 5 fields (minute hour day-of-month month day-of-week), got " +
        std::to_string(fields.size()) + " in '" + std::string(spec) + "'");
  }
  std::array<uint64_t, 5> masks{};
  for (size_t i = 0; i < 5; ++i) {
    auto m = ParseField(fields[i], kFields[i]);
    if (!m) return m.error();
    masks[i] = *m;
  }
  CronSchedule s;
  s.spec_ = std::string(spec);
  s.minutes_ = std::bitset<60>(masks[0]);
  s.hours_ = std::bitset<24>(masks[1]);
  s.days_ = std::bitset<32>(masks[2]);
  s.months_ = std::bitset<13>(masks[3]);
  const uint64_t dow = masks[4] | ((masks[4] >> 7) & 1);  // 7 is Sunday too
  s.weekdays_ = std::bitset<7>(dow & 0x7f);
  s.day_star_ = fields[2].front() == '*';
  s.weekday_star_ = fields[4].front() == '*';
  // A day-of-month that no chosen month has would never fire: say so now.
  if (s.weekday_star_) {
    bool possible = false;
    for (int m = 1; m <= 12 && !possible; ++m) {
      if (!s.months_[static_cast<size_t>(m)]) continue;
      for (int d = 1; d <= kMaxDays[static_cast<size_t>(m)] && !possible; ++d) {
        possible = s.days_[static_cast<size_t>(d)];
      }
    }
    if (!possible) {
      return Error::InvalidArgument("cron: day-of-month '" + std::string(fields[2]) +
                                    "' never occurs in month '" + std::string(fields[3]) + "'");
    }
  }
  return s;
}

bool CronSchedule::DayMatches(local_days day) const {
  const std::chrono::year_month_day ymd(day);
  if (!months_[static_cast<unsigned>(ymd.month())]) return false;
  const bool dom = days_[static_cast<unsigned>(ymd.day())];
  const bool dow = weekdays_[std::chrono::weekday(day).c_encoding()];
  if (day_star_ || weekday_star_) return dom && dow;
  return dom || dow;
}

bool CronSchedule::Matches(LocalMinutes local) const {
  const auto day = std::chrono::floor<days>(local);
  const std::chrono::hh_mm_ss tod(local - day);
  return DayMatches(day) && hours_[static_cast<size_t>(tod.hours().count())] &&
         minutes_[static_cast<size_t>(tod.minutes().count())];
}

std::optional<LocalMinutes> CronSchedule::NextLocal(LocalMinutes local) const {
  const LocalMinutes from = local + minutes(1);
  auto day = std::chrono::floor<days>(from);
  const auto limit = day + days(366 * kHorizonYears);
  int start = static_cast<int>((from - day).count());  // minute of the day to start at
  while (day <= limit) {
    const std::chrono::year_month_day ymd(day);
    if (!months_[static_cast<unsigned>(ymd.month())]) {
      // Skip the rest of the month at once.
      const auto next_month = std::chrono::year_month{ymd.year(), ymd.month()} + std::chrono::months(1);
      day = local_days(next_month / 1);
      start = 0;
      continue;
    }
    if (DayMatches(day)) {
      for (int h = start / 60; h < 24; ++h) {
        if (!hours_[static_cast<size_t>(h)]) continue;
        for (int m = h == start / 60 ? start % 60 : 0; m < 60; ++m) {
          if (minutes_[static_cast<size_t>(m)]) return day + hours(h) + minutes(m);
        }
      }
    }
    day += days(1);
    start = 0;
  }
  return std::nullopt;
}

std::optional<LocalMinutes> CronSchedule::PrevLocal(LocalMinutes local) const {
  auto day = std::chrono::floor<days>(local);
  const auto limit = day - days(366 * kHorizonYears);
  int start = static_cast<int>((local - day).count());
  while (day >= limit) {
    const std::chrono::year_month_day ymd(day);
    if (!months_[static_cast<unsigned>(ymd.month())]) {
      // Jump to the last day of the previous month.
      day = local_days(std::chrono::year_month_day{ymd.year(), ymd.month(), std::chrono::day(1)}) -
            days(1);
      start = 24 * 60 - 1;
      continue;
    }
    if (DayMatches(day)) {
      for (int h = start / 60; h >= 0; --h) {
        if (!hours_[static_cast<size_t>(h)]) continue;
        for (int m = h == start / 60 ? start % 60 : 59; m >= 0; --m) {
          if (minutes_[static_cast<size_t>(m)]) return day + hours(h) + minutes(m);
        }
      }
    }
    day -= days(1);
    start = 24 * 60 - 1;
  }
  return std::nullopt;
}

TimePoint CronSchedule::InstantOf(LocalMinutes local, const TimeZoneRules& zone) {
  // Earliest: the first pass of a repeated time; for a skipped time both
  // instants are the jump itself.
  return zone.Resolve(LocalSeconds(local)).earliest;
}

// InstantOf is monotonic in local time (see the header), so the answer is
// the first matching local minute whose instant lies after `after`; only in
// the second pass of a repeated hour do candidates map to instants before it.
std::optional<TimePoint> CronSchedule::Next(TimePoint after, const TimeZoneRules& zone) const {
  auto local = NextLocal(std::chrono::floor<minutes>(zone.ToLocal(after)));
  while (local) {
    const TimePoint t = InstantOf(*local, zone);
    if (t > after) return t;
    local = NextLocal(*local);
  }
  return std::nullopt;
}

std::optional<TimePoint> CronSchedule::Previous(TimePoint at, const TimeZoneRules& zone) const {
  const LocalSeconds wall = zone.ToLocal(at);
  LocalMinutes upper = std::chrono::floor<minutes>(wall);
  // In the second pass of a repeated hour, wall-clock minutes up to one
  // shift later still first happened (first pass) before `at`.
  const LocalTimeInfo info = zone.Resolve(LocalSeconds(upper));
  if (info.kind == LocalTimeInfo::Kind::kAmbiguous && at >= info.latest) {
    upper = std::chrono::floor<minutes>(wall + (info.latest - info.earliest));
  }
  auto local = PrevLocal(upper);
  while (local) {
    const TimePoint t = InstantOf(*local, zone);
    if (t <= at) return t;
    local = PrevLocal(*local - minutes(1));
  }
  return std::nullopt;
}

std::optional<Occurrence> CronSchedule::Covering(TimePoint t, Duration duration,
                                                 const TimeZoneRules& zone) const {
  if (duration <= Duration::zero()) return std::nullopt;
  // A later start always ends later, so only the latest start can cover t.
  const auto start = Previous(t, zone);
  if (!start || t >= *start + duration) return std::nullopt;
  return Occurrence{*start, *start + duration};
}

}  // namespace opsdeck::core
