// The store conformance suite: the docs store (documentation gaps and their
// Jira tickets). Runs on SQLite and PostgreSQL.
#include <thread>

#include "conformance_fixture.h"

namespace opsdeck::store::conformance {
namespace {

GapSighting Sight(const std::string& subject, const std::string& env = "production") {
  return GapSighting{"missing_field:service:" + subject + ":" + env + ":runbook",
                     "missing_field",
                     "service",
                     subject,
                     env,
                     "Document the runbook of service " + subject};
}

class DocsConformance : public StoreConformance {
 protected:
  void SetUp() override {
    StoreConformance::SetUp();
    if (!store_) return;
    Migrate();
  }
  GapChanges Record(const std::vector<GapSighting>& seen,
                    const std::vector<std::string>& gone = {}) {
    auto r = store_->docs().RecordGaps(seen, gone, actor_, "req");
    EXPECT_TRUE(r) << r.error().ToString();
    return r ? *r : GapChanges{};
  }
  GapRecord Get(const GapSighting& s) {
    auto r = store_->docs().GetGap(s.fingerprint);
    EXPECT_TRUE(r && *r) << s.fingerprint;
    return (r && *r) ? **r : GapRecord{};
  }
  std::vector<core::AuditEvent> GapAudit() {
    AuditQuery q;
    q.entity_type = "docs_gap";
    return AllAudit(*store_, q);
  }

  const GapSighting api_ = Sight("api");
  const GapSighting web_ = Sight("web");
  const GapSighting db_ = Sight("db", "staging");
};

TEST_P(DocsConformance, RecordOpensRefreshesFixesAndReopens) {
  GapChanges c = Record({api_, web_});
  EXPECT_EQ(c.opened, (std::vector<std::string>{api_.fingerprint, web_.fingerprint}));
  GapRecord api = Get(api_);
  EXPECT_EQ(api.kind, "missing_field");
  EXPECT_EQ(api.subject_kind, "service");
  EXPECT_EQ(api.subject, "api");
  EXPECT_EQ(api.environment, "production");
  EXPECT_EQ(api.first_seen, kStart);
  EXPECT_EQ(api.last_seen, kStart);
  EXPECT_TRUE(api.open());
  EXPECT_EQ(GapAudit().size(), 2u);

  // Seen again later with a new summary: refreshed, not audited.
  clock_.Advance(1h);
  GapSighting renamed = api_;
  renamed.summary = "Document the runbook of the api service";
  c = Record({renamed, web_});
  EXPECT_EQ(c, GapChanges{});
  api = Get(api_);
  EXPECT_EQ(api.first_seen, kStart);
  EXPECT_EQ(api.last_seen, kStart + 1h);
  EXPECT_EQ(api.summary, renamed.summary);
  EXPECT_EQ(GapAudit().size(), 2u);

  // web is gone; a fingerprint never stored and one also seen are ignored.
  clock_.Advance(1h);
  c = Record({api_}, {web_.fingerprint, "nope", api_.fingerprint});
  EXPECT_EQ(c.fixed, std::vector<std::string>{web_.fingerprint});
  EXPECT_EQ(Get(web_).fixed_at, kStart + 2h);
  EXPECT_TRUE(Get(api_).open());
  // Fixing it again changes nothing.
  c = Record({api_}, {web_.fingerprint});
  EXPECT_TRUE(c.fixed.empty());

  // It comes back: open again, still with its ticket, no longer commented.
  ASSERT_TRUE(store_->docs().SetTicket(web_.fingerprint, "OPS-2", actor_, "r"));
  ASSERT_TRUE(store_->docs().MarkCommented(web_.fingerprint, actor_, "r"));
  c = Record({api_, web_});
  EXPECT_EQ(c.reopened, std::vector<std::string>{web_.fingerprint});
  const GapRecord web = Get(web_);
  EXPECT_TRUE(web.open());
  EXPECT_EQ(web.ticket_key, "OPS-2");
  EXPECT_FALSE(web.commented_at.has_value());

  const auto audit = GapAudit();
  ASSERT_EQ(audit.size(), 6u);  // open x2, fix, file, comment, reopen
  EXPECT_EQ(audit[0].action, "reopen");
  EXPECT_EQ(audit[0].entity_id, web_.fingerprint);
  EXPECT_EQ(audit[0].actor.name, "alice");
  EXPECT_NE(audit[0].after_json.find(R"("fixed":false)"), std::string::npos) << audit[0].after_json;
  EXPECT_EQ(audit[3].action, "fix");
}

TEST_P(DocsConformance, TicketKeysAreStoredOnceAndConflictsAreRefused) {
  Record({api_});
  auto first = store_->docs().SetTicket(api_.fingerprint, "OPS-1", actor_, "r");
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(first->ticket_key, "OPS-1");
  EXPECT_EQ(first->filed_at, kStart);
  auto same = store_->docs().SetTicket(api_.fingerprint, "OPS-1", actor_, "r");
  ASSERT_TRUE(same);
  auto other = store_->docs().SetTicket(api_.fingerprint, "OPS-9", actor_, "r");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, ErrorCode::kConflict);
  EXPECT_EQ(Get(api_).ticket_key, "OPS-1");
  auto unknown = store_->docs().SetTicket("nope", "OPS-3", actor_, "r");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  auto empty = store_->docs().SetTicket(api_.fingerprint, "", actor_, "r");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(GapAudit().size(), 2u);  // open, file
}

TEST_P(DocsConformance, CommentsAreMarkedOnlyOnFixedTicketedGaps) {
  Record({api_, web_});
  ASSERT_TRUE(store_->docs().SetTicket(api_.fingerprint, "OPS-1", actor_, "r"));
  auto open = store_->docs().MarkCommented(api_.fingerprint, actor_, "r");
  ASSERT_FALSE(open);
  EXPECT_EQ(open.error().code, ErrorCode::kConflict);

  clock_.Advance(1min);
  Record({}, {api_.fingerprint, web_.fingerprint});
  auto pending = store_->docs().PendingComments();
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 1u);  // web has no ticket: nothing to comment on
  EXPECT_EQ(pending->at(0).fingerprint, api_.fingerprint);
  auto untracked = store_->docs().MarkCommented(web_.fingerprint, actor_, "r");
  ASSERT_FALSE(untracked);
  EXPECT_EQ(untracked.error().code, ErrorCode::kConflict);

  auto done = store_->docs().MarkCommented(api_.fingerprint, actor_, "r");
  ASSERT_TRUE(done) << done.error().ToString();
  EXPECT_EQ(done->commented_at, kStart + 1min);
  auto twice = store_->docs().MarkCommented(api_.fingerprint, actor_, "r");
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, ErrorCode::kConflict);
  pending = store_->docs().PendingComments();
  ASSERT_TRUE(pending);
  EXPECT_TRUE(pending->empty());
}

TEST_P(DocsConformance, ListsNewestFirstWithFiltersAndCursors) {
  Record({api_});
  clock_.Advance(1s);
  Record({api_, web_});
  clock_.Advance(1s);
  Record({api_, web_, db_});
  ASSERT_TRUE(store_->docs().SetTicket(web_.fingerprint, "OPS-2", actor_, "r"));
  Record({api_, db_}, {web_.fingerprint});

  GapQuery q;
  q.limit = 2;
  auto page = store_->docs().ListGaps(q);
  ASSERT_TRUE(page) << page.error().ToString();
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].subject, "db");
  EXPECT_EQ(page->items[1].subject, "web");
  ASSERT_TRUE(page->next.has_value());
  q.cursor = page->next;
  auto rest = store_->docs().ListGaps(q);
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->items.size(), 1u);
  EXPECT_EQ(rest->items[0].subject, "api");
  EXPECT_FALSE(rest->next.has_value());

  GapQuery open;
  open.open = true;
  auto opened = store_->docs().ListGaps(open);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->items.size(), 2u);
  GapQuery filed;
  filed.filed = true;
  auto with_ticket = store_->docs().ListGaps(filed);
  ASSERT_TRUE(with_ticket);
  ASSERT_EQ(with_ticket->items.size(), 1u);
  EXPECT_EQ(with_ticket->items[0].ticket_key, "OPS-2");
  GapQuery staging;
  staging.environment = "staging";
  auto in_staging = store_->docs().ListGaps(staging);
  ASSERT_TRUE(in_staging);
  ASSERT_EQ(in_staging->items.size(), 1u);
  EXPECT_EQ(in_staging->items[0].subject, "db");

  auto open_gaps = store_->docs().OpenGaps();
  ASSERT_TRUE(open_gaps);
  ASSERT_EQ(open_gaps->size(), 2u);
  EXPECT_EQ(open_gaps->at(0).subject, "api");  // oldest first

  GapQuery bad;
  bad.cursor = "zz";
  auto refused = store_->docs().ListGaps(bad);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
}

TEST_P(DocsConformance, RefusesBadInputWithoutWriting) {
  GapSighting blank = api_;
  blank.fingerprint.clear();
  auto r = store_->docs().RecordGaps({web_, blank}, {}, actor_, "r");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  GapSighting nul = api_;
  nul.summary = std::string("bad\0text", 8);
  r = store_->docs().RecordGaps({web_, nul}, {}, actor_, "r");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM docs_gaps"), 0);
}

TEST_P(DocsConformance, TwoInstancesRecordingAtOnceStoreEachGapOnce) {
  auto other = backend_->Open(clock_);
  ASSERT_TRUE(other) << other.error().ToString();
  std::vector<GapSighting> many;
  for (int i = 0; i < 50; ++i) many.push_back(Sight("svc" + std::to_string(i)));
  std::thread a([&] { EXPECT_TRUE(store_->docs().RecordGaps(many, {}, actor_, "a")); });
  std::thread b([&] { EXPECT_TRUE((*other)->docs().RecordGaps(many, {}, actor_, "b")); });
  a.join();
  b.join();
  (*other)->Close();
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM docs_gaps"), 50);
  EXPECT_EQ(GapAudit().size(), 50u);  // opened once each
}

INSTANTIATE_TEST_SUITE_P(Backends, DocsConformance,
                         ::testing::Values(testing::kSqlite, testing::kPostgres),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace opsdeck::store::conformance
