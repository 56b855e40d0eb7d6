// ThrottleStore over a Database, written once for both backends: one row per
// failed login in login_failures(key, at), so every instance sharing the
// database sees the same counts. Not audited (bookkeeping). Clear reads first
// and writes only when the key has rows, so a successful login without prior
// failures costs no write.
// Thread-safety: safe from any thread; holds no mutable state.
#pragma once

#include "store/auth_stores.h"
#include "store/database.h"

namespace opsdeck::store {

class SqlThrottleStore final : public ThrottleStore {
 public:
  explicit SqlThrottleStore(Database& db) : db_(db) {}

  // Keys are 1..256 bytes of printable UTF-8 (kInvalidArgument otherwise).
  core::Result<void> RecordFailure(std::string_view key, core::TimePoint at) override;
  core::Result<int> CountFailures(std::string_view key, core::TimePoint since) override;
  core::Result<void> Clear(std::string_view key) override;
  // Deletes every failure with at < before; returns how many.
  core::Result<int> DeleteOlderThan(core::TimePoint before) override;

 private:
  Database& db_;
};

}  // namespace opsdeck::store
