// ReleaseStore over a Database, written once for both backends
// (006_releases.sql has the tables and why).
// Thread-safety: safe from any thread; no mutable state of its own.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/clock.h"
#include "store/database.h"
#include "store/release_store.h"

namespace opsdeck::store {

class SqlReleaseStore final : public ReleaseStore {
 public:
  SqlReleaseStore(Database& db, const core::Clock& clock) : db_(db), clock_(clock) {}

  core::Result<core::Release> CreateRelease(const NewRelease& release,
                                                    const core::Actor& actor,
                                                    std::string_view request_id,
                                                    const AnnouncePlan<core::Release>& announce) override;
  core::Result<Page<core::Release>> ListReleases(const ReleaseQuery& query) override;
  core::Result<std::optional<core::Release>> GetRelease(int64_t id) override;
  core::Result<core::Release> UpdateRelease(
      int64_t id, const std::function<core::Result<void>(core::Release&)>& change,
      std::string_view action, const core::Actor& actor, std::string_view request_id,
      const AnnouncePlan<core::Release>& announce) override;
  core::Result<Booking> RequestBooking(const Booking& booking, const core::Actor& actor,
                                               std::string_view request_id,
                                               const AnnouncePlan<Booking>& announce) override;
  core::Result<Booking> DecideBooking(int64_t id, BookingState to, std::string_view note,
                                              const core::Actor& actor, std::string_view request_id,
                                              const AnnouncePlan<Booking>& announce) override;
  core::Result<std::vector<Booking>> ListBookings(const BookingQuery& query) override;
  core::Result<bool> MarkReminded(int64_t id, const AnnouncePlan<Booking>& announce) override;
  core::Result<FreezeOverride> OverrideFreeze(const FreezeOverride& override_,
                                                      const core::Actor& actor,
                                                      std::string_view request_id,
                                                      const AnnouncePlan<FreezeOverride>& announce) override;
  core::Result<std::vector<FreezeOverride>> ListOverrides(core::TimePoint from,
                                                                  core::TimePoint to) override;
  core::Result<Rollback> CreateRollback(const Rollback& rollback, const core::Actor& actor,
                                                std::string_view request_id,
                                                const AnnouncePlan<Rollback>& announce) override;
  core::Result<Rollback> UpdateRollback(
      int64_t id, const std::function<core::Result<void>(Rollback&)>& change,
      std::string_view action, const core::Actor& actor, std::string_view request_id,
      const AnnouncePlan<Rollback>& announce,
      std::optional<core::ReleaseState> release_state) override;
  core::Result<Page<Rollback>> ListRollbacks(const RollbackQuery& query) override;
  core::Result<std::optional<Rollback>> GetRollback(int64_t id) override;
  core::Result<std::vector<Rollback>> OpenRollbacks() override;

 private:
  Database& db_;
  const core::Clock& clock_;
};

}  // namespace opsdeck::store
