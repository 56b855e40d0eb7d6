// Alertmanager webhook notifications (CONTRACTS.md §9): the receiver's bearer
// token (sources.alertmanager.token, compared in constant time before any
// JSON is read), then the version "4" payload; and the mapping of its alerts
// onto catalog targets by `catalog.external` entries of type alertmanager
// (label equality on every `match` key). No I/O; immutable after
// construction, so Parse() and MapAlerts() are safe from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/catalog_config.h"
#include "core/clock.h"
#include "core/result.h"
#include "core/secret.h"
#include "ingest/signal_result.h"
#include "ingest/source.h"

namespace opsdeck::ingest {

struct AlertmanagerAlert {
  bool firing = false;  // status "firing"; false for "resolved"
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  std::optional<core::TimePoint> starts_at;
  std::optional<core::TimePoint> ends_at;  // nullopt for the zero time: not ended
  std::string fingerprint;
  std::string generator_url;
  // The alertname label, else the fingerprint, else "alert".
  std::string Name() const;
};

struct AlertmanagerNotification {
  std::string group_key;
  bool firing = false;  // the group's status: firing when any alert is
  std::string receiver;
  int64_t truncated_alerts = 0;  // dropped by the receiver's max_alerts
  std::vector<AlertmanagerAlert> alerts;
};

class AlertmanagerSource {
 public:
  explicit AlertmanagerSource(core::SecretString token) : token_(std::move(token)) {}

  // kUnauthenticated (where ""): no token configured, a missing or non-Bearer
  // Authorization header, or a wrong token. kInvalidArgument: malformed
  // payload, `where` the JSON pointer of the offending value.
  core::Result<AlertmanagerNotification> Parse(const Delivery& delivery) const;

 private:
  core::Result<void> Verify(const Delivery& delivery) const;
  core::SecretString token_;
};

// One result per catalog.external alertmanager entry that some alert matches:
// failed while any of its alerts fires ("alertmanager: <alertname> firing:
// <summary>"), ok when all of them are resolved. Results are timed `now`
// (when the notification arrived), never by the alert's own times, which a
// repeat notification carries unchanged.
SignalMapping MapAlerts(const AlertmanagerNotification& notification,
                        const std::vector<config::ExternalSignalConfig>& external,
                        core::TimePoint now);

}  // namespace opsdeck::ingest
