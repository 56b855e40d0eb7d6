// Documentation-audit notices: kinds, one subject per run, severity from the
// worst gap, the common environment as route filter, the capped gap list,
// the filing notice and its author.
#include "core/docs_notices.h"

#include <gtest/gtest.h>

namespace opsdeck::core {
namespace {

const TimePoint kAt = FromUnixMillis(1'790'000'000'000);
const DocsNoticeContext kCtx{"https://ops.example.com/", "4 of 7 items fully documented (57%)",
                             "schedule"};

std::string Value(const Notice& n, std::string_view name) {
  for (const auto& f : n.fields) {
    if (f.name == name) return f.value;
  }
  return "<none>";
}

DocsGapFact Fact(std::string summary, NoticeSeverity s, std::string env = "production") {
  DocsGapFact f;
  f.summary = std::move(summary);
  f.severity = s;
  f.environment = std::move(env);
  return f;
}

TEST(DocsNotices, KindsAreTheDocumentedOnes) {
  EXPECT_EQ(DocsEventKind(DocsEvent::kGapsOpened), "docs.gaps_opened");
  EXPECT_EQ(DocsEventKind(DocsEvent::kGapsFixed), "docs.gaps_fixed");
  EXPECT_EQ(DocsEventKind(DocsEvent::kTicketsFiled), "docs.tickets_filed");
}

TEST(DocsNotices, NothingToSayIsNoNotice) {
  EXPECT_FALSE(DocsGapsOpenedNotice({}, kCtx, kAt));
  EXPECT_FALSE(DocsGapsFixedNotice({}, kCtx, kAt));
  EXPECT_FALSE(DocsTicketsFiledNotice({}, 2, "user:alice", kCtx, kAt));
}

TEST(DocsNotices, OpenedTakesTheWorstSeverityAndListsEveryGap) {
  DocsGapFact again = Fact("Document the owner of service web (production)",
                           NoticeSeverity::kInfo);
  again.reopened = true;
  auto n = DocsGapsOpenedNotice({Fact("Document the runbook of service api (production)",
                                      NoticeSeverity::kCritical),
                                 again},
                                kCtx, kAt);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->kind, "docs.gaps_opened");
  EXPECT_EQ(n->subject, "docs-audit:gaps_opened:1790000000000");
  EXPECT_EQ(n->severity, NoticeSeverity::kCritical);
  EXPECT_EQ(n->state, NoticeState::kCritical);
  EXPECT_EQ(n->title, "Documentation audit: 2 new gaps (1 found again)");
  EXPECT_EQ(n->description,
            "critical: Document the runbook of service api (production)\n"
            "info: Document the owner of service web (production) (again)");
  EXPECT_EQ(n->environment, "production");
  EXPECT_EQ(n->opsdeck_url, "https://ops.example.com/docs-audit");
  EXPECT_EQ(Value(*n, "Coverage"), "4 of 7 items fully documented (57%)");
  EXPECT_EQ(Value(*n, "Trigger"), "schedule");
  EXPECT_EQ(n->occurred_at, kAt);
}

TEST(DocsNotices, MixedEnvironmentsHaveNoRouteFilterAndTheListIsCapped) {
  std::vector<DocsGapFact> gaps;
  for (int i = 0; i < 13; ++i) {
    gaps.push_back(Fact("gap " + std::to_string(i), NoticeSeverity::kWarning,
                        i % 2 == 0 ? "staging" : "production"));
  }
  auto n = DocsGapsOpenedNotice(gaps, kCtx, kAt);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->environment, "");
  EXPECT_EQ(Value(*n, "Environment"), "<none>");
  EXPECT_EQ(n->severity, NoticeSeverity::kWarning);
  EXPECT_NE(n->description.find("gap 9 and 3 more"), std::string::npos) << n->description;
  EXPECT_EQ(n->description.find("gap 10"), std::string::npos);
}

TEST(DocsNotices, FixedIsResolvedInfoWithTicketKeys) {
  DocsGapFact f = Fact("Document the runbook of service api (production)",
                       NoticeSeverity::kCritical);
  f.ticket_key = "OPS-12";
  auto n = DocsGapsFixedNotice({f}, kCtx, kAt);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->kind, "docs.gaps_fixed");
  EXPECT_EQ(n->severity, NoticeSeverity::kInfo);
  EXPECT_EQ(n->state, NoticeState::kResolved);
  EXPECT_EQ(n->title, "Documentation audit: 1 gap fixed");
  EXPECT_EQ(n->description, "Document the runbook of service api (production) [OPS-12]");
}

TEST(DocsNotices, TicketsFiledNamesTheAuthorAndRefusals) {
  DocsGapFact f = Fact("Document the owner of pipeline ci", NoticeSeverity::kWarning, "");
  f.ticket_key = "OPS-3";
  auto n = DocsTicketsFiledNotice({f}, 1, "user:alice", DocsNoticeContext{}, kAt);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->kind, "docs.tickets_filed");
  EXPECT_EQ(n->title, "Documentation audit: 1 Jira issue filed");
  EXPECT_EQ(Value(*n, "By"), "alice");
  EXPECT_EQ(Value(*n, "Refused by Jira"), "1");
  EXPECT_EQ(n->severity, NoticeSeverity::kWarning);
  EXPECT_EQ(n->opsdeck_url, "");  // no public_url: no link
  EXPECT_EQ(n->description, "Document the owner of pipeline ci [OPS-3]");
}

}  // namespace
}  // namespace opsdeck::core
