// Storage for accounts: users, API tokens, UI sessions and login-failure
// counts. Same failure rule and thread-safety as store.h: every call returns a
// core::Result, may be called from any thread, and blocks on the database.
// Secrets are never stored in clear: passwords as argon2id strings, tokens and
// session ids as hex SHA-256 (the caller hashes). Every change made by a
// person goes through the audited write path with the given actor.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/audit.h"
#include "core/clock.h"
#include "core/result.h"
#include "core/role.h"

namespace opsdeck::store {

struct UserRecord {
  int64_t id = 0;
  std::string name;
  core::Role role = core::Role::kViewer;
  std::string password_hash;  // argon2id encoded; empty: no password login
  bool disabled = false;
  core::TimePoint created_at{};
  core::TimePoint updated_at{};
};

class UserStore {
 public:
  virtual ~UserStore() = default;
  // kConflict when the name exists. Audited (entity "user"; before/after never
  // contain the hash, only whether a password is set).
  virtual core::Result<UserRecord> Create(std::string_view name, core::Role role,
                                          std::string_view password_hash,
                                          const core::Actor& actor,
                                          std::string_view request_id) = 0;
  virtual core::Result<std::optional<UserRecord>> Find(std::string_view name) = 0;
  virtual core::Result<std::vector<UserRecord>> List() = 0;  // by name
  // kNotFound when absent. Audited. Disabling also deletes the user's sessions.
  virtual core::Result<UserRecord> SetRole(std::string_view name, core::Role role,
                                           const core::Actor& actor,
                                           std::string_view request_id) = 0;
  virtual core::Result<UserRecord> SetDisabled(std::string_view name, bool disabled,
                                               const core::Actor& actor,
                                               std::string_view request_id) = 0;
  // kNotFound when absent. Audited. Setting or clearing the password also
  // deletes the user's sessions (in the same transaction).
  virtual core::Result<void> SetPasswordHash(std::string_view name, std::string_view hash,
                                             const core::Actor& actor,
                                             std::string_view request_id) = 0;
};

struct TokenRecord {
  int64_t id = 0;
  std::string name;
  std::string token_hash;  // hex SHA-256 of the token
  core::Role role = core::Role::kViewer;
  std::string created_by;  // actor string
  core::TimePoint created_at{};
  std::optional<core::TimePoint> expires_at;
  std::optional<core::TimePoint> last_used_at;
  std::optional<core::TimePoint> revoked_at;
};

class TokenStore {
 public:
  virtual ~TokenStore() = default;
  // kConflict when the name (or hash) exists. Audited (entity "token"; never the hash).
  virtual core::Result<TokenRecord> Create(std::string_view name, core::Role role,
                                           std::string_view token_hash,
                                           std::optional<core::TimePoint> expires_at,
                                           const core::Actor& actor,
                                           std::string_view request_id) = 0;
  // Any token with that hash, revoked or expired ones included (the caller decides).
  virtual core::Result<std::optional<TokenRecord>> FindByHash(std::string_view token_hash) = 0;
  virtual core::Result<std::vector<TokenRecord>> List() = 0;  // by name, revoked included
  // kNotFound when absent or already revoked. Audited.
  virtual core::Result<TokenRecord> Revoke(std::string_view name, const core::Actor& actor,
                                           std::string_view request_id) = 0;
  // Not audited (bookkeeping, not a change by a person). Writes only when the
  // stored value is older than `at` - 60 s, so a busy token costs no write per request.
  virtual core::Result<void> TouchLastUsed(int64_t id, core::TimePoint at) = 0;
};

struct SessionRecord {
  int64_t id = 0;
  std::string token_hash;  // hex SHA-256 of the cookie value
  std::string user;        // user name
  core::Role role = core::Role::kViewer;  // the user's current role (joined)
  bool user_disabled = false;             // joined from users
  std::string csrf_token;  // random, per session; sent in forms and X-CSRF-Token
  core::TimePoint created_at{};
  core::TimePoint last_seen_at{};
  core::TimePoint expires_at{};  // absolute expiry
};

class SessionStore {
 public:
  virtual ~SessionStore() = default;
  // Audited as the user's "login" (entity "session", id = user name).
  virtual core::Result<SessionRecord> Create(std::string_view user, std::string_view token_hash,
                                             std::string_view csrf_token,
                                             core::TimePoint expires_at,
                                             std::string_view request_id) = 0;
  virtual core::Result<std::optional<SessionRecord>> Find(std::string_view token_hash) = 0;
  // Bookkeeping, not audited; writes only when last_seen_at is older than at - 60 s.
  virtual core::Result<void> Touch(int64_t id, core::TimePoint at) = 0;
  // Logout: audited as "logout" by the user. kNotFound when absent.
  virtual core::Result<void> Delete(std::string_view token_hash, std::string_view request_id) = 0;
  // Housekeeping: removes sessions past absolute expiry or idle for `idle`.
  virtual core::Result<int> DeleteExpired(core::TimePoint now, core::Duration idle) = 0;
};

// Failed logins, counted per key ("user:alice", "addr:192.0.2.7") in the
// database, so throttling holds across several instances.
class ThrottleStore {
 public:
  virtual ~ThrottleStore() = default;
  virtual core::Result<void> RecordFailure(std::string_view key, core::TimePoint at) = 0;
  // Failures for `key` at or after `since`.
  virtual core::Result<int> CountFailures(std::string_view key, core::TimePoint since) = 0;
  // After a successful login (for the user key), and housekeeping (older than `before`).
  virtual core::Result<void> Clear(std::string_view key) = 0;
  virtual core::Result<int> DeleteOlderThan(core::TimePoint before) = 0;
};

}  // namespace opsdeck::store
