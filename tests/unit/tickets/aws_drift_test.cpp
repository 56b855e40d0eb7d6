// Drift in both directions over the aws-cli fixtures: AWS resources no
// catalog entry or pipeline names, and catalog identifiers a complete export
// of their kind lacks.
#include "tickets/aws_drift.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "audit_test_support.h"
#include "core/glob.h"
#include "tickets/audit_run.h"

namespace opsdeck::tickets {
namespace {

using testing::AwsFixtureDir;
using testing::LoadYaml;

constexpr const char* kConfig = R"(
pipelines:
  - {name: dashboard-development, environment: development, kind: deploy, match: {codepipeline: {name: dashboard-development}}}
  - {name: dashboard-staging, environment: staging, kind: deploy, match: {codepipeline: {name: dashboard-staging}}}
  - {name: dashboard-production, environment: production, kind: deploy,
     match: {codepipeline: {name: dashboard-production, region: eu-central-1}}}
  - {name: dashboard-qa, environment: staging, kind: deploy, match: {codepipeline: {name: dashboard-qa}}}
  - {name: ci, environment: development, kind: build, match: {github: {repository: acme/dashboard}}}
catalog:
  services:
    - name: dashboard-api
      environment: production
      aws: {arn: "arn:aws:elasticloadbalancing:eu-central-1:123456789012:loadbalancer/app/dashboard-api/50dc6c495c0c9188"}
    - {name: dashboard-db, environment: production, aws: {id: dashboard-prod-db}}
    - {name: thumbs, environment: production, aws: {arn: "arn:aws:lambda:eu-central-1:123456789012:function:dashboard-thumbnailer"}}
    - {name: retired-fn, environment: production, aws: {arn: "arn:aws:lambda:eu-central-1:123456789012:function:gone-fn"}}
    - {name: topic, environment: production, aws: {arn: "arn:aws:sns:eu-central-1:123456789012:not-exported"}}
    - {name: dublin-db, environment: production, aws: {id: eu-west-db, region: eu-west-1}}
  servers:
    - {name: backend-production-1, environment: production, aws: {instance_id: i-0a1b2c3d4e5f60001}}
    - {name: frontend-testing-1, environment: staging, aws: {instance_id: i-0a1b2c3d4e5f60002, region: eu-central-1}}
    - {name: gone-server, environment: production, aws: {instance_id: i-0ffff00000000009}}
)";

AwsInventory Import(const std::vector<std::string>& names) {
  std::vector<std::string> paths;
  for (const auto& n : names) paths.push_back(AwsFixtureDir() + "/" + n);
  auto inventory = ImportAwsFiles(paths);
  EXPECT_TRUE(inventory) << inventory.error().ToString();
  return inventory ? *inventory : AwsInventory{};
}

const std::vector<std::string> kAllExports = {
    "ec2-describe-instances.json",    "rds-describe-db-instances.json",
    "elbv2-describe-load-balancers.json", "lambda-list-functions-no-paginate.json",
    "tagging-get-resources.json",     "codepipeline-list-pipelines.json"};

std::vector<std::string> Fingerprints(const std::vector<Gap>& gaps, GapKind kind) {
  std::vector<std::string> out;
  for (const Gap& g : gaps) {
    if (g.kind == kind) out.push_back(g.fingerprint);
  }
  std::sort(out.begin(), out.end());
  return out;
}

const Gap& Get(const std::vector<Gap>& gaps, const std::string& fingerprint) {
  static const Gap kNone;
  for (const Gap& g : gaps) {
    if (g.fingerprint == fingerprint) return g;
  }
  ADD_FAILURE() << "no gap " << fingerprint;
  return kNone;
}

TEST(AwsDrift, ResourcesNobodyNamesAreUndocumented) {
  auto config = LoadYaml(kConfig);
  ASSERT_TRUE(config);
  const AwsInventory inventory = Import(kAllExports);
  const std::vector<Gap> gaps = FindAwsDrift(*config, inventory);
  EXPECT_EQ(Fingerprints(gaps, GapKind::kUndocumentedResource),
            (std::vector<std::string>{
                "undocumented_resource:aws:codepipeline-pipeline:legacy-importer",
                "undocumented_resource:aws:ec2-instance:i-0bad0000000000005",
                "undocumented_resource:aws:ec2-instance:i-0c0ffee0000000003",
                "undocumented_resource:aws:ec2-volume:arn:aws:ec2:eu-central-1:123456789012:volume/vol-0123456789abcdef0",
                "undocumented_resource:aws:elbv2-load-balancer:arn:aws:elasticloadbalancing:eu-central-1:123456789012:loadbalancer/net/internal-nlb/a1b2c3d4e5f60718",
                "undocumented_resource:aws:lambda-function:arn:aws:lambda:eu-central-1:123456789012:function:nightly-report",
                "undocumented_resource:aws:rds-db:arn:aws:rds:eu-central-1:123456789012:db:reporting-replica",
                "undocumented_resource:aws:s3-bucket:arn:aws:s3:::acme-dashboard-assets",
                "undocumented_resource:aws:sns-topic:arn:aws:sns:eu-central-1:123456789012:dashboard-pipelines",
            }));
  // Without a Name tag: the id stands in; the environment comes from the
  // Environment tag (any case) when it names a configured environment.
  const Gap& unnamed = Get(gaps, "undocumented_resource:aws:ec2-instance:i-0c0ffee0000000003");
  EXPECT_EQ(unnamed.summary, "Document AWS ec2-instance i-0c0ffee0000000003 in the opsdeck catalog");
  EXPECT_EQ(unnamed.environment, "staging");
  EXPECT_EQ(unnamed.subject_kind, "ec2-instance");
  EXPECT_EQ(unnamed.subject, "i-0c0ffee0000000003");
  EXPECT_EQ(unnamed.severity, config::Severity::kWarning);
  EXPECT_NE(unnamed.description.find("Name tag: none"), std::string::npos) << unnamed.description;
  EXPECT_NE(unnamed.description.find("aws: {instance_id: i-0c0ffee0000000003}"), std::string::npos);
  EXPECT_NE(unnamed.description.find("export ec2-describe-instances.json)"), std::string::npos)
      << "the file's name, not its local path";
  const Gap& named = Get(gaps, "undocumented_resource:aws:ec2-instance:i-0bad0000000000005");
  EXPECT_EQ(named.summary, "Document AWS ec2-instance i-0bad0000000000005 (scratch-box) in the opsdeck catalog");
  EXPECT_EQ(named.environment, "");
  const Gap& db = Get(gaps, "undocumented_resource:aws:rds-db:arn:aws:rds:eu-central-1:123456789012:db:reporting-replica");
  EXPECT_NE(db.description.find("aws: {id: reporting-replica}"), std::string::npos);
  const Gap& pipeline = Get(gaps, "undocumented_resource:aws:codepipeline-pipeline:legacy-importer");
  EXPECT_NE(pipeline.description.find("match: {codepipeline: {name: legacy-importer}}"),
            std::string::npos);
}

TEST(AwsDrift, CatalogIdentifiersACompleteExportLacksAreMissing) {
  auto config = LoadYaml(kConfig);
  ASSERT_TRUE(config);
  const std::vector<Gap> gaps = FindAwsDrift(*config, Import(kAllExports));
  // Not reported: the SNS topic (no dedicated export; tagging lists tagged
  // resources only) and dublin-db (the export covers eu-central-1 only).
  EXPECT_EQ(Fingerprints(gaps, GapKind::kMissingResource),
            (std::vector<std::string>{
                "missing_resource:pipeline:dashboard-qa:staging:match.codepipeline.name=dashboard-qa",
                "missing_resource:server:gone-server:production:aws.instance_id=i-0ffff00000000009",
                "missing_resource:service:retired-fn:production:aws.arn=arn:aws:lambda:eu-central-1:123456789012:function:gone-fn",
            }));
  const Gap& gone = Get(gaps, "missing_resource:server:gone-server:production:aws.instance_id=i-0ffff00000000009");
  EXPECT_EQ(gone.subject_kind, "server");
  EXPECT_EQ(gone.subject, "gone-server");
  EXPECT_EQ(gone.environment, "production");
  EXPECT_EQ(gone.detail, "aws.instance_id i-0ffff00000000009");
  EXPECT_EQ(gone.summary,
            "Fix the AWS identifier of server gone-server (production): i-0ffff00000000009 not found");
  EXPECT_NE(gone.description.find("aws ec2 describe-instances export does not contain it"),
            std::string::npos)
      << gone.description;
}

TEST(AwsDrift, OnlyExportsGivenCanShowAbsence) {
  auto config = LoadYaml(kConfig);
  ASSERT_TRUE(config);
  // Only the tagging export: plenty undocumented, nothing missing.
  const std::vector<Gap> gaps = FindAwsDrift(*config, Import({"tagging-get-resources.json"}));
  EXPECT_TRUE(Fingerprints(gaps, GapKind::kMissingResource).empty());
  EXPECT_EQ(Fingerprints(gaps, GapKind::kUndocumentedResource).size(), 3u)
      << "the volume, bucket and topic; the rest are named";
  // The first page of a paginated export alone: incomplete, nothing missing.
  auto first_page = ParseAwsExport(R"({"Reservations": [], "NextToken": "t"})", "p1.json");
  ASSERT_TRUE(first_page);
  const AwsInventory partial = MergeAwsExports({{"p1.json", *first_page}});
  EXPECT_TRUE(Fingerprints(FindAwsDrift(*config, partial), GapKind::kMissingResource).empty());
}

TEST(AwsDrift, PipelineGlobsNameManyAndRegionsMustAgree) {
  auto config = LoadYaml(R"(
pipelines:
  - {name: all-dashboard, environment: production, kind: deploy,
     match: {codepipeline: {name: "dashboard-*", region: eu-central-1}}}
  - {name: wrong-region, environment: production, kind: deploy,
     match: {codepipeline: {name: legacy-importer, region: us-east-1}}}
catalog:
  services:
    - {name: db, environment: production, aws: {id: dashboard-prod-db, account: "999999999999"}}
)");
  ASSERT_TRUE(config);
  const std::vector<Gap> gaps =
      FindAwsDrift(*config, Import({"codepipeline-list-pipelines.json", "tagging-get-resources.json",
                                    "rds-describe-db-instances.json"}));
  const auto undocumented = Fingerprints(gaps, GapKind::kUndocumentedResource);
  // list-pipelines has no region, so legacy-importer cannot contradict
  // us-east-1 and is named; the tagging ARN of dashboard-production is in
  // eu-central-1, as the glob's region asks.
  EXPECT_EQ(std::count_if(undocumented.begin(), undocumented.end(),
                          [](const std::string& f) { return f.find("codepipeline") != std::string::npos; }),
            0);
  // The RDS instance is in account 123456789012, not the catalog's 999...:
  // it is undocumented, and the catalog's is not judged missing (the export
  // does not cover that account).
  EXPECT_NE(std::find(undocumented.begin(), undocumented.end(),
                      "undocumented_resource:aws:rds-db:arn:aws:rds:eu-central-1:123456789012:db:dashboard-prod-db"),
            undocumented.end());
  EXPECT_TRUE(Fingerprints(gaps, GapKind::kMissingResource).empty());
}

TEST(AwsDrift, GlobMatches) {
  EXPECT_TRUE(core::GlobMatch("", "anything"));
  EXPECT_TRUE(core::GlobMatch("dash-*", "dash-prod"));
  EXPECT_TRUE(core::GlobMatch("d?sh", "dash"));
  EXPECT_FALSE(core::GlobMatch("dash-*", "xdash-prod"));
  EXPECT_TRUE(core::GlobMatch("*-prod*", "dash-production"));
  EXPECT_FALSE(core::GlobMatch("dash", "dash-prod"));
}

TEST(AwsDrift, RunDocsAuditAddsDriftAndSummarisesTheExports) {
  auto config = LoadYaml(kConfig);
  ASSERT_TRUE(config);
  const AwsInventory inventory = Import(kAllExports);
  const DocsAuditReport report = RunDocsAudit(*config, {nullptr, &inventory});
  EXPECT_TRUE(report.aws_checked);
  EXPECT_EQ(report.aws_kinds.size(), 6u);
  EXPECT_EQ(report.aws_resources, static_cast<int>(inventory.resources.size()));
  EXPECT_EQ(report.FailingGaps(), 12) << "9 undocumented + 3 missing, all warnings";
  // Drift does not lower coverage: no rules, every item documented.
  EXPECT_EQ(report.coverage.overall.documented, report.coverage.overall.items);
}

}  // namespace
}  // namespace opsdeck::tickets
