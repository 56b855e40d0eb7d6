#include "monitor/scheduler.h"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <map>
#include <unordered_map>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "monitor/entry_fifo.h"

namespace opsdeck::monitor {

namespace {

using Steady = std::chrono::steady_clock;
using std::chrono::duration_cast;

// FNV-1a then splitmix64's finaliser: stable across builds and platforms
// (std::hash is not), and well mixed even for keys that differ in one digit.
uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t HashKey(const core::CheckKey& key, uint64_t seed) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const unsigned char c : key.target) {
    h = (h ^ c) * 0x100000001b3ULL;
  }
  h = Mix(h ^ static_cast<uint64_t>(static_cast<uint32_t>(key.check)));
  return Mix(h ^ Mix(seed));
}

}  // namespace

bool IsOnTime(core::Micros lag, core::Duration interval) {
  constexpr core::Micros kLateAlways = std::chrono::seconds(1);
  const core::Micros tenth = duration_cast<core::Micros>(interval) / 10;
  return lag <= std::min(kLateAlways, tenth);
}

core::Duration PhaseOf(const core::CheckKey& key, core::Duration interval, uint64_t seed) {
  assert(interval.count() > 0);
  return core::Duration(
      static_cast<int64_t>(HashKey(key, seed) % static_cast<uint64_t>(interval.count())));
}

namespace {

struct HostSlot;

// Per-check state. Shared between the check table, the heap, a wait queue
// and a running probe's `done`, so a check removed while its probe runs (or
// waits) lives until that reference lets go.
struct SchedulerEntry {
  core::CheckKey key;
  std::unique_ptr<Probe> probe;
  core::Duration interval{};
  std::string fingerprint;
  core::Duration phase{};
  std::shared_ptr<HostSlot> host;  // null: the probe talks to no host
  Steady::time_point due{};        // the slot the waiting or running probe belongs to
  uint64_t epoch = 0;              // State::epoch when the probe started
  bool running = false;
  bool waiting = false;
  bool removed = false;
};

struct HostSlot {
  int in_flight = 0;
  EntryFifo<SchedulerEntry> waiting;
};

}  // namespace

class Scheduler::State : public std::enable_shared_from_this<Scheduler::State> {
 public:
  State(ProbeEnv& e, ResultSink s, SchedulerOptions o)
      : env_(e), sink_(std::move(s)), options_(o), timer_(e.io) {
    assert(options_.per_host_limit >= 1 && options_.global_limit >= 1);
  }

  void Set(std::vector<ScheduledCheck> next_checks);
  void Start();
  void Stop();
  SchedulerStats Stats() const;

 private:
  using EntryPtr = std::shared_ptr<SchedulerEntry>;
  struct HeapItem {
    Steady::time_point due;
    EntryPtr entry;
  };
  // std::*_heap build a max-heap; "greater" puts the earliest due on top.
  // A type, not a function: the heap's sift loops inline it (as a function
  // pointer it was a call per comparison, 1.3% of the monitor's CPU).
  struct Later {
    bool operator()(const HeapItem& a, const HeapItem& b) const { return a.due > b.due; }
  };

  Steady::time_point FirstDue(const SchedulerEntry& e, int64_t wall_ms,
                              Steady::time_point now) const;
  void Push(Steady::time_point due, EntryPtr e);
  void Arm();
  void OnTimer();
  void Due(const EntryPtr& e, Steady::time_point due, Steady::time_point now);
  void Admit(const EntryPtr& e);
  void Launch(const EntryPtr& e);
  void OnDone(EntryPtr e, core::CheckResult result);
  void Drain(HostSlot* host);
  void Dequeued(SchedulerEntry& e);
  std::shared_ptr<HostSlot> HostFor(const std::string& name);
  // Drops a reference from inside a probe's `done`; if it is the last one,
  // the probe is destroyed on a later turn of the loop, not under its caller.
  void ReleaseSoon(EntryPtr e) const;

  ProbeEnv& env_;
  ResultSink sink_;
  SchedulerOptions options_;
  boost::asio::steady_timer timer_;
  bool started_ = false;
  bool armed_ = false;
  Steady::time_point armed_for_{};
  uint64_t arm_seq_ = 0;  // a timer completion with an older number is stale
  uint64_t epoch_ = 0;    // bumped by Stop: results of older probes are dropped

  std::map<core::CheckKey, EntryPtr> checks_;
  std::vector<HeapItem> heap_;  // exactly one item per scheduled check while started
  std::unordered_map<std::string, std::weak_ptr<HostSlot>> hosts_;
  EntryFifo<SchedulerEntry> global_waiting_;
  size_t in_flight_ = 0;
  size_t waiting_ = 0;

  uint64_t started_count_ = 0;
  uint64_t completed_ = 0;
  uint64_t discarded_ = 0;
  uint64_t skipped_ = 0;
  uint64_t on_time_ = 0;
  core::Micros lag_max_{0};
  core::LatencyHistogram lag_;
};

Steady::time_point Scheduler::State::FirstDue(const SchedulerEntry& e, int64_t wall_ms,
                                              Steady::time_point now) const {
  // Slots sit at Unix times congruent to the phase, so a restart (or another
  // instance with the same seed) keeps them; the first is less than one
  // interval away.
  const int64_t interval = e.interval.count();
  const int64_t wait = ((e.phase.count() - wall_ms) % interval + interval) % interval;
  return now + core::Duration(wait);
}

void Scheduler::State::Push(Steady::time_point due, EntryPtr e) {
  heap_.push_back({due, std::move(e)});
  std::push_heap(heap_.begin(), heap_.end(), Later{});
}

void Scheduler::State::Set(std::vector<ScheduledCheck> next_checks) {
  std::map<core::CheckKey, EntryPtr> next;
  const int64_t wall_ms = core::ToUnixMillis(env_.clock.Now());
  const auto now = Steady::now();
  for (ScheduledCheck& c : next_checks) {
    assert(c.probe != nullptr && c.interval.count() > 0);
    if (next.contains(c.key)) continue;
    auto old = checks_.find(c.key);
    if (old != checks_.end() && old->second->interval == c.interval &&
        old->second->fingerprint == c.fingerprint) {
      next.emplace(c.key, std::move(old->second));
      checks_.erase(old);
      continue;
    }
    auto e = std::make_shared<SchedulerEntry>();
    e->key = c.key;
    e->probe = std::move(c.probe);
    e->interval = c.interval;
    e->fingerprint = std::move(c.fingerprint);
    e->phase = PhaseOf(e->key, e->interval, options_.seed);
    e->host = HostFor(e->probe->Host());
    if (started_) Push(FirstDue(*e, wall_ms, now), e);
    next.emplace(e->key, std::move(e));
  }
  // What is left is removed (or replaced by a changed definition). Running
  // and queued ones stay referenced until their `done` or dequeue.
  const bool removed_any = !checks_.empty();
  for (auto& [key, e] : checks_) e->removed = true;
  checks_ = std::move(next);
  if (removed_any) {
    std::erase_if(heap_, [](const HeapItem& item) { return item.entry->removed; });
    std::make_heap(heap_.begin(), heap_.end(), Later{});
    std::erase_if(hosts_, [](const auto& kv) { return kv.second.expired(); });
  }
  Arm();
}

void Scheduler::State::Start() {
  if (started_) return;
  started_ = true;
  const int64_t wall_ms = core::ToUnixMillis(env_.clock.Now());
  const auto now = Steady::now();
  heap_.clear();
  heap_.reserve(checks_.size());
  for (const auto& [key, e] : checks_) heap_.push_back({FirstDue(*e, wall_ms, now), e});
  std::make_heap(heap_.begin(), heap_.end(), Later{});
  Arm();
}

void Scheduler::State::Stop() {
  if (!started_) return;
  started_ = false;
  ++epoch_;
  ++arm_seq_;
  armed_ = false;
  timer_.cancel();
  heap_.clear();
  auto forget = [this](EntryFifo<SchedulerEntry>& fifo) {
    while (!fifo.empty()) Dequeued(*fifo.Pop());
  };
  forget(global_waiting_);
  for (auto& [name, weak] : hosts_) {
    if (auto host = weak.lock()) forget(host->waiting);
  }
}

void Scheduler::State::Arm() {
  if (!started_ || heap_.empty()) return;
  Steady::time_point next = heap_.front().due;
  if (options_.coalesce > core::Duration::zero()) {  // up to the next tick
    const auto tick = std::chrono::duration_cast<Steady::duration>(options_.coalesce);
    const auto since = next.time_since_epoch();
    next = Steady::time_point((since + tick - Steady::duration(1)) / tick * tick);
  }
  if (armed_ && armed_for_ <= next) return;
  armed_ = true;
  armed_for_ = next;
  const uint64_t seq = ++arm_seq_;
  timer_.expires_at(next);
  timer_.async_wait([weak = weak_from_this(), seq](const boost::system::error_code&) {
    auto self = weak.lock();
    if (!self || self->arm_seq_ != seq) return;  // re-armed, stopped or destroyed
    self->armed_ = false;
    self->OnTimer();
  });
}

void Scheduler::State::OnTimer() {
  const auto now = Steady::now();
  while (started_ && !heap_.empty() && heap_.front().due <= now) {
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    HeapItem item = std::move(heap_.back());
    heap_.pop_back();
    Due(item.entry, item.due, now);
  }
  Arm();
}

void Scheduler::State::Due(const EntryPtr& e, Steady::time_point due, Steady::time_point now) {
  if (e->running || e->waiting) {
    ++skipped_;  // never two probes of one check at once
  } else {
    e->due = due;
    Admit(e);
  }
  // The next slot follows the scheduled time, not the start, so probe time
  // and lag do not drift the phase. Slots already past (the loop was blocked
  // for whole intervals) are counted as skipped in one step: the probe just
  // admitted covers them, and a long stall costs no heap round per slot.
  Steady::time_point next = due + e->interval;
  if (next <= now) {
    const auto missed = (now - next) / e->interval + 1;
    skipped_ += static_cast<uint64_t>(missed);
    next += missed * e->interval;
  }
  Push(next, e);
}

void Scheduler::State::Admit(const EntryPtr& e) {
  HostSlot* host = e->host.get();
  // A non-empty queue keeps arrivals behind those already waiting (FIFO).
  const bool host_full =
      host != nullptr && (host->in_flight >= options_.per_host_limit || !host->waiting.empty());
  const bool global_full =
      in_flight_ >= static_cast<size_t>(options_.global_limit) || !global_waiting_.empty();
  if (!host_full && !global_full) {
    Launch(e);
    return;
  }
  e->waiting = true;
  ++waiting_;
  (host_full ? host->waiting : global_waiting_).Push(e);
}

void Scheduler::State::Dequeued(SchedulerEntry& e) {
  e.waiting = false;
  --waiting_;
}

void Scheduler::State::Launch(const EntryPtr& e) {
  e->running = true;
  e->epoch = epoch_;
  ++in_flight_;
  if (e->host) ++e->host->in_flight;
  ++started_count_;
  const auto lateness = std::max(Steady::duration::zero(), Steady::now() - e->due);
  const auto lag_us = duration_cast<core::Micros>(lateness);
  lag_.Add(lag_us);
  lag_max_ = std::max(lag_max_, lag_us);
  if (IsOnTime(lag_us, e->interval)) ++on_time_;
  e->probe->Start(
      env_, [weak = weak_from_this(), io = &env_.io, entry = e](core::CheckResult result) mutable {
        // Moved out so that a probe which keeps its `done` after calling it
        // does not keep the entry (and itself) alive in a cycle.
        EntryPtr mine = std::move(entry);
        if (auto self = weak.lock()) {
          self->OnDone(std::move(mine), std::move(result));
        } else {
          boost::asio::post(*io, [last = std::move(mine)] {});
        }
      });
}

void Scheduler::State::OnDone(EntryPtr e, core::CheckResult result) {
  e->running = false;
  --in_flight_;
  if (e->host) --e->host->in_flight;
  ++completed_;
  const bool deliver = started_ && !e->removed && e->epoch == epoch_;
  if (!deliver) ++discarded_;
  Drain(e->host.get());
  // Last: the sink may call Set or Stop, and everything above is settled.
  if (deliver) sink_(e->key, std::move(result));
  ReleaseSoon(std::move(e));
}

void Scheduler::State::Drain(HostSlot* host) {
  const auto global_limit = static_cast<size_t>(options_.global_limit);
  while (host != nullptr && host->in_flight < options_.per_host_limit && !host->waiting.empty()) {
    EntryPtr e = host->waiting.Pop();
    if (e->removed) {
      Dequeued(*e);
    } else if (in_flight_ >= global_limit) {
      global_waiting_.Push(std::move(e));  // still waiting, now for the global cap
      break;
    } else {
      Dequeued(*e);
      Launch(e);
    }
  }
  // Each waiter is looked at once per call: one whose host filled up in the
  // meantime moves to that host's queue.
  for (size_t n = global_waiting_.size(); n > 0 && in_flight_ < global_limit; --n) {
    EntryPtr e = global_waiting_.Pop();
    if (e->removed) {
      Dequeued(*e);
    } else if (e->host && e->host->in_flight >= options_.per_host_limit) {
      e->host->waiting.Push(std::move(e));
    } else {
      Dequeued(*e);
      Launch(e);
    }
  }
}

std::shared_ptr<HostSlot> Scheduler::State::HostFor(const std::string& name) {
  if (name.empty()) return nullptr;
  std::weak_ptr<HostSlot>& weak = hosts_[name];
  if (auto host = weak.lock()) return host;
  auto host = std::make_shared<HostSlot>();
  weak = host;
  return host;
}

void Scheduler::State::ReleaseSoon(EntryPtr e) const {
  if (e.use_count() == 1) boost::asio::post(env_.io, [last = std::move(e)] {});
}

SchedulerStats Scheduler::State::Stats() const {
  SchedulerStats s;
  s.checks = checks_.size();
  s.in_flight = in_flight_;
  s.waiting = waiting_;
  s.started = started_count_;
  s.completed = completed_;
  s.discarded = discarded_;
  s.skipped = skipped_;
  s.on_time = on_time_;
  s.lag_max = lag_max_;
  s.lag = lag_;
  return s;
}

Scheduler::Scheduler(ProbeEnv& env, ResultSink sink, SchedulerOptions options)
    : state_(std::make_shared<State>(env, std::move(sink), options)) {}

Scheduler::~Scheduler() { state_->Stop(); }

void Scheduler::Set(std::vector<ScheduledCheck> checks) { state_->Set(std::move(checks)); }
void Scheduler::Start() { state_->Start(); }
void Scheduler::Stop() { state_->Stop(); }
SchedulerStats Scheduler::Stats() const { return state_->Stats(); }

}  // namespace opsdeck::monitor
