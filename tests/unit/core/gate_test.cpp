// The gate: each reason on its own with its message, all of them at once in
// the documented order, what a missing release skips, unprotected
// environments and freeze overrides.
#include "core/gate.h"

#include <gtest/gtest.h>

#include "fake_zones.h"

namespace opsdeck::core {
namespace {

using testing::Utc;

std::vector<std::string> Codes(const GateDecision& d) {
  std::vector<std::string> out;
  for (const auto& r : d.reasons) out.push_back(r.code);
  return out;
}

Release DoneRelease() {
  Release r;
  r.id = 3;
  r.version = "1.4.2";
  r.environments = {"staging", "production"};
  for (const char* id : {"scope", "backup", "notes"}) {
    ChecklistItem item;
    item.id = id;
    item.phase = "prepare";
    item.required = std::string_view(id) != "notes";
    item.state = ItemState::kDone;
    r.items.push_back(item);
  }
  r.items[2].state = ItemState::kOpen;  // optional: never blocks
  // Required but after the deploy: the gate guards the deploy, so it cannot
  // wait for the items that only the deploy makes possible.
  ChecklistItem verify;
  verify.id = "verify";
  verify.phase = "verify";
  r.items.push_back(verify);
  return r;
}

// Everything satisfied: the gate opens.
GateInput Green() {
  GateInput in;
  in.environment = "production";
  in.version = "1.4.2";
  in.is_protected = true;
  in.windows.allows = {{"weekday", false, Utc(2026, 12, 1, 9), Utc(2026, 12, 1, 17), {"dana"}}};
  in.release = DoneRelease();
  in.previous_environment = "staging";
  in.previous_last_run = RunStatus::kSucceeded;
  in.targets = 14;
  in.devops_confirmed = true;
  return in;
}

WindowOccurrence Freeze(std::string name, TimePoint until) {
  return {std::move(name), true, Utc(2026, 12, 20), until, {}};
}

void ExpectOnly(const GateInput& in, const std::string& code, const std::string& message) {
  const GateDecision d = DecideGate(in);
  EXPECT_FALSE(d.allowed);
  ASSERT_EQ(d.reasons.size(), 1u) << code;
  EXPECT_EQ(d.reasons[0], (GateReason{code, message}));
}

TEST(GateTest, AllSatisfiedIsAllowed) {
  const GateDecision d = DecideGate(Green());
  EXPECT_TRUE(d.allowed);
  EXPECT_TRUE(d.reasons.empty());
}

TEST(GateTest, EachReasonAlone) {
  GateInput in = Green();
  in.windows.allows.clear();
  ExpectOnly(in, "outside_window", "no release window is open now");

  in = Green();
  in.windows.freezes = {Freeze("year-end freeze", Utc(2027, 1, 6))};
  ExpectOnly(in, "freeze", "inside freeze year-end freeze until 2027-01-06T00:00:00Z");

  in = Green();
  in.release->items[1].state = ItemState::kOpen;
  in.release->items[0].state = ItemState::kOpen;
  ExpectOnly(in, "checklist_open", "required checklist items open: scope, backup");

  in = Green();
  in.previous_last_run = RunStatus::kFailed;
  ExpectOnly(in, "previous_not_green", "staging's last run for 1.4.2 is failed");
  in.previous_last_run = RunStatus::kRunning;
  ExpectOnly(in, "previous_not_green", "staging's last run for 1.4.2 is running");
  in.previous_last_run.reset();
  ExpectOnly(in, "previous_not_green", "no staging run recorded for 1.4.2");

  in = Green();
  in.unhealthy = {"db-primary", "api"};
  ExpectOnly(in, "unhealthy", "2 of 14 targets unhealthy: db-primary, api");

  in = Green();
  in.devops_confirmed = false;
  ExpectOnly(in, "no_devops", "no devops booking accepted for the open window (weekday)");
}

TEST(GateTest, NoReleaseSkipsChecklistAndDevops) {
  GateInput in = Green();
  in.release.reset();
  in.devops_confirmed = false;
  ExpectOnly(in, "no_release", "no release of 1.4.2 targets production");
}

TEST(GateTest, FirstEnvironmentHasNoPreviousToCheck) {
  GateInput in = Green();
  in.environment = "staging";
  in.previous_environment.clear();
  in.previous_last_run.reset();
  EXPECT_TRUE(DecideGate(in).allowed);
}

TEST(GateTest, EveryReasonAtOnceInOrder) {
  GateInput in = Green();
  in.windows.allows.clear();
  in.windows.freezes = {Freeze("year-end", Utc(2027, 1, 6)),
                        Freeze("db-move", Utc(2026, 12, 21, 6))};
  in.release->items[0].state = ItemState::kOpen;
  in.previous_last_run = RunStatus::kCanceled;
  in.unhealthy = {"db-primary"};
  in.devops_confirmed = false;
  GateDecision d = DecideGate(in);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(Codes(d), (std::vector<std::string>{"outside_window", "freeze", "checklist_open",
                                                "previous_not_green", "unhealthy", "no_devops"}));
  EXPECT_EQ(d.reasons[1].message,
            "inside freeze year-end until 2027-01-06T00:00:00Z, freeze db-move until "
            "2026-12-21T06:00:00Z");
  EXPECT_EQ(d.reasons[5].message, "no devops booking accepted for an open window");

  in.release.reset();
  d = DecideGate(in);
  EXPECT_EQ(Codes(d), (std::vector<std::string>{"outside_window", "freeze", "no_release",
                                                "previous_not_green", "unhealthy"}));
}

TEST(GateTest, UnprotectedEnvironmentIsAlwaysAllowed) {
  GateInput in = Green();
  in.is_protected = false;
  in.windows.allows.clear();
  in.windows.freezes = {Freeze("year-end", Utc(2027, 1, 6))};
  in.release.reset();
  in.previous_last_run = RunStatus::kFailed;
  in.unhealthy = {"api"};
  in.devops_confirmed = false;
  const GateDecision d = DecideGate(in);
  EXPECT_TRUE(d.allowed);
  EXPECT_TRUE(d.reasons.empty());
}

TEST(GateTest, FreezeOverrideRemovesTheFreezeReasonOnly) {
  GateInput in = Green();
  in.windows.freezes = {Freeze("year-end", Utc(2027, 1, 6))};
  in.freeze_overridden = true;
  EXPECT_TRUE(DecideGate(in).allowed);
  // The override lifts the freeze; it does not open a window or confirm devops.
  in.windows.allows.clear();
  in.devops_confirmed = false;
  EXPECT_EQ(Codes(DecideGate(in)), (std::vector<std::string>{"outside_window", "no_devops"}));
}

TEST(GateTest, UnhealthyCountNeverBelowTheNamesGiven) {
  GateInput in = Green();
  in.targets = 1;
  in.unhealthy = {"api", "web"};
  ExpectOnly(in, "unhealthy", "2 of 2 targets unhealthy: api, web");
}

}  // namespace
}  // namespace opsdeck::core
