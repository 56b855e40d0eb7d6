// The rules (per kind, environment and severity), coverage, broken-link gaps
// from given link answers, and fingerprints that stay the same across runs.
#include "tickets/docs_audit.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "audit_test_support.h"
#include "tickets/audit_run.h"

namespace opsdeck::tickets {
namespace {

using testing::LoadYaml;

// Three environments; a documented production service, an undocumented
// one, a staging server, two pipelines. Rules: owner+docs everywhere
// (warning), runbook for production services (critical), tags for servers
// (info).
constexpr const char* kConfig = R"(
environments:
  - name: development
  - name: staging
  - name: production
pipelines:
  - name: api-deploy
    environment: production
    kind: deploy
    owner: devops
    docs: https://wiki.example.com/pipelines/api
    match: {codepipeline: {name: api-deploy}}
  - name: api-ci
    environment: development
    kind: build
    match: {github: {repository: acme/api, workflow: CI}}
catalog:
  services:
    - name: api
      environment: production
      component: backend
      owner: core-team
      docs: https://wiki.example.com/api
      runbook: https://wiki.example.com/runbooks/api
    - name: billing
      environment: production
      component: backend
    - name: api-staging
      environment: staging
      owner: core-team
      docs: https://wiki.example.com/api
  servers:
    - name: web-1
      environment: staging
      owner: devops
      docs: https://wiki.example.com/servers/web-1
docs_audit:
  rules:
    - {kinds: [service, server, pipeline], require: [owner, docs]}
    - {kinds: [service], environments: [production], require: [runbook, owner], severity: critical}
    - {kinds: [server], require: [tags], severity: info}
)";

const Gap* Find(const std::vector<Gap>& gaps, const std::string& fingerprint) {
  for (const Gap& g : gaps) {
    if (g.fingerprint == fingerprint) return &g;
  }
  return nullptr;
}

std::vector<std::string> Fingerprints(const std::vector<Gap>& gaps) {
  std::vector<std::string> out;
  for (const Gap& g : gaps) out.push_back(g.fingerprint);
  return out;
}

TEST(DocsAuditRules, OneGapPerItemAndRequiredFieldWithTheRulesSeverity) {
  auto config = LoadYaml(kConfig);
  ASSERT_TRUE(config);
  std::vector<Gap> gaps = FindMissingFields(*config);
  SortGaps(*config, &gaps);
  EXPECT_EQ(Fingerprints(gaps), (std::vector<std::string>{
                                    "missing_field:pipeline:api-ci:development:owner",
                                    "missing_field:pipeline:api-ci:development:docs",
                                    "missing_field:server:web-1:staging:tags",
                                    "missing_field:service:billing:production:owner",
                                    "missing_field:service:billing:production:docs",
                                    "missing_field:service:billing:production:runbook",
                                }))
      << "development before staging before production; within one, services, servers, "
         "pipelines; a staging service needs no runbook";

  // Owner is required by the warning rule and the critical one: one gap,
  // the higher severity, both rules named.
  const Gap* owner = Find(gaps, "missing_field:service:billing:production:owner");
  ASSERT_NE(owner, nullptr);
  EXPECT_EQ(owner->severity, config::Severity::kCritical);
  EXPECT_NE(owner->description.find("docs_audit.rules[0]"), std::string::npos);
  EXPECT_NE(owner->description.find("docs_audit.rules[1]"), std::string::npos);
  EXPECT_EQ(owner->kind, GapKind::kMissingField);
  EXPECT_EQ(owner->subject_kind, "service");
  EXPECT_EQ(owner->subject, "billing");
  EXPECT_EQ(owner->environment, "production");
  EXPECT_EQ(owner->detail, "owner");

  const Gap* docs = Find(gaps, "missing_field:service:billing:production:docs");
  ASSERT_NE(docs, nullptr);
  EXPECT_EQ(docs->severity, config::Severity::kWarning);

  const Gap* runbook = Find(gaps, "missing_field:service:billing:production:runbook");
  ASSERT_NE(runbook, nullptr);
  EXPECT_EQ(runbook->summary, "Document the runbook of service billing (production)");
  EXPECT_NE(runbook->description.find("has no runbook"), std::string::npos) << runbook->description;
  EXPECT_NE(runbook->description.find("set `runbook:`"), std::string::npos);
  EXPECT_NE(runbook->description.find("under catalog.services"), std::string::npos);
  EXPECT_NE(runbook->description.find("severity: critical"), std::string::npos);

  const Gap* tags = Find(gaps, "missing_field:server:web-1:staging:tags");
  ASSERT_NE(tags, nullptr);
  EXPECT_EQ(tags->severity, config::Severity::kInfo);
  EXPECT_FALSE(FailsAudit(*tags)) << "an info rule lists a wish without failing the audit";
  EXPECT_TRUE(FailsAudit(*docs));
  EXPECT_NE(Find(gaps, "missing_field:pipeline:api-ci:development:docs")->description.find(
                "under pipelines"),
            std::string::npos);
}

TEST(DocsAuditRules, NoRulesNoGaps) {
  auto config = LoadYaml(R"(
catalog:
  services:
    - {name: bare, environment: production}
)");
  ASSERT_TRUE(config);
  EXPECT_TRUE(FindMissingFields(*config).empty());
  const auto report = RunDocsAudit(*config, {});
  EXPECT_TRUE(report.Passed());
  EXPECT_EQ(report.coverage.overall, (Coverage{1, 1}));
}

TEST(DocsAuditRules, EnvironmentFilterSelectsOnlyThoseEnvironments) {
  auto config = LoadYaml(R"(
catalog:
  services:
    - {name: a, environment: development}
    - {name: b, environment: staging}
    - {name: c, environment: production}
docs_audit:
  rules:
    - {kinds: [service], environments: [staging, production], require: [component]}
)");
  ASSERT_TRUE(config);
  EXPECT_EQ(Fingerprints(FindMissingFields(*config)),
            (std::vector<std::string>{"missing_field:service:b:staging:component",
                                      "missing_field:service:c:production:component"}));
}

TEST(DocsAuditCoverage, CountsItemsWithoutDocumentationGaps) {
  auto config = LoadYaml(kConfig);
  ASSERT_TRUE(config);
  std::vector<Gap> gaps = FindMissingFields(*config);
  // A drift gap about an item does not make it undocumented.
  Gap drift;
  drift.kind = GapKind::kMissingResource;
  drift.subject_kind = "service";
  drift.subject = "api";
  drift.fingerprint = "missing_resource:service:api:production:aws.id=x";
  gaps.push_back(drift);
  const CoverageReport c = ComputeCoverage(*config, gaps);
  // Documented: api, api-staging, api-deploy; not: billing, web-1 (info
  // rule still counts), api-ci.
  EXPECT_EQ(c.overall, (Coverage{6, 3}));
  ASSERT_EQ(c.by_environment.size(), 3u);
  EXPECT_EQ(c.by_environment[0], (std::pair<std::string, Coverage>{"development", {1, 0}}));
  EXPECT_EQ(c.by_environment[1], (std::pair<std::string, Coverage>{"staging", {2, 1}}));
  EXPECT_EQ(c.by_environment[2], (std::pair<std::string, Coverage>{"production", {3, 2}}));
  ASSERT_EQ(c.by_kind.size(), 3u);
  EXPECT_EQ(c.by_kind[0], (std::pair<std::string, Coverage>{"service", {3, 2}}));
  EXPECT_EQ(c.by_kind[1], (std::pair<std::string, Coverage>{"server", {1, 0}}));
  EXPECT_EQ(c.by_kind[2], (std::pair<std::string, Coverage>{"pipeline", {2, 1}}));
}

TEST(DocsAuditLinks, CollectsEachUrlOnceAndTurnsBadAnswersIntoGaps) {
  auto config = LoadYaml(kConfig);
  ASSERT_TRUE(config);
  EXPECT_EQ(CollectLinks(*config),
            (std::vector<std::string>{"https://wiki.example.com/api",
                                      "https://wiki.example.com/pipelines/api",
                                      "https://wiki.example.com/runbooks/api",
                                      "https://wiki.example.com/servers/web-1"}));
  LinkResults results = {
      {"https://wiki.example.com/api", {false, "HTTP 404"}},
      {"https://wiki.example.com/runbooks/api", {true, ""}},
      {"https://wiki.example.com/servers/web-1", {false, "timed out after 10000 ms"}},
  };
  std::vector<Gap> gaps = FindBrokenLinks(*config, results);
  SortGaps(*config, &gaps);
  // The shared docs URL is broken for both services that use it.
  EXPECT_EQ(Fingerprints(gaps), (std::vector<std::string>{
                                    "broken_link:service:api-staging:staging:docs",
                                    "broken_link:server:web-1:staging:docs",
                                    "broken_link:service:api:production:docs",
                                }));
  const Gap& api = gaps[2];
  EXPECT_EQ(api.detail, "https://wiki.example.com/api: HTTP 404");
  EXPECT_EQ(api.summary, "Fix the broken documentation link of service api (production)");
  EXPECT_EQ(api.severity, config::Severity::kWarning) << "rule 0 requires docs at warning";
  EXPECT_EQ(gaps[1].detail, "https://wiki.example.com/servers/web-1: timed out after 10000 ms");
}

TEST(DocsAuditLinks, BrokenLinkUrlsAreShownWithoutCredentialsOrQuery) {
  auto config = LoadYaml(R"(
catalog:
  services:
    - name: s
      environment: production
      docs: "https://user:hunter2@wiki.example.com/page?token=sekrit#top"
)");
  ASSERT_TRUE(config);
  const std::string url = config->catalog.services[0].docs;
  const auto gaps = FindBrokenLinks(*config, {{url, {false, "HTTP 500"}}});
  ASSERT_EQ(gaps.size(), 1u);
  for (const std::string* text : {&gaps[0].detail, &gaps[0].description, &gaps[0].summary,
                                  &gaps[0].fingerprint}) {
    EXPECT_EQ(text->find("hunter2"), std::string::npos) << *text;
    EXPECT_EQ(text->find("sekrit"), std::string::npos) << *text;
  }
  EXPECT_EQ(gaps[0].detail, "https://wiki.example.com/page: HTTP 500");
  // A link no rule requires is a warning.
  EXPECT_EQ(gaps[0].severity, config::Severity::kWarning);
}

// A fake checker that answers from a table and records what it was asked.
class TableLinkChecker : public LinkChecker {
 public:
  explicit TableLinkChecker(LinkResults table) : table_(std::move(table)) {}
  LinkResults Check(const std::vector<std::string>& urls) override {
    asked = urls;
    LinkResults out;
    for (const auto& url : urls) out[url] = table_.count(url) ? table_[url] : LinkStatus{true, ""};
    return out;
  }
  std::vector<std::string> asked;

 private:
  LinkResults table_;
};

TEST(DocsAuditRun, FingerprintsAndOrderAreStableAcrossRuns) {
  auto first = LoadYaml(kConfig);
  auto second = LoadYaml(kConfig);  // a reload: a new snapshot of the same file
  ASSERT_TRUE(first && second);
  TableLinkChecker links({{"https://wiki.example.com/api", {false, "HTTP 404"}}});
  const auto a = RunDocsAudit(*first, {&links, nullptr});
  const auto b = RunDocsAudit(*second, {&links, nullptr});
  ASSERT_FALSE(a.gaps.empty());
  EXPECT_EQ(a.gaps, b.gaps);
  EXPECT_EQ(links.asked, CollectLinks(*second));
  EXPECT_TRUE(a.links.checked);
  EXPECT_EQ(a.links.urls, 4);
  EXPECT_EQ(a.links.broken, 1);
  // Fingerprints name what the gap is about and nothing that can change
  // without the gap changing (no status, no time, no URL).
  for (const Gap& gap : a.gaps) {
    EXPECT_EQ(gap.fingerprint.find("404"), std::string::npos) << gap.fingerprint;
    EXPECT_EQ(gap.fingerprint.find("https"), std::string::npos) << gap.fingerprint;
  }
  EXPECT_EQ(a.FailingGaps(), static_cast<int>(a.gaps.size()) - 1) << "all but the info tags gap";
  EXPECT_FALSE(a.Passed());
}

TEST(DocsAuditRun, WithoutALinkCheckerNoLinkIsJudged) {
  auto config = LoadYaml(kConfig);
  ASSERT_TRUE(config);
  const auto report = RunDocsAudit(*config, {});
  EXPECT_FALSE(report.links.checked);
  EXPECT_FALSE(report.aws_checked);
  EXPECT_TRUE(std::none_of(report.gaps.begin(), report.gaps.end(),
                           [](const Gap& g) { return g.kind == GapKind::kBrokenLink; }));
}

TEST(DocsAuditRun, PassesWhenOnlyInfoGapsRemain) {
  auto config = LoadYaml(R"(
catalog:
  servers:
    - {name: web-1, environment: production, owner: devops}
docs_audit:
  rules:
    - {kinds: [server], require: [owner]}
    - {kinds: [server], require: [tags, component], severity: info}
)");
  ASSERT_TRUE(config);
  const auto report = RunDocsAudit(*config, {});
  EXPECT_EQ(report.gaps.size(), 2u);
  EXPECT_EQ(report.FailingGaps(), 0);
  EXPECT_TRUE(report.Passed());
}

}  // namespace
}  // namespace opsdeck::tickets
