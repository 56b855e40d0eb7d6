// tickets::Filer against an in-memory Jira (FakeJira) and a real SQLite
// store on a temp file: one issue per gap, never twice (stored key, restart,
// lost key found by label), one comment per fix, reopening, coverage, dry
// run, and how errors stop or skip.
#include "tickets/filer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "store/sqlite/sqlite_store.h"
#include "tickets/filer_coverage.h"
#include "tickets/filer_report.h"

namespace opsdeck::tickets {
namespace {

using namespace std::chrono_literals;

struct FakeIssue {
  std::string key;
  std::string summary;
  std::string description;
  std::vector<std::string> labels;
  std::vector<std::string> comments;
};

class FakeJira final : public JiraApi {
 public:
  core::Result<std::optional<std::string>> FindByLabel(std::string_view label) override {
    ++searches;
    if (auto e = Fail("search")) return *e;
    for (const FakeIssue& i : issues) {
      if (std::find(i.labels.begin(), i.labels.end(), label) != i.labels.end()) {
        return std::optional(i.key);
      }
    }
    return std::optional<std::string>();
  }
  core::Result<std::string> CreateIssue(const IssueDraft& d) override {
    ++creates;
    if (auto e = Fail("create:" + d.summary)) return *e;
    issues.push_back(
        {"OPS-" + std::to_string(issues.size() + 1), d.summary, d.description, d.labels});
    return issues.back().key;
  }
  core::Result<void> AddComment(std::string_view key, std::string_view text) override {
    if (auto e = Fail("comment")) return *e;
    for (FakeIssue& i : issues) {
      if (i.key == key) {
        i.comments.emplace_back(text);
        return core::Ok();
      }
    }
    return core::Error::NotFound("Jira has no issue " + std::string(key));
  }
  const FakeIssue* Issue(std::string_view key) const {
    for (const FakeIssue& i : issues) {
      if (i.key == key) return &i;
    }
    return nullptr;
  }
  int TotalComments() const {
    int n = 0;
    for (const FakeIssue& i : issues) n += static_cast<int>(i.comments.size());
    return n;
  }

  std::vector<FakeIssue> issues;
  int searches = 0;
  int creates = 0;
  // op ("search", "create:<summary>", "comment") -> the error it returns.
  std::map<std::string, core::Error> failures;

 private:
  std::optional<core::Error> Fail(const std::string& op) {
    auto it = failures.find(op);
    if (it == failures.end()) return std::nullopt;
    return it->second;
  }
};

Gap MakeGap(const std::string& subject, GapKind kind = GapKind::kMissingField) {
  Gap g;
  g.kind = kind;
  g.subject_kind = kind == GapKind::kUndocumentedResource ? "ec2-instance" : "service";
  g.subject = subject;
  g.environment = "production";
  g.detail = "runbook";
  g.fingerprint = std::string(GapKindName(kind)) + ":service:" + subject + ":production:runbook";
  g.summary = "Document the runbook of service " + subject + " (production)";
  g.description = "Service " + subject + " has no runbook.\nSet it in catalog.services.";
  return g;
}

class FilerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("opsdeck-filer-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::create_directories(dir_);
    Reopen();
  }
  void TearDown() override {
    if (store_) store_->Close();
    std::filesystem::remove_all(dir_);
  }
  // A new store instance on the same file: what a restart sees.
  void Reopen() {
    if (store_) store_->Close();
    store::SqliteOptions o;
    o.path = (dir_ / "opsdeck.db").string();
    auto s = store::OpenSqlite(o, clock_);
    ASSERT_TRUE(s) << s.error().ToString();
    store_ = std::move(*s);
    auto m = store_->Migrate();
    ASSERT_TRUE(m) << m.error().ToString();
  }
  FilingReport Run(const std::vector<Gap>& gaps, bool dry_run = false,
                   const GapCoverage& covered = CoverEverything()) {
    clock_.Advance(1min);
    FilerOptions o;
    o.labels = {"opsdeck", "documentation"};
    o.dry_run = dry_run;
    Filer filer(store_->docs(), jira_, o);
    auto r = filer.File(gaps, covered);
    EXPECT_TRUE(r) << r.error().ToString();
    return r ? std::move(*r) : FilingReport{};
  }
  store::GapRecord Stored(const Gap& g) {
    auto r = store_->docs().GetGap(g.fingerprint);
    EXPECT_TRUE(r && *r) << g.fingerprint;
    return (r && *r) ? **r : store::GapRecord{};
  }
  size_t AuditRows() {
    store::AuditQuery q;
    q.limit = 500;
    auto page = store_->audit().List(q);
    EXPECT_TRUE(page);
    return page ? page->items.size() : 0;
  }

  static inline int counter_ = 0;
  std::filesystem::path dir_;
  core::ManualClock clock_{core::FromUnixMillis(1'790'000'000'000)};
  std::unique_ptr<store::Store> store_;
  FakeJira jira_;
  const std::vector<Gap> gaps_ = {MakeGap("api"), MakeGap("web"), MakeGap("worker")};
};

TEST(GapLabelTest, IsThePrefixOfTheFingerprintsSha256) {
  // SHA-256("abc") = ba7816bf8f01cfea...
  EXPECT_EQ(GapLabel("abc"), "opsdeck-gap-ba7816bf8f01");
  EXPECT_NE(GapLabel("missing_field:service:api:production:runbook"), GapLabel("abc"));
}

store::GapRecord Record(GapKind kind, std::string subject_kind, std::string fingerprint) {
  store::GapRecord r;
  r.kind = std::string(GapKindName(kind));
  r.subject_kind = std::move(subject_kind);
  r.fingerprint = std::move(fingerprint);
  return r;
}

TEST(GapCoverageTest, AnAuditCoversOnlyWhatItChecked) {
  const auto field =
      Record(GapKind::kMissingField, "service", "missing_field:service:api:production:docs");
  const auto link =
      Record(GapKind::kBrokenLink, "service", "broken_link:service:api:production:docs");
  const auto ec2 = Record(GapKind::kUndocumentedResource, "ec2-instance",
                          "undocumented_resource:aws:ec2-instance:i-0abc");
  const auto volume =
      Record(GapKind::kUndocumentedResource, "ec2-volume",
             "undocumented_resource:aws:ec2-volume:arn:aws:ec2:eu-central-1:1:volume/vol-1");
  const auto rds = Record(GapKind::kMissingResource, "service",
                          "missing_resource:service:db:production:aws.id=prod-db");
  const auto by_arn = Record(GapKind::kMissingResource, "service",
                             "missing_resource:service:api:production:aws.arn=arn:aws:ec2:eu-"
                             "central-1:123456789012:instance/i-0abc");

  DocsAuditReport plain;  // --no-links, no AWS export
  const GapCoverage bare = CoverageOf(plain);
  EXPECT_TRUE(bare(field));
  EXPECT_FALSE(bare(link));
  EXPECT_FALSE(bare(ec2));
  EXPECT_FALSE(bare(rds));

  DocsAuditReport full;
  full.links.checked = true;
  full.aws_checked = true;
  full.aws_kinds = {AwsExportKind::kEc2Instances};
  const GapCoverage ec2_only = CoverageOf(full);
  EXPECT_TRUE(ec2_only(link));
  EXPECT_TRUE(ec2_only(ec2));
  EXPECT_FALSE(ec2_only(volume));  // only the tagging export lists volumes
  EXPECT_FALSE(ec2_only(rds));     // no RDS export: cannot say the DB appeared
  EXPECT_TRUE(ec2_only(by_arn));   // an instance ARN is the EC2 export's business

  full.aws_kinds = {AwsExportKind::kRdsInstances, AwsExportKind::kTaggedResources};
  const GapCoverage rds_and_tags = CoverageOf(full);
  EXPECT_TRUE(rds_and_tags(rds));
  EXPECT_TRUE(rds_and_tags(volume));
  EXPECT_FALSE(rds_and_tags(ec2));  // instances have their own export
}

TEST_F(FilerTest, FilesOneIssuePerGapWithTheGapLabel) {
  const FilingReport r = Run(gaps_);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.Count(FilingAction::kFiled), 3);
  EXPECT_EQ(jira_.creates, 3);
  ASSERT_EQ(jira_.issues.size(), 3u);
  for (size_t i = 0; i < gaps_.size(); ++i) {
    const FakeIssue& issue = jira_.issues[i];
    EXPECT_EQ(issue.summary, gaps_[i].summary);
    EXPECT_EQ(issue.labels, (std::vector<std::string>{"opsdeck", "documentation",
                                                      GapLabel(gaps_[i].fingerprint)}));
    EXPECT_NE(issue.description.find(gaps_[i].description), std::string::npos);
    EXPECT_NE(issue.description.find(gaps_[i].fingerprint), std::string::npos);
    EXPECT_EQ(Stored(gaps_[i]).ticket_key, issue.key);
    EXPECT_EQ(r.lines[i].ticket_key, issue.key);
  }
  EXPECT_EQ(r.changes.opened.size(), 3u);
}

TEST_F(FilerTest, ASecondRunFilesNothingAndDoesNotAskJira) {
  Run(gaps_);
  const int searches = jira_.searches;
  const FilingReport again = Run(gaps_);
  EXPECT_EQ(again.Count(FilingAction::kAlreadyFiled), 3);
  EXPECT_EQ(again.Count(FilingAction::kFiled), 0);
  EXPECT_EQ(jira_.creates, 3);
  EXPECT_EQ(jira_.searches, searches);
}

TEST_F(FilerTest, ARestartFilesNothing) {
  Run(gaps_);
  Reopen();
  const FilingReport again = Run(gaps_);
  EXPECT_EQ(again.Count(FilingAction::kAlreadyFiled), 3);
  EXPECT_EQ(jira_.creates, 3);
}

TEST_F(FilerTest, ALostKeyIsFoundByItsLabelInsteadOfFilingAgain) {
  Run(gaps_);
  // A fresh database: the store forgot every key, Jira still has the issues.
  store_->Close();
  store_.reset();
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  Reopen();
  const FilingReport again = Run(gaps_);
  EXPECT_EQ(again.Count(FilingAction::kFound), 3);
  EXPECT_EQ(jira_.creates, 3);
  EXPECT_EQ(Stored(gaps_[1]).ticket_key, "OPS-2");
}

TEST_F(FilerTest, AFixedGapGetsExactlyOneComment) {
  Run(gaps_);
  const FilingReport fixed = Run({gaps_[0], gaps_[2]});
  EXPECT_EQ(fixed.changes.fixed, std::vector<std::string>{gaps_[1].fingerprint});
  EXPECT_EQ(fixed.Count(FilingAction::kCommented), 1);
  const FakeIssue* issue = jira_.Issue("OPS-2");
  ASSERT_NE(issue, nullptr);
  ASSERT_EQ(issue->comments.size(), 1u);
  EXPECT_TRUE(
      issue->comments[0].starts_with("opsdeck no longer finds this gap: " + gaps_[1].summary))
      << issue->comments[0];
  const store::GapRecord stored = Stored(gaps_[1]);
  EXPECT_FALSE(stored.open());
  EXPECT_TRUE(stored.commented_at.has_value());
  Run({gaps_[0], gaps_[2]});
  Reopen();
  Run({gaps_[0], gaps_[2]});
  EXPECT_EQ(jira_.TotalComments(), 1);
}

TEST_F(FilerTest, AGapThatComesBackReusesItsIssueAndIsCommentedOnAgainWhenFixed) {
  Run(gaps_);
  Run({gaps_[0]});  // web and worker fixed
  const FilingReport back = Run(gaps_);
  EXPECT_EQ(back.changes.reopened.size(), 2u);
  EXPECT_EQ(back.Count(FilingAction::kAlreadyFiled), 3);
  EXPECT_EQ(jira_.creates, 3);
  EXPECT_TRUE(Stored(gaps_[1]).open());
  Run({gaps_[0]});
  EXPECT_EQ(jira_.Issue("OPS-2")->comments.size(), 2u);
}

TEST_F(FilerTest, OnlyCoveredGapsCanBeFixed) {
  const Gap aws = MakeGap("i-0abc", GapKind::kUndocumentedResource);
  Run({gaps_[0], aws});
  // This run had no AWS export: it cannot say the AWS gap is gone.
  const FilingReport r = Run({gaps_[0]}, false, CoverKinds({GapKind::kMissingField}));
  EXPECT_TRUE(r.changes.fixed.empty());
  EXPECT_TRUE(Stored(aws).open());
  EXPECT_EQ(jira_.TotalComments(), 0);
}

TEST_F(FilerTest, RejectedCredentialsStopTheRunAndFileNothing) {
  jira_.failures.emplace("search",
                         core::Error::Unauthenticated("Jira rejected the credentials (HTTP 401)"));
  const FilingReport r = Run(gaps_);
  ASSERT_TRUE(r.stopped.has_value());
  EXPECT_EQ(r.stopped->code, core::ErrorCode::kUnauthenticated);
  EXPECT_EQ(r.not_attempted, 2);
  EXPECT_EQ(jira_.searches, 1);
  EXPECT_EQ(jira_.creates, 0);
  EXPECT_TRUE(r.lines.empty());
  EXPECT_TRUE(Stored(gaps_[0]).ticket_key.empty());
  EXPECT_NE(FilingReportText(r).find("stopped: Jira rejected the credentials (HTTP 401)"),
            std::string::npos);
  // Fixed credentials: the next run files them all.
  jira_.failures.clear();
  EXPECT_EQ(Run(gaps_).Count(FilingAction::kFiled), 3);
}

TEST_F(FilerTest, ARequestJiraRefusesForOneGapDoesNotStopTheOthers) {
  jira_.failures.emplace(
      "create:" + gaps_[1].summary,
      core::Error::InvalidArgument("Jira refused the request (HTTP 400): summary: too long"));
  const FilingReport r = Run(gaps_);
  EXPECT_FALSE(r.stopped.has_value());
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.Count(FilingAction::kFiled), 2);
  ASSERT_EQ(r.Count(FilingAction::kFailed), 1);
  EXPECT_EQ(r.lines[1].action, FilingAction::kFailed);
  EXPECT_NE(r.lines[1].error.find("HTTP 400"), std::string::npos);
  EXPECT_TRUE(Stored(gaps_[1]).ticket_key.empty());
}

TEST_F(FilerTest, ACommentThatFailsIsSentOnTheNextRun) {
  Run(gaps_);
  jira_.failures.emplace("comment", core::Error::Unavailable("Jira failed (HTTP 500)"));
  const FilingReport failed = Run({gaps_[0], gaps_[2]});
  ASSERT_TRUE(failed.stopped.has_value());
  EXPECT_FALSE(Stored(gaps_[1]).commented_at.has_value());
  jira_.failures.clear();
  const FilingReport later = Run({gaps_[0], gaps_[2]});
  EXPECT_EQ(later.Count(FilingAction::kCommented), 1);
  EXPECT_EQ(jira_.TotalComments(), 1);
}

TEST_F(FilerTest, ADryRunSaysWhatWouldHappenAndChangesNothing) {
  Run({gaps_[0], gaps_[1]});
  // Jira has an issue for "worker" that the store does not know.
  jira_.issues.push_back({"OPS-90", "worker", "", {GapLabel(gaps_[2].fingerprint)}});
  const size_t audit_before = AuditRows();
  const int creates = jira_.creates;
  const Gap fresh = MakeGap("batch");
  const FilingReport r = Run({gaps_[0], gaps_[2], fresh}, true);
  EXPECT_TRUE(r.dry_run);
  ASSERT_EQ(r.lines.size(), 4u);
  EXPECT_EQ(r.lines[0].action, FilingAction::kAlreadyFiled);
  EXPECT_EQ(r.lines[1].action, FilingAction::kWouldRecord);
  EXPECT_EQ(r.lines[1].ticket_key, "OPS-90");
  EXPECT_EQ(r.lines[2].action, FilingAction::kWouldFile);
  EXPECT_EQ(r.lines[3].action, FilingAction::kWouldComment);  // web is gone
  EXPECT_EQ(r.lines[3].ticket_key, "OPS-2");
  EXPECT_EQ(jira_.creates, creates);
  EXPECT_EQ(jira_.TotalComments(), 0);
  EXPECT_EQ(AuditRows(), audit_before);
  auto missing = store_->docs().GetGap(fresh.fingerprint);
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());
  EXPECT_TRUE(Stored(gaps_[1]).open());
}

TEST_F(FilerTest, RepeatedFingerprintsAreFiledOnce) {
  const FilingReport r = Run({gaps_[0], gaps_[0]});
  EXPECT_EQ(r.lines.size(), 1u);
  EXPECT_EQ(jira_.creates, 1);
}

TEST_F(FilerTest, ReportJsonNamesEveryLineAndTheStop) {
  Run({gaps_[0]});
  jira_.failures.emplace("search",
                         core::Error::Unauthenticated("Jira rejected the credentials (HTTP 401)"));
  const FilingReport r = Run({gaps_[0], gaps_[1], gaps_[2]});
  const boost::json::value j = FilingReportJson(r);
  EXPECT_EQ(j.at("dry_run"), false);
  EXPECT_EQ(j.at("counts").at("already_filed"), 1);
  EXPECT_EQ(j.at("items").at(0).at("ticket"), "OPS-1");
  EXPECT_EQ(j.at("items").at(0).at("label"), boost::json::value(GapLabel(gaps_[0].fingerprint)));
  EXPECT_EQ(j.at("stopped").at("code"), "unauthenticated");
  EXPECT_EQ(j.at("not_attempted"), 1);
}

}  // namespace
}  // namespace opsdeck::tickets
