#include "store/sql_throttle_store.h"

#include "store/account_checks.h"

namespace opsdeck::store {

core::Result<void> SqlThrottleStore::RecordFailure(std::string_view key, core::TimePoint at) {
  if (auto c = CheckThrottleKey(key); !c) return c.error();
  return db_.Write([&](Tx& tx) -> core::Result<void> {
    auto r = tx.Exec("INSERT INTO login_failures (key, at) VALUES (?, ?)",
                     {std::string(key), TimeValue(at)});
    if (!r) return r.error();
    return core::Ok();
  });
}

core::Result<int> SqlThrottleStore::CountFailures(std::string_view key, core::TimePoint since) {
  if (auto c = CheckThrottleKey(key); !c) return c.error();
  return ReadValue<int>(db_, [&](Tx& tx) -> core::Result<int> {
    auto rows = tx.Query("SELECT COUNT(*) FROM login_failures WHERE key = ? AND at >= ?",
                         {std::string(key), TimeValue(since)});
    if (!rows) return rows.error();
    return static_cast<int>(IntOr(rows->at(0).at(0), 0));
  });
}

core::Result<void> SqlThrottleStore::Clear(std::string_view key) {
  if (auto c = CheckThrottleKey(key); !c) return c.error();
  auto any = ReadValue<bool>(db_, [&](Tx& tx) -> core::Result<bool> {
    auto rows = tx.Query("SELECT 1 FROM login_failures WHERE key = ? LIMIT 1", {std::string(key)});
    if (!rows) return rows.error();
    return !rows->empty();
  });
  if (!any) return any.error();
  if (!*any) return core::Ok();  // nothing to clear: no write
  return db_.Write([&](Tx& tx) -> core::Result<void> {
    auto r = tx.Exec("DELETE FROM login_failures WHERE key = ?", {std::string(key)});
    if (!r) return r.error();
    return core::Ok();
  });
}

core::Result<int> SqlThrottleStore::DeleteOlderThan(core::TimePoint before) {
  return WriteValue<int>(db_, [&](Tx& tx) -> core::Result<int> {
    auto r = tx.Exec("DELETE FROM login_failures WHERE at < ?", {TimeValue(before)});
    if (!r) return r.error();
    return static_cast<int>(*r);
  });
}

}  // namespace opsdeck::store
