// ReleaseDesk: construction, threads, the stream events, intake follow-ups
// and the periodic pass. The operations themselves are in desk_*.cpp.
#include "release/release_desk.h"

#include <boost/json.hpp>

#include "net/log.h"
#include "release/notice_facts.h"

namespace opsdeck::release {
namespace {

namespace json = boost::json;

// Runs a delivery may hand over before the worker has caught up; past it the
// worker reads the run store instead (a burst of intake must not hold memory).
constexpr size_t kMaxPendingRuns = 10000;

}  // namespace

core::Result<std::unique_ptr<ReleaseDesk>> ReleaseDesk::Create(DeskDeps deps, DeskOptions options) {
  if (deps.store == nullptr || deps.clock == nullptr || !deps.config) {
    return core::Error::InvalidArgument("release desk: store, clock and config are required");
  }
  if (!deps.actions) deps.actions = MakeActionRunner();
  return std::unique_ptr<ReleaseDesk>(new ReleaseDesk(std::move(deps), options));
}

ReleaseDesk::ReleaseDesk(DeskDeps deps, DeskOptions options)
    : deps_(std::move(deps)), options_(options) {
  actions_ = std::make_unique<Worker>(core::Duration::zero(), nullptr);
  std::function<void()> periodic;
  if (options_.tick > core::Duration::zero()) periodic = [this] { RunPeriodic(); };
  worker_ = std::make_unique<Worker>(options_.tick, std::move(periodic));
}

ReleaseDesk::~ReleaseDesk() { Stop(); }

void ReleaseDesk::Stop() {
  // Actions first: a stopped command is recorded as failed through the store,
  // which is still open.
  if (actions_) actions_->Stop();
  if (worker_) worker_->Stop();
}

void ReleaseDesk::Flush() {
  // An action queues its follow-up on the worker, so actions go first.
  actions_->Flush();
  worker_->Flush();
}

core::ReleaseNoticeContext ReleaseDesk::Context(const config::Config& config) const {
  return NoticeContext(config, deps_.public_url);
}

void ReleaseDesk::WakeIf(size_t appended) const {
  if (appended > 0 && deps_.notify_wake) deps_.notify_wake();
}

void ReleaseDesk::PublishRelease(const core::Release& release, std::string_view change) const {
  if (deps_.events == nullptr) return;
  json::object o{{"id", release.id},
                 {"state", core::ReleaseStateName(release.state)},
                 {"version", release.version},
                 {"change", change}};
  deps_.events->Publish("release.updated", json::serialize(o));
}

void ReleaseDesk::PublishBooking(const store::Booking& b) const {
  if (deps_.events == nullptr) return;
  json::object o{
      {"id", b.id},         {"state", store::BookingStateName(b.state)}, {"kind", "booking"},
      {"window", b.window}, {"start", core::FormatRfc3339(b.starts_at)}, {"release", b.release_id}};
  deps_.events->Publish("window.updated", json::serialize(o));
}

void ReleaseDesk::PublishOverride(const store::FreezeOverride& f) const {
  if (deps_.events == nullptr) return;
  json::object o{{"id", f.id},
                 {"state", "overridden"},
                 {"kind", "override"},
                 {"window", f.window},
                 {"start", core::FormatRfc3339(f.starts_at)}};
  deps_.events->Publish("window.updated", json::serialize(o));
}

void ReleaseDesk::PublishRollback(const store::Rollback& r) const {
  if (deps_.events == nullptr) return;
  json::object o{{"id", r.id},
                 {"state", store::RollbackStatusName(r.status)},
                 {"environment", r.environment},
                 {"version", r.version}};
  if (r.release_id) o["release"] = *r.release_id;
  deps_.events->Publish("rollback.updated", json::serialize(o));
}

void ReleaseDesk::OnIntake(const store::IntakeResult& result) {
  if (result.duplicate || result.changed.empty()) return;
  bool post = false;
  {
    std::lock_guard lock(intake_mu_);
    for (const core::Run& run : result.changed) {
      // A run without a version can neither tick `<env>_green` nor follow a
      // rollback (both match on the version).
      if (run.version.empty()) continue;
      if (pending_runs_.size() >= kMaxPendingRuns) {
        pending_overflow_ = true;
        pending_runs_.clear();
      }
      if (!pending_overflow_) pending_runs_.push_back(run);
    }
    if ((!pending_runs_.empty() || pending_overflow_) && !intake_queued_) {
      intake_queued_ = true;
      post = true;
    }
  }
  if (post) worker_->Post([this](std::stop_token) { ProcessIntake(); });
}

void ReleaseDesk::ProcessIntake() {
  std::vector<core::Run> runs;
  bool overflow = false;
  {
    std::lock_guard lock(intake_mu_);
    runs.swap(pending_runs_);
    overflow = pending_overflow_;
    pending_overflow_ = false;
    intake_queued_ = false;
  }
  FollowRollbacks(overflow ? nullptr : &runs);
  EvaluateAutoItems();
}

void ReleaseDesk::RunPeriodic() {
  EvaluateAutoItems();
  SendReminders();
  FollowRollbacks(nullptr);
  TimeOutRollbacks();
}

}  // namespace opsdeck::release
