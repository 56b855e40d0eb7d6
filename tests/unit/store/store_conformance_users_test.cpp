// The store conformance suite, part 3: users and API tokens (create, find,
// list, role, disable, password, revoke, last-used bookkeeping), their audit
// rows, and hostile input refused without changing anything. Runs on SQLite
// and PostgreSQL (instantiated in store_conformance_test.cpp).
#include "conformance_fixture.h"

namespace opsdeck::store::conformance {
namespace {

using core::Role;

// dave (devops) signed in twice (sessions Hash(1), Hash(2)), erin (viewer)
// once (Hash(3)); both with kPasswordHash.
void SignInDaveTwiceAndErinOnce(SqlStore& store, const core::Actor& actor) {
  ASSERT_TRUE(store.users().Create("dave", Role::kDevops, kPasswordHash, actor, ""));
  ASSERT_TRUE(store.users().Create("erin", Role::kViewer, kPasswordHash, actor, ""));
  ASSERT_TRUE(store.sessions().Create("dave", Hash(1), kCsrf, kStart + 1h, ""));
  ASSERT_TRUE(store.sessions().Create("dave", Hash(2), kCsrf, kStart + 1h, ""));
  ASSERT_TRUE(store.sessions().Create("erin", Hash(3), kCsrf, kStart + 1h, ""));
}

TEST_P(StoreConformance, UserCreateFindListAudited) {
  Migrate();
  auto& users = store_->users();
  auto carol = users.Create("carol", Role::kViewer, "", actor_, "req-0");
  ASSERT_TRUE(carol) << carol.error().ToString();
  EXPECT_TRUE(carol->password_hash.empty());
  clock_.Advance(1min);
  auto alice = users.Create("alice", Role::kAdmin, kPasswordHash, actor_, "req-1");
  ASSERT_TRUE(alice) << alice.error().ToString();
  EXPECT_GT(alice->id, 0);
  EXPECT_NE(alice->id, carol->id);
  EXPECT_EQ(alice->created_at, kStart + 1min);

  auto found = users.Find("alice");
  ASSERT_TRUE(found) << found.error().ToString();
  ASSERT_TRUE(*found);
  EXPECT_EQ((*found)->id, alice->id);
  EXPECT_EQ((*found)->name, "alice");
  EXPECT_EQ((*found)->role, Role::kAdmin);
  EXPECT_EQ((*found)->password_hash, kPasswordHash);
  EXPECT_FALSE((*found)->disabled);
  EXPECT_EQ((*found)->created_at, kStart + 1min);
  EXPECT_EQ((*found)->updated_at, kStart + 1min);
  auto missing = users.Find("nobody");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
  auto no_password = users.Find("carol");
  ASSERT_TRUE(no_password && *no_password);
  EXPECT_TRUE((*no_password)->password_hash.empty());

  auto dup = users.Create("alice", Role::kViewer, "", actor_, "req-2");
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);

  auto list = users.List();
  ASSERT_TRUE(list) << list.error().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ(list->at(0).name, "alice");
  EXPECT_EQ(list->at(1).name, "carol");

  auto audit = AllAudit(*store_, AuditQuery{.entity_type = "user"});
  ASSERT_EQ(audit.size(), 2u);  // the duplicate wrote nothing
  EXPECT_EQ(audit[0].entity_id, "alice");
  EXPECT_EQ(audit[0].action, "create");
  EXPECT_EQ(audit[0].actor.ToString(), "user:alice");
  EXPECT_EQ(audit[0].request_id, "req-1");
  EXPECT_EQ(audit[0].before_json, "null");
  EXPECT_EQ(audit[0].after_json,
            R"({"name":"alice","role":"admin","disabled":false,"has_password":true})");
  EXPECT_EQ(audit[1].after_json,
            R"({"name":"carol","role":"viewer","disabled":false,"has_password":false})");
  EXPECT_EQ(AuditTableText(*store_).find(kPasswordHash), std::string::npos);
}

TEST_P(StoreConformance, UserSetRoleAndPasswordAreAudited) {
  Migrate();
  auto& users = store_->users();
  ASSERT_TRUE(users.Create("bob", Role::kViewer, kPasswordHash, actor_, ""));
  clock_.Advance(1min);

  auto r = users.SetRole("bob", Role::kReleaseManager, actor_, "req-role");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->role, Role::kReleaseManager);
  EXPECT_EQ(r->updated_at, kStart + 1min);
  EXPECT_EQ(r->created_at, kStart);
  EXPECT_EQ(users.Find("bob")->value().role, Role::kReleaseManager);
  auto audit = AllAudit(*store_, AuditQuery{.entity_id = "bob"});
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[0].action, "set-role");
  EXPECT_EQ(audit[0].request_id, "req-role");
  EXPECT_EQ(audit[0].before_json,
            R"({"name":"bob","role":"viewer","disabled":false,"has_password":true})");
  EXPECT_EQ(audit[0].after_json,
            R"({"name":"bob","role":"release-manager","disabled":false,"has_password":true})");

  // The same role again changes nothing and audits nothing.
  ASSERT_TRUE(users.SetRole("bob", Role::kReleaseManager, actor_, ""));
  EXPECT_EQ(AllAudit(*store_, AuditQuery{.entity_id = "bob"}).size(), 2u);

  auto pw = users.SetPasswordHash("bob", kPasswordHash2, actor_, "req-pw");
  ASSERT_TRUE(pw) << pw.error().ToString();
  EXPECT_EQ(users.Find("bob")->value().password_hash, kPasswordHash2);
  auto cleared = users.SetPasswordHash("bob", "", actor_, "req-clear");
  ASSERT_TRUE(cleared) << cleared.error().ToString();
  EXPECT_TRUE(users.Find("bob")->value().password_hash.empty());
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM users WHERE password_hash IS NULL"), 1);
  audit = AllAudit(*store_, AuditQuery{.entity_id = "bob"});
  ASSERT_EQ(audit.size(), 4u);
  EXPECT_EQ(audit[1].action, "set-password");
  EXPECT_EQ(audit[1].after_json,
            R"({"name":"bob","role":"release-manager","disabled":false,"has_password":true})");
  EXPECT_EQ(audit[0].action, "clear-password");
  EXPECT_EQ(audit[0].after_json,
            R"({"name":"bob","role":"release-manager","disabled":false,"has_password":false})");

  // Missing users, and a clear password passed by mistake.
  auto missing = users.SetRole("nobody", Role::kAdmin, actor_, "");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  auto missing_pw = users.SetPasswordHash("nobody", kPasswordHash, actor_, "");
  ASSERT_FALSE(missing_pw);
  EXPECT_EQ(missing_pw.error().code, ErrorCode::kNotFound);
  auto clear_text = users.SetPasswordHash("bob", "hunter2", actor_, "");
  ASSERT_FALSE(clear_text);
  EXPECT_EQ(clear_text.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(AllAudit(*store_).size(), 4u);
  const std::string text = AuditTableText(*store_);
  EXPECT_EQ(text.find(kPasswordHash), std::string::npos);
  EXPECT_EQ(text.find(kPasswordHash2), std::string::npos);
  EXPECT_EQ(text.find("argon2"), std::string::npos);
}

TEST_P(StoreConformance, UserDisableRemovesSessionsAndEnableRestoresLogin) {
  Migrate();
  auto& users = store_->users();
  ASSERT_NO_FATAL_FAILURE(SignInDaveTwiceAndErinOnce(*store_, actor_));

  auto d = users.SetDisabled("dave", true, actor_, "req-off");
  ASSERT_TRUE(d) << d.error().ToString();
  EXPECT_TRUE(d->disabled);
  EXPECT_TRUE(users.Find("dave")->value().disabled);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM sessions"), 1);  // erin's stays
  EXPECT_FALSE(store_->sessions().Find(Hash(1)).value());
  EXPECT_TRUE(store_->sessions().Find(Hash(3)).value());
  auto audit = AllAudit(*store_, AuditQuery{.entity_type = "user", .entity_id = "dave"});
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[0].action, "disable");
  EXPECT_EQ(audit[0].actor.ToString(), "user:alice");
  EXPECT_EQ(audit[0].after_json,
            R"({"name":"dave","role":"devops","disabled":true,"has_password":true})");

  // A disabled user cannot log in; disabling again audits nothing.
  auto login = store_->sessions().Create("dave", Hash(4), kCsrf, kStart + 1h, "");
  ASSERT_FALSE(login);
  EXPECT_EQ(login.error().code, ErrorCode::kPermissionDenied);
  ASSERT_TRUE(users.SetDisabled("dave", true, actor_, ""));
  EXPECT_EQ(AllAudit(*store_, AuditQuery{.entity_type = "user", .entity_id = "dave"}).size(), 2u);

  auto e = users.SetDisabled("dave", false, actor_, "req-on");
  ASSERT_TRUE(e) << e.error().ToString();
  EXPECT_FALSE(e->disabled);
  EXPECT_EQ(AllAudit(*store_, AuditQuery{.entity_type = "user", .entity_id = "dave"})[0].action,
            "enable");
  EXPECT_TRUE(store_->sessions().Create("dave", Hash(4), kCsrf, kStart + 1h, ""));

  auto missing = users.SetDisabled("nobody", true, actor_, "");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_P(StoreConformance, PasswordChangeEndsTheUsersSessions) {
  Migrate();
  auto& users = store_->users();
  ASSERT_NO_FATAL_FAILURE(SignInDaveTwiceAndErinOnce(*store_, actor_));

  auto pw = users.SetPasswordHash("dave", kPasswordHash2, actor_, "req-pw");
  ASSERT_TRUE(pw) << pw.error().ToString();
  EXPECT_FALSE(store_->sessions().Find(Hash(1)).value());
  EXPECT_FALSE(store_->sessions().Find(Hash(2)).value());
  EXPECT_TRUE(store_->sessions().Find(Hash(3)).value());  // erin's stays
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM sessions"), 1);

  // Signing in again works; clearing the password ends that session too.
  ASSERT_TRUE(store_->sessions().Create("dave", Hash(4), kCsrf, kStart + 1h, ""));
  ASSERT_TRUE(users.SetPasswordHash("dave", "", actor_, "req-clear"));
  EXPECT_FALSE(store_->sessions().Find(Hash(4)).value());

  // A refused change (a clear-text password passed by mistake) ends nothing.
  ASSERT_TRUE(store_->sessions().Create("erin", Hash(5), kCsrf, kStart + 1h, ""));
  auto clear_text = users.SetPasswordHash("erin", "hunter2", actor_, "");
  ASSERT_FALSE(clear_text);
  EXPECT_EQ(clear_text.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(store_->sessions().Find(Hash(5)).value());
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM sessions"), 2);
}

TEST_P(StoreConformance, HostileAccountNamesAreRefusedAndChangeNothing) {
  Migrate();
  auto& users = store_->users();
  auto& tokens = store_->tokens();
  ASSERT_TRUE(users.Create("victim", Role::kViewer, "", actor_, ""));
  const int64_t audit_before = Count(*store_, "SELECT COUNT(*) FROM audit_events");
  const std::vector<std::string> bad = {"",
                                        std::string("nul\0byte", 8),
                                        "with space",
                                        "ü",
                                        std::string(65, 'a'),
                                        "a/b",
                                        "a'b",
                                        "x'; DROP TABLE users; --",
                                        "<script>",
                                        "line\nbreak",
                                        "a:b",
                                        "tab\t",
                                        "\xff\xfe",
                                        "victim "};
  for (const std::string& name : bad) {
    SCOPED_TRACE(::testing::PrintToString(name));
    auto u = users.Create(name, Role::kAdmin, "", actor_, "");
    ASSERT_FALSE(u);
    EXPECT_EQ(u.error().code, ErrorCode::kInvalidArgument);
    auto f = users.Find(name);
    ASSERT_FALSE(f);
    EXPECT_EQ(f.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(users.SetRole(name, Role::kAdmin, actor_, "").error().code,
              ErrorCode::kInvalidArgument);
    EXPECT_EQ(users.SetDisabled(name, true, actor_, "").error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(users.SetPasswordHash(name, "", actor_, "").error().code,
              ErrorCode::kInvalidArgument);
    EXPECT_EQ(tokens.Create(name, Role::kAdmin, Hash(1), std::nullopt, actor_, "").error().code,
              ErrorCode::kInvalidArgument);
    EXPECT_EQ(tokens.Revoke(name, actor_, "").error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(store_->sessions().Create(name, Hash(1), kCsrf, kStart + 1h, "").error().code,
              ErrorCode::kInvalidArgument);
  }
  // Bad hashes: empty, upper case, too short, a clear token, NUL.
  for (const std::string& hash : {std::string(), std::string(64, 'A'), Hash(1).substr(1),
                                  std::string("my-secret-token"), Hash(1).substr(1) + '\0'}) {
    EXPECT_EQ(tokens.Create("ci", Role::kViewer, hash, std::nullopt, actor_, "").error().code,
              ErrorCode::kInvalidArgument);
    EXPECT_EQ(tokens.FindByHash(hash).error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(store_->sessions().Create("victim", hash, kCsrf, kStart + 1h, "").error().code,
              ErrorCode::kInvalidArgument);
  }
  EXPECT_EQ(store_->sessions().Create("victim", Hash(1), "short", kStart + 1h, "").error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(users.Create("eve", Role::kViewer, "plain-password", actor_, "").error().code,
            ErrorCode::kInvalidArgument);
  // A NUL in the request id is refused by the seam; the whole change rolls back.
  EXPECT_EQ(users.Create("eve", Role::kViewer, "", actor_, std::string("r\0", 2)).error().code,
            ErrorCode::kInvalidArgument);

  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM users"), 1);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM api_tokens"), 0);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM sessions"), 0);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM audit_events"), audit_before);
  auto victim = users.Find("victim");
  ASSERT_TRUE(victim && *victim);
  EXPECT_EQ((*victim)->role, Role::kViewer);
  EXPECT_FALSE((*victim)->disabled);

  // The edges that are allowed: 64 characters, and every permitted symbol.
  EXPECT_TRUE(users.Create(std::string(64, 'z'), Role::kViewer, "", actor_, ""));
  EXPECT_TRUE(users.Create("A.b_c@d-9", Role::kViewer, "", actor_, ""));
}

TEST_P(StoreConformance, TokenCreateFindRevokeList) {
  Migrate();
  auto& tokens = store_->tokens();
  const core::TimePoint expiry = kStart + 24h * 30;
  auto ci = tokens.Create("ci-deploy", Role::kDevops, Hash(10), expiry, actor_, "req-t1");
  ASSERT_TRUE(ci) << ci.error().ToString();
  EXPECT_GT(ci->id, 0);
  EXPECT_EQ(ci->created_by, "user:alice");
  ASSERT_TRUE(tokens.Create("backup", Role::kViewer, Hash(11), std::nullopt, actor_, ""));

  auto found = tokens.FindByHash(Hash(10));
  ASSERT_TRUE(found) << found.error().ToString();
  ASSERT_TRUE(*found);
  const TokenRecord& t = **found;
  EXPECT_EQ(t.id, ci->id);
  EXPECT_EQ(t.name, "ci-deploy");
  EXPECT_EQ(t.token_hash, Hash(10));
  EXPECT_EQ(t.role, Role::kDevops);
  EXPECT_EQ(t.created_by, "user:alice");
  EXPECT_EQ(t.created_at, kStart);
  EXPECT_EQ(t.expires_at, expiry);
  EXPECT_FALSE(t.last_used_at);
  EXPECT_FALSE(t.revoked_at);
  EXPECT_FALSE(tokens.FindByHash(Hash(11))->value().expires_at);
  EXPECT_FALSE(tokens.FindByHash(Hash(99)).value());

  auto dup_name = tokens.Create("ci-deploy", Role::kViewer, Hash(12), std::nullopt, actor_, "");
  ASSERT_FALSE(dup_name);
  EXPECT_EQ(dup_name.error().code, ErrorCode::kConflict);
  auto dup_hash = tokens.Create("other", Role::kViewer, Hash(10), std::nullopt, actor_, "");
  ASSERT_FALSE(dup_hash);
  EXPECT_EQ(dup_hash.error().code, ErrorCode::kConflict);
  EXPECT_EQ(dup_hash.error().message.find(Hash(10)), std::string::npos);

  clock_.Advance(1h);
  auto revoked = tokens.Revoke("ci-deploy", actor_, "req-t2");
  ASSERT_TRUE(revoked) << revoked.error().ToString();
  EXPECT_EQ(revoked->revoked_at, kStart + 1h);
  found = tokens.FindByHash(Hash(10));  // revoked tokens are still found: the caller decides
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->revoked_at, kStart + 1h);
  EXPECT_EQ((*found)->expires_at, expiry);
  auto again = tokens.Revoke("ci-deploy", actor_, "");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(tokens.Revoke("nope", actor_, "").error().code, ErrorCode::kNotFound);

  auto list = tokens.List();
  ASSERT_TRUE(list) << list.error().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ(list->at(0).name, "backup");
  EXPECT_EQ(list->at(1).name, "ci-deploy");
  EXPECT_TRUE(list->at(1).revoked_at);

  auto audit = AllAudit(*store_, AuditQuery{.entity_type = "token"});
  ASSERT_EQ(audit.size(), 3u);
  EXPECT_EQ(audit[0].action, "revoke");
  EXPECT_EQ(audit[0].entity_id, "ci-deploy");
  EXPECT_EQ(audit[0].request_id, "req-t2");
  const std::string expires = core::FormatRfc3339(expiry);
  EXPECT_EQ(audit[0].before_json,
            R"({"name":"ci-deploy","role":"devops","created_by":"user:alice","expires_at":")" +
                expires + R"(","revoked_at":null})");
  EXPECT_EQ(audit[0].after_json,
            R"({"name":"ci-deploy","role":"devops","created_by":"user:alice","expires_at":")" +
                expires + R"(","revoked_at":")" + core::FormatRfc3339(kStart + 1h) + R"("})");
  EXPECT_EQ(audit[2].action, "create");
  EXPECT_EQ(audit[2].before_json, "null");
  const std::string text = AuditTableText(*store_);
  for (int n : {10, 11, 12}) EXPECT_EQ(text.find(Hash(n)), std::string::npos) << n;
}

TEST_P(StoreConformance, TokenTouchLastUsedIsRateLimitedAndNotAudited) {
  Migrate();
  auto& tokens = store_->tokens();
  auto t = tokens.Create("ci", Role::kViewer, Hash(20), std::nullopt, actor_, "");
  ASSERT_TRUE(t) << t.error().ToString();
  const auto last_used = [&] { return tokens.FindByHash(Hash(20))->value().last_used_at; };

  ASSERT_TRUE(tokens.TouchLastUsed(t->id, kStart + 1min));
  EXPECT_EQ(last_used(), kStart + 1min);
  const int64_t jobs = store_->Stats().write_jobs;
  // Within 60 s of the stored value (the boundary included): no write at all.
  for (auto at : {kStart + 1min + 1s, kStart + 1min + 59s, kStart + 2min, kStart}) {
    ASSERT_TRUE(tokens.TouchLastUsed(t->id, at));
    EXPECT_EQ(last_used(), kStart + 1min);
  }
  EXPECT_EQ(store_->Stats().write_jobs, jobs);
  ASSERT_TRUE(tokens.TouchLastUsed(t->id, kStart + 2min + 1ms));
  EXPECT_EQ(last_used(), kStart + 2min + 1ms);
  EXPECT_EQ(store_->Stats().write_jobs, jobs + 1);

  auto missing = tokens.TouchLastUsed(t->id + 1000, kStart);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(AllAudit(*store_, AuditQuery{.entity_type = "token"}).size(), 1u);  // the create only
}

}  // namespace
}  // namespace opsdeck::store::conformance
