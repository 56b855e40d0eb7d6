#include "ingest/alertmanager_source.h"

#include <boost/json/value.hpp>

#include <exception>
#include <string_view>
#include <utility>

#include "ingest/json_reader.h"
#include "net/secrets.h"

namespace opsdeck::ingest {
namespace {

namespace json = boost::json;

// Alertmanager blanks endsAt of a firing alert to Go's zero time.
constexpr std::string_view kZeroTime = "0001-01-01T00:00:00";

// "firing" -> true, "resolved" -> false; anything else fails at `pointer`.
std::optional<bool> Status(const ObjectReader& r, std::string_view key) {
  const auto s = r.String(key, true);
  if (!s) return std::nullopt;
  if (*s == "firing") return true;
  if (*s == "resolved") return false;
  r.sink().Fail(std::string(key) + " must be \"firing\" or \"resolved\"",
                JsonPointer(r.pointer(), key));
  return std::nullopt;
}

// An object whose values are all strings (labels, annotations).
std::map<std::string, std::string> StringMap(const json::object& parent, const std::string& pointer,
                                             std::string_view key, bool required,
                                             ErrorSink& sink) {
  std::map<std::string, std::string> out;
  const json::value* v = parent.if_contains(key);
  const std::string here = JsonPointer(pointer, key);
  if (v == nullptr || v->is_null()) {
    if (required) sink.Fail(std::string(key) + " is required", here);
    return out;
  }
  const json::object* o = v->if_object();
  if (o == nullptr) {
    sink.Fail(std::string(key) + " must be an object", here);
    return out;
  }
  for (const auto& kv : *o) {
    const json::string* s = kv.value().if_string();
    if (s == nullptr) {
      sink.Fail("values of " + std::string(key) + " must be strings", JsonPointer(here, kv.key()));
      return out;
    }
    out.emplace(std::string(kv.key()), std::string(*s));
  }
  return out;
}

AlertmanagerAlert ReadAlert(const json::object& obj, const std::string& pointer, ErrorSink& sink) {
  const ObjectReader r(&obj, pointer, &sink);
  AlertmanagerAlert a;
  a.firing = Status(r, "status").value_or(false);
  a.labels = StringMap(obj, pointer, "labels", true, sink);
  a.annotations = StringMap(obj, pointer, "annotations", false, sink);
  a.starts_at = r.Time("startsAt");
  const json::value* ends = obj.if_contains("endsAt");
  const json::string* ends_text = ends != nullptr ? ends->if_string() : nullptr;
  if (ends_text == nullptr || !std::string_view(*ends_text).starts_with(kZeroTime)) {
    a.ends_at = r.Time("endsAt");
  }
  a.fingerprint = r.String("fingerprint").value_or("");
  a.generator_url = r.String("generatorURL").value_or("");
  return a;
}

core::Result<AlertmanagerNotification> ParseBody(const json::object& obj) {
  ErrorSink sink;
  const ObjectReader root(&obj, "", &sink);
  AlertmanagerNotification n;
  const auto version = root.String("version", true);
  if (version && *version != "4") {
    sink.Fail("version must be \"4\" (the Alertmanager webhook format), not \"" + *version + "\"",
              "/version");
  }
  n.group_key = root.String("groupKey").value_or("");
  n.firing = Status(root, "status").value_or(false);
  n.receiver = root.String("receiver").value_or("");
  n.truncated_alerts = root.Int("truncatedAlerts").value_or(0);
  if (n.truncated_alerts < 0) sink.Fail("truncatedAlerts must not be negative", "/truncatedAlerts");
  if (sink.failed()) return sink.error();
  const json::value* alerts = obj.if_contains("alerts");
  if (alerts == nullptr || alerts->is_null()) {
    return core::Error::InvalidArgument("alerts is required", "/alerts");
  }
  const json::array* list = alerts->if_array();
  if (list == nullptr) return core::Error::InvalidArgument("alerts must be an array", "/alerts");
  n.alerts.reserve(list->size());
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string pointer = "/alerts/" + std::to_string(i);
    const json::object* alert = (*list)[i].if_object();
    if (alert == nullptr) return core::Error::InvalidArgument("an alert must be an object", pointer);
    n.alerts.push_back(ReadAlert(*alert, pointer, sink));
    if (sink.failed()) return sink.error();
  }
  return n;
}

bool Matches(const std::map<std::string, std::string>& match,
             const std::map<std::string, std::string>& labels) {
  for (const auto& [key, value] : match) {
    auto it = labels.find(key);
    if (it == labels.end() || it->second != value) return false;
  }
  return true;
}

std::string FiringText(const AlertmanagerAlert& alert, int firing) {
  std::string text = "alertmanager: " + alert.Name() + " firing";
  auto summary = alert.annotations.find("summary");
  if (summary == alert.annotations.end() || summary->second.empty()) {
    summary = alert.annotations.find("description");
  }
  if (summary != alert.annotations.end() && !summary->second.empty()) {
    text += ": " + FirstLine(summary->second);
  }
  if (firing > 1) text += " (and " + std::to_string(firing - 1) + " more firing)";
  return text;
}

}  // namespace

std::string AlertmanagerAlert::Name() const {
  if (auto it = labels.find("alertname"); it != labels.end() && !it->second.empty()) {
    return it->second;
  }
  return fingerprint.empty() ? "alert" : fingerprint;
}

core::Result<void> AlertmanagerSource::Verify(const Delivery& delivery) const {
  return VerifyBearer(delivery, token_, "Alertmanager");
}

core::Result<AlertmanagerNotification> AlertmanagerSource::Parse(const Delivery& delivery) const {
  if (auto ok = Verify(delivery); !ok) return ok.error();
  try {
    auto doc = ParseJson(delivery.body);
    if (!doc) return doc.error();
    const json::object* obj = doc->if_object();
    if (obj == nullptr) return core::Error::InvalidArgument("body must be a JSON object", "");
    return ParseBody(*obj);
  } catch (const std::exception& e) {  // only allocation can throw here
    return core::Error::Internal(std::string("Alertmanager payload: ") + e.what());
  }
}

SignalMapping MapAlerts(const AlertmanagerNotification& notification,
                        const std::vector<config::ExternalSignalConfig>& external,
                        core::TimePoint now) {
  SignalMapping out;
  std::vector<bool> matched(notification.alerts.size(), false);
  for (size_t i = 0; i < external.size(); ++i) {
    const config::ExternalSignalConfig& entry = external[i];
    if (entry.type != config::ExternalType::kAlertmanager) continue;
    const AlertmanagerAlert* first_firing = nullptr;
    int firing = 0;
    bool any = false;
    for (size_t j = 0; j < notification.alerts.size(); ++j) {
      const AlertmanagerAlert& alert = notification.alerts[j];
      if (!Matches(entry.match, alert.labels)) continue;
      matched[j] = true;
      any = true;
      if (alert.firing) {
        if (first_firing == nullptr) first_firing = &alert;
        ++firing;
      }
    }
    if (!any) continue;
    SignalResult r;
    r.key = core::CheckKey{entry.target, core::ExternalCheck(static_cast<int>(i))};
    r.result.at = now;
    r.result.ok = firing == 0;
    if (first_firing != nullptr) r.result.error = FiringText(*first_firing, firing);
    out.results.push_back(std::move(r));
  }
  for (size_t j = 0; j < notification.alerts.size(); ++j) {
    if (matched[j]) continue;
    const AlertmanagerAlert& alert = notification.alerts[j];
    std::string name = alert.Name();
    if (!alert.fingerprint.empty() && name != alert.fingerprint) name += " (" + alert.fingerprint + ")";
    out.unmatched.push_back(std::move(name));
  }
  return out;
}

}  // namespace opsdeck::ingest
