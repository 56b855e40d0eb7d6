// /windows: model -> mustache data -> HTML. The calendar's cells are UTC days;
// an occurrence gets a block in every day it overlaps (a window crossing
// midnight shows on both days, the later block marked as continued). Keys are
// prefixed per list (wk_, d_, oc_, b_, rc_).
#include "http/ui/window_pages.h"

#include <chrono>

#include "http/ui/assets.h"
#include "http/ui/list_frame.h"
#include "http/ui/release_pages_view.h"
#include "http/ui/shell.h"

namespace opsdeck::http::ui {
namespace {

using internal::Encode;
using internal::Page;
using internal::RenderPage;
using internal::SetStatus;
using internal::SetText;
using internal::SetTime;
using internal::Shorten;
using internal::StatusView;
using kainjow::mustache::data;

constexpr std::size_t kMaxLabel = 80;  // a window, person or version
constexpr std::size_t kMaxNote = 500;  // a booking's note, an override's reason
constexpr core::Duration kDay = std::chrono::hours(24);

std::string Join(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& n : names) {
    if (!text.empty()) text += ", ";
    text += Shorten(n, kMaxLabel);
  }
  return text;
}

// What a block says about the arrangements for an occurrence: an accepted
// booking beats a requested one, which beats a declined one.
StatusView Arrangement(const release::WindowView& w) {
  if (w.occurrence.deny) {
    return w.override_ ? StatusView{"overridden", "Overridden", "user"}
                       : StatusView{"freeze", "In force", "lock"};
  }
  auto has = [&](store::BookingState s) {
    for (const store::Booking& b : w.bookings) {
      if (b.state == s) return true;
    }
    return false;
  };
  if (has(store::BookingState::kAccepted)) return internal::ViewOf(store::BookingState::kAccepted);
  if (has(store::BookingState::kRequested)) {
    return internal::ViewOf(store::BookingState::kRequested);
  }
  if (has(store::BookingState::kDeclined)) return internal::ViewOf(store::BookingState::kDeclined);
  return {"unbooked", "Not booked", "unknown"};
}

void SetKind(data& d, bool deny) {
  d.set("oc_kind", std::string(deny ? "deny" : "allow"));
  d.set("oc_kind_label", std::string(deny ? "Freeze" : "Allow"));
  d.set("oc_kind_icon", std::string(deny ? "lock" : "calendar"));
}

data Block(const release::WindowView& w, std::size_t index, bool continued) {
  data b{data::type::object};
  b.set("oc_index", std::to_string(index));
  b.set("oc_name", Shorten(w.occurrence.window, kMaxLabel));
  SetKind(b, w.occurrence.deny);
  SetTime(b, "oc_start", w.occurrence.start);
  SetTime(b, "oc_end", w.occurrence.end);
  b.set("oc_clock_start",
        internal::HumanUtc(core::FormatRfc3339(w.occurrence.start)).substr(11, 5));
  b.set("oc_clock_end", internal::HumanUtc(core::FormatRfc3339(w.occurrence.end)).substr(11, 5));
  SetText(b, "oc_devops", Join(w.occurrence.devops));
  SetStatus(b, "oc_arr_", Arrangement(w));
  b.set("oc_continued", continued);
  return b;
}

data Calendar(const WindowsModel& model, data& spare) {
  std::vector<bool> placed(model.occurrences.size(), false);
  data weeks{data::type::list};
  for (int week = 0; week < kCalendarWeeks; ++week) {
    data days{data::type::list};
    for (int dow = 0; dow < 7; ++dow) {
      const core::TimePoint day = model.calendar_start + (week * 7 + dow) * kDay;
      const core::TimePoint next = day + kDay;
      data blocks{data::type::list};
      for (std::size_t i = 0; i < model.occurrences.size(); ++i) {
        const core::WindowOccurrence& o = model.occurrences[i].occurrence;
        if (o.start >= next || o.end <= day) continue;
        blocks.push_back(Block(model.occurrences[i], i, o.start < day));
        placed[i] = true;
      }
      data cell{data::type::object};
      cell.set("d_key", internal::DayKey(day));
      cell.set("d_label", internal::DayLabel(day));
      cell.set("d_index", std::to_string(week * 7 + dow));
      cell.set("d_today", model.now >= day && model.now < next);
      cell.set("d_past", next <= model.now);
      cell.set("d_has_blocks", !blocks.list_value().empty());
      cell.set("d_blocks", blocks);
      days.push_back(cell);
    }
    data w{data::type::object};
    w.set("wk_index", std::to_string(week));
    w.set("wk_days", days);
    weeks.push_back(w);
  }
  // Occurrences outside the UTC calendar wait here, hidden, for the
  // viewer's zone to move them in.
  for (std::size_t i = 0; i < model.occurrences.size(); ++i) {
    if (!placed[i]) spare.push_back(Block(model.occurrences[i], i, false));
  }
  return weeks;
}

data Bookings(const WindowsModel& model, const release::WindowView& w, std::size_t index) {
  const bool may_confirm = internal::MayActAsDevops(model.role) && w.occurrence.end > model.now;
  data list{data::type::list};
  for (const store::Booking& b : w.bookings) {
    data item{data::type::object};
    item.set("b_id", std::to_string(b.id));
    item.set("b_release_id", std::to_string(b.release_id));
    item.set("b_release_href", "/releases/" + std::to_string(b.release_id));
    const auto version = model.release_versions.find(b.release_id);
    item.set("b_release", version != model.release_versions.end()
                              ? Shorten(version->second, kMaxLabel)
                              : "#" + std::to_string(b.release_id));
    SetStatus(item, "b_", internal::ViewOf(b.state));
    SetText(item, "b_requested_by", Shorten(b.requested_by, kMaxLabel));
    SetText(item, "b_decided_by", Shorten(b.decided_by, kMaxLabel));
    SetText(item, "b_note", Shorten(b.note, kMaxNote));
    item.set("b_can_decide", may_confirm && b.state == store::BookingState::kRequested);
    item.set("b_form_id", std::to_string(index) + "-" + std::to_string(b.id));
    list.push_back(item);
  }
  return list;
}

data Occurrences(const WindowsModel& model) {
  data list{data::type::list};
  const bool admin = model.role == core::Role::kAdmin;
  for (std::size_t i = 0; i < model.occurrences.size(); ++i) {
    const release::WindowView& w = model.occurrences[i];
    const core::WindowOccurrence& o = w.occurrence;
    if (o.end <= model.now || o.start >= model.calendar_start + kCalendarDays * kDay) continue;
    data item = Block(w, i, false);
    item.set("oc_open_now", o.start <= model.now);
    item.set("oc_bookings", Bookings(model, w, i));
    item.set("oc_has_bookings", !w.bookings.empty());
    item.set("oc_has_override", w.override_.has_value());
    if (w.override_) {
      SetText(item, "oc_override_reason", Shorten(w.override_->reason, kMaxNote));
      SetText(item, "oc_override_by", Shorten(w.override_->by, kMaxLabel));
      SetTime(item, "oc_override_at", w.override_->at);
    }
    const std::string api = "/api/v1/windows/" + Encode(o.window);
    item.set("oc_book_url", api + "/book");
    item.set("oc_confirm_url", api + "/confirm");
    item.set("oc_override_url", api + "/override");
    item.set("oc_start_value", core::FormatRfc3339(o.start));
    item.set("oc_can_book",
             !o.deny && internal::MayRunReleases(model.role) && !model.bookable.empty());
    item.set("oc_can_override", o.deny && admin && !w.override_);
    list.push_back(item);
  }
  return list;
}

}  // namespace

namespace internal {

core::TimePoint CalendarStart(core::TimePoint now) {
  using namespace std::chrono;
  const sys_days today = floor<days>(now);
  // weekday: Sunday 0 .. Saturday 6; Monday starts the week.
  const unsigned since_monday = (weekday(today).c_encoding() + 6) % 7;
  return time_point_cast<milliseconds>(today - days(since_monday));
}

std::string DayKey(core::TimePoint day) { return core::FormatRfc3339(day).substr(0, 10); }

std::string DayLabel(core::TimePoint day) {
  using namespace std::chrono;
  static constexpr const char* kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const sys_days d = floor<days>(day);
  const year_month_day ymd(d);
  return std::string(kWeekdays[weekday(d).c_encoding()]) + " " +
         std::to_string(static_cast<unsigned>(ymd.day())) + " " +
         kMonths[static_cast<unsigned>(ymd.month()) - 1];
}

}  // namespace internal

std::string RenderWindows(const WindowsModel& model) {
  data page{data::type::object};
  data spare{data::type::list};
  page.set("weeks", Calendar(model, spare));
  page.set("spare", spare);
  page.set("calendar_start", core::FormatRfc3339(model.calendar_start));
  page.set("calendar_days", std::to_string(kCalendarDays));
  const data occurrences = Occurrences(model);
  page.set("occurrences", occurrences);
  page.set("has_occurrences", !occurrences.list_value().empty());
  data bookable{data::type::list};
  for (const ReleaseChoice& r : model.bookable) {
    data item{data::type::object};
    item.set("rc_id", std::to_string(r.id));
    item.set("rc_version", Shorten(r.version, kMaxLabel));
    bookable.push_back(item);
  }
  page.set("bookable", bookable);
  page.set("note_max", std::to_string(kMaxNote));
  SetText(page, "error", model.error);
  page.set("page_js", std::string(StaticUrl("/static/releases.js")));
  return RenderPage(Page::kWindows, "Release windows", model.shell, "windows", std::move(page));
}

}  // namespace opsdeck::http::ui
