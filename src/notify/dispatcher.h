// The outbox dispatcher: one worker thread per configured channel sends that
// channel's pending outbox entries (store/outbox_store.h) through its
// Channel and records every outcome, as the stages of ENGINEERING.md say:
//   pick (per subject, in order; a channel that is read by people gets only
//   a subject's latest pending state: the earlier ones are superseded),
//   rate limit (never a request while a retry_after or an empty bucket
//   runs), retry (5xx, timeouts, dropped connections: exponential backoff
//   with jitter, per subject, so one failing message does not hold the
//   others), record (the message id committed as soon as it is known).
// A worker only sends while it holds its channel's lease in the store, so
// two instances on one database never send the same entry.
// Thread-safety: all public members may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "notify/channel.h"
#include "store/outbox_store.h"

namespace opsdeck::notify {

struct DispatcherOptions {
  std::string holder;  // lease holder: unique to this process
  core::Duration lease_ttl = std::chrono::seconds(30);
  // When idle, the outbox is read again this often (another instance, or
  // `opsdeck notify` from the command line, may have appended).
  core::Duration idle_poll = std::chrono::seconds(2);
  core::Duration backoff_min = std::chrono::seconds(1);
  core::Duration backoff_max = std::chrono::minutes(5);
  size_t batch = 200;  // pending entries read per pick
  // True when the lease's current holder is certainly gone (a crashed process
  // of this machine): its lease is taken over at once instead of after
  // lease_ttl. Empty: always wait for the lease to lapse.
  std::function<bool(std::string_view holder)> holder_is_gone;
};

// What the pick stage chose from one channel's pending entries.
struct Pick {
  std::optional<size_t> index;   // the entry to send now, if any is due
  std::vector<int64_t> superseded;  // earlier pending entries of its subject
  std::optional<core::TimePoint> next_due;  // the earliest blocked subject's retry time
};
// `coalesce`: send a subject's latest pending entry and supersede the
// earlier ones (chat channels); otherwise every entry, in order (webhook).
// A subject is blocked while any of its entries waits for a retry time.
Pick PickNext(const std::vector<store::OutboxItem>& pending, core::TimePoint now, bool coalesce);

// attempts-th retry delay: min(max, min * 2^(attempts-1)), scaled by a
// jitter factor in [0.5, 1].
core::Duration Backoff(int attempts, const DispatcherOptions& options, double jitter);

struct ChannelCounters {
  std::string channel;
  uint64_t sent = 0;
  uint64_t failed = 0;
  uint64_t retried = 0;
  uint64_t rate_limited = 0;
  uint64_t superseded = 0;
  uint64_t paused = 0;  // times the service said the webhook is gone
};

class Dispatcher {
 public:
  Dispatcher(store::OutboxStore& outbox, const core::Clock& clock, DispatcherOptions options);
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Replaces the running workers (start, or a config reload): the old ones
  // finish their current attempt and stop; one worker per channel starts.
  void SetChannels(std::vector<std::pair<std::string, std::unique_ptr<Channel>>> channels);
  // New entries were appended: idle workers look at once.
  void Wake();
  // Stops every worker (waits for in-flight attempts) and gives the leases up.
  void Stop();

  std::vector<ChannelCounters> Counters() const;

 private:
  class Worker;
  struct Counts;
  store::OutboxStore& outbox_;
  const core::Clock& clock_;
  const DispatcherOptions options_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::map<std::string, std::shared_ptr<Counts>> counts_;  // survive a reload's new workers
};

}  // namespace opsdeck::notify
