// The desk's windows and gate: booking, accepting and declining (both roles
// hear of it), moving a release to another occurrence, occurrences with
// their bookings, freeze overrides (admin only), and the gate's reasons
// gathered from real rows until each is satisfied.
#include "desk_fixture.h"

namespace opsdeck::release::testing {
namespace {

using core::ErrorCode;

std::vector<store::OutboxItem> Entries(store::Store& store, const std::string& kind) {
  store::OutboxQuery q;
  q.limit = 500;
  auto page = store.outbox().List(q);
  std::vector<store::OutboxItem> out;
  if (!page) return out;
  for (const auto& e : page->items) {
    if (e.kind == kind) out.push_back(e);
  }
  return out;
}

TEST_F(DeskTest, BookingsAreAcceptedOrDeclinedByDevops) {
  const core::Release r1 = MakeRelease("1.4.2");
  EXPECT_EQ(desk_->Confirm("weekday releases", kTuesdayWindow, std::nullopt, true, "", rm_, "")
                .error()
                .code,
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(desk_->Confirm("weekday releases", kTuesdayWindow, std::nullopt, true, "", viewer_, "")
                .error()
                .code,
            ErrorCode::kPermissionDenied);
  auto accepted = desk_->Confirm("weekday releases", kTuesdayWindow, std::nullopt, true,
                                 "alice on call", devops_, "req-accept");
  ASSERT_TRUE(accepted) << accepted.error().ToString();
  EXPECT_EQ(accepted->state, store::BookingState::kAccepted);
  EXPECT_EQ(accepted->release_id, r1.id);
  EXPECT_EQ(accepted->decided_by, "user:dave");
  EXPECT_EQ(accepted->note, "alice on call");
  // The notice goes where release notices go: routes see the release's environment.
  auto notices = Entries(*store_, "window.accepted");
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].subject, "booking:" + std::to_string(accepted->id));
  EXPECT_EQ(notices[0].environment, "production");
  auto audit = Audit("booking");
  ASSERT_FALSE(audit.empty());
  EXPECT_EQ(audit.front().action, "accept");
  EXPECT_EQ(audit.front().actor.ToString(), "user:dave");

  // Two more releases ask for the same occurrence: devops must say which.
  const core::Release r2 = MakeRelease("1.5.0");
  const core::Release r3 = MakeRelease("1.6.0");
  auto ambiguous =
      desk_->Confirm("weekday releases", kTuesdayWindow, std::nullopt, true, "", devops_, "");
  ASSERT_FALSE(ambiguous);
  EXPECT_EQ(ambiguous.error().code, ErrorCode::kConflict);
  EXPECT_NE(ambiguous.error().message.find("name the release"), std::string::npos);
  auto declined =
      desk_->Confirm("weekday releases", kTuesdayWindow, r2.id, false, "nobody free", admin_, "");
  ASSERT_TRUE(declined) << declined.error().ToString();
  EXPECT_EQ(declined->state, store::BookingState::kDeclined);
  EXPECT_EQ(Entries(*store_, "window.declined").size(), 1u);
  EXPECT_EQ(Entries(*store_, "window.declined")[0].severity, "warning");
  auto again = desk_->Confirm("weekday releases", kTuesdayWindow, r2.id, true, "", devops_, "");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  // With one open booking left, no release needs naming.
  auto third =
      desk_->Confirm("weekday releases", kTuesdayWindow, std::nullopt, true, "", devops_, "");
  ASSERT_TRUE(third) << third.error().ToString();
  EXPECT_EQ(third->release_id, r3.id);

  EXPECT_EQ(
      desk_->Confirm("weekends", kTuesdayWindow, std::nullopt, true, "", devops_, "").error().code,
      ErrorCode::kNotFound);
  EXPECT_EQ(
      desk_->Confirm("weekday releases", kTuesdayWindow + 48h, std::nullopt, true, "", devops_, "")
          .error()
          .code,
      ErrorCode::kNotFound);
}

TEST_F(DeskTest, BookingMovesTheReleaseToItsOccurrence) {
  const core::Release r = MakeRelease("1.4.2", "go-no-go", false);
  const core::TimePoint thursday = Utc(2026, 12, 3, 13);
  EXPECT_EQ(desk_->Book("weekday releases", thursday, r.id, devops_, "").error().code,
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(desk_->Book("weekends", thursday, r.id, rm_, "").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(desk_->Book("weekday releases", thursday + 1h, r.id, rm_, "").error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(desk_->Book("year-end freeze", Utc(2026, 12, 20, 0), r.id, rm_, "").error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(desk_->Book("weekday releases", Utc(2026, 11, 26, 13), r.id, rm_, "").error().code,
            ErrorCode::kInvalidArgument);  // Thursday last week has ended
  EXPECT_EQ(desk_->Book("weekday releases", thursday, 9999, rm_, "").error().code,
            ErrorCode::kNotFound);

  auto booked = desk_->Book("weekday releases", thursday, r.id, rm_, "");
  ASSERT_TRUE(booked) << booked.error().ToString();
  auto stored = store_->releases().GetRelease(r.id);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->window, "weekday releases");
  EXPECT_EQ((*stored)->window_start, thursday);
  // Booking a later occurrence cancels the earlier request.
  const core::TimePoint next_tuesday = Utc(2026, 12, 8, 13);
  auto moved = desk_->Book("weekday releases", next_tuesday, r.id, rm_, "");
  ASSERT_TRUE(moved) << moved.error().ToString();
  store::BookingQuery q;
  q.release_id = r.id;
  auto bookings = store_->releases().ListBookings(q);
  ASSERT_TRUE(bookings);
  ASSERT_EQ(bookings->size(), 2u);
  EXPECT_EQ((*bookings)[0].state, store::BookingState::kCanceled);
  EXPECT_EQ((*bookings)[1].state, store::BookingState::kRequested);
  stored = store_->releases().GetRelease(r.id);
  EXPECT_EQ((*stored)->window_start, next_tuesday);
}

TEST_F(DeskTest, WindowsListOccurrencesWithBookingsAndOverrides) {
  const core::Release r = MakeRelease("1.4.2");
  auto views = desk_->Windows(Utc(2026, 12, 1, 0), Utc(2026, 12, 8, 0));
  ASSERT_TRUE(views) << views.error().ToString();
  ASSERT_EQ(views->size(), 2u);  // Tuesday and Thursday, 14:00 Berlin (CET) = 13:00 UTC
  EXPECT_EQ((*views)[0].occurrence.start, kTuesdayWindow);
  EXPECT_EQ((*views)[0].occurrence.devops, (std::vector<std::string>{"alice", "bob"}));
  ASSERT_EQ((*views)[0].bookings.size(), 1u);
  EXPECT_EQ((*views)[0].bookings[0].release_id, r.id);
  EXPECT_EQ((*views)[1].occurrence.start, Utc(2026, 12, 3, 13));
  EXPECT_TRUE((*views)[1].bookings.empty());

  ASSERT_TRUE(desk_->OverrideFreeze("year-end freeze", Utc(2026, 12, 20, 0), "hotfix", admin_, ""));
  views = desk_->Windows(Utc(2026, 12, 19, 0), Utc(2026, 12, 23, 0));
  ASSERT_TRUE(views);
  auto freeze = std::find_if(views->begin(), views->end(),
                             [](const WindowView& v) { return v.occurrence.deny; });
  ASSERT_NE(freeze, views->end());
  ASSERT_TRUE(freeze->override_);
  EXPECT_EQ(freeze->override_->reason, "hotfix");

  EXPECT_EQ(desk_->Windows(kTuesday, kTuesday).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(DeskTest, OnlyAnAdminOverridesAFreezeWithAReason) {
  clock_->Set(Utc(2026, 12, 22, 13, 30));  // a Tuesday window inside the year-end freeze
  const core::TimePoint freeze = Utc(2026, 12, 20, 0);
  auto codes = GateCodes("1.4.2");
  EXPECT_NE(std::find(codes.begin(), codes.end(), "freeze"), codes.end());
  EXPECT_EQ(std::find(codes.begin(), codes.end(), "outside_window"), codes.end());

  EXPECT_EQ(desk_->OverrideFreeze("year-end freeze", freeze, "hotfix", devops_, "").error().code,
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(desk_->OverrideFreeze("year-end freeze", freeze, "hotfix", rm_, "").error().code,
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(desk_->OverrideFreeze("year-end freeze", freeze, "  ", admin_, "").error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(desk_->OverrideFreeze("weekday releases", Utc(2026, 12, 22, 13), "x", admin_, "")
                .error()
                .code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(desk_->OverrideFreeze("year-end freeze", freeze + 1h, "x", admin_, "").error().code,
            ErrorCode::kNotFound);
  EXPECT_TRUE(Kinds().empty()) << "refusals announce nothing";

  auto done =
      desk_->OverrideFreeze("year-end freeze", freeze, "security fix CVE-2026-1", admin_, "req-o");
  ASSERT_TRUE(done) << done.error().ToString();
  EXPECT_EQ(done->by, "user:ada");
  EXPECT_EQ(done->ends_at, Utc(2027, 1, 6, 0));
  EXPECT_TRUE(Announced("window.freeze_overridden"));
  auto audit = Audit("freeze");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "override");
  EXPECT_EQ(audit[0].actor.ToString(), "user:ada");
  codes = GateCodes("1.4.2");
  EXPECT_EQ(std::find(codes.begin(), codes.end(), "freeze"), codes.end());
  EXPECT_EQ(desk_->OverrideFreeze("year-end freeze", freeze, "again", admin_, "").error().code,
            ErrorCode::kConflict);
}

TEST_F(DeskTest, GateListsEveryReasonUntilEachIsSatisfied) {
  EXPECT_EQ(desk_->Gate("qa", "1.4.2").error().code, ErrorCode::kNotFound);
  bool allowed = false;
  EXPECT_TRUE(GateCodes("1.4.2", &allowed).size() > 0);
  auto staging = desk_->Gate("staging", "1.4.2");
  ASSERT_TRUE(staging);
  EXPECT_TRUE(staging->allowed) << "staging is not protected";

  // Monday: no window, no release, nothing on staging, a target down.
  clock_->Set(Utc(2026, 11, 30, 10));
  SetTarget("web", core::TargetState::kDown, Utc(2026, 11, 30, 9));
  EXPECT_EQ(GateCodes("1.4.2", &allowed),
            (std::vector<std::string>{"outside_window", "no_release", "previous_not_green",
                                      "unhealthy"}));
  EXPECT_FALSE(allowed);

  // Tuesday in the window, with a release whose booking is only requested,
  // and a failed staging run.
  clock_->Set(kTuesday);
  const core::Release r = MakeRelease("1.4.2");
  Ingest("staging-deploy", "s-1", 1, core::RunStatus::kFailed, "1.4.2", kTuesday - 1h);
  desk_->Flush();
  EXPECT_EQ(GateCodes("1.4.2"), (std::vector<std::string>{"checklist_open", "previous_not_green",
                                                          "unhealthy", "no_devops"}));
  auto decision = desk_->Gate("production", "1.4.2");
  EXPECT_NE(decision->reasons[1].message.find("failed"), std::string::npos)
      << decision->reasons[1].message;
  EXPECT_NE(decision->reasons[2].message.find("web"), std::string::npos)
      << decision->reasons[2].message;

  // A build pipeline's green run of the version does not count.
  Ingest("staging-ci", "c-1", 1, core::RunStatus::kSucceeded, "1.4.2", kTuesday - 20min);
  desk_->Flush();
  EXPECT_EQ(GateCodes("1.4.2"), (std::vector<std::string>{"checklist_open", "previous_not_green",
                                                          "unhealthy", "no_devops"}));
  // A green re-run of the deploy pipeline ticks staging-green by itself.
  Ingest("staging-deploy", "s-1", 2, core::RunStatus::kSucceeded, "1.4.2", kTuesday - 30min);
  desk_->Flush();
  EXPECT_EQ(GateCodes("1.4.2"),
            (std::vector<std::string>{"checklist_open", "unhealthy", "no_devops"}));
  // Devops accepts the booking: devops-on-hand ticks by itself too.
  ASSERT_TRUE(desk_->Confirm("weekday releases", kTuesdayWindow, r.id, true, "", devops_, ""));
  desk_->Flush();
  EXPECT_EQ(GateCodes("1.4.2"), (std::vector<std::string>{"checklist_open", "unhealthy"}));
  auto stored = store_->releases().GetRelease(r.id);
  EXPECT_EQ((*stored)->Find("staging-green")->done_by, "system:auto");
  EXPECT_EQ((*stored)->Find("devops-on-hand")->done_by, "system:auto");

  SetTarget("web", core::TargetState::kUp, kTuesday);
  ASSERT_TRUE(desk_->Tick(r.id, "notes", "", rm_, ""));
  ASSERT_TRUE(desk_->Tick(r.id, "go", "", rm_, ""));
  EXPECT_EQ(GateCodes("1.4.2", &allowed), std::vector<std::string>{});
  EXPECT_TRUE(allowed);
  // Another version has no release of its own.
  auto other = GateCodes("1.4.3");
  EXPECT_NE(std::find(other.begin(), other.end(), "no_release"), other.end());
  // After the window closes the gate shuts again.
  clock_->Set(kTuesdayWindow + 3h);
  EXPECT_EQ(GateCodes("1.4.2"), (std::vector<std::string>{"outside_window", "no_devops"}));
}

}  // namespace
}  // namespace opsdeck::release::testing
