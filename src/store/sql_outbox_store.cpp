// SqlOutboxStore and AppendOutbox. Appending is on the intake path (inside
// Ingest's transaction), so it is one fixed INSERT per entry, prepared once
// per connection; everything else is the dispatcher's and the UI's.
#include "store/sql_outbox_store.h"

#include <algorithm>
#include <array>
#include <tuple>

#include "store/sql_audit_store.h"

namespace opsdeck::store {
namespace {

constexpr int kMaxListLimit = 500;
// Pending() reads at most this many rows whatever the caller asks: a bound
// that fits every backend's LIMIT type.
constexpr size_t kMaxPendingLimit = 100'000;

constexpr std::array<std::string_view, 4> kStateNames = {"pending", "sent", "failed", "superseded"};

constexpr std::string_view kInsert =
    "INSERT INTO outbox (channel, kind, subject, severity, environment, pipeline, target, payload, "
    "state, attempts, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)";
constexpr std::string_view kInsertReturningId =
    "INSERT INTO outbox (channel, kind, subject, severity, environment, pipeline, target, payload, "
    "state, attempts, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?) "
    "RETURNING id";

// The columns FromRow reads, in order.
constexpr std::string_view kColumns =
    "SELECT id, channel, kind, subject, severity, environment, pipeline, target, payload, state, "
    "attempts, last_error, message_id, created_at, updated_at, next_attempt_at, sent_at FROM "
    "outbox";

// `state = 'pending'` is literal so the partial index outbox_pending applies.
constexpr std::string_view kPendingWhere =
    " WHERE channel = ? AND state = 'pending' ORDER BY id LIMIT ?";

// The attempt, only if the entry is still pending: the row lock makes a
// concurrent second Complete of the same id find nothing (PostgreSQL
// re-checks the WHERE after the first commits).
constexpr std::string_view kRecordAttempt =
    "UPDATE outbox SET attempts = attempts + 1, state = ?, last_error = ?, next_attempt_at = ?, "
    "sent_at = ?, message_id = ?, updated_at = ? WHERE id = ? AND state = 'pending' "
    "RETURNING channel, subject";
constexpr std::string_view kStateOf = "SELECT state FROM outbox WHERE id = ?";
constexpr std::string_view kSupersede =
    "UPDATE outbox SET state = 'superseded', updated_at = ? "
    "WHERE id = ? AND state = 'pending' AND channel = ? AND subject = ? AND id < ?";
constexpr std::string_view kForgetMessage =
    "DELETE FROM outbox_messages WHERE channel = ? AND subject = ?";
constexpr std::string_view kUpsertMessage =
    "INSERT INTO outbox_messages (channel, subject, message_id, updated_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (channel, subject) DO UPDATE SET message_id = excluded.message_id, "
    "updated_at = excluded.updated_at";

// Taken when free, expired, or already ours; otherwise the upsert changes
// nothing. Atomic on both backends: SQLite write transactions are exclusive,
// and PostgreSQL locks the conflicting row and re-checks the WHERE against
// the committed version.
constexpr std::string_view kTakeLease =
    "INSERT INTO outbox_leases (channel, holder, expires_at) VALUES (?, ?, ?) "
    "ON CONFLICT (channel) DO UPDATE SET holder = excluded.holder, expires_at = "
    "excluded.expires_at "
    "WHERE outbox_leases.holder = excluded.holder OR outbox_leases.expires_at < ?";
constexpr std::string_view kLeaseHolder = "SELECT holder FROM outbox_leases WHERE channel = ?";

Value TextOrNull(const std::string& s) { return s.empty() ? Value() : Value(s); }
Value TimeOrNull(const std::optional<core::TimePoint>& t) {
  return t ? Value(core::ToUnixMillis(*t)) : Value();
}
std::optional<core::TimePoint> OptTime(const Value& v) {
  const auto ms = OptInt(v);
  return ms ? std::optional(core::FromUnixMillis(*ms)) : std::nullopt;
}
Value StateValue(DeliveryState s) { return Value(std::string(DeliveryStateName(s))); }

core::Result<void> Validate(const std::vector<OutboxEntry>& entries) {
  for (const OutboxEntry& e : entries) {
    if (e.channel.empty() || e.kind.empty() || e.subject.empty()) {
      return core::Error::InvalidArgument("outbox entry needs a channel, a kind and a subject");
    }
  }
  return core::Ok();
}

Params InsertParams(const OutboxEntry& e, int64_t now) {
  return {e.channel,
          e.kind,
          e.subject,
          e.severity,
          TextOrNull(e.environment),
          TextOrNull(e.pipeline),
          TextOrNull(e.target),
          e.payload_json,
          now,
          now};
}

OutboxItem FromRow(const Row& r) {
  OutboxItem it;
  it.id = IntOr(r[0], 0);
  it.channel = TextOr(r[1]);
  it.kind = TextOr(r[2]);
  it.subject = TextOr(r[3]);
  it.severity = TextOr(r[4]);
  it.environment = TextOr(r[5]);
  it.pipeline = TextOr(r[6]);
  it.target = TextOr(r[7]);
  it.payload_json = TextOr(r[8]);
  // The CHECK constraint admits only the four names.
  it.state = ParseDeliveryState(TextOr(r[9])).value_or(DeliveryState::kPending);
  it.attempts = static_cast<int>(IntOr(r[10], 0));
  it.last_error = TextOr(r[11]);
  it.message_id = TextOr(r[12]);
  it.created_at = core::FromUnixMillis(IntOr(r[13], 0));
  it.updated_at = core::FromUnixMillis(IntOr(r[14], 0));
  it.next_attempt_at = OptTime(r[15]);
  it.sent_at = OptTime(r[16]);
  return it;
}

std::vector<OutboxItem> FromRows(const Rows& rows) {
  std::vector<OutboxItem> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(FromRow(r));
  return out;
}

// kInvalidArgument either way (outbox_store.h): a missing entry is not a
// pending one, and the dispatcher must not retry it; the message tells which.
core::Result<void> RefuseAttempt(Tx& tx, int64_t id) {
  auto rows = tx.Query(kStateOf, {id});
  if (!rows) return rows.error();
  if (rows->empty()) {
    return core::Error::InvalidArgument("outbox entry " + std::to_string(id) + " does not exist");
  }
  return core::Error::InvalidArgument("outbox entry " + std::to_string(id) + " is not pending");
}

core::Result<void> ApplyOutcome(Tx& tx, const OutboxOutcome& o, int64_t now) {
  const bool sent = o.state == DeliveryState::kSent;
  const bool retry = o.state == DeliveryState::kPending;
  auto updated =
      tx.Query(kRecordAttempt,
               {StateValue(o.state), TextOrNull(o.error), retry ? TimeOrNull(o.retry_at) : Value(),
                sent ? Value(now) : Value(), TextOrNull(o.message_id), now, o.id});
  if (!updated) return updated.error();
  if (updated->empty()) return RefuseAttempt(tx, o.id);
  const Value channel = updated->front()[0];
  const Value subject = updated->front()[1];

  for (int64_t id : o.superseded) {
    if (auto r = tx.Exec(kSupersede, {now, id, channel, subject, o.id}); !r) return r.error();
  }
  if (o.forget_message) {
    if (auto r = tx.Exec(kForgetMessage, {channel, subject}); !r) return r.error();
  }
  if (!o.message_id.empty()) {
    if (auto r = tx.Exec(kUpsertMessage, {channel, subject, o.message_id, now}); !r) {
      return r.error();
    }
  }
  return core::Ok();
}

}  // namespace

std::string_view DeliveryStateName(DeliveryState s) {
  const auto i = static_cast<size_t>(s);
  return i < kStateNames.size() ? kStateNames[i] : std::string_view("pending");
}

std::optional<DeliveryState> ParseDeliveryState(std::string_view name) {
  for (size_t i = 0; i < kStateNames.size(); ++i) {
    if (kStateNames[i] == name) return static_cast<DeliveryState>(i);
  }
  return std::nullopt;
}

core::Result<void> AppendOutbox(Tx& tx, const std::vector<OutboxEntry>& entries,
                                core::TimePoint now) {
  if (auto v = Validate(entries); !v) return v;
  const int64_t ms = core::ToUnixMillis(now);
  for (const OutboxEntry& e : entries) {
    if (auto r = tx.Exec(kInsert, InsertParams(e, ms)); !r) return r.error();
  }
  return core::Ok();
}

core::Result<std::vector<int64_t>> SqlOutboxStore::Enqueue(const std::vector<OutboxEntry>& entries,
                                                           core::TimePoint now) {
  if (auto v = Validate(entries); !v) return v.error();
  const int64_t ms = core::ToUnixMillis(now);
  return WriteValue<std::vector<int64_t>>(db_, [&](Tx& tx) -> core::Result<std::vector<int64_t>> {
    std::vector<int64_t> ids;
    ids.reserve(entries.size());
    for (const OutboxEntry& e : entries) {
      auto rows = tx.Query(kInsertReturningId, InsertParams(e, ms));
      if (!rows) return rows.error();
      if (rows->empty()) return core::Error::Internal("outbox: INSERT returned no id");
      ids.push_back(IntOr(rows->front()[0], 0));
    }
    return ids;
  });
}

core::Result<std::vector<OutboxItem>> SqlOutboxStore::Pending(std::string_view channel,
                                                              size_t limit) {
  if (limit == 0) return std::vector<OutboxItem>{};
  static const std::string sql = std::string(kColumns) + std::string(kPendingWhere);
  const Params params = {std::string(channel),
                         static_cast<int64_t>(std::min(limit, kMaxPendingLimit))};
  return ReadValue<std::vector<OutboxItem>>(db_,
                                            [&](Tx& tx) -> core::Result<std::vector<OutboxItem>> {
                                              auto rows = tx.Query(sql, params);
                                              if (!rows) return rows.error();
                                              return FromRows(*rows);
                                            });
}

core::Result<std::optional<std::string>> SqlOutboxStore::MessageId(std::string_view channel,
                                                                   std::string_view subject) {
  using Out = std::optional<std::string>;
  return ReadValue<Out>(db_, [&](Tx& tx) -> core::Result<Out> {
    auto rows = tx.Query("SELECT message_id FROM outbox_messages WHERE channel = ? AND subject = ?",
                         {std::string(channel), std::string(subject)});
    if (!rows) return rows.error();
    if (rows->empty()) return Out();
    return Out(TextOr(rows->front()[0]));
  });
}

core::Result<void> SqlOutboxStore::Complete(const OutboxOutcome& outcome, core::TimePoint now) {
  if (outcome.state == DeliveryState::kSuperseded) {
    return core::Error::InvalidArgument("an attempt ends sent, failed or pending, not superseded",
                                        "state");
  }
  const int64_t ms = core::ToUnixMillis(now);
  return db_.Write([&](Tx& tx) { return ApplyOutcome(tx, outcome, ms); });
}

core::Result<Page<OutboxItem>> SqlOutboxStore::List(const OutboxQuery& query) {
  const int limit = std::clamp(query.limit, 1, kMaxListLimit);
  std::string sql = std::string(kColumns) + " WHERE 1 = 1";
  Params params;
  if (query.cursor) {
    const auto before_id = DecodeIdCursor(*query.cursor);
    if (!before_id) return core::Error::InvalidArgument("malformed cursor", "cursor");
    sql += " AND id < ?";
    params.emplace_back(*before_id);
  }
  if (query.channel) {
    sql += " AND channel = ?";
    params.emplace_back(*query.channel);
  }
  if (query.state) {
    sql += " AND state = ?";
    params.push_back(StateValue(*query.state));
  }
  if (query.subject) {
    sql += " AND subject = ?";
    params.emplace_back(*query.subject);
  }
  sql += " ORDER BY id DESC LIMIT ?";
  params.emplace_back(int64_t{limit + 1});  // one extra row tells whether a next page exists

  return ReadValue<Page<OutboxItem>>(db_, [&](Tx& tx) -> core::Result<Page<OutboxItem>> {
    auto rows = tx.Query(sql, params);
    if (!rows) return rows.error();
    Page<OutboxItem> page;
    const size_t n = std::min(rows->size(), static_cast<size_t>(limit));
    page.items.reserve(n);
    for (size_t i = 0; i < n; ++i) page.items.push_back(FromRow((*rows)[i]));
    if (rows->size() > n) page.next = EncodeIdCursor(page.items.back().id);
    return page;
  });
}

core::Result<std::optional<OutboxItem>> SqlOutboxStore::Get(int64_t id) {
  using Out = std::optional<OutboxItem>;
  static const std::string sql = std::string(kColumns) + " WHERE id = ?";
  return ReadValue<Out>(db_, [&](Tx& tx) -> core::Result<Out> {
    auto rows = tx.Query(sql, {id});
    if (!rows) return rows.error();
    if (rows->empty()) return Out();
    return Out(FromRow(rows->front()));
  });
}

core::Result<std::vector<OutboxCount>> SqlOutboxStore::Counts() {
  using Out = std::vector<OutboxCount>;
  auto counts = ReadValue<Out>(db_, [](Tx& tx) -> core::Result<Out> {
    auto rows = tx.Query("SELECT channel, state, COUNT(*) FROM outbox GROUP BY channel, state");
    if (!rows) return rows.error();
    Out out;
    out.reserve(rows->size());
    for (const Row& r : *rows) {
      out.push_back(OutboxCount{TextOr(r[0]),
                                ParseDeliveryState(TextOr(r[1])).value_or(DeliveryState::kPending),
                                IntOr(r[2], 0)});
    }
    return out;
  });
  if (!counts) return counts;
  // Channel as bytes, then state: one order on both backends whatever
  // PostgreSQL's collation.
  std::sort(counts->begin(), counts->end(), [](const OutboxCount& a, const OutboxCount& b) {
    return std::tie(a.channel, a.state) < std::tie(b.channel, b.state);
  });
  return counts;
}

core::Result<bool> SqlOutboxStore::AcquireLease(std::string_view channel, std::string_view holder,
                                                core::Duration ttl, core::TimePoint now) {
  if (channel.empty() || holder.empty()) {
    return core::Error::InvalidArgument("a lease needs a channel and a holder");
  }
  if (ttl <= core::Duration::zero()) {
    return core::Error::InvalidArgument("lease ttl must be positive", "ttl");
  }
  const int64_t ms = core::ToUnixMillis(now);
  const std::string ch(channel);
  const std::string who(holder);
  return WriteValue<bool>(db_, [&](Tx& tx) -> core::Result<bool> {
    auto up = tx.Exec(kTakeLease, {ch, who, ms + ttl.count(), ms});
    if (!up) return up.error();
    auto rows = tx.Query(kLeaseHolder, {ch});
    if (!rows) return rows.error();
    return !rows->empty() && TextOr(rows->front()[0]) == who;
  });
}

core::Result<std::optional<std::string>> SqlOutboxStore::LeaseHolder(std::string_view channel) {
  std::optional<std::string> out;
  auto r = db_.Read([&](Tx& tx) -> core::Result<void> {
    auto rows = tx.Query(kLeaseHolder, {std::string(channel)});
    if (!rows) return rows.error();
    if (!rows->empty()) out = TextOr(rows->front()[0]);
    return core::Ok();
  });
  if (!r) return r.error();
  return out;
}

core::Result<void> SqlOutboxStore::ReleaseLease(std::string_view channel, std::string_view holder) {
  return db_.Write([&](Tx& tx) -> core::Result<void> {
    auto r = tx.Exec("DELETE FROM outbox_leases WHERE channel = ? AND holder = ?",
                     {std::string(channel), std::string(holder)});
    if (!r) return r.error();
    return core::Ok();
  });
}

core::Result<int64_t> SqlOutboxStore::Prune(core::TimePoint before) {
  const int64_t ms = core::ToUnixMillis(before);
  return WriteValue<int64_t>(db_, [&](Tx& tx) -> core::Result<int64_t> {
    auto entries = tx.Exec("DELETE FROM outbox WHERE state <> 'pending' AND updated_at < ?", {ms});
    if (!entries) return entries.error();
    // A subject's message id once nothing about it is pending any more: a
    // later notice (rare after 30 days) then starts a new message.
    auto messages = tx.Exec(
        "DELETE FROM outbox_messages WHERE updated_at < ? AND NOT EXISTS (SELECT 1 FROM outbox o "
        "WHERE o.channel = outbox_messages.channel AND o.subject = outbox_messages.subject "
        "AND o.state = 'pending')",
        {ms});
    if (!messages) return messages.error();
    return *entries;
  });
}

}  // namespace opsdeck::store
