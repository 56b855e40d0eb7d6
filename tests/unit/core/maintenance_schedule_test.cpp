// MaintenanceSchedule: selectors, recurring and one-off windows, validity of
// a computed state, and the next start.
#include "core/maintenance_schedule.h"

#include <gtest/gtest.h>

#include "fake_zones.h"

namespace opsdeck::core {
namespace {

using namespace std::chrono_literals;
using testing::Utc;

const TargetRef kDb{"dashboard-db", "production", {"database", "eu"}};
const TargetRef kApi{"dashboard-api", "production", {"backend"}};
const TargetRef kStagingDb{"dashboard-db-staging", "staging", {"database"}};

RecurringWindow Sunday(TargetSelector select) {
  // Sundays 02:00-04:00 Berlin time.
  return {"sunday-patching", std::move(select), *CronSchedule::Parse("0 2 * * SUN"), 2h,
          std::make_shared<const testing::OneDstZone>(testing::Berlin2026())};
}

TEST(TargetSelectorTest, MatchesEveryNonEmptyList) {
  EXPECT_TRUE((TargetSelector{{"production"}, {}, {}}).Matches(kDb));
  EXPECT_FALSE((TargetSelector{{"production"}, {}, {}}).Matches(kStagingDb));
  EXPECT_TRUE((TargetSelector{{}, {}, {"database"}}).Matches(kStagingDb));
  EXPECT_TRUE((TargetSelector{{"production"}, {}, {"database"}}).Matches(kDb));
  EXPECT_FALSE((TargetSelector{{"production"}, {}, {"database"}}).Matches(kApi));  // no tag
  EXPECT_TRUE((TargetSelector{{}, {"dashboard-api"}, {}}).Matches(kApi));
  EXPECT_FALSE((TargetSelector{{}, {"dashboard-api"}, {"database"}}).Matches(kApi));
  EXPECT_FALSE(TargetSelector{}.Matches(kApi));  // selects nothing
}

TEST(MaintenanceScheduleTest, RecurringWindowCoversItsTargetsOnly) {
  const MaintenanceSchedule s({Sunday({{}, {}, {"database"}})}, {});
  // Sunday 3 May 2026, 03:00 CEST = 01:00 UTC.
  const auto w = s.Covering(kDb, Utc(2026, 5, 3, 1, 0));
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->name, "sunday-patching");
  EXPECT_EQ(w->start, Utc(2026, 5, 3, 0, 0));
  EXPECT_EQ(w->end, Utc(2026, 5, 3, 2, 0));
  EXPECT_FALSE(w->one_off_id.has_value());
  EXPECT_TRUE(s.Covering(kStagingDb, Utc(2026, 5, 3, 1, 0)).has_value());
  EXPECT_FALSE(s.Covering(kApi, Utc(2026, 5, 3, 1, 0)).has_value());
  EXPECT_FALSE(s.Covering(kDb, Utc(2026, 5, 3, 2, 0)).has_value());  // ended
}

TEST(MaintenanceScheduleTest, OneOffWindowAndTheLongerOfTwo) {
  const MaintenanceSchedule s({Sunday({{"production"}, {}, {}})},
                              {{7, "db-upgrade", {{}, {"dashboard-db"}, {}}, Utc(2026, 5, 3, 1, 30),
                                Utc(2026, 5, 3, 5, 0)}});
  const auto w = s.Covering(kDb, Utc(2026, 5, 3, 1, 45));
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->name, "db-upgrade");  // ends later than sunday-patching
  EXPECT_EQ(w->one_off_id, 7);
  EXPECT_EQ(s.Covering(kApi, Utc(2026, 5, 3, 1, 45))->name, "sunday-patching");
  EXPECT_EQ(s.Covering(kDb, Utc(2026, 5, 3, 4, 0))->name, "db-upgrade");
  EXPECT_FALSE(s.Covering(kDb, Utc(2026, 5, 3, 5, 0)).has_value());
}

TEST(MaintenanceScheduleTest, StateSaysUntilWhenItHolds) {
  const MaintenanceSchedule s({Sunday({{"production"}, {}, {}})},
                              {{7, "db-upgrade", {{}, {"dashboard-db"}, {}}, Utc(2026, 5, 3, 1, 30),
                                Utc(2026, 5, 3, 5, 0)}});
  const MaintenanceState before = s.At(Utc(2026, 5, 2, 12, 0));
  EXPECT_TRUE(before.active().empty());
  EXPECT_EQ(before.valid_until(), Utc(2026, 5, 3, 0, 0));  // sunday-patching starts
  const MaintenanceState during = s.At(Utc(2026, 5, 3, 1, 0));
  ASSERT_EQ(during.active().size(), 1u);
  EXPECT_EQ(during.valid_until(), Utc(2026, 5, 3, 1, 30));  // db-upgrade starts
  EXPECT_EQ(s.At(Utc(2026, 5, 3, 1, 30)).valid_until(), Utc(2026, 5, 3, 2, 0));
  EXPECT_EQ(s.At(Utc(2026, 5, 3, 2, 0)).valid_until(), Utc(2026, 5, 3, 5, 0));
  EXPECT_EQ(s.At(Utc(2026, 5, 3, 5, 0)).valid_until(), Utc(2026, 5, 10, 0, 0));
  EXPECT_EQ(MaintenanceSchedule().At(Utc(2026, 5, 3)).valid_until(), TimePoint::max());
}

TEST(MaintenanceScheduleTest, NextStartIsTheSoonestMatchingWindow) {
  const MaintenanceSchedule s({Sunday({{}, {}, {"database"}})},
                              {{9, "api-move", {{}, {"dashboard-api"}, {}}, Utc(2026, 5, 20, 8, 0),
                                Utc(2026, 5, 20, 9, 0)}});
  const auto next = s.NextStart(kDb, Utc(2026, 5, 3, 1, 0));  // inside this Sunday's window
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->start, Utc(2026, 5, 10, 0, 0));
  EXPECT_EQ(next->end, Utc(2026, 5, 10, 2, 0));
  const auto api = s.NextStart(kApi, Utc(2026, 5, 3));
  ASSERT_TRUE(api.has_value());
  EXPECT_EQ(api->name, "api-move");
  EXPECT_FALSE(s.NextStart(kApi, Utc(2026, 5, 20, 8, 0)).has_value());
}

}  // namespace
}  // namespace opsdeck::core
