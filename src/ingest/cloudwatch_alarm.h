// CloudWatch alarm state changes for monitoring (CONTRACTS.md §8): the
// EventBridge "CloudWatch Alarm State Change" event (posted by an API
// destination or carried in an SNS Message) and the classic alarm action's
// SNS Message (AlarmName, NewStateValue, ...), read into one value, and mapped
// onto catalog targets by `catalog.external` entries of type cloudwatch.
// AwsSource (aws_source.h) authenticates the delivery first. Pure functions.
#pragma once

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/catalog_config.h"
#include "core/clock.h"
#include "core/result.h"
#include "ingest/signal_result.h"

namespace opsdeck::ingest {

inline constexpr std::string_view kAlarmStateChange = "CloudWatch Alarm State Change";

struct CloudWatchAlarmChange {
  std::string alarm_name;
  std::string state;  // OK | ALARM | INSUFFICIENT_DATA (as sent)
  std::string reason;
  std::string previous_state;  // "" when not sent
  std::optional<core::TimePoint> changed_at;
  std::string region;   // EventBridge: "eu-central-1"; classic: a display name
  std::string account;
  std::string delivery_id;  // the EventBridge id, or the SNS MessageId
};

// `event` is an EventBridge event whose source is aws.cloudwatch and whose
// detail-type is kAlarmStateChange. Errors name `pointer` + the JSON pointer.
core::Result<CloudWatchAlarmChange> ReadAlarmEvent(const boost::json::object& event,
                                                   const std::string& pointer,
                                                   const std::string& fallback_delivery_id);

// A classic alarm action's message: has AlarmName and NewStateValue.
bool LooksLikeClassicAlarm(const boost::json::object& message);
core::Result<CloudWatchAlarmChange> ReadClassicAlarm(const boost::json::object& message,
                                                     const std::string& pointer,
                                                     const std::string& fallback_delivery_id);

// ALARM: a failed result for every entry naming the alarm ("cloudwatch:
// <alarm> in ALARM: <reason>"); OK: an ok result; INSUFFICIENT_DATA or an
// unknown state: nothing, with `ignored` saying why. An alarm no entry names
// is listed in `unmatched`. Results are timed `now`.
SignalMapping MapAlarm(const CloudWatchAlarmChange& change,
                       const std::vector<config::ExternalSignalConfig>& external,
                       core::TimePoint now);

}  // namespace opsdeck::ingest
