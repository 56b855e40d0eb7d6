// UserStore over a Database, written once for both backends. Every change is
// one AuditedWrite (entity "user", id = the user name; actions "create",
// "set-role", "disable", "enable", "set-password", "clear-password"); the
// before/after JSON is {"name","role","disabled","has_password"}, never the
// hash. Changes to one user serialise across instances (LockUser). A change
// that changes nothing (same role, already disabled) writes no audit row.
// Thread-safety: safe from any thread; holds no mutable state.
#pragma once

#include "core/clock.h"
#include "store/auth_stores.h"
#include "store/database.h"

namespace opsdeck::store {

class SqlUserStore final : public UserStore {
 public:
  SqlUserStore(Database& db, const core::Clock& clock) : db_(db), clock_(clock) {}

  // The password hash is empty or "$argon2id$..." (anything else, such as a
  // clear password passed by mistake, is kInvalidArgument).
  core::Result<UserRecord> Create(std::string_view name, core::Role role,
                                  std::string_view password_hash, const core::Actor& actor,
                                  std::string_view request_id) override;
  // A malformed name is kInvalidArgument (no such user can exist).
  core::Result<std::optional<UserRecord>> Find(std::string_view name) override;
  core::Result<std::vector<UserRecord>> List() override;
  core::Result<UserRecord> SetRole(std::string_view name, core::Role role, const core::Actor& actor,
                                   std::string_view request_id) override;
  // SetDisabled(true) deletes every session of the user in the same transaction.
  core::Result<UserRecord> SetDisabled(std::string_view name, bool disabled,
                                       const core::Actor& actor,
                                       std::string_view request_id) override;
  // An empty hash removes password login ("clear-password").
  core::Result<void> SetPasswordHash(std::string_view name, std::string_view hash,
                                     const core::Actor& actor,
                                     std::string_view request_id) override;

 private:
  Database& db_;
  const core::Clock& clock_;
};

}  // namespace opsdeck::store
