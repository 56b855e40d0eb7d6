// SqlReleaseStore: bookings of release-window occurrences (request, decide,
// list, the once-only reminder) and freeze overrides. The "one live booking
// per occurrence" and "one override per occurrence" rules are checked under
// a transaction lock for a clear kConflict, and held by unique indexes
// (006_releases.sql) whatever happens.
#include <algorithm>

#include "store/audited_write.h"
#include "store/sql_release_store.h"
#include "store/sql_release_store_rows.h"

namespace opsdeck::store {
namespace {

using namespace releases_sql;

constexpr std::string_view kBookingEntity = "booking";
constexpr std::string_view kFreezeEntity = "freeze";

std::string Occurrence(std::string_view window, core::TimePoint starts_at) {
  return "window '" + std::string(window) + "' at " + core::FormatRfc3339(starts_at);
}

core::Result<void> CheckSpan(std::string_view window, core::TimePoint starts_at,
                             core::TimePoint ends_at) {
  if (window.empty()) return core::Error::InvalidArgument("window is empty", "window");
  if (ends_at <= starts_at) {
    return core::Error::InvalidArgument("an occurrence must end after it starts", "ends_at");
  }
  return core::Ok();
}

// Which actions move a booking from `from` to `to`, and their audit name.
std::optional<std::string_view> DecisionAction(BookingState from, BookingState to) {
  if (to == BookingState::kCanceled &&
      (from == BookingState::kRequested || from == BookingState::kAccepted)) {
    return "cancel";
  }
  if (from != BookingState::kRequested) return std::nullopt;
  if (to == BookingState::kAccepted) return "accept";
  if (to == BookingState::kDeclined) return "decline";
  return std::nullopt;
}

core::Result<Booking> RequestIn(Mutation& m, const Booking& booking, const core::Actor& actor,
                                const AnnouncePlan<Booking>& announce) {
  if (auto r = LockForWrite(m.tx(), kBookingsLock); !r) return r.error();
  auto release = m.tx().Query("SELECT id FROM releases WHERE id = ?", {booking.release_id});
  if (!release) return release.error();
  if (release->empty()) {
    return core::Error::NotFound("release " + std::to_string(booking.release_id) + " not found");
  }
  auto live = m.tx().Query(
      "SELECT id, state FROM window_bookings WHERE release_id = ? AND window_name = ? AND "
      "starts_at = ? AND (state = 'requested' OR state = 'accepted')",
      {booking.release_id, booking.window, Millis(booking.starts_at)});
  if (!live) return live.error();
  if (!live->empty()) {
    return core::Error::Conflict("release " + std::to_string(booking.release_id) +
                                 " already has a " + TextOr(live->front()[1]) + " booking (" +
                                 TextOr(live->front()[0]) + ") for " +
                                 Occurrence(booking.window, booking.starts_at));
  }
  Booking b;
  b.release_id = booking.release_id;
  b.window = booking.window;
  b.starts_at = booking.starts_at;
  b.ends_at = booking.ends_at;
  b.state = BookingState::kRequested;
  b.requested_by = actor.ToString();
  b.requested_at = m.now();
  auto rows = m.tx().Query(
      "INSERT INTO window_bookings (release_id, window_name, starts_at, ends_at, state, "
      "requested_by, requested_at, reminded) VALUES (?, ?, ?, ?, ?, ?, ?, 0) RETURNING id",
      {b.release_id, b.window, Millis(b.starts_at), Millis(b.ends_at),
       std::string(BookingStateName(b.state)), b.requested_by, m.now_ms()});
  if (!rows) return rows.error();
  if (rows->empty()) return core::Error::Internal("window_bookings: INSERT returned no id");
  b.id = IntOr(rows->front()[0], 0);
  if (auto a = m.Record(kBookingEntity, std::to_string(b.id), "request", kJsonNull, BookingJson(b));
      !a) {
    return a.error();
  }
  if (announce) {
    if (auto o = AppendOutbox(m.tx(), announce(b), m.now()); !o) return o.error();
  }
  return b;
}

core::Result<Booking> DecideIn(Mutation& m, int64_t id, BookingState to, std::string_view note,
                               const core::Actor& actor, const AnnouncePlan<Booking>& announce) {
  if (auto r = LockForWrite(m.tx(), kBookingsLock); !r) return r.error();
  auto loaded = LoadBooking(m.tx(), id);
  if (!loaded) return loaded.error();
  if (!*loaded) return core::Error::NotFound("booking " + std::to_string(id) + " not found");
  const Booking& before = **loaded;
  const auto action = DecisionAction(before.state, to);
  if (!action) {
    return core::Error::Conflict("booking " + std::to_string(id) + " is " +
                                 std::string(BookingStateName(before.state)) + ": it cannot be " +
                                 std::string(BookingStateName(to)));
  }
  Booking after = before;
  after.state = to;
  // A cancel keeps who decided (an accepted booking stays attributed to its
  // acceptor); the audit row says who canceled.
  if (to != BookingState::kCanceled) {
    after.decided_by = actor.ToString();
    after.decided_at = m.now();
  }
  if (to != BookingState::kCanceled || !note.empty()) after.note = std::string(note);
  auto r = m.tx().Exec(
      "UPDATE window_bookings SET state = ?, decided_by = ?, decided_at = ?, note = ? WHERE id = ?",
      {std::string(BookingStateName(after.state)), TextOrNull(after.decided_by),
       TimeOrNull(after.decided_at), TextOrNull(after.note), id});
  if (!r) return r.error();
  if (auto a = m.Record(kBookingEntity, std::to_string(id), *action, BookingJson(before),
                        BookingJson(after));
      !a) {
    return a.error();
  }
  if (announce) {
    if (auto o = AppendOutbox(m.tx(), announce(after), m.now()); !o) return o.error();
  }
  return after;
}

core::Result<FreezeOverride> OverrideIn(Mutation& m, const FreezeOverride& wanted,
                                        const core::Actor& actor,
                                        const AnnouncePlan<FreezeOverride>& announce) {
  if (auto r = LockForWrite(m.tx(), kOverridesLock); !r) return r.error();
  auto existing = m.tx().Query(
      "SELECT overridden_by FROM freeze_overrides WHERE window_name = ? AND starts_at = ?",
      {wanted.window, Millis(wanted.starts_at)});
  if (!existing) return existing.error();
  if (!existing->empty()) {
    return core::Error::Conflict(Occurrence(wanted.window, wanted.starts_at) +
                                 " was already overridden by " + TextOr(existing->front()[0]));
  }
  FreezeOverride o;
  o.window = wanted.window;
  o.starts_at = wanted.starts_at;
  o.ends_at = wanted.ends_at;
  o.reason = wanted.reason;
  o.by = actor.ToString();
  o.at = m.now();
  auto rows = m.tx().Query(
      "INSERT INTO freeze_overrides (window_name, starts_at, ends_at, reason, overridden_by, "
      "overridden_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
      {o.window, Millis(o.starts_at), Millis(o.ends_at), o.reason, o.by, m.now_ms()});
  if (!rows) return rows.error();
  if (rows->empty()) return core::Error::Internal("freeze_overrides: INSERT returned no id");
  o.id = IntOr(rows->front()[0], 0);
  if (auto a = m.Record(kFreezeEntity, o.window, "override", kJsonNull, OverrideJson(o)); !a) {
    return a.error();
  }
  if (announce) {
    if (auto out = AppendOutbox(m.tx(), announce(o), m.now()); !out) return out.error();
  }
  return o;
}

}  // namespace

core::Result<Booking> SqlReleaseStore::RequestBooking(const Booking& booking,
                                                      const core::Actor& actor,
                                                      std::string_view request_id,
                                                      const AnnouncePlan<Booking>& announce) {
  if (auto v = CheckSpan(booking.window, booking.starts_at, booking.ends_at); !v) return v.error();
  return AuditedWrite<Booking>(db_, clock_, actor, request_id,
                               [&](Mutation& m) { return RequestIn(m, booking, actor, announce); });
}

core::Result<Booking> SqlReleaseStore::DecideBooking(int64_t id, BookingState to,
                                                     std::string_view note,
                                                     const core::Actor& actor,
                                                     std::string_view request_id,
                                                     const AnnouncePlan<Booking>& announce) {
  if (to == BookingState::kRequested) {
    return core::Error::InvalidArgument("a decision accepts, declines or cancels", "state");
  }
  return AuditedWrite<Booking>(db_, clock_, actor, request_id, [&](Mutation& m) {
    return DecideIn(m, id, to, note, actor, announce);
  });
}

core::Result<std::vector<Booking>> SqlReleaseStore::ListBookings(const BookingQuery& query) {
  std::string sql = "SELECT " + std::string(kBookingColumns) + " FROM window_bookings WHERE 1 = 1";
  Params params;
  if (query.from) {
    sql += " AND ends_at > ?";
    params.push_back(Millis(*query.from));
  }
  if (query.to) {
    sql += " AND starts_at < ?";
    params.push_back(Millis(*query.to));
  }
  if (query.release_id) {
    sql += " AND release_id = ?";
    params.emplace_back(*query.release_id);
  }
  if (query.window) {
    sql += " AND window_name = ?";
    params.emplace_back(*query.window);
  }
  if (query.state) {
    sql += " AND state = ?";
    params.emplace_back(std::string(BookingStateName(*query.state)));
  }
  sql += " ORDER BY starts_at, id LIMIT ?";
  params.emplace_back(kMaxBookings);
  return ReadValue<std::vector<Booking>>(db_, [&](Tx& tx) -> core::Result<std::vector<Booking>> {
    auto rows = tx.Query(sql, params);
    if (!rows) return rows.error();
    std::vector<Booking> out;
    out.reserve(rows->size());
    for (const Row& r : *rows) out.push_back(BookingFromRow(r));
    return out;
  });
}

core::Result<bool> SqlReleaseStore::MarkReminded(int64_t id,
                                                 const AnnouncePlan<Booking>& announce) {
  return WriteValue<bool>(db_, [&](Tx& tx) -> core::Result<bool> {
    // The conditional UPDATE is the claim: on PostgreSQL a concurrent one
    // waits for this transaction and then finds reminded = 1.
    auto claimed = tx.Exec(
        "UPDATE window_bookings SET reminded = 1 WHERE id = ? AND state = 'accepted' AND "
        "reminded = 0",
        {id});
    if (!claimed) return claimed.error();
    if (*claimed == 0) {
      auto exists = LoadBooking(tx, id);
      if (!exists) return exists.error();
      if (!*exists) return core::Error::NotFound("booking " + std::to_string(id) + " not found");
      return false;
    }
    auto stored = LoadBooking(tx, id);
    if (!stored) return stored.error();
    if (!*stored) return core::Error::Internal("booking vanished");
    if (announce) {
      if (auto o = AppendOutbox(tx, announce(**stored), clock_.Now()); !o) return o.error();
    }
    return true;
  });
}

core::Result<FreezeOverride> SqlReleaseStore::OverrideFreeze(
    const FreezeOverride& override_, const core::Actor& actor, std::string_view request_id,
    const AnnouncePlan<FreezeOverride>& announce) {
  if (override_.reason.empty()) {
    return core::Error::InvalidArgument("a freeze override needs a reason", "reason");
  }
  if (auto v = CheckSpan(override_.window, override_.starts_at, override_.ends_at); !v)
    return v.error();
  return AuditedWrite<FreezeOverride>(db_, clock_, actor, request_id, [&](Mutation& m) {
    return OverrideIn(m, override_, actor, announce);
  });
}

core::Result<std::vector<FreezeOverride>> SqlReleaseStore::ListOverrides(core::TimePoint from,
                                                                         core::TimePoint to) {
  const Params params{Millis(from), Millis(to)};
  return ReadValue<std::vector<FreezeOverride>>(
      db_, [&](Tx& tx) -> core::Result<std::vector<FreezeOverride>> {
        auto rows = tx.Query("SELECT " + std::string(kOverrideColumns) +
                                 " FROM freeze_overrides WHERE ends_at > ? AND starts_at < ? "
                                 "ORDER BY starts_at, id",
                             params);
        if (!rows) return rows.error();
        std::vector<FreezeOverride> out;
        out.reserve(rows->size());
        for (const Row& r : *rows) out.push_back(OverrideFromRow(r));
        return out;
      });
}

}  // namespace opsdeck::store
