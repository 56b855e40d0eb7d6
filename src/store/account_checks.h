// Input checks and small helpers shared by the account stores
// (sql_user_store, sql_token_store, sql_session_store, sql_throttle_store):
// name and hash validation, role and time conversion, the per-user write lock
// and the rate-limited "last seen" stamp.
// Thread-safety: free functions over their arguments; no state.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "core/role.h"
#include "store/database.h"
#include "store/json_text.h"

namespace opsdeck::store {

inline constexpr size_t kMaxAccountNameLength = 64;
// Touch/TouchLastUsed write only when the stored stamp is older than this.
inline constexpr core::Duration kStampInterval = std::chrono::seconds(60);

// User and token names: 1..64 characters from [A-Za-z0-9._@-]; anything else
// (empty, NUL, spaces, non-ASCII, too long) is kInvalidArgument. `what` names
// the field in the error ("user name").
core::Result<void> CheckAccountName(std::string_view name, std::string_view what);
// Token and session hashes: a hex SHA-256, exactly 64 lowercase hex digits
// (the canonical form lookups compare against). Catches a caller passing the
// clear token by mistake.
core::Result<void> CheckSecretHash(std::string_view hash, std::string_view what);
// A password hash: empty (no password login) or an argon2id encoded string
// ("$argon2id$..."), printable ASCII, at most 512 bytes.
core::Result<void> CheckPasswordHash(std::string_view hash);
// A CSRF token: 16..256 printable ASCII characters without spaces.
core::Result<void> CheckCsrfToken(std::string_view token);
// A throttle key: 1..256 bytes of UTF-8 without NUL or control characters.
core::Result<void> CheckThrottleKey(std::string_view key);

// A role column; an unknown name is kInternal (the schema's CHECK forbids it).
core::Result<core::Role> RoleFromColumn(const Value& v);
inline Value RoleValue(core::Role role) { return Value(std::string(core::RoleName(role))); }
inline Value TimeValue(core::TimePoint t) { return Value(core::ToUnixMillis(t)); }
inline Value OptTimeValue(const std::optional<core::TimePoint>& t) {
  return t ? TimeValue(*t) : Value();
}
std::optional<core::TimePoint> OptTime(const Value& v);
inline core::TimePoint TimeOr0(const Value& v) { return core::FromUnixMillis(IntOr(v, 0)); }
// Adds `key` as an RFC 3339 string, or null.
void AddTime(JsonObjectText& j, std::string_view key, const std::optional<core::TimePoint>& t);

// Serialises every change to one user (create, role, disable, password,
// login) across instances (PostgreSQL advisory lock; a no-op on SQLite).
core::Result<void> LockUser(Tx& tx, std::string_view name);

// Sets `table`.`column` (a unix-ms stamp) of row `id` to `at`, but only when
// the stored value is NULL or older than `at` - kStampInterval: a read first,
// and a write (guarded by the same condition, so concurrent callers are
// harmless) only when needed. kNotFound when the row is absent. `table` and
// `column` are compile-time constants of the callers, never input.
core::Result<void> StampIfStale(Database& db, std::string_view table, std::string_view column,
                                int64_t id, core::TimePoint at);

}  // namespace opsdeck::store
