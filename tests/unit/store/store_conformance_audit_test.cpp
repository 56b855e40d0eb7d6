// The store conformance suite, part 2: environments sync and the audit log
// (every change audited with before/after, pagination, filters, hostile text).
// Runs on SQLite and PostgreSQL (instantiated in store_conformance_test.cpp).
#include "conformance_fixture.h"

namespace opsdeck::store::conformance {
namespace {

TEST_P(StoreConformance, EnvironmentSyncAddReorderRetireReAdd) {
  Migrate();
  auto& envs = store_->environments();

  // Add.
  auto r = envs.Sync(Envs({{"development", false}, {"staging", false}, {"production", true}}), actor_, "req-1");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->added, (std::vector<std::string>{"development", "staging", "production"}));
  EXPECT_TRUE(r->updated.empty());
  EXPECT_TRUE(r->retired.empty());
  auto list = envs.List();
  ASSERT_TRUE(list);
  EXPECT_EQ(Names(*list), (std::vector<std::string>{"development", "staging", "production"}));
  EXPECT_TRUE(list->at(2).is_protected);
  EXPECT_FALSE(list->at(0).is_protected);
  EXPECT_EQ(list->at(2).position, 2);

  auto audit = AllAudit(*store_);
  ASSERT_EQ(audit.size(), 3u);
  EXPECT_EQ(audit[0].entity_id, "production");  // newest first
  EXPECT_EQ(audit[0].action, "create");
  EXPECT_EQ(audit[0].entity_type, "environment");
  EXPECT_EQ(audit[0].actor.kind, "user");
  EXPECT_EQ(audit[0].actor.name, "alice");
  EXPECT_EQ(audit[0].request_id, "req-1");
  EXPECT_EQ(audit[0].at, kStart);
  EXPECT_EQ(audit[0].before_json, "null");
  EXPECT_EQ(audit[0].after_json,
            R"({"name":"production","position":2,"protected":true,"retired_at":null})");

  // The same list again changes nothing and audits nothing.
  r = envs.Sync(Envs({{"development", false}, {"staging", false}, {"production", true}}), actor_, "req-2");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->added.empty() && r->updated.empty() && r->retired.empty());
  EXPECT_EQ(AllAudit(*store_).size(), 3u);

  // Reorder, and add a second staging.
  clock_.Advance(1min);
  r = envs.Sync(Envs({{"development", false}, {"staging-2", false}, {"staging", false}, {"production", true}}),
                actor_, "req-3");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->added, (std::vector<std::string>{"staging-2"}));
  EXPECT_EQ(r->updated, (std::vector<std::string>{"staging", "production"}));
  list = envs.List();
  ASSERT_TRUE(list);
  EXPECT_EQ(Names(*list), (std::vector<std::string>{"development", "staging-2", "staging", "production"}));
  auto staging_audit = AllAudit(*store_, AuditQuery{.entity_type = "environment", .entity_id = "staging"});
  ASSERT_EQ(staging_audit.size(), 2u);
  EXPECT_EQ(staging_audit[0].action, "update");
  EXPECT_EQ(staging_audit[0].at, kStart + 1min);
  EXPECT_EQ(staging_audit[0].before_json,
            R"({"name":"staging","position":1,"protected":false,"retired_at":null})");
  EXPECT_EQ(staging_audit[0].after_json,
            R"({"name":"staging","position":2,"protected":false,"retired_at":null})");

  // Retire staging-2.
  clock_.Advance(1min);
  r = envs.Sync(Envs({{"development", false}, {"staging", false}, {"production", true}}), actor_, "req-4");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->retired, (std::vector<std::string>{"staging-2"}));
  EXPECT_EQ(r->updated, (std::vector<std::string>{"staging", "production"}));
  list = envs.List();
  ASSERT_TRUE(list);
  EXPECT_EQ(Names(*list), (std::vector<std::string>{"development", "staging", "production"}));
  auto retired = AllAudit(*store_, AuditQuery{.entity_id = "staging-2"});
  ASSERT_EQ(retired.size(), 2u);
  EXPECT_EQ(retired[0].action, "retire");
  EXPECT_EQ(retired[0].request_id, "req-4");
  EXPECT_EQ(retired[0].before_json,
            R"({"name":"staging-2","position":1,"protected":false,"retired_at":null})");
  EXPECT_EQ(retired[0].after_json, R"({"name":"staging-2","position":1,"protected":false,"retired_at":")" +
                                       core::FormatRfc3339(kStart + 2min) + R"("})");

  // Re-add it (history kept: the same row comes back).
  clock_.Advance(1min);
  r = envs.Sync(Envs({{"development", false}, {"staging", false}, {"staging-2", true}, {"production", true}}),
                actor_, "req-5");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->added, (std::vector<std::string>{"staging-2"}));
  EXPECT_EQ(r->updated, (std::vector<std::string>{"production"}));
  list = envs.List();
  ASSERT_TRUE(list);
  EXPECT_EQ(Names(*list), (std::vector<std::string>{"development", "staging", "staging-2", "production"}));
  EXPECT_TRUE(list->at(2).is_protected);
  auto restored = AllAudit(*store_, AuditQuery{.entity_id = "staging-2"});
  ASSERT_EQ(restored.size(), 3u);
  EXPECT_EQ(restored[0].action, "restore");
  EXPECT_NE(restored[0].before_json.find("\"retired_at\":\"20"), std::string::npos);
  EXPECT_EQ(restored[0].after_json,
            R"({"name":"staging-2","position":2,"protected":true,"retired_at":null})");
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM environments"), 4);
}

TEST_P(StoreConformance, SyncRejectsBadListsAndWritesNothing) {
  Migrate();
  auto r = store_->environments().Sync(Envs({{"a", false}, {"a", true}}), actor_, "");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  r = store_->environments().Sync(Envs({{"", false}}), actor_, "");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM environments"), 0);
  EXPECT_TRUE(AllAudit(*store_).empty());
}

TEST_P(StoreConformance, HostileNamesStayValidJson) {
  Migrate();
  const std::string name = "q\"uo\\te\n\x01 ' ü 😀";
  auto r = store_->environments().Sync(Envs({{name.c_str(), false}}), actor_, "");
  ASSERT_TRUE(r) << r.error().ToString();
  auto list = store_->environments().List();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->at(0).name, name);
  auto audit = AllAudit(*store_);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].after_json,
            "{\"name\":\"q\\\"uo\\\\te\\n\\u0001 ' ü 😀\",\"position\":0,\"protected\":false,"
            "\"retired_at\":null}");
}

TEST_P(StoreConformance, InvalidUtf8AndNulAreRejectedAlike) {
  Migrate();
  auto sync = store_->environments().Sync(Envs({{"ok", false}, {"bad \xff name", false}}), actor_, "");
  ASSERT_FALSE(sync);
  EXPECT_EQ(sync.error().code, ErrorCode::kInvalidArgument) << sync.error().ToString();

  const std::string with_nul("nul\0byte", 8);
  auto insert = store_->database().Write([&](Tx& tx) -> core::Result<void> {
    auto e = tx.Exec("INSERT INTO users (name, role, created_at, updated_at) VALUES (?, 'viewer', 1, 1)",
                     {with_nul});
    if (!e) return e.error();
    return core::Ok();
  });
  ASSERT_FALSE(insert);
  EXPECT_EQ(insert.error().code, ErrorCode::kInvalidArgument) << insert.error().ToString();
  EXPECT_EQ(insert.error().where, "parameter 1");

  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM environments"), 0);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM users"), 0);
  EXPECT_TRUE(AllAudit(*store_).empty());
}

TEST_P(StoreConformance, AuditListPaginatesNewestFirstWithFilters) {
  Migrate();
  // Seven audited mutations, one minute apart, on two entity types.
  for (int i = 0; i < 7; ++i) {
    auto r = AuditedWrite<int>(store_->database(), clock_, actor_, "req-" + std::to_string(i),
                               [&](Mutation& m) -> core::Result<int> {
                                 auto a = m.Record(i % 2 == 0 ? "release" : "window", "e" + std::to_string(i),
                                                   i < 5 ? "create" : "update", kJsonNull, "{}");
                                 if (!a) return a.error();
                                 return m.recorded();
                               });
    ASSERT_TRUE(r) << r.error().ToString();
    EXPECT_EQ(*r, 1);
    clock_.Advance(1min);
  }
  std::vector<std::string> seen;
  std::optional<std::string> cursor;
  std::vector<size_t> sizes;
  do {
    auto page = store_->audit().List(AuditQuery{.limit = 3, .cursor = cursor});
    ASSERT_TRUE(page) << page.error().ToString();
    sizes.push_back(page->items.size());
    for (const auto& e : page->items) seen.push_back(e.entity_id);
    cursor = page->next;
  } while (cursor);
  EXPECT_EQ(sizes, (std::vector<size_t>{3, 3, 1}));
  EXPECT_EQ(seen, (std::vector<std::string>{"e6", "e5", "e4", "e3", "e2", "e1", "e0"}));

  auto releases = AllAudit(*store_, AuditQuery{.entity_type = "release"});
  EXPECT_EQ(releases.size(), 4u);
  auto updates = AllAudit(*store_, AuditQuery{.action = "update"});
  EXPECT_EQ(updates.size(), 2u);
  auto window = AllAudit(*store_, AuditQuery{.from = kStart + 2min, .to = kStart + 4min});
  ASSERT_EQ(window.size(), 2u);
  EXPECT_EQ(window[0].entity_id, "e3");
  EXPECT_EQ(window[1].entity_id, "e2");
  EXPECT_EQ(window[0].request_id, "req-3");

  // Filters apply across pages too.
  auto page = store_->audit().List(AuditQuery{.limit = 2, .entity_type = "release"});
  ASSERT_TRUE(page);
  ASSERT_TRUE(page->next);
  auto page2 = store_->audit().List(AuditQuery{.limit = 2, .cursor = page->next, .entity_type = "release"});
  ASSERT_TRUE(page2);
  ASSERT_EQ(page2->items.size(), 2u);
  EXPECT_EQ(page2->items[1].entity_id, "e0");
  EXPECT_FALSE(page2->next);

  auto bad = store_->audit().List(AuditQuery{.cursor = "not-a-cursor"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  auto clamped = store_->audit().List(AuditQuery{.limit = 0});
  ASSERT_TRUE(clamped);
  EXPECT_EQ(clamped->items.size(), 1u);
}

TEST_P(StoreConformance, AuditRecordStoresAnActionWithoutEntityRows) {
  Migrate();
  auto r = store_->audit().Record(actor_, "req-9", "config", "/etc/opsdeck.yaml", "reload",
                                  R"({"environments":["a"]})", R"({"environments":["a","b"]})");
  ASSERT_TRUE(r) << r.error().ToString();
  auto audit = AllAudit(*store_, AuditQuery{.entity_type = "config"});
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "reload");
  EXPECT_EQ(audit[0].entity_id, "/etc/opsdeck.yaml");
  EXPECT_EQ(audit[0].request_id, "req-9");
  EXPECT_EQ(audit[0].actor.name, "alice");
  EXPECT_EQ(audit[0].at, kStart);
  EXPECT_EQ(audit[0].after_json, R"({"environments":["a","b"]})");
  // Bad input changes nothing.
  auto bad = store_->audit().Record(actor_, "", "config", std::string("x\0y", 3), "reload", "null",
                                    "null");
  EXPECT_FALSE(bad);
  EXPECT_EQ(AllAudit(*store_, AuditQuery{.entity_type = "config"}).size(), 1u);
}

}  // namespace
}  // namespace opsdeck::store::conformance
