// ReleaseDesk: window occurrences with their bookings and overrides, booking
// (release manager), accepting or declining (devops), freeze overrides
// (admin), and the reminder before a booked window opens.
#include "net/log.h"
#include "release/notice_facts.h"
#include "release/release_desk.h"

namespace opsdeck::release {
namespace {

constexpr size_t kMaxOccurrences = 1000;
constexpr size_t kMaxNote = 2000;

bool IsBlank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

std::string At(const std::string& window, core::TimePoint start) {
  return "window '" + window + "' at " + core::FormatRfc3339(start);
}

}  // namespace

core::Result<std::vector<WindowView>> ReleaseDesk::Windows(core::TimePoint from,
                                                           core::TimePoint to) {
  if (to <= from) return core::Error::InvalidArgument("to must be after from", "to");
  const auto schedule = Schedule(Config());
  std::vector<core::WindowOccurrence> occurrences =
      schedule->Occurrences(from, to, kMaxOccurrences);
  store::BookingQuery query;
  query.from = from;
  query.to = to;
  auto bookings = deps_.store->releases().ListBookings(query);
  if (!bookings) return bookings.error();
  auto overrides = deps_.store->releases().ListOverrides(from, to);
  if (!overrides) return overrides.error();
  std::vector<WindowView> out;
  out.reserve(occurrences.size());
  for (core::WindowOccurrence& occ : occurrences) {
    WindowView view;
    for (const store::Booking& b : *bookings) {
      if (b.window == occ.window && b.starts_at == occ.start) view.bookings.push_back(b);
    }
    for (const store::FreezeOverride& o : *overrides) {
      if (o.window == occ.window && o.starts_at == occ.start) view.override_ = o;
    }
    view.occurrence = std::move(occ);
    out.push_back(std::move(view));
  }
  return out;
}

core::Result<store::Booking> ReleaseDesk::RequestBooking(const core::Release& release,
                                                         const core::WindowOccurrence& occurrence,
                                                         const core::Actor& actor,
                                                         const std::string& request_id) {
  const auto config = Config();
  const auto schedule = Schedule(config);
  const core::ReleaseNoticeContext ctx = Context(*config);
  const core::TimePoint now = Now();
  store::Booking booking;
  booking.release_id = release.id;
  booking.window = occurrence.window;
  booking.starts_at = occurrence.start;
  booking.ends_at = occurrence.end;
  booking.requested_by = actor.ToString();
  booking.requested_at = now;
  size_t appended = 0;
  auto requested = deps_.store->releases().RequestBooking(
      booking, actor, request_id,
      Plan<store::Booking>(
          [&](const store::Booking& b) {
            return std::vector{core::BookingNotice(BookingFactsOf(b, &release, *schedule),
                                                   core::WindowEvent::kRequested, now, ctx)};
          },
          &appended));
  if (!requested) return requested.error();
  WakeIf(appended);
  PublishBooking(*requested);
  return requested;
}

core::Result<store::Booking> ReleaseDesk::Book(const std::string& window, core::TimePoint start,
                                               int64_t release_id, const core::Principal& who,
                                               const std::string& request_id) {
  if (who.role != core::Role::kReleaseManager && who.role != core::Role::kAdmin) {
    return core::Error::PermissionDenied(
        "booking a window needs the release-manager or admin role");
  }
  const auto schedule = Schedule(Config());
  const core::WindowDef* def = schedule->Find(window);
  if (def == nullptr) return core::Error::NotFound("no window named '" + window + "'");
  if (def->deny) {
    return core::Error::InvalidArgument("window '" + window + "' is a freeze; book an allow window",
                                        "window");
  }
  auto occurrence = schedule->OccurrenceAt(window, start);
  if (!occurrence) return core::Error::NotFound(At(window, start) + " is not an occurrence");
  if (occurrence->end <= Now()) {
    return core::Error::InvalidArgument(At(window, start) + " has already ended", "start");
  }
  auto release = deps_.store->releases().GetRelease(release_id);
  if (!release) return release.error();
  if (!*release) return core::Error::NotFound("no release " + std::to_string(release_id));
  core::Release& r = **release;
  if (core::IsTerminal(r.state)) {
    return core::Error::Conflict("release " + r.version + " is " +
                                 std::string(core::ReleaseStateName(r.state)));
  }
  const core::Actor actor = who.ToActor();
  auto booked = RequestBooking(r, *occurrence, actor, request_id);
  if (!booked) return booked.error();
  if (r.window == window && r.window_start == start) return booked;

  // The release moves to the new occurrence; its earlier open bookings lapse.
  store::BookingQuery mine;
  mine.release_id = r.id;
  if (auto others = deps_.store->releases().ListBookings(mine)) {
    for (const store::Booking& b : *others) {
      if (b.id == booked->id) continue;
      if (b.state != store::BookingState::kRequested && b.state != store::BookingState::kAccepted)
        continue;
      auto canceled = deps_.store->releases().DecideBooking(
          b.id, store::BookingState::kCanceled, "booked another occurrence", actor, request_id, {});
      if (canceled) PublishBooking(*canceled);
    }
  }
  auto moved =
      deps_.store->releases().UpdateRelease(r.id,
                                            [&](core::Release& stored) -> core::Result<void> {
                                              stored.window = window;
                                              stored.window_start = start;
                                              return core::Ok();
                                            },
                                            "window", actor, request_id, {});
  if (moved) {
    PublishRelease(*moved, "window");
  } else {
    net::LogWarn("booking recorded, but the release keeps its old window",
                 {{"release", static_cast<long long>(r.id)}, {"error", moved.error().ToString()}});
  }
  return booked;
}

core::Result<store::Booking> ReleaseDesk::Confirm(const std::string& window, core::TimePoint start,
                                                  std::optional<int64_t> release, bool accept,
                                                  const std::string& note,
                                                  const core::Principal& who,
                                                  const std::string& request_id) {
  if (who.role != core::Role::kDevops && who.role != core::Role::kAdmin) {
    return core::Error::PermissionDenied("confirming a window needs the devops or admin role");
  }
  if (note.size() > kMaxNote) {
    return core::Error::InvalidArgument("note is longer than 2000 characters", "note");
  }
  const auto config = Config();
  const auto schedule = Schedule(config);
  if (schedule->Find(window) == nullptr)
    return core::Error::NotFound("no window named '" + window + "'");
  store::BookingQuery query;
  query.window = window;
  query.from = start;
  query.to = start + core::Duration(1);
  auto bookings = deps_.store->releases().ListBookings(query);
  if (!bookings) return bookings.error();
  std::vector<const store::Booking*> open;
  const store::Booking* decided = nullptr;
  for (const store::Booking& b : *bookings) {
    if (b.starts_at != start || (release && b.release_id != *release)) continue;
    if (b.state == store::BookingState::kRequested) {
      open.push_back(&b);
    } else if (b.state != store::BookingState::kCanceled) {
      decided = &b;
    }
  }
  if (open.empty()) {
    if (decided != nullptr) {
      return core::Error::Conflict("the booking of " + At(window, start) + " is already " +
                                   std::string(store::BookingStateName(decided->state)));
    }
    return core::Error::NotFound("no booking of " + At(window, start) +
                                 (release ? " for release " + std::to_string(*release) : ""));
  }
  if (open.size() > 1) {
    return core::Error::Conflict(std::to_string(open.size()) + " releases booked " +
                                 At(window, start) + "; name the release");
  }
  const store::Booking target = *open.front();
  auto owner = deps_.store->releases().GetRelease(target.release_id);
  if (!owner) return owner.error();
  const core::Release* owner_release = *owner ? &**owner : nullptr;
  const core::ReleaseNoticeContext ctx = Context(*config);
  const core::TimePoint now = Now();
  const auto event = accept ? core::WindowEvent::kAccepted : core::WindowEvent::kDeclined;
  size_t appended = 0;
  auto decided_booking = deps_.store->releases().DecideBooking(
      target.id, accept ? store::BookingState::kAccepted : store::BookingState::kDeclined, note,
      who.ToActor(), request_id,
      Plan<store::Booking>(
          [&](const store::Booking& b) {
            return std::vector{
                core::BookingNotice(BookingFactsOf(b, owner_release, *schedule), event, now, ctx)};
          },
          &appended));
  if (!decided_booking) return decided_booking.error();
  WakeIf(appended);
  PublishBooking(*decided_booking);
  QueueAutoItems();  // window_confirmed may hold now
  return decided_booking;
}

core::Result<store::FreezeOverride> ReleaseDesk::OverrideFreeze(const std::string& window,
                                                                core::TimePoint start,
                                                                const std::string& reason,
                                                                const core::Principal& who,
                                                                const std::string& request_id) {
  if (who.role != core::Role::kAdmin) {
    return core::Error::PermissionDenied("overriding a freeze needs the admin role");
  }
  if (IsBlank(reason)) return core::Error::InvalidArgument("a reason is required", "reason");
  if (reason.size() > kMaxNote) {
    return core::Error::InvalidArgument("reason is longer than 2000 characters", "reason");
  }
  const auto config = Config();
  const auto schedule = Schedule(config);
  const core::WindowDef* def = schedule->Find(window);
  if (def == nullptr) return core::Error::NotFound("no window named '" + window + "'");
  if (!def->deny) {
    return core::Error::InvalidArgument("window '" + window + "' is not a freeze", "window");
  }
  auto occurrence = schedule->OccurrenceAt(window, start);
  if (!occurrence) return core::Error::NotFound(At(window, start) + " is not an occurrence");
  const core::Actor actor = who.ToActor();
  const core::TimePoint now = Now();
  store::FreezeOverride fo;
  fo.window = window;
  fo.starts_at = occurrence->start;
  fo.ends_at = occurrence->end;
  fo.reason = reason;
  fo.by = actor.ToString();
  fo.at = now;
  const core::ReleaseNoticeContext ctx = Context(*config);
  size_t appended = 0;
  auto stored = deps_.store->releases().OverrideFreeze(
      fo, actor, request_id,
      Plan<store::FreezeOverride>(
          [&](const store::FreezeOverride& o) {
            return std::vector{core::FreezeOverrideNotice(OverrideFactsOf(o), now, ctx)};
          },
          &appended));
  if (!stored) return stored.error();
  WakeIf(appended);
  PublishOverride(*stored);
  return stored;
}

void ReleaseDesk::SendReminders() {
  const auto config = Config();
  const auto schedule = Schedule(config);
  const core::TimePoint now = Now();
  store::BookingQuery query;
  query.from = now;
  query.to = now + options_.reminder_lead;
  query.state = store::BookingState::kAccepted;
  auto bookings = deps_.store->releases().ListBookings(query);
  if (!bookings) {
    net::LogWarn("release reminders: bookings unreadable",
                 {{"error", bookings.error().ToString()}});
    return;
  }
  const core::ReleaseNoticeContext ctx = Context(*config);
  for (const store::Booking& b : *bookings) {
    if (b.reminded || b.starts_at <= now) continue;
    auto release = deps_.store->releases().GetRelease(b.release_id);
    const core::Release* r = release && *release ? &**release : nullptr;
    size_t appended = 0;
    auto marked = deps_.store->releases().MarkReminded(
        b.id, Plan<store::Booking>(
                  [&](const store::Booking& stored) {
                    return std::vector{core::BookingNotice(BookingFactsOf(stored, r, *schedule),
                                                           core::WindowEvent::kReminder, now, ctx)};
                  },
                  &appended));
    if (!marked) {
      net::LogWarn("release reminder not recorded", {{"booking", static_cast<long long>(b.id)},
                                                     {"error", marked.error().ToString()}});
    } else if (*marked) {
      WakeIf(appended);
    }
  }
}

}  // namespace opsdeck::release
