#include "store/sql_user_store.h"

#include "store/account_checks.h"
#include "store/audited_write.h"
#include "store/json_text.h"

namespace opsdeck::store {
namespace {

constexpr std::string_view kEntity = "user";
constexpr std::string_view kSelect =
    "SELECT id, name, role, password_hash, disabled, created_at, updated_at FROM users";

core::Result<UserRecord> FromRow(const Row& r) {
  auto role = RoleFromColumn(r[2]);
  if (!role) return role.error();
  UserRecord u;
  u.id = IntOr(r[0], 0);
  u.name = TextOr(r[1]);
  u.role = *role;
  u.password_hash = TextOr(r[3]);
  u.disabled = IntOr(r[4], 0) != 0;
  u.created_at = TimeOr0(r[5]);
  u.updated_at = TimeOr0(r[6]);
  return u;
}

// The audit snapshot: never the hash, only whether one is set.
std::string ToJson(const UserRecord& u) {
  JsonObjectText j;
  j.Add("name", u.name)
      .Add("role", core::RoleName(u.role))
      .Add("disabled", u.disabled)
      .Add("has_password", !u.password_hash.empty());
  return j.Finish();
}

core::Result<std::optional<UserRecord>> LoadByName(Tx& tx, std::string_view name) {
  auto rows = tx.Query(std::string(kSelect) + " WHERE name = ?", {std::string(name)});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<UserRecord>();
  auto u = FromRow(rows->front());
  if (!u) return u.error();
  return std::optional<UserRecord>(std::move(*u));
}

// The user as it is now, locked against concurrent changes; kNotFound when absent.
core::Result<UserRecord> LoadForChange(Mutation& m, std::string_view name) {
  if (auto l = LockUser(m.tx(), name); !l) return l.error();
  auto u = LoadByName(m.tx(), name);
  if (!u) return u.error();
  if (!*u) return core::Error::NotFound("user '" + std::string(name) + "' not found");
  return std::move(**u);
}

}  // namespace

core::Result<UserRecord> SqlUserStore::Create(std::string_view name, core::Role role,
                                              std::string_view password_hash,
                                              const core::Actor& actor,
                                              std::string_view request_id) {
  if (auto c = CheckAccountName(name, "user name"); !c) return c.error();
  if (auto c = CheckPasswordHash(password_hash); !c) return c.error();
  return AuditedWrite<UserRecord>(
      db_, clock_, actor, request_id, [&](Mutation& m) -> core::Result<UserRecord> {
        if (auto l = LockUser(m.tx(), name); !l) return l.error();
        const Value hash = password_hash.empty() ? Value() : Value(std::string(password_hash));
        auto rows = m.tx().Query(
            "INSERT INTO users (name, role, password_hash, disabled, created_at, updated_at) "
            "VALUES (?, ?, ?, 0, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING id",
            {std::string(name), RoleValue(role), hash, m.now_ms(), m.now_ms()});
        if (!rows) return rows.error();
        if (rows->empty())
          return core::Error::Conflict("user '" + std::string(name) + "' already exists");
        UserRecord u;
        u.id = IntOr(rows->front().at(0), 0);
        u.name = std::string(name);
        u.role = role;
        u.password_hash = std::string(password_hash);
        u.created_at = u.updated_at = m.now();
        if (auto a = m.Record(kEntity, u.name, "create", kJsonNull, ToJson(u)); !a)
          return a.error();
        return u;
      });
}

core::Result<std::optional<UserRecord>> SqlUserStore::Find(std::string_view name) {
  if (auto c = CheckAccountName(name, "user name"); !c) return c.error();
  return ReadValue<std::optional<UserRecord>>(db_, [&](Tx& tx) { return LoadByName(tx, name); });
}

core::Result<std::vector<UserRecord>> SqlUserStore::List() {
  return ReadValue<std::vector<UserRecord>>(
      db_, [](Tx& tx) -> core::Result<std::vector<UserRecord>> {
        auto rows = tx.Query(std::string(kSelect) + " ORDER BY name");
        if (!rows) return rows.error();
        std::vector<UserRecord> out;
        out.reserve(rows->size());
        for (const Row& r : *rows) {
          auto u = FromRow(r);
          if (!u) return u.error();
          out.push_back(std::move(*u));
        }
        return out;
      });
}

core::Result<UserRecord> SqlUserStore::SetRole(std::string_view name, core::Role role,
                                               const core::Actor& actor,
                                               std::string_view request_id) {
  if (auto c = CheckAccountName(name, "user name"); !c) return c.error();
  return AuditedWrite<UserRecord>(
      db_, clock_, actor, request_id, [&](Mutation& m) -> core::Result<UserRecord> {
        auto before = LoadForChange(m, name);
        if (!before) return before.error();
        if (before->role == role) return std::move(*before);
        UserRecord after = *before;
        after.role = role;
        after.updated_at = m.now();
        auto r = m.tx().Exec("UPDATE users SET role = ?, updated_at = ? WHERE id = ?",
                             {RoleValue(role), m.now_ms(), after.id});
        if (!r) return r.error();
        if (auto a = m.Record(kEntity, after.name, "set-role", ToJson(*before), ToJson(after));
            !a) {
          return a.error();
        }
        return after;
      });
}

core::Result<UserRecord> SqlUserStore::SetDisabled(std::string_view name, bool disabled,
                                                   const core::Actor& actor,
                                                   std::string_view request_id) {
  if (auto c = CheckAccountName(name, "user name"); !c) return c.error();
  return AuditedWrite<UserRecord>(
      db_, clock_, actor, request_id, [&](Mutation& m) -> core::Result<UserRecord> {
        auto before = LoadForChange(m, name);
        if (!before) return before.error();
        if (disabled) {
          // Always, even when already disabled: no session of a disabled user survives.
          auto d = m.tx().Exec("DELETE FROM sessions WHERE user_id = ?", {before->id});
          if (!d) return d.error();
        }
        if (before->disabled == disabled) return std::move(*before);
        UserRecord after = *before;
        after.disabled = disabled;
        after.updated_at = m.now();
        auto r = m.tx().Exec("UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?",
                             {Bool(disabled), m.now_ms(), after.id});
        if (!r) return r.error();
        if (auto a = m.Record(kEntity, after.name, disabled ? "disable" : "enable", ToJson(*before),
                              ToJson(after));
            !a) {
          return a.error();
        }
        return after;
      });
}

core::Result<void> SqlUserStore::SetPasswordHash(std::string_view name, std::string_view hash,
                                                 const core::Actor& actor,
                                                 std::string_view request_id) {
  if (auto c = CheckAccountName(name, "user name"); !c) return c.error();
  if (auto c = CheckPasswordHash(hash); !c) return c.error();
  auto done =
      AuditedWrite<int>(db_, clock_, actor, request_id, [&](Mutation& m) -> core::Result<int> {
        auto before = LoadForChange(m, name);
        if (!before) return before.error();
        // A new (or cleared) password ends every session of the user: whoever
        // signed in with the old one, or stole a session, is signed out.
        auto d = m.tx().Exec("DELETE FROM sessions WHERE user_id = ?", {before->id});
        if (!d) return d.error();
        UserRecord after = *before;
        after.password_hash = std::string(hash);
        after.updated_at = m.now();
        auto r =
            m.tx().Exec("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
                        {hash.empty() ? Value() : Value(std::string(hash)), m.now_ms(), after.id});
        if (!r) return r.error();
        if (auto a = m.Record(kEntity, after.name, hash.empty() ? "clear-password" : "set-password",
                              ToJson(*before), ToJson(after));
            !a) {
          return a.error();
        }
        return 1;
      });
  if (!done) return done.error();
  return core::Ok();
}

}  // namespace opsdeck::store
