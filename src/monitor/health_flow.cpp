// The monitor thread's data flow: a result is recorded (batched), rolled up
// (per minute), folded by the tracker; a transition goes through the
// incident planner, and its state updates, incidents and announcements are
// committed in one ApplyHealth after the results that caused them.
#include <algorithm>
#include <chrono>
#include <thread>

#include <boost/asio/post.hpp>
#include <boost/json.hpp>

#include "monitor/health_monitor_impl.h"
#include "net/log.h"

namespace opsdeck::monitor {

namespace {

using namespace std::chrono_literals;

constexpr core::Duration kRollupGrace = 10s;      // a probe started at :59 may report at :04
constexpr size_t kRollupsPerWrite = 500;
constexpr int kWindowRefreshTicks = 5;            // one-off maintenance re-read every 5 ticks
constexpr int kApplyAttempts = 3;

store::HealthBatch ToBatch(const core::HealthPlan& plan) {
  store::HealthBatch batch;
  for (const auto& s : plan.states) {
    store::StateUpdate u;
    u.status.target = s.target;
    u.status.state = s.state;
    u.status.since = s.since;
    u.status.flapping = s.flapping;
    u.status.reason = s.reason;
    batch.states.push_back(std::move(u));
  }
  for (const auto& c : plan.closes) batch.closes.push_back({c.target, c.ended_at});
  for (const auto& o : plan.opens) {
    batch.opens.push_back({o.target, o.environment, o.started_at, o.cause, o.root_target, o.subject});
  }
  for (const auto& l : plan.links) batch.links.push_back({l.target, l.root_target});
  return batch;
}

std::string StateEventJson(const core::StateUpdate& s, const std::string& environment) {
  boost::json::object o;
  o["target"] = s.target;
  o["environment"] = environment;
  o["state"] = std::string(core::TargetStateName(s.state));
  o["since"] = core::FormatRfc3339(s.since);
  o["flapping"] = s.flapping;
  o["reason"] = s.reason;
  return boost::json::serialize(o);
}

std::string FormatAgo(core::Duration d) {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  if (s >= 7200) return std::to_string(s / 3600) + "h";
  if (s >= 120) return std::to_string(s / 60) + "m";
  return std::to_string(s) + "s";
}

}  // namespace

std::string HealthMonitor::Impl::PublicUrl(const std::string& path) const {
  if (path.empty() || !config || config->server.public_url.empty()) return {};
  std::string base = config->server.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + path;
}

void HealthMonitor::Impl::OnResult(const core::CheckKey& key, core::CheckResult result) {
  auto it = targets.find(key.target);
  if (it == targets.end()) return;  // left the config meanwhile
  TargetRuntime& target = it->second;
  CheckRuntime* check = target.Find(key.check);
  if (check == nullptr) return;
  ++results;
  if (check->heartbeat) {
    check->last_push = result.at;
    check->overdue_reported = {};
  }
  if (!core::IsExternalCheck(key.check)) target.last_latency = result.timings.total;
  rollups.Add(key.target, result);
  auto transition = tracker.Apply(key, result, check->thresholds);
  if (options.results_per_write <= 1) {
    pending.push_back({key, std::move(result)});
  } else {
    if (target.held.empty()) holding.emplace_back(flush_ticks, &*it);
    if (target.held.Add(key.check, std::move(result), options.results_per_write, flush_ticks) ||
        transition) {
      Release(key.target, target);  // a change is stored after the results behind it
    }
  }
  if (!transition) return;
  held_transitions.push_back(std::move(*transition));
  if (submit_status || options.transition_batch <= core::Duration::zero()) {
    HandleHeld();  // a passive result is answered once its change is stored
  } else if (held_transitions.size() == 1) {
    transition_timer->expires_after(options.transition_batch);
    transition_timer->async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopped) return;
      HandleHeld();
    });
  }
}

void HealthMonitor::Impl::HandleHeld() {
  if (!held_transitions.empty()) Handle({}, deps.clock->Now());
}

void HealthMonitor::Impl::Handle(std::vector<core::HealthTransition> transitions, core::TimePoint now) {
  if (!held_transitions.empty()) {
    // Held ones happened first; the tracker already counts them.
    transitions.insert(transitions.begin(), std::make_move_iterator(held_transitions.begin()),
                       std::make_move_iterator(held_transitions.end()));
    held_transitions.clear();
  }
  core::HealthPlan plan = planner.Plan(transitions, tracker, now);
  if (plan.Empty()) return;
  store::HealthBatch batch = ToBatch(plan);
  for (core::Notice& notice : plan.notices) {
    notice.opsdeck_url = PublicUrl(notice.opsdeck_url);
    if (!deps.route) continue;
    for (auto& entry : deps.route(notice)) batch.outbox.push_back(std::move(entry));
  }
  // The results that caused these changes are committed first.
  FlushResults();
  std::vector<std::pair<std::string, std::string>> events;  // type, data: published after commit
  for (const auto& s : plan.states) {
    auto t = targets.find(s.target);
    events.emplace_back("target.state", StateEventJson(s, t == targets.end() ? "" : t->second.environment));
  }
  state_changes += plan.states.size();
  const size_t opened = plan.opens.size();
  const size_t closed = plan.closes.size();
  writer.Post([this, batch = std::move(batch), events = std::move(events), opened, closed,
               status = submit_status] {
    core::Result<store::HealthApplied> applied = core::Error::Internal("not tried");
    for (int attempt = 1; attempt <= kApplyAttempts; ++attempt) {
      applied = deps.store->ApplyHealth(batch, deps.clock->Now());
      if (applied || applied.error().code != core::ErrorCode::kUnavailable) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(200 * attempt));
    }
    if (!applied) {
      ++write_failures;
      if (status) status->Fail(applied.error());
      net::LogError("monitor: health change not stored", {{"error", applied.error().ToString()}});
      return;
    }
    incidents_opened += opened;
    incidents_closed += closed;
    if (!batch.outbox.empty() && deps.notify_wake) deps.notify_wake();
    if (deps.events != nullptr) {
      for (const auto& [type, data] : events) deps.events->Publish(type, data);
    }
  });
}

void HealthMonitor::Impl::Release(const std::string& name, TargetRuntime& target) {
  target.held.MoveTo(name, pending);
}

void HealthMonitor::Impl::ReleaseTarget(const std::string& name) {
  if (auto it = targets.find(name); it != targets.end()) Release(name, it->second);
}

void HealthMonitor::Impl::ReleaseWaited() {
  const int64_t every = std::max<int64_t>(options.flush_every.count(), 1);
  const int64_t hold = options.results_hold.count();
  const auto ticks = static_cast<uint64_t>(std::max<int64_t>((hold + every - 1) / every, 1));
  while (!holding.empty() && flush_ticks - holding.front().first >= ticks) {
    auto& [name, target] = *holding.front().second;
    holding.pop_front();
    if (target.held.Waited(flush_ticks, ticks)) Release(name, target);
  }
}

void HealthMonitor::Impl::ReleaseAll() {
  for (auto& [name, target] : targets) Release(name, target);
}

void HealthMonitor::Impl::FlushResults() {
  if (pending.empty()) return;
  std::vector<store::ResultRecord> batch;
  batch.swap(pending);
  pending.reserve(batch.size());
  writer.Post([this, batch = std::move(batch), status = submit_status] {
    core::Result<void> r = deps.store->RecordResults(batch);
    if (!r) {
      ++write_failures;
      if (status) status->Fail(r.error());
      net::LogError("monitor: results not stored",
                    {{"error", r.error().ToString()}, {"results", static_cast<int64_t>(batch.size())}});
      return;
    }
    results_written += batch.size();
  });
}

void HealthMonitor::Impl::ReviewMaintenance(core::TimePoint now, std::vector<core::HealthTransition>& out) {
  if (now < maintenance_valid_until) return;
  const core::MaintenanceState state = schedule.At(now);
  maintenance_valid_until = state.valid_until();
  for (auto& [name, target] : targets) {
    core::TargetRef ref{name, target.environment, target.tags};
    auto span = state.active().empty() ? std::nullopt : state.Covering(ref);
    const std::string window = span ? span->name : "";
    if (window == target.maintenance) continue;
    target.maintenance = window;
    auto tr = tracker.SetMaintenance(name, span ? std::optional<std::string>(window) : std::nullopt, now);
    if (tr) out.push_back(std::move(*tr));
  }
}

void HealthMonitor::Impl::ReviewHeartbeats(core::TimePoint now) {
  for (const std::string& name : heartbeat_targets) {
    auto it = targets.find(name);
    if (it == targets.end()) continue;
    for (CheckRuntime& c : it->second.checks) {
      if (!c.heartbeat) continue;
      const core::TimePoint deadline = c.last_push + c.period + c.grace;
      if (now <= deadline) continue;
      // Silence is reported once when the deadline passes, then once a period.
      if (c.overdue_reported != core::TimePoint{} && now < c.overdue_reported + c.period) continue;
      c.overdue_reported = now;
      core::CheckResult r;
      r.at = now;
      r.ok = false;
      r.error = "no heartbeat for " + FormatAgo(now - c.last_push) + " (period " + FormatAgo(c.period) +
                ", grace " + FormatAgo(c.grace) + ")";
      const core::TimePoint keep_push = c.last_push;
      OnResult(core::CheckKey{name, c.index}, std::move(r));
      // OnResult treats a heartbeat result as a push; silence is not one.
      if (CheckRuntime* again = it->second.Find(c.index)) {
        again->last_push = keep_push;
        again->overdue_reported = now;
      }
    }
  }
}

void HealthMonitor::Impl::RefreshOneOffWindows() {
  writer.Post([this] {
    auto listed = deps.store->ListMaintenance(deps.clock->Now());
    if (!listed) return;  // kept as they were; the next refresh tries again
    std::vector<core::OneOffWindow> windows;
    for (const auto& w : *listed) {
      windows.push_back(core::OneOffWindow{w.id, w.name, {w.environments, w.targets, w.tags},
                                           w.starts_at, w.ends_at});
    }
    boost::asio::post(io, [this, windows = std::move(windows)]() mutable {
      const bool same = windows.size() == one_off.size() &&
                        std::equal(windows.begin(), windows.end(), one_off.begin(), [](const auto& a, const auto& b) {
                          return a.id == b.id && a.starts_at == b.starts_at && a.ends_at == b.ends_at;
                        });
      if (same) return;
      one_off = std::move(windows);
      schedule = core::MaintenanceSchedule(recurring, one_off);
      maintenance_valid_until = core::TimePoint::min();
    });
  });
}

void HealthMonitor::Impl::Tick() {
  const core::TimePoint now = deps.clock->Now();
  std::vector<core::HealthTransition> transitions = tracker.Tick(now);
  ReviewMaintenance(now, transitions);
  Handle(std::move(transitions), now);  // with none, still lets holds expire
  ReviewHeartbeats(now);
  // A closed minute holds a delta for every target: written a few hundred
  // at a time, so the store's merge never builds all 10,000 at once (that
  // transient set the process's memory peak, ~5 MB a minute).
  auto closed = rollups.TakeClosed(now, kRollupGrace);
  for (size_t i = 0; i < closed.size(); i += kRollupsPerWrite) {
    const auto end = closed.begin() + static_cast<std::ptrdiff_t>(std::min(closed.size(), i + kRollupsPerWrite));
    std::vector<store::RollupDelta> part(std::make_move_iterator(closed.begin() + static_cast<std::ptrdiff_t>(i)),
                                         std::make_move_iterator(end));
    writer.Post([this, part = std::move(part)] {
      if (auto r = deps.store->AddRollups(part); !r) {
        ++write_failures;
        net::LogError("monitor: rollups not stored", {{"error", r.error().ToString()}});
      }
    });
  }
  if (++ticks % kWindowRefreshTicks == 0) RefreshOneOffWindows();
}

void HealthMonitor::Impl::ArmFlush() {
  flush_timer->expires_after(options.flush_every);
  flush_timer->async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped) return;
    ++flush_ticks;
    ReleaseWaited();
    FlushResults();
    ArmFlush();
  });
}

void HealthMonitor::Impl::ArmTick() {
  tick_timer->expires_after(options.tick_every);
  tick_timer->async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped) return;
    Tick();
    ArmTick();
  });
}

}  // namespace opsdeck::monitor
