// Server-rendered /windows: a calendar of release windows (week rows x 7
// days, 4 weeks from this week's Monday) and, below it, every occurrence
// that has not ended with its bookings and the actions the signed-in role may
// take: Book (release-manager: for a planned release), Accept / Decline with
// a note (devops), Override a freeze (admin, with a reason). The server lays
// the calendar out in UTC; releases.js lays it out again in the viewer's
// zone from the same blocks (each carries its start and end), so the page
// is complete without script. The HTTP layer fills the model from
// release::Desk (ui/window_pages_route.cpp).
// Thread-safety: pure functions over immutable templates, safe on any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/role.h"
#include "http/ui/pages.h"
#include "release/desk.h"

namespace opsdeck::http::ui {

inline constexpr int kCalendarWeeks = 4;
inline constexpr int kCalendarDays = 7 * kCalendarWeeks;

// A release a booking may be made for.
struct ReleaseChoice {
  int64_t id = 0;
  std::string version;
};

struct WindowsModel {
  ShellModel shell;
  core::TimePoint now{};
  core::TimePoint calendar_start{};  // CalendarStart(now)
  // Occurrences by start, from a day before the calendar to a day after it
  // (so the viewer's zone can shift them in), with bookings and overrides.
  std::vector<release::WindowView> occurrences;
  std::map<int64_t, std::string> release_versions;  // of the bookings' releases
  std::vector<ReleaseChoice> bookable;              // planned releases
  std::optional<core::Role> role;                   // nullopt: anonymous
  std::string error;                                // the desk could not list windows
};
std::string RenderWindows(const WindowsModel& model);

namespace internal {

// 00:00 UTC of the Monday of the week that holds `now`.
core::TimePoint CalendarStart(core::TimePoint now);
// "2026-03-09" and "Mon 9 Mar" for the UTC day that starts at `day`.
std::string DayKey(core::TimePoint day);
std::string DayLabel(core::TimePoint day);

}  // namespace internal
}  // namespace opsdeck::http::ui
