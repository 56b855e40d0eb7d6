// Release deciders: who may tick and untick which item and when (roles,
// admin override, dependencies, terminal releases), what ticking records,
// the state transition table, and progress per role.
#include "core/release.h"

#include <gtest/gtest.h>

#include <set>

namespace opsdeck::core {
namespace {

const TimePoint kAt = FromUnixMillis(1'790'000'000'000);

ChecklistItem Item(std::string id, std::string phase, Role role, bool required = true,
                   std::vector<std::string> depends_on = {}) {
  ChecklistItem i;
  i.id = id;
  i.title = "Do " + id;
  i.phase = std::move(phase);
  i.role = role;
  i.required = required;
  i.depends_on = std::move(depends_on);
  return i;
}

Release Sample() {
  Release r;
  r.id = 7;
  r.version = "1.4.2";
  r.environments = {"staging", "production"};
  r.template_name = "production-release";
  r.items = {
      Item("scope", "prepare", Role::kReleaseManager),
      Item("backup", "prepare", Role::kDevops),
      Item("staging-green", "go-no-go", Role::kDevops),
      Item("go", "go-no-go", Role::kReleaseManager, true, {"scope", "backup", "staging-green"}),
      Item("deploy", "deploy", Role::kDevops, true, {"go"}),
      Item("announce", "communicate", Role::kReleaseManager, false, {"deploy"}),
  };
  r.items[2].auto_check = "staging_green";
  return r;
}

void Done(Release& r, std::initializer_list<std::string_view> ids) {
  for (const auto id : ids) ApplyTick(r, id, "user:test", kAt);
}

TEST(ReleaseTest, EachRoleTicksOnlyItsOwnItemsAndAdminAny) {
  const Release r = Sample();
  EXPECT_TRUE(CheckTick(r, "scope", Role::kReleaseManager));
  EXPECT_TRUE(CheckTick(r, "backup", Role::kDevops));
  EXPECT_TRUE(CheckTick(r, "scope", Role::kAdmin));
  EXPECT_TRUE(CheckTick(r, "backup", Role::kAdmin));

  const auto wrong = CheckTick(r, "backup", Role::kReleaseManager);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(wrong.error().message, "item backup belongs to devops");
  EXPECT_EQ(CheckTick(r, "scope", Role::kDevops).error().message,
            "item scope belongs to release-manager");

  const auto viewer = CheckTick(r, "scope", Role::kViewer);
  ASSERT_FALSE(viewer);
  EXPECT_EQ(viewer.error().code, ErrorCode::kPermissionDenied);
}

TEST(ReleaseTest, UnknownItemIsNotFound) {
  const auto res = CheckTick(Sample(), "nope", Role::kAdmin);
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(res.error().message, "release 1.4.2 has no checklist item nope");
  EXPECT_EQ(CheckUntick(Sample(), "nope", Role::kAdmin, "why").error().code, ErrorCode::kNotFound);
}

TEST(ReleaseTest, TickWaitsForEveryOpenDependencyByName) {
  Release r = Sample();
  Done(r, {"scope"});
  const auto res = CheckTick(r, "go", Role::kReleaseManager);
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, ErrorCode::kConflict);
  EXPECT_EQ(res.error().message, "waiting for backup, staging-green");
  // Admin may tick another role's item, but not skip its dependencies.
  EXPECT_EQ(CheckTick(r, "go", Role::kAdmin).error().message, "waiting for backup, staging-green");
  Done(r, {"backup", "staging-green"});
  EXPECT_TRUE(CheckTick(r, "go", Role::kReleaseManager));
  EXPECT_EQ(CheckTick(r, "deploy", Role::kDevops).error().message, "waiting for go");
}

TEST(ReleaseTest, DoneItemsAndFinishedReleasesRefuseTicks) {
  Release r = Sample();
  Done(r, {"scope"});
  const auto again = CheckTick(r, "scope", Role::kReleaseManager);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(again.error().message, "item scope is already done");

  r.state = ReleaseState::kAborted;
  EXPECT_EQ(CheckTick(r, "backup", Role::kDevops).error().message, "release 1.4.2 is aborted");
  EXPECT_EQ(CheckUntick(r, "scope", Role::kReleaseManager, "redo").error().code,
            ErrorCode::kConflict);
  r.state = ReleaseState::kRolledBack;
  EXPECT_EQ(CheckTick(r, "backup", Role::kDevops).error().message, "release 1.4.2 is rolled-back");
  // Verify and communicate items are ticked after the release went out.
  r.state = ReleaseState::kReleased;
  EXPECT_TRUE(CheckTick(r, "backup", Role::kDevops));
}

TEST(ReleaseTest, ApplyTickAndUntickRecordWhoWhenAndWhy) {
  Release r = Sample();
  ApplyTick(r, "backup", "user:dana", kAt, "snapshot 42");
  const ChecklistItem* b = r.Find("backup");
  EXPECT_EQ(b->state, ItemState::kDone);
  EXPECT_EQ(b->done_by, "user:dana");
  EXPECT_EQ(b->done_at, kAt);
  EXPECT_EQ(b->note, "snapshot 42");
  // Other items are untouched.
  EXPECT_EQ(r.Find("scope")->state, ItemState::kOpen);
  ApplyUntick(r, "backup", "snapshot was corrupt");
  EXPECT_EQ(b->state, ItemState::kOpen);
  EXPECT_EQ(b->done_by, "");
  EXPECT_FALSE(b->done_at.has_value());
  EXPECT_EQ(b->note, "snapshot was corrupt");
  // An unknown id changes nothing.
  const Release before = r;
  ApplyTick(r, "nope", "user:dana", kAt);
  EXPECT_EQ(r, before);
}

TEST(ReleaseTest, UntickNeedsAReasonADoneItemAndNoDoneDependents) {
  Release r = Sample();
  const auto not_done = CheckUntick(r, "scope", Role::kReleaseManager, "oops");
  ASSERT_FALSE(not_done);
  EXPECT_EQ(not_done.error().code, ErrorCode::kConflict);
  EXPECT_EQ(not_done.error().message, "item scope is not done");

  Done(r, {"scope", "backup", "staging-green", "go"});
  for (const std::string_view reason : {"", "  \t"}) {
    const auto res = CheckUntick(r, "scope", Role::kReleaseManager, reason);
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(res.error().message, "unticking needs a reason");
  }
  EXPECT_EQ(CheckUntick(r, "scope", Role::kDevops, "oops").error().code,
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(CheckUntick(r, "scope", Role::kViewer, "oops").error().code,
            ErrorCode::kPermissionDenied);

  const auto blocked = CheckUntick(r, "backup", Role::kDevops, "redo");
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().code, ErrorCode::kConflict);
  EXPECT_EQ(blocked.error().message, "done items depend on backup: go");
  // Once the dependent is unticked, the dependency may be.
  ApplyUntick(r, "go", "scope changed");
  EXPECT_TRUE(CheckUntick(r, "backup", Role::kDevops, "redo"));
  EXPECT_TRUE(CheckUntick(r, "backup", Role::kAdmin, "redo"));
}

TEST(ReleaseTest, TransitionTable) {
  Release r = Sample();
  Done(r, {"scope", "backup", "staging-green", "go", "deploy"});
  const ReleaseState all[] = {ReleaseState::kPlanned, ReleaseState::kInProgress,
                              ReleaseState::kReleased, ReleaseState::kRolledBack,
                              ReleaseState::kAborted};
  const std::set<std::pair<ReleaseState, ReleaseState>> allowed = {
      {ReleaseState::kPlanned, ReleaseState::kInProgress},
      {ReleaseState::kPlanned, ReleaseState::kAborted},
      {ReleaseState::kInProgress, ReleaseState::kReleased},
      {ReleaseState::kInProgress, ReleaseState::kAborted},
      {ReleaseState::kInProgress, ReleaseState::kRolledBack},
      {ReleaseState::kReleased, ReleaseState::kRolledBack},
  };
  for (const auto from : all) {
    for (const auto to : all) {
      r.state = from;
      const auto res = CheckTransition(r, to, Role::kReleaseManager);
      const std::string label =
          std::string(ReleaseStateName(from)) + " -> " + std::string(ReleaseStateName(to));
      EXPECT_EQ(res.has_value(), allowed.contains({from, to})) << label;
      if (!res) {
        EXPECT_EQ(res.error().code, ErrorCode::kConflict) << label;
      }
    }
  }
  r.state = ReleaseState::kReleased;
  EXPECT_EQ(CheckTransition(r, ReleaseState::kPlanned, Role::kAdmin).error().message,
            "released -> planned is not allowed");
  EXPECT_EQ(CheckTransition(r, ReleaseState::kReleased, Role::kAdmin).error().message,
            "release 1.4.2 is already released");
}

TEST(ReleaseTest, OnlyReleaseManagersAndAdminsChangeState) {
  const Release r = Sample();
  for (const Role role : {Role::kDevops, Role::kViewer}) {
    const auto res = CheckTransition(r, ReleaseState::kInProgress, role);
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, ErrorCode::kPermissionDenied);
  }
  EXPECT_TRUE(CheckTransition(r, ReleaseState::kInProgress, Role::kAdmin));
  EXPECT_TRUE(CheckTransition(r, ReleaseState::kInProgress, Role::kReleaseManager));
}

TEST(ReleaseTest, ReleasedNeedsEveryRequiredItemDone) {
  Release r = Sample();
  r.state = ReleaseState::kInProgress;
  Done(r, {"scope", "backup"});
  const auto res = CheckTransition(r, ReleaseState::kReleased, Role::kReleaseManager);
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, ErrorCode::kConflict);
  EXPECT_EQ(res.error().message, "required items open: staging-green, go, deploy");
  // Aborting does not care about the checklist; the optional item never blocks.
  EXPECT_TRUE(CheckTransition(r, ReleaseState::kAborted, Role::kReleaseManager));
  Done(r, {"staging-green", "go", "deploy"});
  EXPECT_TRUE(CheckTransition(r, ReleaseState::kReleased, Role::kReleaseManager));
}

TEST(ReleaseTest, ProgressPerRoleAndOpenRequired) {
  Release r = Sample();
  Done(r, {"scope", "backup"});
  auto p = Progress(r);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].role, Role::kReleaseManager);
  EXPECT_EQ(p[0].done, 1);
  EXPECT_EQ(p[0].total, 3);
  EXPECT_EQ(p[0].required_done, 1);
  EXPECT_EQ(p[0].required_total, 2);
  EXPECT_EQ(p[1].role, Role::kDevops);
  EXPECT_EQ(p[1].done, 1);
  EXPECT_EQ(p[1].total, 3);
  EXPECT_EQ(p[1].required_total, 3);
  EXPECT_EQ(OpenRequired(r), (std::vector<std::string>{"staging-green", "go", "deploy"}));

  // A role with no items is left out.
  Release rm_only = Sample();
  std::erase_if(rm_only.items, [](const ChecklistItem& i) { return i.role == Role::kDevops; });
  p = Progress(rm_only);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].role, Role::kReleaseManager);
  EXPECT_TRUE(Progress(Release{}).empty());
}

TEST(ReleaseTest, NamesRoundTrip) {
  for (const auto s : {ReleaseState::kPlanned, ReleaseState::kInProgress, ReleaseState::kReleased,
                       ReleaseState::kRolledBack, ReleaseState::kAborted}) {
    EXPECT_EQ(ParseReleaseState(ReleaseStateName(s)), s);
  }
  EXPECT_EQ(ReleaseStateName(ReleaseState::kInProgress), "in-progress");
  EXPECT_EQ(ReleaseStateName(ReleaseState::kRolledBack), "rolled-back");
  EXPECT_FALSE(ParseReleaseState("in_progress").has_value());
  EXPECT_EQ(ItemStateName(ItemState::kOpen), "open");
  EXPECT_EQ(ItemStateName(ItemState::kDone), "done");
  EXPECT_TRUE(IsTerminal(ReleaseState::kAborted));
  EXPECT_TRUE(IsTerminal(ReleaseState::kRolledBack));
  EXPECT_FALSE(IsTerminal(ReleaseState::kReleased));
  EXPECT_FALSE(IsTerminal(ReleaseState::kPlanned));
}

}  // namespace
}  // namespace opsdeck::core
