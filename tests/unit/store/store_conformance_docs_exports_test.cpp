// The store conformance suite: the docs store's uploaded AWS exports
// (migration 008) and gap records committed with their announcements. Runs
// on SQLite and PostgreSQL.
#include "conformance_fixture.h"

namespace opsdeck::store::conformance {
namespace {

constexpr std::string_view kEc2 = R"({"Reservations": []})";

class DocsExportsConformance : public StoreConformance {
 protected:
  void SetUp() override {
    StoreConformance::SetUp();
    if (!store_) return;
    Migrate();
  }
  std::vector<core::AuditEvent> ExportAudit() {
    AuditQuery q;
    q.entity_type = "docs_aws_export";
    return AllAudit(*store_, q);
  }
};

TEST_P(DocsExportsConformance, UploadListReplaceAndDeleteAreAudited) {
  auto put = store_->docs().PutAwsExport("ec2.json", kEc2, "aws ec2 describe-instances", 3,
                                         actor_, "r1");
  ASSERT_TRUE(put) << put.error().ToString();
  EXPECT_GT(put->id, 0);
  EXPECT_EQ(put->name, "ec2.json");
  EXPECT_EQ(put->commands, "aws ec2 describe-instances");
  EXPECT_EQ(put->resources, 3);
  EXPECT_EQ(put->bytes, static_cast<int64_t>(kEc2.size()));
  EXPECT_EQ(put->uploaded_at, kStart);
  EXPECT_EQ(put->uploaded_by, actor_.ToString());
  ASSERT_TRUE(store_->docs().PutAwsExport("a.json", R"({"pipelines": []})",
                                          "aws codepipeline list-pipelines", 0, actor_, "r2"));

  auto list = store_->docs().ListAwsExports();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "a.json");  // by name
  EXPECT_EQ((*list)[1], *put);

  // The same name again replaces the body; still one row.
  clock_.Advance(1h);
  const std::string newer = R"({"Reservations": [], "NextToken": null})";
  auto again = store_->docs().PutAwsExport("ec2.json", newer, "aws ec2 describe-instances", 5,
                                           actor_, "r3");
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(again->resources, 5);
  EXPECT_EQ(again->uploaded_at, kStart + 1h);
  auto bodies = store_->docs().AwsExportBodies();
  ASSERT_TRUE(bodies);
  ASSERT_EQ(bodies->size(), 2u);
  EXPECT_EQ((*bodies)[1].name, "ec2.json");
  EXPECT_EQ((*bodies)[1].body, newer);

  ASSERT_TRUE(store_->docs().DeleteAwsExport("a.json", actor_, "r4"));
  auto gone = store_->docs().DeleteAwsExport("a.json", actor_, "r5");
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
  list = store_->docs().ListAwsExports();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);

  // upload, upload, replace, delete; newest first; no body in the audit.
  const auto audit = ExportAudit();
  ASSERT_EQ(audit.size(), 4u);
  EXPECT_EQ(audit[0].action, "delete");
  EXPECT_EQ(audit[0].entity_id, "a.json");
  EXPECT_EQ(audit[1].action, "replace");
  EXPECT_EQ(audit[1].request_id, "r3");
  EXPECT_EQ(audit[3].action, "upload");
  EXPECT_EQ(AuditTableText(*store_).find("Reservations"), std::string::npos);
}

TEST_P(DocsExportsConformance, BadUploadsStoreNothing) {
  for (const auto& [name, body] :
       std::vector<std::pair<std::string, std::string>>{{"", std::string(kEc2)},
                                                        {std::string(201, 'n'), std::string(kEc2)},
                                                        {"x.json", ""},
                                                        {"x.json", std::string("a\0b", 3)}}) {
    auto r = store_->docs().PutAwsExport(name, body, "", 0, actor_, "r");
    ASSERT_FALSE(r) << name;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  }
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM docs_aws_exports"), 0);
  EXPECT_TRUE(ExportAudit().empty());
}

TEST_P(DocsExportsConformance, ExportsOutliveTheStore) {
  ASSERT_TRUE(store_->docs().PutAwsExport("ec2.json", kEc2, "aws ec2 describe-instances", 1,
                                          actor_, "r"));
  auto other = backend_->Open(clock_);
  ASSERT_TRUE(other) << other.error().ToString();
  auto bodies = (*other)->docs().AwsExportBodies();
  (*other)->Close();
  ASSERT_TRUE(bodies);
  ASSERT_EQ(bodies->size(), 1u);
  EXPECT_EQ((*bodies)[0].body, kEc2);
}

GapSighting Sight(const std::string& subject) {
  return GapSighting{"missing_field:service:" + subject + ":production:owner",
                     "missing_field",
                     "service",
                     subject,
                     "production",
                     "Document the owner of service " + subject};
}

TEST_P(DocsExportsConformance, AnnouncementsCommitWithTheRecordedRun) {
  GapAnnouncer announce = [](const GapChanges& c) {
    std::vector<OutboxEntry> out;
    if (c.opened.empty()) return out;
    out.push_back(OutboxEntry{"ops", "docs.gaps_opened", "docs-audit:1", "warning", "", "", "",
                              "{\"opened\":" + std::to_string(c.opened.size()) + "}"});
    return out;
  };
  auto r = store_->docs().RecordGapsAnnounced({Sight("api"), Sight("web")}, {}, announce, actor_,
                                              "r1");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->opened.size(), 2u);
  auto pending = store_->outbox().Pending("ops", 10);
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].kind, "docs.gaps_opened");
  EXPECT_EQ((*pending)[0].payload_json, "{\"opened\":2}");

  // Nothing new: the announcer says nothing, nothing is appended.
  ASSERT_TRUE(store_->docs().RecordGapsAnnounced({Sight("api"), Sight("web")}, {}, announce,
                                                 actor_, "r2"));
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM outbox"), 1);

  // An entry the outbox refuses (no channel) rolls the whole run back.
  GapAnnouncer bad = [](const GapChanges&) {
    return std::vector<OutboxEntry>{OutboxEntry{"", "docs.gaps_opened", "s", "info"}};
  };
  auto refused = store_->docs().RecordGapsAnnounced({Sight("db")}, {}, bad, actor_, "r3");
  ASSERT_FALSE(refused);
  auto db = store_->docs().GetGap(Sight("db").fingerprint);
  ASSERT_TRUE(db);
  EXPECT_FALSE(db->has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, DocsExportsConformance,
                         ::testing::Values(testing::kSqlite, testing::kPostgres),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace opsdeck::store::conformance
