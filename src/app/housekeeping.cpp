#include "app/housekeeping.h"

#include <boost/asio/post.hpp>

#include "net/log.h"

namespace opsdeck::app {

void Housekeeper::Start() { Schedule(std::chrono::seconds(0)); }

void Housekeeper::Stop() {
  stopped_ = true;
  timer_.cancel();
}

void Housekeeper::Schedule(std::chrono::steady_clock::duration after) {
  timer_.expires_after(after);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    boost::asio::post(db_, [this] {
      if (!stopped_) RunOnce();
    });
    Schedule(kInterval);
  });
}

namespace {
constexpr auto kDeliveryRetention = std::chrono::hours(24 * 30);
}  // namespace

void Housekeeper::RunOnce() {
  const auto now = clock_.Now();
  const auto cfg = config_();
  auto sessions = store_.sessions().DeleteExpired(now, cfg->auth.session_idle);
  auto failures = store_.throttle().DeleteOlderThan(now - std::chrono::hours(1));
  // Delivery ids are kept 30 days: longer than any provider retries, and
  // GitHub's manual "Redeliver" lists the last 30 days only.
  auto deliveries = store_.runs().Prune(now - kDeliveryRetention);
  // Finished notifications stay in the delivery log as long; pending ones
  // are never pruned.
  auto notifications = store_.outbox().Prune(now - kDeliveryRetention);
  // Monitoring history, as storage.retention says.
  const auto& keep = cfg->storage.retention;
  auto health = store_.health().PruneHealth(now - keep.raw_results, now - keep.minute_rollups,
                                            now - keep.hour_rollups);
  const core::Error* failed = !sessions        ? &sessions.error()
                              : !failures      ? &failures.error()
                              : !deliveries    ? &deliveries.error()
                              : !notifications ? &notifications.error()
                              : !health        ? &health.error()
                                               : nullptr;
  if (failed != nullptr) {
    net::LogWarn("housekeeping failed", {{"error", failed->ToString()}});
    return;
  }
  const int64_t history = health->results + health->minute_rollups + health->hour_rollups;
  if (*sessions > 0 || *failures > 0 || *deliveries > 0 || *notifications > 0 || history > 0) {
    net::LogInfo("housekeeping", {{"sessions_removed", *sessions},
                                  {"login_failures_removed", *failures},
                                  {"deliveries_removed", *deliveries},
                                  {"notifications_removed", *notifications},
                                  {"results_removed", health->results},
                                  {"rollups_removed", health->minute_rollups + health->hour_rollups}});
  }
}

}  // namespace opsdeck::app
