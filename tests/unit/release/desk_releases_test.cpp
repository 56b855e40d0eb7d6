// The desk's releases: creation validates everything against the config and
// books the window; ticks follow roles and dependencies and start the
// release; unticks need a reason; state changes are role-checked; every step
// is audited and announced.
#include "desk_fixture.h"

namespace opsdeck::release::testing {
namespace {

using core::ErrorCode;

release::CreateRelease Request() {
  release::CreateRelease req;
  req.version = "1.4.2";
  req.template_name = "production-release";
  req.environments = {"production", "staging"};
  req.window = "weekday releases";
  req.window_start = kTuesdayWindow;
  return req;
}

TEST_F(DeskTest, CreateValidatesAgainstTheConfig) {
  struct Case {
    std::string name;
    std::function<void(release::CreateRelease&)> change;
    ErrorCode code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"no version", [](auto& r) { r.version = ""; }, ErrorCode::kInvalidArgument,
       "version is required"},
      {"space in version", [](auto& r) { r.version = "1.4 beta"; }, ErrorCode::kInvalidArgument,
       "without spaces"},
      {"long version", [](auto& r) { r.version = std::string(101, '1'); },
       ErrorCode::kInvalidArgument, "longer"},
      {"unknown template", [](auto& r) { r.template_name = "hotfix"; }, ErrorCode::kInvalidArgument,
       "unknown template 'hotfix'"},
      {"no environments", [](auto& r) { r.environments.clear(); }, ErrorCode::kInvalidArgument,
       "at least one environment"},
      {"unknown environment", [](auto& r) { r.environments = {"qa"}; }, ErrorCode::kInvalidArgument,
       "unknown environment 'qa'"},
      {"window without start", [](auto& r) { r.window_start.reset(); }, ErrorCode::kInvalidArgument,
       "window_start"},
      {"start without window", [](auto& r) { r.window.clear(); }, ErrorCode::kInvalidArgument,
       "needs a window"},
      {"unknown window", [](auto& r) { r.window = "weekends"; }, ErrorCode::kInvalidArgument,
       "unknown window 'weekends'"},
      {"freeze", [](auto& r) { r.window = "year-end freeze"; }, ErrorCode::kInvalidArgument,
       "is a freeze"},
      {"not an occurrence", [](auto& r) { r.window_start = kTuesdayWindow + 5min; },
       ErrorCode::kInvalidArgument, "no occurrence starting at 2026-12-01T13:05:00"},
  };
  for (const Case& c : cases) {
    release::CreateRelease req = Request();
    c.change(req);
    auto r = desk_->Create(req, rm_, "");
    ASSERT_FALSE(r) << c.name;
    EXPECT_EQ(r.error().code, c.code) << c.name;
    EXPECT_NE(r.error().message.find(c.message), std::string::npos)
        << c.name << ": " << r.error().message;
  }
  for (const core::Principal* who : {&devops_, &viewer_}) {
    auto r = desk_->Create(Request(), *who, "");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied);
  }
  auto list = store_->releases().ListReleases({});
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->items.empty()) << "a refused request stored nothing";
}

TEST_F(DeskTest, CreateCopiesTheTemplateAndRequestsTheBooking) {
  auto created = desk_->Create(Request(), rm_, "req-1");
  ASSERT_TRUE(created) << created.error().ToString();
  const core::Release& r = *created;
  EXPECT_EQ(r.environments,
            (std::vector<std::string>{"staging", "production"}));  // promotion order
  EXPECT_EQ(r.state, core::ReleaseState::kPlanned);
  EXPECT_EQ(r.created_by, "user:rita");
  ASSERT_EQ(r.items.size(), 11u);
  const core::ChecklistItem* green = r.Find("staging-green");
  ASSERT_NE(green, nullptr);
  EXPECT_EQ(green->phase, "prepare");
  EXPECT_EQ(green->role, core::Role::kDevops);
  EXPECT_EQ(green->auto_check, "staging_green");
  const core::ChecklistItem* go = r.Find("go");
  ASSERT_NE(go, nullptr);
  EXPECT_EQ(go->depends_on,
            (std::vector<std::string>{"scope", "staging-green", "backup", "devops-on-hand"}));
  EXPECT_FALSE(r.Find("fix-or-rollback")->required);

  store::BookingQuery q;
  q.release_id = r.id;
  auto bookings = store_->releases().ListBookings(q);
  ASSERT_TRUE(bookings);
  ASSERT_EQ(bookings->size(), 1u);
  EXPECT_EQ((*bookings)[0].state, store::BookingState::kRequested);
  EXPECT_EQ((*bookings)[0].starts_at, kTuesdayWindow);
  EXPECT_EQ((*bookings)[0].ends_at, kTuesdayWindow + 3h);
  EXPECT_EQ((*bookings)[0].requested_by, "user:rita");

  EXPECT_TRUE(Announced("release.created"));
  EXPECT_TRUE(Announced("window.requested"));
  EXPECT_GE(wakes_.load(), 2);
  auto audit = Audit("release");
  ASSERT_FALSE(audit.empty());
  EXPECT_EQ(audit.back().action, "create");
  EXPECT_EQ(audit.back().actor.ToString(), "user:rita");
  EXPECT_EQ(audit.back().request_id, "req-1");
  EXPECT_FALSE(Audit("booking").empty());
}

TEST_F(DeskTest, TicksFollowRolesAndDependencies) {
  const core::Release r = MakeRelease("1.4.2", "production-release");
  // Another role's item, and a viewer: refused.
  auto wrong = desk_->Tick(r.id, "scope", "", devops_, "");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(wrong.error().message.find("release-manager"), std::string::npos)
      << wrong.error().message;
  EXPECT_EQ(desk_->Tick(r.id, "backup", "", rm_, "").error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(desk_->Tick(r.id, "notes", "", viewer_, "").error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(desk_->Tick(r.id, "nope", "", rm_, "").error().code, ErrorCode::kNotFound);
  // Dependencies first.
  auto early = desk_->Tick(r.id, "go", "", rm_, "");
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code, ErrorCode::kConflict);
  EXPECT_NE(early.error().message.find("scope"), std::string::npos) << early.error().message;
  EXPECT_FALSE(Announced("release.item_ticked"));

  // The first tick starts the release.
  auto ticked = desk_->Tick(r.id, "scope", "tagged v1.4.2", rm_, "req-tick");
  ASSERT_TRUE(ticked) << ticked.error().ToString();
  EXPECT_EQ(ticked->state, core::ReleaseState::kInProgress);
  const core::ChecklistItem* scope = ticked->Find("scope");
  EXPECT_EQ(scope->state, core::ItemState::kDone);
  EXPECT_EQ(scope->done_by, "user:rita");
  EXPECT_EQ(scope->done_at, kTuesday);
  EXPECT_EQ(scope->note, "tagged v1.4.2");
  EXPECT_EQ(desk_->Tick(r.id, "scope", "", rm_, "").error().code,
            ErrorCode::kConflict);  // already done
  // Admin may tick any role's item.
  ASSERT_TRUE(desk_->Tick(r.id, "backup", "", admin_, ""));
  auto kinds = Kinds("release:");
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "release.item_ticked"), kinds.end());
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "release.started"), kinds.end());

  // Unticking needs a reason.
  auto no_reason = desk_->Untick(r.id, "scope", "", rm_, "");
  ASSERT_FALSE(no_reason);
  EXPECT_EQ(no_reason.error().code, ErrorCode::kInvalidArgument);
  auto unticked = desk_->Untick(r.id, "scope", "wrong tag", rm_, "");
  ASSERT_TRUE(unticked) << unticked.error().ToString();
  EXPECT_EQ(unticked->Find("scope")->state, core::ItemState::kOpen);
  EXPECT_TRUE(Announced("release.item_unticked"));

  auto audit = Audit("release");
  std::vector<std::string> actions;
  for (const auto& a : audit) actions.push_back(a.action);
  EXPECT_NE(std::find(actions.begin(), actions.end(), "tick"), actions.end());
  EXPECT_NE(std::find(actions.begin(), actions.end(), "untick"), actions.end());
}

TEST_F(DeskTest, StateChangesAreRoleChecked) {
  const core::Release r = MakeRelease("1.4.2");
  EXPECT_EQ(desk_->SetState(r.id, core::ReleaseState::kInProgress, "", devops_, "").error().code,
            ErrorCode::kPermissionDenied);
  auto released = desk_->SetState(r.id, core::ReleaseState::kReleased, "", rm_, "");
  ASSERT_FALSE(released);
  EXPECT_EQ(released.error().code, ErrorCode::kConflict);
  auto started = desk_->SetState(r.id, core::ReleaseState::kInProgress, "", rm_, "");
  ASSERT_TRUE(started) << started.error().ToString();
  EXPECT_EQ(started->state, core::ReleaseState::kInProgress);
  // Required items are open: it cannot be released yet.
  released = desk_->SetState(r.id, core::ReleaseState::kReleased, "", rm_, "");
  ASSERT_FALSE(released);
  EXPECT_EQ(released.error().code, ErrorCode::kConflict);
  EXPECT_NE(released.error().message.find("notes"), std::string::npos) << released.error().message;
  auto aborted = desk_->SetState(r.id, core::ReleaseState::kAborted, "customer asked", rm_, "");
  ASSERT_TRUE(aborted);
  EXPECT_TRUE(Announced("release.aborted"));
  // Terminal: nothing more.
  EXPECT_EQ(desk_->Tick(r.id, "notes", "", rm_, "").error().code, ErrorCode::kConflict);
  EXPECT_EQ(desk_->SetState(r.id, core::ReleaseState::kInProgress, "", admin_, "").error().code,
            ErrorCode::kConflict);
  EXPECT_EQ(desk_->Tick(9999, "notes", "", rm_, "").error().code, ErrorCode::kNotFound);
}

TEST_F(DeskTest, ChangesArePublishedOnTheStream) {
  auto sub = events_.Subscribe([] {});
  const core::Release r = MakeRelease("1.4.2");
  ASSERT_TRUE(desk_->Tick(r.id, "notes", "", rm_, ""));
  auto events = sub->Take();
  std::vector<std::string> types;
  for (const auto& e : events) types.push_back(e.type);
  EXPECT_NE(std::find(types.begin(), types.end(), "release.updated"), types.end());
  EXPECT_NE(std::find(types.begin(), types.end(), "window.updated"), types.end());
  for (const auto& e : events) {
    if (e.type != "release.updated") continue;
    EXPECT_NE(e.data.find("\"id\":" + std::to_string(r.id)), std::string::npos) << e.data;
    EXPECT_NE(e.data.find("\"state\":"), std::string::npos) << e.data;
  }
}

}  // namespace
}  // namespace opsdeck::release::testing
