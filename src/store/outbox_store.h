// The notification outbox: every notification a state change causes is
// appended in that change's own transaction (AppendOutbox), so none is lost
// and none exists for a change that rolled back. One dispatcher per channel
// (notify/dispatcher) reads its channel's pending entries, sends them and
// records each outcome here; a lease per channel keeps two opsdeck instances
// on one database from sending the same entry twice. The message a subject
// has on a channel that edits in place (Discord) is stored beside, committed
// the moment the chat service returned it.
// Same failure rule and thread-safety as store.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/page.h"

namespace opsdeck::store {

class Tx;

// One notification for one channel, as routing produced it.
struct OutboxEntry {
  std::string channel;      // config channel name
  std::string kind;         // "pipeline.failed"
  std::string subject;      // "run:42": the living message's key
  std::string severity;     // "info" | "warning" | "critical"
  std::string environment;  // may be empty
  std::string pipeline;     // may be empty
  std::string target;       // may be empty
  std::string payload_json; // the core::Notice as JSON (notify/notice_json.h)
};

enum class DeliveryState { kPending, kSent, kFailed, kSuperseded };
std::string_view DeliveryStateName(DeliveryState s);  // "pending", "sent", "failed", "superseded"
std::optional<DeliveryState> ParseDeliveryState(std::string_view name);

struct OutboxItem {
  int64_t id = 0;  // increasing in append order
  std::string channel;
  std::string kind;
  std::string subject;
  std::string severity;
  std::string environment;
  std::string pipeline;
  std::string target;
  std::string payload_json;
  DeliveryState state = DeliveryState::kPending;
  int attempts = 0;
  std::string last_error;  // empty when none
  // For a sent entry on a channel that edits in place: the message it created
  // or edited. Empty otherwise.
  std::string message_id;
  core::TimePoint created_at{};
  core::TimePoint updated_at{};
  std::optional<core::TimePoint> next_attempt_at;  // pending: not before this
  std::optional<core::TimePoint> sent_at;
};

// Appends `entries` inside the caller's write transaction (works on every
// dialect). Sets each entry's created_at/updated_at to `now`, state pending,
// attempts 0, next_attempt_at NULL (due at once). kInvalidArgument (nothing
// appended) when an entry has an empty channel, kind or subject.
core::Result<void> AppendOutbox(Tx& tx, const std::vector<OutboxEntry>& entries,
                                core::TimePoint now);

// What a dispatcher attempt ended in; applied in one transaction.
struct OutboxOutcome {
  int64_t id = 0;  // the entry that was sent (or tried)
  DeliveryState state = DeliveryState::kSent;  // kSent, kFailed, or kPending (retry later)
  std::string error;                           // kFailed / kPending: why; stored as last_error
  std::optional<core::TimePoint> retry_at;     // kPending: next_attempt_at
  // kSent on an edit-in-place channel: the subject's message on the channel
  // from now on (upserted into outbox_messages for (channel, subject)), and
  // stored on the entry.
  std::string message_id;
  // Earlier pending entries of the same channel and subject that this send
  // made obsolete (it carried a later state): marked kSuperseded.
  std::vector<int64_t> superseded;
  // The stored message was gone (deleted, too old to edit): forget it, so
  // the next send creates a new one. Applied before message_id.
  bool forget_message = false;
};

struct OutboxQuery {
  int limit = 50;                      // clamped to [1, 500]
  std::optional<std::string> cursor;   // from a previous Page::next, same filters
  std::optional<std::string> channel;
  std::optional<DeliveryState> state;
  std::optional<std::string> subject;
};
// Entries are listed newest first by id. A malformed cursor is kInvalidArgument.

struct OutboxCount {
  std::string channel;
  DeliveryState state = DeliveryState::kPending;
  int64_t count = 0;
};

class OutboxStore {
 public:
  virtual ~OutboxStore() = default;

  // AppendOutbox in a transaction of its own (`opsdeck notify test`, the
  // API). Returns the new ids in order.
  virtual core::Result<std::vector<int64_t>> Enqueue(const std::vector<OutboxEntry>& entries,
                                                     core::TimePoint now) = 0;

  // Up to `limit` pending entries of `channel`, in id order (due or not: the
  // dispatcher decides; next_attempt_at is in each item).
  virtual core::Result<std::vector<OutboxItem>> Pending(std::string_view channel,
                                                        size_t limit) = 0;

  // The subject's current message on the channel, if one was recorded.
  virtual core::Result<std::optional<std::string>> MessageId(std::string_view channel,
                                                             std::string_view subject) = 0;

  // Records one attempt: attempts + 1 on `id`, updated_at = now, the new
  // state, last_error, next_attempt_at / sent_at, message_id; supersedes,
  // forgets and upserts the subject's message, all in one transaction.
  // kInvalidArgument when `id` is not a pending entry (already completed, or
  // no such entry: the message says which) or outcome.state is kSuperseded;
  // nothing changes then, so the caller must not retry it.
  virtual core::Result<void> Complete(const OutboxOutcome& outcome, core::TimePoint now) = 0;

  virtual core::Result<Page<OutboxItem>> List(const OutboxQuery& query) = 0;
  virtual core::Result<std::optional<OutboxItem>> Get(int64_t id) = 0;

  // Entry counts per (channel, state), for /metrics and the UI.
  virtual core::Result<std::vector<OutboxCount>> Counts() = 0;

  // Takes or renews the dispatch lease on `channel` for `holder` (an id
  // unique to the process) until now + ttl. True when `holder` has the lease
  // now: it was free, expired, or already `holder`'s. Atomic across
  // processes sharing the database.
  virtual core::Result<bool> AcquireLease(std::string_view channel, std::string_view holder,
                                          core::Duration ttl, core::TimePoint now) = 0;
  // Who holds the lease on `channel` (expired or not); none when nobody.
  virtual core::Result<std::optional<std::string>> LeaseHolder(std::string_view channel) = 0;
  // Gives the lease up (shutdown), if `holder` has it.
  virtual core::Result<void> ReleaseLease(std::string_view channel, std::string_view holder) = 0;

  // Deletes sent, failed and superseded entries last updated before `before`
  // and returns how many; also forgets subjects' message ids recorded before
  // `before` that no pending entry needs. Pending entries are never pruned.
  virtual core::Result<int64_t> Prune(core::TimePoint before) = 0;
};

}  // namespace opsdeck::store
