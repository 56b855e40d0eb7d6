#include "store/account_checks.h"

namespace opsdeck::store {
namespace {

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '@' || c == '-';
}

bool IsPrintableAscii(char c) { return c > 0x20 && c < 0x7F; }

}  // namespace

core::Result<void> CheckAccountName(std::string_view name, std::string_view what) {
  const std::string field(what);
  if (name.empty()) return core::Error::InvalidArgument(field + " is empty", field);
  if (name.size() > kMaxAccountNameLength) {
    return core::Error::InvalidArgument(field + " is longer than 64 characters", field);
  }
  for (char c : name) {
    if (!IsNameChar(c)) {
      return core::Error::InvalidArgument(field + " may only contain A-Z a-z 0-9 . _ @ -", field);
    }
  }
  return core::Ok();
}

core::Result<void> CheckSecretHash(std::string_view hash, std::string_view what) {
  const std::string field(what);
  bool ok = hash.size() == 64;
  for (char c : hash) ok = ok && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  if (!ok) return core::Error::InvalidArgument(field + " must be a lowercase hex SHA-256", field);
  return core::Ok();
}

core::Result<void> CheckPasswordHash(std::string_view hash) {
  if (hash.empty()) return core::Ok();
  bool ok = hash.size() <= 512 && hash.rfind("$argon2id$", 0) == 0;
  for (char c : hash) ok = ok && IsPrintableAscii(c);
  if (!ok) {
    return core::Error::InvalidArgument("password hash must be an argon2id encoded string",
                                        "password_hash");
  }
  return core::Ok();
}

core::Result<void> CheckCsrfToken(std::string_view token) {
  bool ok = token.size() >= 16 && token.size() <= 256;
  for (char c : token) ok = ok && IsPrintableAscii(c);
  if (!ok)
    return core::Error::InvalidArgument("CSRF token must be 16..256 printable characters",
                                        "csrf_token");
  return core::Ok();
}

core::Result<void> CheckThrottleKey(std::string_view key) {
  bool ok = !key.empty() && key.size() <= 256 && IsValidUtf8(key);
  for (char c : key) ok = ok && static_cast<unsigned char>(c) >= 0x20 && c != 0x7F;
  if (!ok)
    return core::Error::InvalidArgument("throttle key must be 1..256 bytes of printable UTF-8",
                                        "key");
  return core::Ok();
}

core::Result<core::Role> RoleFromColumn(const Value& v) {
  const std::string text = TextOr(v);
  if (auto role = core::ParseRole(text)) return *role;
  return core::Error::Internal("store: unknown role '" + text + "' in the database");
}

std::optional<core::TimePoint> OptTime(const Value& v) {
  if (auto ms = OptInt(v)) return core::FromUnixMillis(*ms);
  return std::nullopt;
}

void AddTime(JsonObjectText& j, std::string_view key, const std::optional<core::TimePoint>& t) {
  if (t) {
    j.Add(key, core::FormatRfc3339(*t));
  } else {
    j.AddNull(key);
  }
}

core::Result<void> LockUser(Tx& tx, std::string_view name) {
  return LockForWrite(tx, "opsdeck.user." + std::string(name));
}

core::Result<void> StampIfStale(Database& db, std::string_view table, std::string_view column,
                                int64_t id, core::TimePoint at) {
  const int64_t at_ms = core::ToUnixMillis(at);
  const int64_t fresh_from = at_ms - kStampInterval.count();
  const std::string col(column);
  const std::string select = "SELECT " + col + " FROM " + std::string(table) + " WHERE id = ?";
  auto stale = ReadValue<bool>(db, [&](Tx& tx) -> core::Result<bool> {
    auto rows = tx.Query(select, {id});
    if (!rows) return rows.error();
    if (rows->empty()) return core::Error::NotFound(std::string(table) + " row not found");
    const std::optional<int64_t> stored = OptInt(rows->front().at(0));
    return !stored || *stored < fresh_from;
  });
  if (!stale) return stale.error();
  if (!*stale) return core::Ok();  // the busy path: no write at all
  const std::string update = "UPDATE " + std::string(table) + " SET " + col +
                             " = ? WHERE id = ? AND (" + col + " IS NULL OR " + col + " < ?)";
  return db.Write([&](Tx& tx) -> core::Result<void> {
    auto r = tx.Exec(update, {at_ms, id, fresh_from});
    if (!r) return r.error();
    return core::Ok();
  });
}

}  // namespace opsdeck::store
