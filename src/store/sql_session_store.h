// SessionStore over a Database, written once for both backends. Create and
// Delete are audited as the session's user (actor user:<name>, entity
// "session", id = the user name, actions "login" / "logout"); the JSON is
// {"id","user","role","expires_at"}, never the session hash or CSRF token.
// Touch and DeleteExpired are bookkeeping and not audited; Touch skips the
// write while last_seen_at is fresher than 60 s.
// Thread-safety: safe from any thread; holds no mutable state.
#pragma once

#include "core/clock.h"
#include "store/auth_stores.h"
#include "store/database.h"

namespace opsdeck::store {

class SqlSessionStore final : public SessionStore {
 public:
  SqlSessionStore(Database& db, const core::Clock& clock) : db_(db), clock_(clock) {}

  // created_at and last_seen_at are the Clock's now. kNotFound when the user
  // does not exist, kPermissionDenied when it is disabled (checked under the
  // user's lock, so it cannot race SetDisabled), kConflict on a duplicate
  // hash. The hash is 64 lowercase hex digits, the CSRF token 16..256
  // printable ASCII characters (kInvalidArgument otherwise).
  core::Result<SessionRecord> Create(std::string_view user, std::string_view token_hash,
                                     std::string_view csrf_token, core::TimePoint expires_at,
                                     std::string_view request_id) override;
  // Expired, idle and disabled-user sessions are returned too: the caller
  // checks expires_at, last_seen_at and user_disabled.
  core::Result<std::optional<SessionRecord>> Find(std::string_view token_hash) override;
  // kNotFound when no session has that id.
  core::Result<void> Touch(int64_t id, core::TimePoint at) override;
  core::Result<void> Delete(std::string_view token_hash, std::string_view request_id) override;
  // Deletes sessions with expires_at <= now or last seen at or before
  // now - idle. `idle` must be positive (kInvalidArgument otherwise).
  core::Result<int> DeleteExpired(core::TimePoint now, core::Duration idle) override;

 private:
  Database& db_;
  const core::Clock& clock_;
};

}  // namespace opsdeck::store
