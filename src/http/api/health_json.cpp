#include "http/api/health_json.h"

#include <charconv>

#include "ingest/time_parse.h"

namespace opsdeck::http {

namespace json = boost::json;

json::value TimeOrNull(const std::optional<core::TimePoint>& t) {
  return t ? json::value(core::FormatRfc3339(*t)) : json::value(nullptr);
}

json::value TextOrNull(const std::string& s) {
  return s.empty() ? json::value(nullptr) : json::value(s);
}

json::array Strings(const std::vector<std::string>& values) {
  json::array out;
  out.reserve(values.size());
  for (const auto& v : values) out.emplace_back(v);
  return out;
}

namespace {

json::value Millis(const std::optional<core::Micros>& d) {
  if (!d) return nullptr;
  return static_cast<double>(d->count()) / 1000.0;
}

json::value Share(const std::optional<double>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

}  // namespace

json::object TargetJson(const store::TargetRecord& target,
                        const std::optional<store::RollupSummary>& day) {
  const store::TargetDef& d = target.def;
  const store::TargetStatus& s = target.status;
  json::object o;
  o["name"] = d.name;
  o["kind"] = d.kind;
  o["environment"] = d.environment;
  o["component"] = TextOrNull(d.component);
  o["owner"] = TextOrNull(d.owner);
  o["docs"] = TextOrNull(d.docs);
  o["runbook"] = TextOrNull(d.runbook);
  o["tags"] = Strings(d.tags);
  o["depends_on"] = Strings(d.depends_on);
  o["state"] = core::TargetStateName(s.state);
  o["since"] = core::FormatRfc3339(s.since);
  o["flapping"] = s.flapping;
  o["reason"] = TextOrNull(s.reason);
  o["incident_id"] = s.incident_id ? json::value(*s.incident_id) : json::value(nullptr);
  json::array checks;
  for (const auto& c : d.checks) {
    json::object co;
    co["index"] = c.index;
    co["type"] = c.type;
    co["summary"] = c.summary;
    co["interval_ms"] = c.interval_ms > 0 ? json::value(c.interval_ms) : json::value(nullptr);
    checks.push_back(std::move(co));
  }
  o["checks"] = std::move(checks);
  o["uptime_24h"] = day ? Share(day->Uptime()) : json::value(nullptr);
  return o;
}

json::object TimingsJson(const core::ProbeTimings& t) {
  json::object o;
  o["dns_ms"] = Millis(t.dns);
  o["connect_ms"] = Millis(t.connect);
  o["tls_ms"] = Millis(t.tls);
  o["first_byte_ms"] = Millis(t.first_byte);
  o["total_ms"] = Millis(t.total);
  return o;
}

json::object ResultJson(const store::ResultRow& row) {
  const core::CheckResult& r = row.result;
  json::object o;
  o["id"] = row.id;
  o["target"] = row.key.target;
  o["check"] = row.key.check;
  o["at"] = core::FormatRfc3339(r.at);
  o["ok"] = r.ok;
  o["error"] = TextOrNull(r.error);
  o["http_status"] = r.http_status != 0 ? json::value(r.http_status) : json::value(nullptr);
  o["certificate_days"] =
      r.certificate_days ? json::value(*r.certificate_days) : json::value(nullptr);
  o["timings"] = TimingsJson(r.timings);
  return o;
}

json::object SummaryJson(const store::RollupSummary& summary) {
  json::object o;
  o["count"] = summary.count;
  o["failures"] = summary.failures;
  o["uptime"] = Share(summary.Uptime());
  o["p50_ms"] = Millis(summary.latency.Quantile(0.50));
  o["p95_ms"] = Millis(summary.latency.Quantile(0.95));
  o["p99_ms"] = Millis(summary.latency.Quantile(0.99));
  return o;
}

json::object NoteJson(const store::IncidentNote& note) {
  json::object o;
  o["id"] = note.id;
  o["author"] = note.author;
  o["at"] = core::FormatRfc3339(note.at);
  o["text"] = note.text;
  return o;
}

json::object IncidentJson(const store::Incident& incident, bool detail) {
  json::object o;
  o["id"] = incident.id;
  o["target"] = incident.target;
  o["environment"] = incident.environment;
  o["state"] = incident.ended_at ? "resolved" : "open";
  o["started_at"] = core::FormatRfc3339(incident.started_at);
  o["ended_at"] = TimeOrNull(incident.ended_at);
  o["cause"] = incident.cause;
  o["root_id"] = incident.root_id ? json::value(*incident.root_id) : json::value(nullptr);
  o["root_target"] = TextOrNull(incident.root_target);
  o["acknowledged_by"] = TextOrNull(incident.acknowledged_by);
  o["acknowledged_at"] = TimeOrNull(incident.acknowledged_at);
  if (detail) {
    json::array notes;
    for (const auto& n : incident.notes) notes.push_back(NoteJson(n));
    o["notes"] = std::move(notes);
    json::array dependents;
    for (int64_t id : incident.dependents) dependents.emplace_back(id);
    o["dependents"] = std::move(dependents);
  }
  return o;
}

json::object MaintenanceJson(const store::MaintenanceWindow& window, core::TimePoint now) {
  json::object o;
  o["id"] = window.id;
  o["name"] = window.name;
  o["environments"] = Strings(window.environments);
  o["targets"] = Strings(window.targets);
  o["tags"] = Strings(window.tags);
  o["starts_at"] = core::FormatRfc3339(window.starts_at);
  o["ends_at"] = core::FormatRfc3339(window.ends_at);
  o["active"] = window.starts_at <= now && now < window.ends_at;
  o["created_by"] = window.created_by;
  o["created_at"] = core::FormatRfc3339(window.created_at);
  return o;
}

core::Result<std::optional<core::TimePoint>> TimeQuery(const std::map<std::string, std::string>& q,
                                                       const std::string& key) {
  auto it = q.find(key);
  if (it == q.end()) return std::optional<core::TimePoint>();
  auto t = ingest::ParseRfc3339(it->second);
  if (!t) {
    return core::Error::InvalidArgument(
        key + " must be an RFC 3339 time such as 2026-11-29T12:00:00Z", key);
  }
  return std::optional<core::TimePoint>(*t);
}

core::Result<int64_t> PathId(const std::string& text, const std::string& what) {
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return core::Error::NotFound("no " + what + " " + text);
  }
  return id;
}

}  // namespace opsdeck::http
