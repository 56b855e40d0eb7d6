#include "store/sql_session_store.h"

#include "store/account_checks.h"
#include "store/audited_write.h"
#include "store/json_text.h"

namespace opsdeck::store {
namespace {

constexpr std::string_view kEntity = "session";
constexpr std::string_view kSelect =
    "SELECT s.id, s.token_hash, u.name, u.role, u.disabled, s.csrf_token, s.created_at, "
    "COALESCE(s.last_seen_at, s.created_at), s.expires_at "
    "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?";

core::Result<SessionRecord> FromRow(const Row& r) {
  auto role = RoleFromColumn(r[3]);
  if (!role) return role.error();
  SessionRecord s;
  s.id = IntOr(r[0], 0);
  s.token_hash = TextOr(r[1]);
  s.user = TextOr(r[2]);
  s.role = *role;
  s.user_disabled = IntOr(r[4], 0) != 0;
  s.csrf_token = TextOr(r[5]);
  s.created_at = TimeOr0(r[6]);
  s.last_seen_at = TimeOr0(r[7]);
  s.expires_at = TimeOr0(r[8]);
  return s;
}

// The audit snapshot: never the session hash or the CSRF token.
std::string ToJson(const SessionRecord& s) {
  JsonObjectText j;
  j.Add("id", s.id).Add("user", s.user).Add("role", core::RoleName(s.role));
  AddTime(j, "expires_at", s.expires_at);
  return j.Finish();
}

core::Result<std::optional<SessionRecord>> LoadByHash(Tx& tx, std::string_view token_hash) {
  auto rows = tx.Query(kSelect, {std::string(token_hash)});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<SessionRecord>();
  auto s = FromRow(rows->front());
  if (!s) return s.error();
  return std::optional<SessionRecord>(std::move(*s));
}

}  // namespace

core::Result<SessionRecord> SqlSessionStore::Create(std::string_view user,
                                                    std::string_view token_hash,
                                                    std::string_view csrf_token,
                                                    core::TimePoint expires_at,
                                                    std::string_view request_id) {
  if (auto c = CheckAccountName(user, "user name"); !c) return c.error();
  if (auto c = CheckSecretHash(token_hash, "session hash"); !c) return c.error();
  if (auto c = CheckCsrfToken(csrf_token); !c) return c.error();
  const core::Actor actor{"user", std::string(user)};
  return AuditedWrite<SessionRecord>(
      db_, clock_, actor, request_id, [&](Mutation& m) -> core::Result<SessionRecord> {
        if (auto l = LockUser(m.tx(), user); !l) return l.error();
        auto users = m.tx().Query("SELECT id, role, disabled FROM users WHERE name = ?",
                                  {std::string(user)});
        if (!users) return users.error();
        if (users->empty())
          return core::Error::NotFound("user '" + std::string(user) + "' not found");
        const Row& u = users->front();
        if (IntOr(u[2], 0) != 0)
          return core::Error::PermissionDenied("user '" + std::string(user) + "' is disabled");
        auto role = RoleFromColumn(u[1]);
        if (!role) return role.error();
        auto rows = m.tx().Query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, "
            "expires_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (token_hash) DO NOTHING RETURNING id",
            {std::string(token_hash), IntOr(u[0], 0), std::string(csrf_token), m.now_ms(),
             m.now_ms(), TimeValue(expires_at)});
        if (!rows) return rows.error();
        if (rows->empty()) return core::Error::Conflict("a session with that hash already exists");
        SessionRecord s;
        s.id = IntOr(rows->front().at(0), 0);
        s.token_hash = std::string(token_hash);
        s.user = std::string(user);
        s.role = *role;
        s.csrf_token = std::string(csrf_token);
        s.created_at = s.last_seen_at = m.now();
        s.expires_at = expires_at;
        if (auto a = m.Record(kEntity, s.user, "login", kJsonNull, ToJson(s)); !a) return a.error();
        return s;
      });
}

core::Result<std::optional<SessionRecord>> SqlSessionStore::Find(std::string_view token_hash) {
  if (auto c = CheckSecretHash(token_hash, "session hash"); !c) return c.error();
  return ReadValue<std::optional<SessionRecord>>(
      db_, [&](Tx& tx) { return LoadByHash(tx, token_hash); });
}

core::Result<void> SqlSessionStore::Touch(int64_t id, core::TimePoint at) {
  return StampIfStale(db_, "sessions", "last_seen_at", id, at);
}

core::Result<void> SqlSessionStore::Delete(std::string_view token_hash,
                                           std::string_view request_id) {
  if (auto c = CheckSecretHash(token_hash, "session hash"); !c) return c.error();
  // The actor (the session's user) is only known inside the transaction, so
  // this builds the Mutation itself rather than going through AuditedWrite.
  auto done = WriteValue<int>(db_, [&](Tx& tx) -> core::Result<int> {
    auto found = LoadByHash(tx, token_hash);
    if (!found) return found.error();
    if (!*found) return core::Error::NotFound("session not found");
    const SessionRecord& s = **found;
    auto d = tx.Exec("DELETE FROM sessions WHERE id = ?", {s.id});
    if (!d) return d.error();
    if (*d == 0) return core::Error::NotFound("session not found");
    const core::Actor actor{"user", s.user};
    Mutation m(tx, clock_.Now(), actor, request_id);
    if (auto a = m.Record(kEntity, s.user, "logout", ToJson(s), kJsonNull); !a) return a.error();
    return 1;
  });
  if (!done) return done.error();
  return core::Ok();
}

core::Result<int> SqlSessionStore::DeleteExpired(core::TimePoint now, core::Duration idle) {
  if (idle.count() <= 0)
    return core::Error::InvalidArgument("idle timeout must be positive", "idle");
  const int64_t now_ms = core::ToUnixMillis(now);
  return WriteValue<int>(db_, [&](Tx& tx) -> core::Result<int> {
    auto d = tx.Exec(
        "DELETE FROM sessions WHERE expires_at <= ? OR COALESCE(last_seen_at, created_at) <= ?",
        {now_ms, now_ms - idle.count()});
    if (!d) return d.error();
    return static_cast<int>(*d);
  });
}

}  // namespace opsdeck::store
