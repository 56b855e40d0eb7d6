// The report's JSON shape (documented in docs/docs-audit.md) and its text
// rendering: grouping, verdict, and no terminal control characters from
// AWS tag values.
#include "tickets/audit_report.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "audit_test_support.h"

namespace opsdeck::tickets {
namespace {

namespace json = boost::json;
using testing::LoadYaml;

constexpr const char* kConfig = R"(
catalog:
  services:
    - {name: api, environment: production, owner: core, docs: "https://wiki.example.com/api"}
    - {name: web, environment: staging}
  servers:
    - {name: db-1, environment: production, owner: dba, docs: "https://wiki.example.com/db"}
docs_audit:
  rules:
    - {kinds: [service, server], require: [owner, docs]}
    - {kinds: [server], require: [tags], severity: info}
)";

class Answers : public LinkChecker {
 public:
  LinkResults Check(const std::vector<std::string>& urls) override {
    LinkResults out;
    for (const auto& u : urls) out[u] = {u.find("/db") == std::string::npos, u.find("/db") == std::string::npos ? "" : "HTTP 404"};
    return out;
  }
};

DocsAuditReport Sample(const config::Config& config) {
  auto pages = ParseAwsExport(
      R"({"Reservations": [{"OwnerId": "123456789012", "Instances": [
           {"InstanceId": "i-0123", "Tags": [{"Key": "Name", "Value": "evil\u001b[31mred"}]}]}]})",
      "ec2.json");
  EXPECT_TRUE(pages);
  static AwsInventory inventory;
  inventory = MergeAwsExports({{"ec2.json", *pages}});
  static Answers answers;
  return RunDocsAudit(config, {&answers, &inventory});
}

TEST(AuditReportJson, HasTheDocumentedShape) {
  auto config = LoadYaml(kConfig);
  ASSERT_TRUE(config);
  const json::object out = ReportJson(Sample(*config));
  EXPECT_EQ(out.at("result"), "fail");
  EXPECT_EQ(out.at("fail_on"), "warning");
  EXPECT_EQ(out.at("failing_gaps"), 4) << "web owner+docs, db-1 broken docs, the instance";
  const json::object& coverage = out.at("coverage").as_object();
  EXPECT_EQ(coverage.at("overall"),
            (json::object{{"items", 3}, {"documented", 1}, {"percent", 33}}));
  // Every configured environment, in order, even without items.
  const json::object& envs = coverage.at("environments").as_object();
  ASSERT_EQ(envs.size(), 3u);
  EXPECT_EQ(envs.begin()->key(), "development");
  EXPECT_EQ(envs.at("development").at("percent"), nullptr);
  EXPECT_EQ(envs.at("production"), (json::object{{"items", 2}, {"documented", 1}, {"percent", 50}}));
  EXPECT_EQ(coverage.at("kinds").at("pipeline"),
            (json::object{{"items", 0}, {"documented", 0}, {"percent", nullptr}}));
  EXPECT_EQ(out.at("counts"), (json::object{{"missing_field", 3},
                                            {"broken_link", 1},
                                            {"undocumented_resource", 1},
                                            {"missing_resource", 0}}));
  EXPECT_EQ(out.at("links"), (json::object{{"checked", true}, {"urls", 2}, {"broken", 1}}));
  EXPECT_EQ(out.at("aws").at("exports"), (json::array{"aws ec2 describe-instances"}));
  EXPECT_EQ(out.at("aws").at("resources"), 1);
  EXPECT_EQ(out.at("warnings"), json::array{});
  const json::array& gaps = out.at("gaps").as_array();
  ASSERT_EQ(gaps.size(), 5u);
  for (const auto& gap : gaps) {
    for (const char* key : {"fingerprint", "kind", "subject_kind", "subject", "environment", "detail",
                            "severity", "fails", "summary", "description"})
      EXPECT_TRUE(gap.as_object().contains(key)) << key;
    EXPECT_EQ(gap.as_object().size(), 10u);
  }
  EXPECT_EQ(gaps[0].at("fingerprint"), "missing_field:service:web:staging:owner");
  EXPECT_EQ(gaps[0].at("fails"), true);
  const json::value& tags = gaps[2];
  EXPECT_EQ(tags.at("fingerprint"), "missing_field:server:db-1:production:tags");
  EXPECT_EQ(tags.at("severity"), "info");
  EXPECT_EQ(tags.at("fails"), false);
  EXPECT_EQ(gaps[4].at("environment"), nullptr) << "an AWS resource without an environment tag";
  EXPECT_EQ(gaps[4].at("kind"), "undocumented_resource");
}

TEST(AuditReportJson, WithoutExportsAwsIsNullAndAPassIsAPass) {
  auto config = LoadYaml(R"(
catalog:
  services:
    - {name: api, environment: production, owner: core}
docs_audit:
  rules:
    - {kinds: [service], require: [owner]}
)");
  ASSERT_TRUE(config);
  const json::object out = ReportJson(RunDocsAudit(*config, {}));
  EXPECT_EQ(out.at("result"), "pass");
  EXPECT_EQ(out.at("failing_gaps"), 0);
  EXPECT_EQ(out.at("aws"), nullptr);
  EXPECT_EQ(out.at("links").at("checked"), false);
  EXPECT_EQ(out.at("gaps"), json::array{});
}

TEST(AuditReportText, GroupsByKindAndEnvironmentAndEndsWithTheVerdict) {
  auto config = LoadYaml(kConfig);
  ASSERT_TRUE(config);
  const std::string text = ReportText(Sample(*config));
  EXPECT_NE(text.find("Documentation coverage: 1 of 3 items fully documented (33%)"), std::string::npos)
      << text;
  EXPECT_NE(text.find("by environment: development 0/0, staging 0/1, production 1/2"), std::string::npos);
  EXPECT_NE(text.find("Links: 2 checked, 1 broken"), std::string::npos);
  EXPECT_NE(text.find("AWS: 1 resources from aws ec2 describe-instances"), std::string::npos);
  const size_t missing = text.find("\nMissing fields (3)\n  staging\n");
  const size_t production = text.find("\n  production\n    info      Document the tags of server db-1");
  const size_t broken = text.find("\nBroken links (1)\n  production\n    warning   Fix the broken "
                                  "documentation link of server db-1 (production)\n"
                                  "              https://wiki.example.com/db: HTTP 404\n");
  const size_t aws = text.find("\nUndocumented AWS resources (1)\n  no environment\n");
  EXPECT_NE(missing, std::string::npos) << text;
  EXPECT_NE(production, std::string::npos) << text;
  EXPECT_NE(broken, std::string::npos) << text;
  EXPECT_NE(aws, std::string::npos) << text;
  EXPECT_LT(missing, production);
  EXPECT_LT(production, broken);
  EXPECT_LT(broken, aws);
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << "the tag's escape sequence is neutralised";
  EXPECT_NE(text.find("(evil?[31mred)"), std::string::npos);
  EXPECT_TRUE(text.ends_with("\nFAIL: 5 gap(s), 4 at warning or above\n")) << text;
}

}  // namespace
}  // namespace opsdeck::tickets
