#include "store/sql_token_store.h"

#include "store/account_checks.h"
#include "store/audited_write.h"
#include "store/json_text.h"

namespace opsdeck::store {
namespace {

constexpr std::string_view kEntity = "token";
constexpr std::string_view kSelect =
    "SELECT id, name, token_hash, role, created_by, created_at, expires_at, last_used_at, "
    "revoked_at "
    "FROM api_tokens";

core::Result<TokenRecord> FromRow(const Row& r) {
  auto role = RoleFromColumn(r[3]);
  if (!role) return role.error();
  TokenRecord t;
  t.id = IntOr(r[0], 0);
  t.name = TextOr(r[1]);
  t.token_hash = TextOr(r[2]);
  t.role = *role;
  t.created_by = TextOr(r[4]);
  t.created_at = TimeOr0(r[5]);
  t.expires_at = OptTime(r[6]);
  t.last_used_at = OptTime(r[7]);
  t.revoked_at = OptTime(r[8]);
  return t;
}

// The audit snapshot: never the hash; last_used_at is bookkeeping, left out.
std::string ToJson(const TokenRecord& t) {
  JsonObjectText j;
  j.Add("name", t.name).Add("role", core::RoleName(t.role)).Add("created_by", t.created_by);
  AddTime(j, "expires_at", t.expires_at);
  AddTime(j, "revoked_at", t.revoked_at);
  return j.Finish();
}

core::Result<std::optional<TokenRecord>> LoadOne(Tx& tx, std::string_view where,
                                                 const Params& params) {
  auto rows = tx.Query(std::string(kSelect) + " WHERE " + std::string(where), params);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<TokenRecord>();
  auto t = FromRow(rows->front());
  if (!t) return t.error();
  return std::optional<TokenRecord>(std::move(*t));
}

}  // namespace

core::Result<TokenRecord> SqlTokenStore::Create(std::string_view name, core::Role role,
                                                std::string_view token_hash,
                                                std::optional<core::TimePoint> expires_at,
                                                const core::Actor& actor,
                                                std::string_view request_id) {
  if (auto c = CheckAccountName(name, "token name"); !c) return c.error();
  if (auto c = CheckSecretHash(token_hash, "token hash"); !c) return c.error();
  return AuditedWrite<TokenRecord>(
      db_, clock_, actor, request_id, [&](Mutation& m) -> core::Result<TokenRecord> {
        TokenRecord t;
        t.name = std::string(name);
        t.token_hash = std::string(token_hash);
        t.role = role;
        t.created_by = actor.ToString();
        t.created_at = m.now();
        t.expires_at = expires_at;
        // No conflict target: a clash on the name or on the hash is a conflict.
        auto rows = m.tx().Query(
            "INSERT INTO api_tokens (name, token_hash, role, created_by, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
            {t.name, t.token_hash, RoleValue(role), t.created_by, m.now_ms(),
             OptTimeValue(expires_at)});
        if (!rows) return rows.error();
        if (rows->empty())
          return core::Error::Conflict("token '" + t.name + "' (or its hash) already exists");
        t.id = IntOr(rows->front().at(0), 0);
        if (auto a = m.Record(kEntity, t.name, "create", kJsonNull, ToJson(t)); !a)
          return a.error();
        return t;
      });
}

core::Result<std::optional<TokenRecord>> SqlTokenStore::FindByHash(std::string_view token_hash) {
  if (auto c = CheckSecretHash(token_hash, "token hash"); !c) return c.error();
  return ReadValue<std::optional<TokenRecord>>(
      db_, [&](Tx& tx) { return LoadOne(tx, "token_hash = ?", {std::string(token_hash)}); });
}

core::Result<std::vector<TokenRecord>> SqlTokenStore::List() {
  return ReadValue<std::vector<TokenRecord>>(
      db_, [](Tx& tx) -> core::Result<std::vector<TokenRecord>> {
        auto rows = tx.Query(std::string(kSelect) + " ORDER BY name");
        if (!rows) return rows.error();
        std::vector<TokenRecord> out;
        out.reserve(rows->size());
        for (const Row& r : *rows) {
          auto t = FromRow(r);
          if (!t) return t.error();
          out.push_back(std::move(*t));
        }
        return out;
      });
}

core::Result<TokenRecord> SqlTokenStore::Revoke(std::string_view name, const core::Actor& actor,
                                                std::string_view request_id) {
  if (auto c = CheckAccountName(name, "token name"); !c) return c.error();
  return AuditedWrite<TokenRecord>(
      db_, clock_, actor, request_id, [&](Mutation& m) -> core::Result<TokenRecord> {
        const std::string not_found =
            "token '" + std::string(name) + "' not found or already revoked";
        auto before = LoadOne(m.tx(), "name = ?", {std::string(name)});
        if (!before) return before.error();
        if (!*before || (*before)->revoked_at) return core::Error::NotFound(not_found);
        // Guarded: of two instances revoking at once, exactly one changes the row.
        auto changed =
            m.tx().Exec("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                        {m.now_ms(), (*before)->id});
        if (!changed) return changed.error();
        if (*changed == 0) return core::Error::NotFound(not_found);
        TokenRecord after = **before;
        after.revoked_at = m.now();
        if (auto a = m.Record(kEntity, after.name, "revoke", ToJson(**before), ToJson(after)); !a) {
          return a.error();
        }
        return after;
      });
}

core::Result<void> SqlTokenStore::TouchLastUsed(int64_t id, core::TimePoint at) {
  return StampIfStale(db_, "api_tokens", "last_used_at", id, at);
}

}  // namespace opsdeck::store
