// The aws CLI export readers, data-first: every tests/fixtures/aws-cli/X.json
// is parsed and compared with X.expected.json (the pages with their
// resources, or {"error": "<text the message contains>"}). Then merging
// across files and pages, pagination warnings, and file errors.
#include "tickets/aws_import.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <set>

#include "audit_test_support.h"

namespace opsdeck::tickets {
namespace {

namespace json = boost::json;
using testing::AwsFixtureDir;
using testing::ReadFile;

json::object ResourceJson(const AwsResource& r) {
  json::object o{{"kind", r.kind}, {"id", r.id}};
  for (auto [key, value] : {std::pair{"arn", &r.arn}, std::pair{"name", &r.name},
                            std::pair{"region", &r.region}, std::pair{"account", &r.account}}) {
    if (!value->empty()) o[key] = *value;
  }
  if (!r.tags.empty()) {
    json::object tags;
    for (const auto& [k, v] : r.tags) tags[k] = v;
    o["tags"] = std::move(tags);
  }
  return o;
}

json::value PagesJson(const std::vector<AwsExportPage>& pages) {
  json::array out;
  for (const auto& page : pages) {
    json::array resources;
    for (const auto& r : page.resources) resources.push_back(ResourceJson(r));
    out.push_back(json::object{{"export", AwsExportCommand(page.kind)},
                               {"more_pages", page.more_pages},
                               {"resources", std::move(resources)}});
  }
  return json::object{{"pages", std::move(out)}};
}

std::vector<std::string> FixtureCases() {
  std::vector<std::string> cases;
  for (const auto& entry : std::filesystem::directory_iterator(AwsFixtureDir())) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".json") && !name.ends_with(".expected.json"))
      cases.push_back(name.substr(0, name.size() - 5));
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

class AwsExportFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(AwsExportFixture, ParsesAsExpected) {
  const std::string name = GetParam() + ".json";
  const std::string text = ReadFile(AwsFixtureDir() + "/" + name);
  const std::string expected_text = ReadFile(AwsFixtureDir() + "/" + GetParam() + ".expected.json");
  ASSERT_FALSE(expected_text.empty()) << "missing " << GetParam() << ".expected.json";
  const json::value expected = json::parse(expected_text);
  auto pages = ParseAwsExport(text, name);
  if (const json::value* error = expected.as_object().if_contains("error")) {
    ASSERT_FALSE(pages) << "expected an error, got " << json::serialize(PagesJson(*pages));
    EXPECT_EQ(pages.error().code, core::ErrorCode::kInvalidArgument);
    const std::string message = pages.error().ToString();
    EXPECT_NE(message.find(std::string(error->as_string())), std::string::npos)
        << "message: " << message;
    return;
  }
  ASSERT_TRUE(pages) << pages.error().ToString();
  for (const auto& page : *pages) {
    for (const auto& r : page.resources) EXPECT_EQ(r.source, name);
  }
  EXPECT_EQ(PagesJson(*pages), expected) << "got " << json::serialize(PagesJson(*pages))
                                         << "\nexpected " << expected_text;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, AwsExportFixture, ::testing::ValuesIn(FixtureCases()),
                         [](const auto& info) {
                           std::string n = info.param;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

TEST(AwsExportFixtures, CoverEveryExportKindAndBadInput) {
  std::set<AwsExportKind> kinds;
  int bad = 0;
  for (const std::string& c : FixtureCases()) {
    auto pages = ParseAwsExport(ReadFile(AwsFixtureDir() + "/" + c + ".json"), c);
    if (!pages) {
      ++bad;
      continue;
    }
    for (const auto& p : *pages) kinds.insert(p.kind);
  }
  EXPECT_EQ(kinds.size(), 6u);
  EXPECT_GE(bad, 8);
}

std::string Fixture(const std::string& name) { return AwsFixtureDir() + "/" + name; }

TEST(AwsImport, MergesOneResourceSeenByTwoExports) {
  auto inventory = ImportAwsFiles({Fixture("ec2-describe-instances.json"),
                                   Fixture("tagging-get-resources.json"),
                                   Fixture("ec2-paginated-max-items.json")});
  ASSERT_TRUE(inventory) << inventory.error().ToString();
  const auto it = std::find_if(inventory->resources.begin(), inventory->resources.end(),
                               [](const AwsResource& r) { return r.id == "i-0a1b2c3d4e5f60001"; });
  ASSERT_NE(it, inventory->resources.end());
  EXPECT_EQ(std::count_if(inventory->resources.begin(), inventory->resources.end(),
                          [](const AwsResource& r) { return r.id == "i-0a1b2c3d4e5f60001"; }),
            1);
  EXPECT_EQ(it->arn, "arn:aws:ec2:eu-central-1:123456789012:instance/i-0a1b2c3d4e5f60001")
      << "filled from the tagging export";
  EXPECT_EQ(it->tags, (TagList{{"Environment", "production"},
                               {"Name", "backend-production-1"},
                               {"Team", "core"}}));
  EXPECT_EQ(it->source, Fixture("ec2-describe-instances.json"));
  // 4 live instances + 6 other tagged resources (the instance is shared).
  EXPECT_EQ(inventory->resources.size(), 10u);
  EXPECT_EQ(inventory->kinds, (std::vector<AwsExportKind>{AwsExportKind::kEc2Instances,
                                                          AwsExportKind::kTaggedResources}));
  EXPECT_EQ(inventory->complete_kinds,
            std::vector<AwsExportKind>{AwsExportKind::kEc2Instances})
      << "a tagging export never proves absence";
  EXPECT_TRUE(inventory->warnings.empty());
  for (size_t i = 1; i < inventory->resources.size(); ++i)
    EXPECT_LT(ResourceKey(inventory->resources[i - 1]), ResourceKey(inventory->resources[i]));
}

TEST(AwsImport, AnExportEndingWithATokenIsIncompleteAndSaysSo) {
  const std::string first_page = R"({"pipelines": [{"name": "a", "version": 1}], "NextToken": "eyJ9"})";
  auto pages = ParseAwsExport(first_page, "page1.json");
  ASSERT_TRUE(pages);
  ASSERT_EQ(pages->size(), 1u);
  EXPECT_TRUE((*pages)[0].more_pages);
  const AwsInventory partial = MergeAwsExports({{"page1.json", *pages}});
  EXPECT_TRUE(partial.complete_kinds.empty());
  ASSERT_EQ(partial.warnings.size(), 1u);
  EXPECT_NE(partial.warnings[0].find("aws codepipeline list-pipelines export (page1.json)"),
            std::string::npos)
      << partial.warnings[0];

  // The last page given as a second file completes it; the duplicate of
  // "a" (pages overlapping) is one resource.
  auto last = ParseAwsExport(R"({"pipelines": [{"name": "a"}, {"name": "b"}]})", "page2.json");
  ASSERT_TRUE(last);
  const AwsInventory whole = MergeAwsExports({{"page1.json", *pages}, {"page2.json", *last}});
  EXPECT_EQ(whole.complete_kinds, std::vector<AwsExportKind>{AwsExportKind::kCodePipelines});
  EXPECT_TRUE(whole.warnings.empty());
  EXPECT_EQ(whole.resources.size(), 2u);
}

TEST(AwsImport, NoPaginateTokensOfEachServiceMeanMorePages) {
  for (const char* text : {R"({"DBInstances": [], "Marker": "m"})",
                           R"({"LoadBalancers": [], "NextMarker": "m"})",
                           R"({"ResourceTagMappingList": [], "PaginationToken": "p"})",
                           R"({"pipelines": [], "nextToken": "n"})",
                           R"({"Reservations": [], "NextToken": "n"})"}) {
    auto pages = ParseAwsExport(text, "x.json");
    ASSERT_TRUE(pages) << text;
    EXPECT_TRUE((*pages)[0].more_pages) << text;
  }
  auto last = ParseAwsExport(R"({"ResourceTagMappingList": [], "PaginationToken": ""})", "x.json");
  ASSERT_TRUE(last);
  EXPECT_FALSE((*last)[0].more_pages) << "an empty PaginationToken marks the last page";
}

TEST(AwsImport, OneBadFileFailsTheWholeImportNamingIt) {
  auto r = ImportAwsFiles({Fixture("ec2-describe-instances.json"), Fixture("bad-query-array.json")});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().where, Fixture("bad-query-array.json"));
  auto missing = ImportAwsFiles({Fixture("no-such-export.json")});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().ToString().find("no-such-export.json: cannot read"), std::string::npos)
      << missing.error().ToString();
  auto dir = ImportAwsFiles({AwsFixtureDir()});
  ASSERT_FALSE(dir);
  EXPECT_NE(dir.error().message.find("is a directory"), std::string::npos);
}

TEST(AwsImport, AcceptsAUtf8ByteOrderMark) {
  auto pages = ParseAwsExport("\xEF\xBB\xBF{\"pipelines\": [{\"name\": \"p\"}]}\n", "bom.json");
  ASSERT_TRUE(pages) << pages.error().ToString();
  EXPECT_EQ((*pages)[0].resources.at(0).id, "p");
}

TEST(AwsArn, ParsesAndIdentifiesKinds) {
  EXPECT_FALSE(ParseArn("i-0abc"));
  EXPECT_FALSE(ParseArn("arn:aws:ec2:eu-central-1:123456789012"));
  EXPECT_FALSE(ParseArn("urn:aws:ec2:r:a:instance/i-1"));
  struct Case {
    const char* arn;
    const char* kind;
    const char* id;
    const char* canonical;
  } cases[] = {
      {"arn:aws:ec2:eu-central-1:123456789012:instance/i-0abc", "ec2-instance", "i-0abc", nullptr},
      {"arn:aws:rds:eu-central-1:123456789012:db:orders", "rds-db", "orders", nullptr},
      {"arn:aws:rds:eu-central-1:123456789012:cluster:orders-c", "rds-cluster", "orders-c", nullptr},
      {"arn:aws:elasticloadbalancing:eu-central-1:123456789012:loadbalancer/app/api/50dc6c495c0c9188",
       "elbv2-load-balancer", "api", nullptr},
      {"arn:aws:elasticloadbalancing:eu-central-1:123456789012:loadbalancer/classic-lb",
       "elb-load-balancer", "classic-lb", nullptr},
      {"arn:aws:lambda:eu-central-1:123456789012:function:thumbs:7", "lambda-function", "thumbs",
       "arn:aws:lambda:eu-central-1:123456789012:function:thumbs"},
      {"arn:aws:codepipeline:eu-central-1:123456789012:deploy-prod", "codepipeline-pipeline",
       "deploy-prod", nullptr},
      {"arn:aws:s3:::assets", "s3-bucket", "assets", nullptr},
      {"arn:aws:dynamodb:eu-central-1:123456789012:table/orders", "dynamodb-table", "orders", nullptr},
      {"arn:aws-cn:kms:cn-north-1:123456789012:key/1234abcd", "kms-key", "1234abcd", nullptr},
  };
  for (const auto& c : cases) {
    auto arn = ParseArn(c.arn);
    ASSERT_TRUE(arn) << c.arn;
    const ArnIdentity id = IdentifyArn(*arn);
    EXPECT_EQ(id.kind, c.kind) << c.arn;
    EXPECT_EQ(id.id, c.id) << c.arn;
    EXPECT_EQ(id.arn, c.canonical ? c.canonical : c.arn);
  }
}

TEST(AwsArn, RegionOfZone) {
  EXPECT_EQ(RegionOfZone("eu-central-1a"), "eu-central-1");
  EXPECT_EQ(RegionOfZone("us-gov-west-1b"), "us-gov-west-1");
  EXPECT_EQ(RegionOfZone("us-west-2-lax-1a"), "");
  EXPECT_EQ(RegionOfZone("use1-az1"), "");
  EXPECT_EQ(RegionOfZone(""), "");
}

}  // namespace
}  // namespace opsdeck::tickets
