// The store conformance suite, releases part 2: window bookings (one live
// per release and occurrence, decisions, the once-only reminder across two
// instances) and freeze overrides (one per occurrence, listed by range), all
// audited and announced in the change's transaction. Runs on SQLite and
// PostgreSQL; rollbacks are in store_conformance_rollbacks_test.cpp.
#include <barrier>
#include <thread>

#include "releases_fixture.h"

namespace opsdeck::store::conformance {
namespace {

TEST_P(ReleasesConformance, OneLiveBookingPerReleaseAndOccurrence) {
  const core::Release a = Create("1.0.0");
  const core::Release b = Create("1.1.0");
  clock_.Advance(1min);
  auto first = releases().RequestBooking(Book(a.id), actor_, "req-book",
                                         Announce<Booking>("window.requested"));
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(first->state, BookingState::kRequested);
  EXPECT_EQ(first->requested_by, "user:alice");
  EXPECT_EQ(first->requested_at, kStart + 1min);
  EXPECT_EQ(first->starts_at, Slot(24));
  EXPECT_EQ(first->ends_at, Slot(26));
  EXPECT_FALSE(first->reminded);
  EXPECT_EQ(OutboxCount(), 1);

  auto twice = releases().RequestBooking(Book(a.id), actor_, "r", Announce<Booking>("x"));
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, ErrorCode::kConflict);
  EXPECT_EQ(OutboxCount(), 1);
  // Another release, or another occurrence, is a booking of its own.
  ASSERT_TRUE(releases().RequestBooking(Book(b.id), actor_, "r", nullptr));
  ASSERT_TRUE(releases().RequestBooking(Book(a.id, "weekday", 48), actor_, "r", nullptr));
  auto unknown = releases().RequestBooking(Book(b.id + 100), actor_, "r", nullptr);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  Booking backwards = Book(a.id, "weekday", 72);
  backwards.ends_at = backwards.starts_at;
  auto bad = releases().RequestBooking(backwards, actor_, "r", nullptr);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);

  // A declined booking is history: the occurrence may be requested again.
  const core::Actor devops{"user", "dana"};
  auto declined = releases().DecideBooking(first->id, BookingState::kDeclined, "on leave", devops,
                                           "req-decline", Announce<Booking>("window.declined"));
  ASSERT_TRUE(declined) << declined.error().ToString();
  EXPECT_EQ(declined->state, BookingState::kDeclined);
  EXPECT_EQ(declined->decided_by, "user:dana");
  EXPECT_EQ(declined->decided_at, kStart + 1min);
  EXPECT_EQ(declined->note, "on leave");
  auto again = releases().RequestBooking(Book(a.id), actor_, "r", nullptr);
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_NE(again->id, first->id);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM window_bookings"), 4);
}

TEST_P(ReleasesConformance, BookingDecisionsFollowTheirTransitions) {
  const core::Release rel = Create("1.0.0");
  auto booked = releases().RequestBooking(Book(rel.id), actor_, "r", nullptr);
  ASSERT_TRUE(booked);
  const core::Actor devops{"user", "dana"};
  auto requested =
      releases().DecideBooking(booked->id, BookingState::kRequested, "", devops, "r", nullptr);
  ASSERT_FALSE(requested);
  EXPECT_EQ(requested.error().code, ErrorCode::kInvalidArgument);

  clock_.Advance(10min);
  auto accepted =
      releases().DecideBooking(booked->id, BookingState::kAccepted, "I'll be there", devops,
                               "req-accept", Announce<Booking>("window.accepted"));
  ASSERT_TRUE(accepted) << accepted.error().ToString();
  EXPECT_EQ(accepted->state, BookingState::kAccepted);
  EXPECT_EQ(accepted->decided_at, kStart + 10min);
  auto declined = releases().DecideBooking(booked->id, BookingState::kDeclined, "", devops, "r",
                                           Announce<Booking>("x"));
  ASSERT_FALSE(declined);
  EXPECT_EQ(declined.error().code, ErrorCode::kConflict);
  auto accepted_twice =
      releases().DecideBooking(booked->id, BookingState::kAccepted, "", devops, "r", nullptr);
  ASSERT_FALSE(accepted_twice);
  EXPECT_EQ(accepted_twice.error().code, ErrorCode::kConflict);
  EXPECT_EQ(OutboxCount(), 1);

  // An accepted booking may still be canceled; it keeps who accepted it.
  auto canceled =
      releases().DecideBooking(booked->id, BookingState::kCanceled, "", actor_, "req-c", nullptr);
  ASSERT_TRUE(canceled) << canceled.error().ToString();
  EXPECT_EQ(canceled->state, BookingState::kCanceled);
  EXPECT_EQ(canceled->decided_by, "user:dana");
  EXPECT_EQ(canceled->note, "I'll be there");
  auto canceled_twice =
      releases().DecideBooking(booked->id, BookingState::kCanceled, "", actor_, "r", nullptr);
  ASSERT_FALSE(canceled_twice);
  EXPECT_EQ(canceled_twice.error().code, ErrorCode::kConflict);
  auto missing =
      releases().DecideBooking(booked->id + 100, BookingState::kAccepted, "", devops, "r", nullptr);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

  auto audit = AllAudit(*store_, AuditQuery{.entity_type = "booking"});
  ASSERT_EQ(audit.size(), 3u);
  EXPECT_EQ(audit[0].action, "cancel");
  EXPECT_EQ(audit[1].action, "accept");
  EXPECT_EQ(audit[1].actor.name, "dana");
  EXPECT_NE(audit[1].before_json.find(R"("state":"requested")"), std::string::npos);
  EXPECT_NE(audit[1].after_json.find(R"("state":"accepted")"), std::string::npos);
  EXPECT_EQ(audit[2].action, "request");
  EXPECT_EQ(audit[2].entity_id, std::to_string(booked->id));
}

TEST_P(ReleasesConformance, ListBookingsFiltersByRangeReleaseWindowAndState) {
  const core::Release a = Create("1.0.0");
  const core::Release b = Create("1.1.0");
  auto a24 = releases().RequestBooking(Book(a.id, "weekday", 24), actor_, "r", nullptr);
  auto b24 = releases().RequestBooking(Book(b.id, "weekday", 24), actor_, "r", nullptr);
  auto a48 = releases().RequestBooking(Book(a.id, "weekend", 48), actor_, "r", nullptr);
  ASSERT_TRUE(a24 && b24 && a48);
  ASSERT_TRUE(releases().DecideBooking(b24->id, BookingState::kAccepted, "", actor_, "r", nullptr));
  auto ids = [&](const BookingQuery& q) {
    auto list = releases().ListBookings(q);
    EXPECT_TRUE(list) << list.error().ToString();
    std::vector<int64_t> out;
    for (const Booking& booking : list.value_or(std::vector<Booking>{})) out.push_back(booking.id);
    return out;
  };
  EXPECT_EQ(ids({}), (std::vector<int64_t>{a24->id, b24->id, a48->id}));
  EXPECT_EQ(ids({.release_id = a.id}), (std::vector<int64_t>{a24->id, a48->id}));
  EXPECT_EQ(ids({.window = "weekend"}), (std::vector<int64_t>{a48->id}));
  EXPECT_EQ(ids({.state = BookingState::kAccepted}), (std::vector<int64_t>{b24->id}));
  // Overlap: ends after `from`, starts before `to`.
  EXPECT_EQ(ids({.from = Slot(26)}), (std::vector<int64_t>{a48->id}));
  EXPECT_EQ(ids({.from = Slot(25), .to = Slot(48)}), (std::vector<int64_t>{a24->id, b24->id}));
  auto listed = releases().ListBookings({.state = BookingState::kAccepted});
  ASSERT_TRUE(listed && listed->size() == 1);
  EXPECT_EQ(listed->front().decided_by, "user:alice");
}

TEST_P(ReleasesConformance, MarkRemindedOnlyOnceAndOnlyWhenAccepted) {
  const core::Release rel = Create("1.0.0");
  auto booked = releases().RequestBooking(Book(rel.id), actor_, "r", nullptr);
  ASSERT_TRUE(booked);
  auto early = releases().MarkReminded(booked->id, Announce<Booking>("window.reminder"));
  ASSERT_TRUE(early) << early.error().ToString();
  EXPECT_FALSE(*early);
  ASSERT_TRUE(
      releases().DecideBooking(booked->id, BookingState::kAccepted, "", actor_, "r", nullptr));
  const int64_t audits = AuditCount();

  auto other = backend_->Open(clock_);
  ASSERT_TRUE(other) << other.error().ToString();
  std::barrier start(2);
  core::Result<bool> results[2] = {false, false};
  int calls[2] = {0, 0};
  auto run = [&](Store& s, int i) {
    start.arrive_and_wait();
    results[i] =
        s.releases().MarkReminded(booked->id, Announce<Booking>("window.reminder", &calls[i]));
  };
  std::thread a(run, std::ref(static_cast<Store&>(*store_)), 0);
  std::thread b(run, std::ref(static_cast<Store&>(**other)), 1);
  a.join();
  b.join();
  ASSERT_TRUE(results[0]) << results[0].error().ToString();
  ASSERT_TRUE(results[1]) << results[1].error().ToString();
  EXPECT_NE(*results[0], *results[1]);
  EXPECT_EQ(OutboxCount(), 1);
  EXPECT_EQ(AuditCount(), audits);  // a system notice, not a change of record
  auto listed = releases().ListBookings({.release_id = rel.id});
  ASSERT_TRUE(listed && listed->size() == 1);
  EXPECT_TRUE(listed->front().reminded);
  auto later = releases().MarkReminded(booked->id, Announce<Booking>("window.reminder"));
  ASSERT_TRUE(later);
  EXPECT_FALSE(*later);
  EXPECT_EQ(OutboxCount(), 1);
  auto missing = releases().MarkReminded(booked->id + 100, nullptr);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  (*other)->Close();
}

TEST_P(ReleasesConformance, OneOverridePerFreezeOccurrenceListedByRange) {
  FreezeOverride o;
  o.window = "year-end";
  o.starts_at = Slot(24);
  o.ends_at = Slot(48);
  o.reason = "security fix CVE-2026-1234";
  const core::Actor admin{"user", "root"};
  auto first = releases().OverrideFreeze(o, admin, "req-o",
                                         Announce<FreezeOverride>("window.freeze_overridden"));
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(first->by, "user:root");
  EXPECT_EQ(first->at, kStart);
  EXPECT_EQ(first->reason, o.reason);
  auto twice = releases().OverrideFreeze(o, admin, "r", Announce<FreezeOverride>("x"));
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, ErrorCode::kConflict);
  FreezeOverride no_reason = o;
  no_reason.starts_at = Slot(100);
  no_reason.ends_at = Slot(101);
  no_reason.reason.clear();
  auto empty = releases().OverrideFreeze(no_reason, admin, "r", nullptr);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalidArgument);
  FreezeOverride next = o;
  next.starts_at = Slot(72);
  next.ends_at = Slot(96);
  ASSERT_TRUE(releases().OverrideFreeze(next, admin, "r", nullptr));
  EXPECT_EQ(OutboxCount(), 1);

  auto range = [&](int from, int to) {
    auto list = releases().ListOverrides(Slot(from), Slot(to));
    EXPECT_TRUE(list) << list.error().ToString();
    std::vector<core::TimePoint> starts;
    for (const FreezeOverride& f : list.value_or(std::vector<FreezeOverride>{})) {
      starts.push_back(f.starts_at);
    }
    return starts;
  };
  EXPECT_EQ(range(0, 200), (std::vector<core::TimePoint>{Slot(24), Slot(72)}));
  EXPECT_EQ(range(47, 73), (std::vector<core::TimePoint>{Slot(24), Slot(72)}));
  EXPECT_EQ(range(48, 72), std::vector<core::TimePoint>{});  // touching is not overlapping
  EXPECT_EQ(range(0, 25), std::vector<core::TimePoint>{Slot(24)});

  auto audit = AllAudit(*store_, AuditQuery{.entity_type = "freeze"});
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[1].entity_id, "year-end");
  EXPECT_EQ(audit[1].action, "override");
  EXPECT_NE(audit[1].after_json.find("CVE-2026-1234"), std::string::npos);
}

}  // namespace
}  // namespace opsdeck::store::conformance
