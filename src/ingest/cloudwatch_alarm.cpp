#include "ingest/cloudwatch_alarm.h"

#include "ingest/json_reader.h"
#include "ingest/time_parse.h"

namespace opsdeck::ingest {
namespace {

// CloudWatch writes offsets without a colon ("…T14:38:40.210+0000"), which
// RFC 3339 does not allow; the time is informational, so an unreadable one is
// dropped rather than refused.
std::optional<core::TimePoint> LenientTime(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  const std::string_view s = *text;
  const size_t n = s.size();
  if (n > 5 && (s[n - 5] == '+' || s[n - 5] == '-') && s.find(':', n - 5) == std::string::npos) {
    std::string fixed(s.substr(0, n - 2));
    fixed += ':';
    fixed += s.substr(n - 2);
    return ParseRfc3339(fixed);
  }
  return ParseRfc3339(s);
}

std::string NonEmpty(const ObjectReader& r, std::string_view key) {
  const auto s = r.String(key, true);
  if (s && s->empty()) {
    r.sink().Fail(std::string(key) + " must not be empty", JsonPointer(r.pointer(), key));
  }
  return s.value_or("");
}

}  // namespace

core::Result<CloudWatchAlarmChange> ReadAlarmEvent(const boost::json::object& event,
                                                   const std::string& pointer,
                                                   const std::string& fallback_delivery_id) {
  ErrorSink sink;
  const ObjectReader root(&event, pointer, &sink);
  CloudWatchAlarmChange c;
  c.delivery_id = root.String("id").value_or("");
  if (c.delivery_id.empty()) c.delivery_id = fallback_delivery_id;
  c.region = root.String("region").value_or("");
  c.account = root.String("account").value_or("");
  const ObjectReader detail = root.Object("detail", true);
  c.alarm_name = NonEmpty(detail, "alarmName");
  const ObjectReader state = detail.Object("state", true);
  c.state = NonEmpty(state, "value");
  c.reason = state.String("reason").value_or("");
  const auto stamp = state.String("timestamp");
  c.previous_state = detail.Object("previousState").String("value").value_or("");
  if (sink.failed()) return sink.error();
  c.changed_at = LenientTime(stamp);
  if (!c.changed_at) c.changed_at = LenientTime(root.String("time"));
  if (sink.failed()) return sink.error();
  return c;
}

bool LooksLikeClassicAlarm(const boost::json::object& message) {
  return message.contains("AlarmName") && message.contains("NewStateValue");
}

core::Result<CloudWatchAlarmChange> ReadClassicAlarm(const boost::json::object& message,
                                                     const std::string& pointer,
                                                     const std::string& fallback_delivery_id) {
  ErrorSink sink;
  const ObjectReader root(&message, pointer, &sink);
  CloudWatchAlarmChange c;
  c.delivery_id = fallback_delivery_id;
  c.alarm_name = NonEmpty(root, "AlarmName");
  c.state = NonEmpty(root, "NewStateValue");
  c.reason = root.String("NewStateReason").value_or("");
  c.previous_state = root.String("OldStateValue").value_or("");
  c.region = root.String("Region").value_or("");
  c.account = root.String("AWSAccountId").value_or("");
  const auto stamp = root.String("StateChangeTime");
  if (sink.failed()) return sink.error();
  c.changed_at = LenientTime(stamp);
  return c;
}

SignalMapping MapAlarm(const CloudWatchAlarmChange& change,
                       const std::vector<config::ExternalSignalConfig>& external,
                       core::TimePoint now) {
  SignalMapping out;
  if (change.state != "ALARM" && change.state != "OK") {
    out.ignored = "alarm " + change.alarm_name + " is " + change.state +
                  ": only ALARM and OK are health signals";
    return out;
  }
  for (size_t i = 0; i < external.size(); ++i) {
    const config::ExternalSignalConfig& entry = external[i];
    if (entry.type != config::ExternalType::kCloudwatch || entry.alarm != change.alarm_name) continue;
    SignalResult r;
    r.key = core::CheckKey{entry.target, core::ExternalCheck(static_cast<int>(i))};
    r.result.at = now;
    r.result.ok = change.state == "OK";
    if (!r.result.ok) {
      r.result.error = "cloudwatch: " + change.alarm_name + " in ALARM";
      if (!change.reason.empty()) r.result.error += ": " + change.reason;
    }
    out.results.push_back(std::move(r));
  }
  if (out.results.empty()) out.unmatched.push_back(change.alarm_name);
  return out;
}

}  // namespace opsdeck::ingest
