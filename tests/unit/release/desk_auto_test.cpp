// Automatic checklist items and reminders: `<env>_green` follows the
// environment's last deploy run of the release's version, `window_confirmed`
// an accepted booking of the release's occurrence, `<env>_healthy_<d>` every
// target up for d since the version went live; each ticked once by
// system:auto. A reminder goes out once, 30 minutes before an accepted
// booking opens.
#include "desk_fixture.h"

namespace opsdeck::release::testing {
namespace {

using core::RunStatus;

core::ItemState StateOf(store::Store& store, int64_t release, const std::string& item) {
  auto r = store.releases().GetRelease(release);
  EXPECT_TRUE(r && *r);
  return r && *r ? (*r)->Find(item)->state : core::ItemState::kOpen;
}

TEST_F(DeskTest, GreenFollowsTheVersionsLastDeployRun) {
  const core::Release r = MakeRelease("1.4.2", "production-release");
  Ingest("staging-deploy", "s-1", 1, RunStatus::kSucceeded, "1.4.1",
         kTuesday - 2h);  // another version
  Ingest("staging-deploy", "s-2", 1, RunStatus::kFailed, "1.4.2", kTuesday - 1h);
  desk_->Flush();
  desk_->RunPeriodic();
  EXPECT_EQ(StateOf(*store_, r.id, "staging-green"), core::ItemState::kOpen);

  Ingest("staging-deploy", "s-3", 1, RunStatus::kSucceeded, "1.4.2", kTuesday - 10min);
  desk_->Flush();
  auto stored = store_->releases().GetRelease(r.id);
  const core::ChecklistItem* item = (*stored)->Find("staging-green");
  EXPECT_EQ(item->state, core::ItemState::kDone);
  EXPECT_EQ(item->done_by, "system:auto");
  EXPECT_EQ(item->note, "automatic: staging_green");
  // An automatic tick does not start the release; a person does.
  EXPECT_EQ((*stored)->state, core::ReleaseState::kPlanned);
  auto audit = Audit("release");
  ASSERT_FALSE(audit.empty());
  EXPECT_EQ(audit.front().action, "tick");
  EXPECT_EQ(audit.front().actor.ToString(), "system:auto");
  // Once only.
  const size_t ticks = Kinds("release:").size();
  desk_->RunPeriodic();
  EXPECT_EQ(Kinds("release:").size(), ticks);
}

TEST_F(DeskTest, WindowConfirmedNeedsAnAcceptedBookingOfTheReleasesOccurrence) {
  const core::Release r = MakeRelease("1.4.2", "production-release");
  desk_->RunPeriodic();
  EXPECT_EQ(StateOf(*store_, r.id, "devops-on-hand"), core::ItemState::kOpen);  // only requested
  ASSERT_TRUE(desk_->Confirm("weekday releases", kTuesdayWindow, r.id, true, "", devops_, ""));
  desk_->Flush();
  EXPECT_EQ(StateOf(*store_, r.id, "devops-on-hand"), core::ItemState::kDone);
}

TEST_F(DeskTest, HealthyCountsFromTheDeployOfTheVersion) {
  const core::Release r = MakeRelease("1.4.2", "production-release");
  // Targets have been up for two hours, but 1.4.2 is not live yet.
  desk_->RunPeriodic();
  EXPECT_EQ(StateOf(*store_, r.id, "healthy"), core::ItemState::kOpen);

  Ingest("production-deploy", "p-1", 1, RunStatus::kSucceeded, "1.4.2", kTuesday - 5min);
  desk_->Flush();
  EXPECT_EQ(StateOf(*store_, r.id, "healthy"), core::ItemState::kOpen);
  clock_->Advance(10min);
  SetTarget("api", core::TargetState::kDegraded, clock_->Now());
  clock_->Advance(2min);
  SetTarget("api", core::TargetState::kUp, clock_->Now());  // up again since +12m
  clock_->Advance(14min);  // 26 min after the deploy, 14 after the blip
  desk_->RunPeriodic();
  EXPECT_EQ(StateOf(*store_, r.id, "healthy"), core::ItemState::kOpen);
  clock_->Advance(1min);
  desk_->RunPeriodic();
  EXPECT_EQ(StateOf(*store_, r.id, "healthy"), core::ItemState::kDone);
}

TEST_F(DeskTest, AReminderGoesOutOnceBeforeTheWindowOpens) {
  const core::TimePoint thursday = Utc(2026, 12, 3, 13);
  const core::Release r = MakeRelease("1.4.2", "go-no-go", false);
  ASSERT_TRUE(desk_->Book("weekday releases", thursday, r.id, rm_, ""));
  clock_->Set(thursday - 40min);
  desk_->RunPeriodic();
  EXPECT_FALSE(Announced("window.reminder")) << "not accepted yet";
  ASSERT_TRUE(desk_->Confirm("weekday releases", thursday, r.id, true, "", devops_, ""));
  desk_->RunPeriodic();
  EXPECT_FALSE(Announced("window.reminder")) << "40 minutes before";
  clock_->Set(thursday - 29min);
  desk_->RunPeriodic();
  desk_->RunPeriodic();
  auto kinds = Kinds();
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "window.reminder"), 1);
}

}  // namespace
}  // namespace opsdeck::release::testing
