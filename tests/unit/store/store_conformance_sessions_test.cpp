// The store conformance suite, part 4: UI sessions (login/logout audited as
// the user, the joined role and disabled flag, rate-limited Touch, expiry
// housekeeping), login throttling, secrets kept out of the audit log, and two
// instances racing on the same account. Runs on SQLite and PostgreSQL
// (instantiated in store_conformance_test.cpp).
#include <barrier>
#include <thread>

#include "conformance_fixture.h"

namespace opsdeck::store::conformance {
namespace {

using core::Role;

class AccountsConformance : public StoreConformance {
 protected:
  void CreateUser(const std::string& name, Role role) {
    auto u = store_->users().Create(name, role, kPasswordHash, actor_, "");
    ASSERT_TRUE(u) << u.error().ToString();
  }
  SessionRecord Login(const std::string& user, int hash, core::TimePoint expires_at) {
    auto s = store_->sessions().Create(user, Hash(hash), kCsrf, expires_at, "req-login");
    EXPECT_TRUE(s) << s.error().ToString();
    return s.value_or(SessionRecord{});
  }
  std::optional<SessionRecord> FindSession(int hash) {
    auto s = store_->sessions().Find(Hash(hash));
    EXPECT_TRUE(s) << s.error().ToString();
    return s.value_or(std::nullopt);
  }
};

TEST_P(AccountsConformance, SessionCreateAndFindJoinUser) {
  Migrate();
  CreateUser("alice", Role::kDevops);
  clock_.Advance(1min);
  const SessionRecord created = Login("alice", 1, kStart + 8h);
  EXPECT_GT(created.id, 0);
  EXPECT_EQ(created.role, Role::kDevops);

  auto s = FindSession(1);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->id, created.id);
  EXPECT_EQ(s->token_hash, Hash(1));
  EXPECT_EQ(s->user, "alice");
  EXPECT_EQ(s->role, Role::kDevops);
  EXPECT_FALSE(s->user_disabled);
  EXPECT_EQ(s->csrf_token, kCsrf);
  EXPECT_EQ(s->created_at, kStart + 1min);
  EXPECT_EQ(s->last_seen_at, kStart + 1min);
  EXPECT_EQ(s->expires_at, kStart + 8h);
  EXPECT_FALSE(FindSession(2));

  // Role and disabled flag are the user's current ones (joined, not copied).
  ASSERT_TRUE(store_->users().SetRole("alice", Role::kAdmin, actor_, ""));
  EXPECT_EQ(FindSession(1)->role, Role::kAdmin);
  ASSERT_TRUE(store_->database().Write([](Tx& tx) -> core::Result<void> {
    auto r = tx.Exec("UPDATE users SET disabled = 1 WHERE name = 'alice'");
    if (!r) return r.error();
    return core::Ok();
  }));
  EXPECT_TRUE(FindSession(1)->user_disabled);

  auto login = AllAudit(*store_, AuditQuery{.entity_type = "session"});
  ASSERT_EQ(login.size(), 1u);
  EXPECT_EQ(login[0].action, "login");
  EXPECT_EQ(login[0].actor.kind, "user");
  EXPECT_EQ(login[0].actor.name, "alice");
  EXPECT_EQ(login[0].entity_id, "alice");
  EXPECT_EQ(login[0].request_id, "req-login");
  EXPECT_EQ(login[0].at, kStart + 1min);
  EXPECT_EQ(login[0].before_json, "null");
  EXPECT_EQ(login[0].after_json, R"({"id":)" + std::to_string(created.id) +
                                     R"(,"user":"alice","role":"devops","expires_at":")" +
                                     core::FormatRfc3339(kStart + 8h) + R"("})");

  // Unknown user, duplicate hash.
  auto nobody = store_->sessions().Create("nobody", Hash(3), kCsrf, kStart + 1h, "");
  ASSERT_FALSE(nobody);
  EXPECT_EQ(nobody.error().code, ErrorCode::kNotFound);
  CreateUser("bob", Role::kViewer);
  auto dup = store_->sessions().Create("bob", Hash(1), kCsrf, kStart + 1h, "");
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM sessions"), 1);
  EXPECT_EQ(AllAudit(*store_, AuditQuery{.entity_type = "session"}).size(), 1u);
}

TEST_P(AccountsConformance, SessionTouchIsRateLimitedAndNotAudited) {
  Migrate();
  CreateUser("alice", Role::kViewer);
  const SessionRecord s = Login("alice", 1, kStart + 8h);
  const int64_t audit_rows = Count(*store_, "SELECT COUNT(*) FROM audit_events");
  const int64_t jobs = store_->Stats().write_jobs;
  for (auto at : {kStart + 1s, kStart + 30s, kStart + 60s}) {
    ASSERT_TRUE(store_->sessions().Touch(s.id, at));
    EXPECT_EQ(FindSession(1)->last_seen_at, kStart);
  }
  EXPECT_EQ(store_->Stats().write_jobs, jobs);  // busy path: reads only
  ASSERT_TRUE(store_->sessions().Touch(s.id, kStart + 61s));
  EXPECT_EQ(FindSession(1)->last_seen_at, kStart + 61s);
  ASSERT_TRUE(store_->sessions().Touch(s.id, kStart + 90s));
  EXPECT_EQ(FindSession(1)->last_seen_at, kStart + 61s);
  EXPECT_EQ(store_->Stats().write_jobs, jobs + 1);
  auto missing = store_->sessions().Touch(s.id + 1000, kStart + 1h);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM audit_events"), audit_rows);
}

TEST_P(AccountsConformance, SessionDeleteIsAuditedAsLogout) {
  Migrate();
  CreateUser("alice", Role::kReleaseManager);
  const SessionRecord s = Login("alice", 1, kStart + 8h);
  Login("alice", 2, kStart + 8h);
  clock_.Advance(5min);
  auto d = store_->sessions().Delete(Hash(1), "req-logout");
  ASSERT_TRUE(d) << d.error().ToString();
  EXPECT_FALSE(FindSession(1));
  EXPECT_TRUE(FindSession(2));  // other sessions of the user stay
  auto again = store_->sessions().Delete(Hash(1), "");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound);

  auto audit = AllAudit(*store_, AuditQuery{.entity_type = "session"});
  ASSERT_EQ(audit.size(), 3u);
  EXPECT_EQ(audit[0].action, "logout");
  EXPECT_EQ(audit[0].actor.ToString(), "user:alice");
  EXPECT_EQ(audit[0].entity_id, "alice");
  EXPECT_EQ(audit[0].request_id, "req-logout");
  EXPECT_EQ(audit[0].at, kStart + 5min);
  EXPECT_EQ(audit[0].after_json, "null");
  EXPECT_EQ(audit[0].before_json, R"({"id":)" + std::to_string(s.id) +
                                      R"(,"user":"alice","role":"release-manager","expires_at":")" +
                                      core::FormatRfc3339(kStart + 8h) + R"("})");
}

TEST_P(AccountsConformance, SessionDeleteExpiredAbsoluteAndIdle) {
  Migrate();
  CreateUser("alice", Role::kViewer);
  Login("alice", 1, kStart + 1h);   // absolute expiry passes
  Login("alice", 2, kStart + 10h);  // idle since kStart
  const SessionRecord busy = Login("alice", 3, kStart + 10h);
  Login("alice", 4, kStart + 2h);  // expires exactly at `now`
  ASSERT_TRUE(store_->sessions().Touch(busy.id, kStart + 90min));
  const int64_t audit_rows = Count(*store_, "SELECT COUNT(*) FROM audit_events");

  auto bad = store_->sessions().DeleteExpired(kStart + 2h, 0ms);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM sessions"), 4);

  // Absolute expiry alone (a long idle limit): expires_at <= now.
  auto n = store_->sessions().DeleteExpired(kStart + 2h, 24h);
  ASSERT_TRUE(n) << n.error().ToString();
  EXPECT_EQ(*n, 2);
  EXPECT_FALSE(FindSession(1));
  EXPECT_TRUE(FindSession(2));
  EXPECT_FALSE(FindSession(4));
  // Idle: last seen at or before now - idle.
  n = store_->sessions().DeleteExpired(kStart + 2h, 1h);
  ASSERT_TRUE(n) << n.error().ToString();
  EXPECT_EQ(*n, 1);
  EXPECT_FALSE(FindSession(2));
  EXPECT_TRUE(FindSession(3));
  // Idle for exactly `idle` counts as idle.
  n = store_->sessions().DeleteExpired(kStart + 150min, 1h);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 1);
  n = store_->sessions().DeleteExpired(kStart + 150min, 1h);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 0);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM audit_events"), audit_rows);  // housekeeping
}

TEST_P(AccountsConformance, ThrottleRecordCountClearAndPrune) {
  Migrate();
  auto& th = store_->throttle();
  for (auto at : {kStart, kStart + 1min, kStart + 2min})
    ASSERT_TRUE(th.RecordFailure("user:alice", at));
  ASSERT_TRUE(th.RecordFailure("addr:192.0.2.7", kStart));
  ASSERT_TRUE(th.RecordFailure("addr:2001:db8::1", kStart + 1min));
  ASSERT_TRUE(th.RecordFailure("user:?", kStart));

  EXPECT_EQ(th.CountFailures("user:alice", kStart).value_or(-1), 3);
  EXPECT_EQ(th.CountFailures("user:alice", kStart + 1min).value_or(-1), 2);  // at >= since
  EXPECT_EQ(th.CountFailures("user:alice", kStart + 3min).value_or(-1), 0);
  EXPECT_EQ(th.CountFailures("addr:192.0.2.7", kStart).value_or(-1), 1);
  EXPECT_EQ(th.CountFailures("addr:2001:db8::1", kStart).value_or(-1), 1);
  EXPECT_EQ(th.CountFailures("user:bob", kStart).value_or(-1), 0);

  ASSERT_TRUE(th.Clear("user:alice"));
  EXPECT_EQ(th.CountFailures("user:alice", kStart).value_or(-1), 0);
  EXPECT_EQ(th.CountFailures("addr:192.0.2.7", kStart).value_or(-1), 1);
  const int64_t jobs = store_->Stats().write_jobs;
  ASSERT_TRUE(th.Clear("user:alice"));  // nothing to clear: no write
  EXPECT_EQ(store_->Stats().write_jobs, jobs);

  auto pruned = th.DeleteOlderThan(kStart + 1min);
  ASSERT_TRUE(pruned) << pruned.error().ToString();
  EXPECT_EQ(*pruned, 2);  // the two at kStart; at == before stays
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM login_failures"), 1);

  for (const std::string& key : {std::string(), std::string("a\0b", 3), std::string("\xff"),
                                 std::string("line\nbreak"), std::string(257, 'k')}) {
    EXPECT_EQ(th.RecordFailure(key, kStart).error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(th.CountFailures(key, kStart).error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(th.Clear(key).error().code, ErrorCode::kInvalidArgument);
  }
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM login_failures"), 1);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM audit_events"), 0);
}

TEST_P(AccountsConformance, AuditLogNeverHoldsSecrets) {
  Migrate();
  auto& users = store_->users();
  ASSERT_TRUE(users.Create("alice", Role::kAdmin, kPasswordHash, actor_, "r1"));
  ASSERT_TRUE(users.SetPasswordHash("alice", kPasswordHash2, actor_, "r2"));
  ASSERT_TRUE(store_->tokens().Create("ci", Role::kDevops, Hash(7), kStart + 1h, actor_, "r3"));
  ASSERT_TRUE(store_->tokens().Revoke("ci", actor_, "r4"));
  Login("alice", 8, kStart + 1h);
  ASSERT_TRUE(store_->sessions().Delete(Hash(8), "r5"));
  Login("alice", 9, kStart + 1h);
  ASSERT_TRUE(users.SetDisabled("alice", true, actor_, "r6"));

  std::vector<std::string> seen;
  for (const auto& e : AllAudit(*store_)) {
    seen.push_back(e.actor.ToString() + " " + e.entity_type + "/" + e.entity_id + " " + e.action);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "user:alice user/alice disable", "user:alice session/alice login",
                      "user:alice session/alice logout", "user:alice session/alice login",
                      "user:alice token/ci revoke", "user:alice token/ci create",
                      "user:alice user/alice set-password", "user:alice user/alice create"}));
  const std::string text = AuditTableText(*store_);
  for (const std::string& secret :
       {kPasswordHash, kPasswordHash2, Hash(7), Hash(8), Hash(9), kCsrf}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret;
  }
  EXPECT_EQ(text.find("$argon2"), std::string::npos);
  EXPECT_EQ(text.find("hash\""), std::string::npos);  // no *_hash keys at all
}

TEST_P(AccountsConformance, TwoInstancesRaceOnOneAccount) {
  auto second = backend_->Open(clock_);
  ASSERT_TRUE(second) << second.error().ToString();
  std::unique_ptr<SqlStore> other = std::move(*second);
  Migrate();
  ASSERT_TRUE(store_->tokens().Create("ci", Role::kViewer, Hash(1), std::nullopt, actor_, ""));
  CreateUser("alice", Role::kViewer);

  std::barrier start(2);
  std::vector<core::Result<UserRecord>> created(2, core::Error::Internal("not run"));
  std::vector<core::Result<TokenRecord>> revoked(2, core::Error::Internal("not run"));
  auto run = [&](Store& s, int who) {
    start.arrive_and_wait();
    created[who] = s.users().Create("bob", Role::kViewer, "", actor_, "");
    revoked[who] = s.tokens().Revoke("ci", actor_, "");
    auto login = s.sessions().Create("alice", Hash(10 + who), kCsrf, kStart + 1h, "");
    EXPECT_TRUE(login) << login.error().ToString();
  };
  std::thread a(run, std::ref(static_cast<Store&>(*store_)), 0);
  std::thread b(run, std::ref(static_cast<Store&>(*other)), 1);
  a.join();
  b.join();
  EXPECT_NE(static_cast<bool>(created[0]), static_cast<bool>(created[1]));
  const auto& lost = created[0] ? created[1] : created[0];
  EXPECT_EQ(lost.error().code, ErrorCode::kConflict) << lost.error().ToString();
  EXPECT_NE(static_cast<bool>(revoked[0]), static_cast<bool>(revoked[1]));
  const auto& late = revoked[0] ? revoked[1] : revoked[0];
  EXPECT_EQ(late.error().code, ErrorCode::kNotFound) << late.error().ToString();
  EXPECT_EQ(AllAudit(*store_, AuditQuery{.entity_type = "user", .entity_id = "bob"}).size(), 1u);
  EXPECT_EQ(AllAudit(*store_, AuditQuery{.entity_type = "token", .action = "revoke"}).size(), 1u);

  // Disabling on one instance removes the sessions made on both.
  ASSERT_TRUE(other->users().SetDisabled("alice", true, actor_, ""));
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM sessions"), 0);
  other->Close();
}

INSTANTIATE_TEST_SUITE_P(Backends, AccountsConformance,
                         ::testing::Values(testing::kSqlite, testing::kPostgres),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace opsdeck::store::conformance
