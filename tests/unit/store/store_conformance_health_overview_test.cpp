// The store conformance suite, health part 3: HealthOverview (the overview's
// per-environment state counts, worst targets and open incidents) against
// SummarizeHealth, its in-memory definition. Runs on SQLite and PostgreSQL.
#include "health_fixture.h"

namespace opsdeck::store::conformance {
namespace {

using core::TargetState;

class HealthOverviewConformance : public HealthConformance {
 protected:
  std::vector<EnvironmentHealth> Overview(int worst, int newest) {
    auto r = health().HealthOverview(worst, newest);
    EXPECT_TRUE(r) << r.error().ToString();
    return r.value_or(std::vector<EnvironmentHealth>{});
  }
  // The same answer computed from the store's own lists.
  std::vector<EnvironmentHealth> Expected(int worst, int newest) {
    auto targets = health().ListTargets({});
    auto incidents = health().OpenIncidents();
    EXPECT_TRUE(targets && incidents);
    return SummarizeHealth(targets.value_or(std::vector<TargetRecord>{}),
                           incidents.value_or(std::vector<Incident>{}), worst, newest);
  }
  static std::vector<std::string> Names(const std::vector<TargetStatus>& list) {
    std::vector<std::string> out;
    for (const TargetStatus& s : list) out.push_back(s.target);
    return out;
  }
};

TEST_P(HealthOverviewConformance, CountsEveryTargetAsUnknownBeforeAnyResult) {
  const auto overview = Overview(3, 3);
  ASSERT_EQ(overview.size(), 2u);  // production, staging: sorted by name
  EXPECT_EQ(overview[0].environment, "production");
  EXPECT_EQ(overview[0].counts, (StateCounts{.unknown = 3}));
  EXPECT_EQ(Names(overview[0].worst), (std::vector<std::string>{"api", "web", "db-1"}));
  EXPECT_EQ(overview[1].environment, "staging");
  EXPECT_EQ(overview[1].counts.Total(), 1);
  EXPECT_EQ(overview[0].open_incidents, 0);
  EXPECT_TRUE(overview[0].newest_incidents.empty());
}

TEST_P(HealthOverviewConformance, ListsTheWorstFirstAndTheNewestOpenIncidents) {
  HealthBatch batch;
  batch.states = {State("api", TargetState::kDegraded, kStart + 5s, "slow"),
                  State("web", TargetState::kDown, kStart + 9s, "503"),
                  State("db-1", TargetState::kDown, kStart + 2s, "refused"),
                  State("api-staging", TargetState::kUp, kStart)};
  batch.opens = {Open("db-1", kStart + 2s), Open("web", kStart + 9s)};
  const auto applied = Apply(batch, kStart + 10s);
  // A closed incident is not counted.
  Apply(HealthBatch{.opens = {Open("api", kStart + 5s)}}, kStart + 11s);
  Apply(HealthBatch{.closes = {IncidentClose{"api", kStart + 12s}}}, kStart + 12s);

  const auto overview = Overview(2, 1);
  ASSERT_EQ(overview.size(), 2u);
  const EnvironmentHealth& prod = overview[0];
  EXPECT_EQ(prod.counts, (StateCounts{.degraded = 1, .down = 2}));
  // Down before degraded; of the two down, the longest down first; cut at 2.
  ASSERT_EQ(Names(prod.worst), (std::vector<std::string>{"db-1", "web"}));
  EXPECT_EQ(prod.worst[0].state, TargetState::kDown);
  EXPECT_EQ(prod.worst[0].since, kStart + 2s);
  EXPECT_EQ(prod.worst[0].reason, "refused");
  EXPECT_EQ(prod.worst[0].incident_id, applied.opened.at("db-1"));
  EXPECT_EQ(prod.open_incidents, 2);
  ASSERT_EQ(prod.newest_incidents.size(), 1u);
  EXPECT_EQ(prod.newest_incidents[0].target, "web");
  EXPECT_EQ(prod.newest_incidents[0].id, applied.opened.at("web"));
  const EnvironmentHealth& staging = overview[1];
  EXPECT_EQ(staging.counts, (StateCounts{.up = 1}));
  EXPECT_TRUE(staging.worst.empty());  // up targets are never "worst"

  // The SQL answer is SummarizeHealth's over the store's own lists.
  for (const auto& [worst, newest] : {std::pair{2, 1}, std::pair{10, 10}, std::pair{0, 0}}) {
    const auto got = Overview(worst, newest);
    const auto want = Expected(worst, newest);
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].environment, want[i].environment);
      EXPECT_EQ(got[i].counts, want[i].counts);
      EXPECT_EQ(got[i].worst, want[i].worst) << got[i].environment << " " << worst;
      EXPECT_EQ(got[i].open_incidents, want[i].open_incidents);
      ASSERT_EQ(got[i].newest_incidents.size(), want[i].newest_incidents.size());
      for (size_t j = 0; j < got[i].newest_incidents.size(); ++j) {
        EXPECT_EQ(got[i].newest_incidents[j].id, want[i].newest_incidents[j].id);
      }
    }
  }
}

TEST_P(HealthOverviewConformance, LeavesRetiredTargetsOut) {
  Apply(HealthBatch{.states = {State("web", TargetState::kDown, kStart)}});
  Sync({catalog_[0], catalog_[2], catalog_[3]});  // web retired
  const auto overview = Overview(5, 5);
  ASSERT_FALSE(overview.empty());
  EXPECT_EQ(overview[0].counts, (StateCounts{.unknown = 2}));
  EXPECT_EQ(Names(overview[0].worst), (std::vector<std::string>{"api", "db-1"}));
}

INSTANTIATE_TEST_SUITE_P(Backends, HealthOverviewConformance,
                         ::testing::Values(testing::kSqlite, testing::kPostgres),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace opsdeck::store::conformance
