// release::ReleaseDesk, the Desk behind the API, the UI and the periodic
// work: role rules, validation against the current config snapshot (a reload
// applies to the next call), audited store changes with their announcements,
// the gate's facts, automatic checklist items, booking reminders, and
// rollbacks (the action on the desk's action thread, then following the
// pipeline run it caused). Split by concern over desk_*.cpp.
// Thread-safety: every public method may be called from any thread; the
// periodic work and intake follow-ups run on the desk's own worker thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/clock.h"
#include "core/notification.h"
#include "core/release_notices.h"
#include "net/event_bus.h"
#include "release/desk.h"
#include "release/rollback_action.h"
#include "release/window_config.h"
#include "release/worker.h"
#include "store/store.h"

namespace opsdeck::release {

struct DeskDeps {
  store::Store* store = nullptr;                                  // required
  const core::Clock* clock = nullptr;                             // required
  std::function<std::shared_ptr<const config::Config>()> config;  // required
  // A notice's outbox entries (notify::Router); empty: nothing is announced.
  std::function<std::vector<store::OutboxEntry>(const core::Notice&)> route;
  net::EventBus* events = nullptr;    // "release.updated", "window.updated", "rollback.updated"
  std::function<void()> notify_wake;  // after a commit that appended outbox entries
  // Base of links in notices; empty: the config snapshot's server.public_url.
  std::string public_url;
  // Runs rollback actions; null: MakeActionRunner().
  std::unique_ptr<RollbackActionRunner> actions;
};

struct DeskOptions {
  // The periodic pass (automatic items, reminders, rollbacks); 0: none (tests
  // call RunPeriodic themselves).
  core::Duration tick = std::chrono::seconds(15);
  core::Duration reminder_lead = std::chrono::minutes(30);
  // A rollback with no finished pipeline run by then fails.
  core::Duration rollback_timeout = std::chrono::hours(2);
  // A run counts as the rollback's when its run time is at most this much
  // before the rollback started: CI clocks are not ours.
  core::Duration follow_slack = std::chrono::minutes(1);
};

class ReleaseDesk final : public Desk {
 public:
  static core::Result<std::unique_ptr<ReleaseDesk>> Create(DeskDeps deps, DeskOptions options = {});
  ~ReleaseDesk() override;
  ReleaseDesk(const ReleaseDesk&) = delete;
  ReleaseDesk& operator=(const ReleaseDesk&) = delete;

  core::Result<core::Release> Create(const CreateRelease& request, const core::Principal& who,
                                     const std::string& request_id) override;
  core::Result<core::Release> Tick(int64_t release, const std::string& item,
                                   const std::string& note, const core::Principal& who,
                                   const std::string& request_id) override;
  core::Result<core::Release> Untick(int64_t release, const std::string& item,
                                     const std::string& reason, const core::Principal& who,
                                     const std::string& request_id) override;
  core::Result<core::Release> SetState(int64_t release, core::ReleaseState to,
                                       const std::string& reason, const core::Principal& who,
                                       const std::string& request_id) override;
  core::Result<std::vector<WindowView>> Windows(core::TimePoint from, core::TimePoint to) override;
  core::Result<store::Booking> Book(const std::string& window, core::TimePoint start,
                                    int64_t release, const core::Principal& who,
                                    const std::string& request_id) override;
  core::Result<store::Booking> Confirm(const std::string& window, core::TimePoint start,
                                       std::optional<int64_t> release, bool accept,
                                       const std::string& note, const core::Principal& who,
                                       const std::string& request_id) override;
  core::Result<store::FreezeOverride> OverrideFreeze(const std::string& window,
                                                     core::TimePoint start,
                                                     const std::string& reason,
                                                     const core::Principal& who,
                                                     const std::string& request_id) override;
  core::Result<core::GateDecision> Gate(const std::string& environment,
                                        const std::string& version) override;
  core::Result<store::Rollback> StartRollback(const RollbackRequest& request,
                                              const core::Principal& who,
                                              const std::string& request_id) override;
  void OnIntake(const store::IntakeResult& result) override;

  // One periodic pass, on the calling thread: automatic items, reminders,
  // rollbacks followed through the run store and timed out.
  void RunPeriodic();
  // Waits until the work queued so far (intake follow-ups, rollback actions
  // and what they queue) has run.
  void Flush();
  // Stops the threads (a running command is killed). Idempotent.
  void Stop();

 private:
  ReleaseDesk(DeskDeps deps, DeskOptions options);

  std::shared_ptr<const config::Config> Config() const { return deps_.config(); }
  std::shared_ptr<const core::WindowSchedule> Schedule(
      const std::shared_ptr<const config::Config>& c) {
    return schedules_.For(c);
  }
  core::ReleaseNoticeContext Context(const config::Config& config) const;
  core::TimePoint Now() const { return deps_.clock->Now(); }

  // An announce plan routing the notices `build` makes from the stored value;
  // `appended` gets how many entries the last run of the plan produced.
  template <typename T>
  store::AnnouncePlan<T> Plan(std::function<std::vector<core::Notice>(const T&)> build,
                              size_t* appended) const {
    if (!deps_.route) return {};
    return [this, build = std::move(build), appended](const T& stored) {
      std::vector<store::OutboxEntry> out;
      for (const core::Notice& n : build(stored)) {
        auto entries = deps_.route(n);
        out.insert(out.end(), std::make_move_iterator(entries.begin()),
                   std::make_move_iterator(entries.end()));
      }
      *appended = out.size();
      return out;
    };
  }
  void WakeIf(size_t appended) const;
  void PublishRelease(const core::Release& release, std::string_view change) const;
  void PublishBooking(const store::Booking& booking) const;
  void PublishOverride(const store::FreezeOverride& override_) const;
  void PublishRollback(const store::Rollback& rollback) const;

  // desk_releases.cpp
  core::Result<core::Release> ChangeRelease(
      int64_t id, std::string_view action, const core::Principal& who,
      const std::string& request_id,
      const std::function<core::Result<void>(core::Release&)>& change,
      const core::ReleaseChange& what, bool* started);
  // desk_windows.cpp
  core::Result<store::Booking> RequestBooking(const core::Release& release,
                                              const core::WindowOccurrence& occurrence,
                                              const core::Actor& actor,
                                              const std::string& request_id);
  void SendReminders();
  // desk_auto.cpp: ticks what holds, for every planned or in-progress release.
  void EvaluateAutoItems();
  void QueueAutoItems();
  // desk_rollbacks.cpp
  void RunAction(const store::Rollback& rollback, const config::RollbackActionConfig& action,
                 std::stop_token stop);
  // `changed`: runs a delivery changed; null: read the run store instead.
  void FollowRollbacks(const std::vector<core::Run>* changed);
  void Follow(const store::Rollback& rollback, const core::Run& run);
  // Ends a started or running rollback (succeeded: its release, if any,
  // becomes rolled-back in the same transaction), announced.
  void FinishRollback(const store::Rollback& rollback, store::RollbackStatus to,
                      const std::string& error, std::optional<int64_t> run_id,
                      const std::string& action_result, std::string_view action);
  void TimeOutRollbacks();
  void ProcessIntake();

  DeskDeps deps_;
  DeskOptions options_;
  ScheduleCache schedules_;

  std::mutex intake_mu_;
  std::vector<core::Run> pending_runs_;  // guarded by intake_mu_
  bool pending_overflow_ = false;        // too many to keep: read the store instead
  bool intake_queued_ = false;
  std::atomic<bool> auto_queued_{false};  // an automatic-items pass is queued

  // Declared last: destroyed (joined) first, while the members above exist.
  std::unique_ptr<Worker> actions_;  // rollback actions (may block for minutes)
  std::unique_ptr<Worker> worker_;   // periodic pass and intake follow-ups
};

}  // namespace opsdeck::release
