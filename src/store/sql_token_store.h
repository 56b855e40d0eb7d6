// TokenStore over a Database, written once for both backends. Create and
// Revoke are AuditedWrites (entity "token", id = the token name; actions
// "create", "revoke"); the before/after JSON is {"name","role","created_by",
// "expires_at","revoked_at"}, never the hash. TouchLastUsed is bookkeeping:
// not audited, and a read-only check skips the write while last_used_at is
// fresher than 60 s.
// Thread-safety: safe from any thread; holds no mutable state.
#pragma once

#include "core/clock.h"
#include "store/auth_stores.h"
#include "store/database.h"

namespace opsdeck::store {

class SqlTokenStore final : public TokenStore {
 public:
  SqlTokenStore(Database& db, const core::Clock& clock) : db_(db), clock_(clock) {}

  // created_by is actor.ToString() ("user:alice"). The hash must be 64
  // lowercase hex digits (kInvalidArgument otherwise).
  core::Result<TokenRecord> Create(std::string_view name, core::Role role,
                                   std::string_view token_hash,
                                   std::optional<core::TimePoint> expires_at,
                                   const core::Actor& actor, std::string_view request_id) override;
  core::Result<std::optional<TokenRecord>> FindByHash(std::string_view token_hash) override;
  core::Result<std::vector<TokenRecord>> List() override;
  core::Result<TokenRecord> Revoke(std::string_view name, const core::Actor& actor,
                                   std::string_view request_id) override;
  // kNotFound when no token has that id.
  core::Result<void> TouchLastUsed(int64_t id, core::TimePoint at) override;

 private:
  Database& db_;
  const core::Clock& clock_;
};

}  // namespace opsdeck::store
