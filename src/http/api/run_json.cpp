#include "http/api/run_json.h"

#include <boost/json/parse.hpp>

#include <optional>

#include "core/run_tracker.h"

namespace opsdeck::http {
namespace {

namespace json = boost::json;

json::value Time(const std::optional<core::TimePoint>& t) {
  if (!t) return nullptr;
  return json::string(core::FormatRfc3339(*t));
}

json::value Text(const std::string& s) {
  if (s.empty()) return nullptr;
  return json::string(s);
}

json::value Millis(const std::optional<core::Duration>& d) {
  if (!d) return nullptr;
  return d->count();
}

}  // namespace

json::object RunJson(const core::Run& run, bool with_stages) {
  json::object o;
  o["id"] = run.id;
  o["pipeline"] = run.pipeline;
  o["environment"] = run.environment;
  o["source"] = core::SourceKindName(run.source);
  o["external_id"] = run.external_run_id;
  o["attempt"] = run.attempt;
  o["status"] = core::RunStatusName(run.status);
  o["source_status"] = Text(run.source_status);
  o["title"] = Text(run.title);
  o["version"] = Text(run.version);
  o["commit"] = Text(run.commit);
  o["ref"] = Text(run.ref);
  o["url"] = Text(run.url);
  o["trigger"] = Text(run.trigger);
  o["created_at"] = Time(run.created_at);
  o["started_at"] = Time(run.started_at);
  o["finished_at"] = Time(run.finished_at);
  o["duration_ms"] = Millis(core::RunDuration(run));
  if (with_stages) {
    json::array stages;
    for (const auto& s : run.stages) {
      json::object st;
      st["name"] = s.name;
      st["status"] = core::RunStatusName(s.status);
      st["source_status"] = Text(s.source_status);
      st["started_at"] = Time(s.started_at);
      st["finished_at"] = Time(s.finished_at);
      st["duration_ms"] = Millis(core::StageDuration(s));
      st["url"] = Text(s.url);
      stages.push_back(std::move(st));
    }
    o["stages"] = std::move(stages);
  }
  return o;
}

json::object DeploymentJson(const store::DeploymentRecord& rec) {
  const core::Deployment& d = rec.deployment;
  json::object o;
  o["id"] = rec.id;
  o["run_id"] = rec.run_id;
  o["pipeline"] = d.pipeline;
  o["environment"] = d.environment;
  o["status"] = "succeeded";  // a deployment is a succeeded deploy run
  o["external_id"] = d.external_run_id;
  o["attempt"] = d.attempt;
  o["version"] = Text(d.version);
  o["commit"] = Text(d.commit);
  o["url"] = Text(d.url);
  o["deployed_at"] = core::FormatRfc3339(d.deployed_at);
  o["finished_at"] = core::FormatRfc3339(d.deployed_at);
  return o;
}

json::object UnmatchedJson(const store::UnmatchedRecord& u) {
  json::object o;
  o["id"] = u.id;
  o["source"] = u.event.source;
  o["event_type"] = Text(u.event.event_type);
  o["external_id"] = Text(u.event.external_id);
  o["reason"] = u.event.reason;
  boost::system::error_code ec;
  json::value keys = json::parse(u.event.summary_json, ec);
  o["keys"] = ec ? json::value(nullptr) : keys;
  o["received_at"] = core::FormatRfc3339(u.received_at);
  return o;
}

}  // namespace opsdeck::http
