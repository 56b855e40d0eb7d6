// The one path every mutation takes: AuditedWrite runs a change inside a
// write transaction and hands it a Mutation whose Record() writes the audit
// row (actor, time from the injected Clock, entity, action, before/after JSON,
// request id) in that same transaction, so change and audit commit together
// or not at all. Stores call it; nothing writes audit_events another way.
// Thread-safety: AuditedWrite may be called from any thread; a Mutation is
// only valid inside the function it was handed to.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "core/audit.h"
#include "core/clock.h"
#include "store/database.h"

namespace opsdeck::store {

inline constexpr std::string_view kJsonNull = "null";

class Mutation {
 public:
  Mutation(Tx& tx, core::TimePoint now, const core::Actor& actor, std::string_view request_id)
      : tx_(tx), now_(now), actor_(actor), request_id_(request_id) {}

  Tx& tx() { return tx_; }
  // The time of this mutation, read once from the Clock per transaction run.
  core::TimePoint now() const { return now_; }
  int64_t now_ms() const { return core::ToUnixMillis(now_); }

  // Writes one audit row; before/after are JSON text ("null" when absent).
  core::Result<void> Record(std::string_view entity_type, std::string_view entity_id,
                            std::string_view action, std::string_view before_json,
                            std::string_view after_json);
  int recorded() const { return recorded_; }

 private:
  Tx& tx_;
  core::TimePoint now_;
  const core::Actor& actor_;
  std::string_view request_id_;
  int recorded_ = 0;
};

// Runs `fn(Mutation&) -> core::Result<T>` as one audited write transaction.
template <typename T, typename Fn>
core::Result<T> AuditedWrite(Database& db, const core::Clock& clock, const core::Actor& actor,
                             std::string_view request_id, Fn&& fn) {
  return WriteValue<T>(db, [&](Tx& tx) -> core::Result<T> {
    Mutation m(tx, clock.Now(), actor, request_id);
    return fn(m);
  });
}

}  // namespace opsdeck::store
