#include "ingest/gitlab_source.h"

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "ingest/json_reader.h"
#include "ingest/time_parse.h"
#include "net/secrets.h"

namespace opsdeck::ingest {
namespace {

namespace json = boost::json;

// The X-Gitlab-Event value of the one hook opsdeck reads
// (https://docs.gitlab.com/user/project/integrations/webhook_events/#pipeline-events).
constexpr std::string_view kPipelineHook = "Pipeline Hook";

// A present, non-null member of `obj` (which may be null).
const json::value* Member(const json::object* obj, std::string_view key) {
  if (obj == nullptr) return nullptr;
  const json::value* v = obj->if_contains(key);
  return v != nullptr && !v->is_null() ? v : nullptr;
}

// An optional GitLab timestamp (see ParseGitlabTime).
std::optional<core::TimePoint> Time(const ObjectReader& r, std::string_view key) {
  const auto text = r.String(key);
  if (!text) return std::nullopt;
  auto t = ParseGitlabTime(*text);
  if (!t) {
    r.sink().Fail(std::string(key) + " must be a timestamp like \"2026-03-10 14:12:05 UTC\"",
                  JsonPointer(r.pointer(), key));
  }
  return t;
}

// An optional boolean member of the raw object at `pointer`.
std::optional<bool> Bool(const json::object* obj, const std::string& pointer, std::string_view key,
                         ErrorSink& sink) {
  const json::value* v = Member(obj, key);
  if (v == nullptr) return std::nullopt;
  if (const bool* b = v->if_bool()) return *b;
  sink.Fail(std::string(key) + " must be a boolean", JsonPointer(pointer, key));
  return std::nullopt;
}

void KeepLatest(std::optional<core::TimePoint>& latest, const std::optional<core::TimePoint>& t) {
  if (t && (!latest || *t > *latest)) latest = t;
}

void KeepEarliest(std::optional<core::TimePoint>& earliest,
                  const std::optional<core::TimePoint>& t) {
  if (t && (!earliest || *t < *earliest)) earliest = t;
}

// `builds[]` (only the latest try of each job) as stages. A job URL is
// <project web_url>/-/jobs/<id> when both are known.
std::vector<core::StageEvent> Stages(const json::object& root, const std::string& web_url,
                                     ErrorSink& sink) {
  std::vector<core::StageEvent> out;
  const json::value* v = Member(&root, "builds");
  if (v == nullptr) return out;
  const json::array* builds = v->if_array();
  if (builds == nullptr) {
    sink.Fail("builds must be an array", "/builds");
    return out;
  }
  out.reserve(builds->size());
  for (size_t i = 0; i < builds->size(); ++i) {
    const std::string pointer = "/builds/" + std::to_string(i);
    const json::object* build = (*builds)[i].if_object();
    if (build == nullptr) {
      sink.Fail("builds[" + std::to_string(i) + "] must be an object", pointer);
      return out;
    }
    const ObjectReader r(build, pointer, &sink);
    const auto name = r.String("name", true);
    const auto status = r.String("status", true);
    const auto id = r.Int("id");
    core::StageEvent stage;
    stage.started_at = Time(r, "started_at");
    stage.finished_at = Time(r, "finished_at");
    if (sink.failed()) return out;
    if (name->empty()) {
      sink.Fail("name must not be empty", pointer + "/name");
      return out;
    }
    stage.name = *name;
    // A job status GitLab adds later is shown as queued (never moves a stage
    // backwards); the raw value stays visible.
    stage.status = MapGitlabStatus(*status).value_or(core::RunStatus::kQueued);
    stage.source_status = *status;
    if (id && !web_url.empty()) stage.url = web_url + "/-/jobs/" + std::to_string(*id);
    out.push_back(std::move(stage));
  }
  return out;
}

std::string Trigger(const std::string& source, const std::string& username) {
  if (username.empty()) return source;
  if (source.empty()) return "by " + username;
  return source + " by " + username;
}

core::Result<ParseOutcome> ParsePipeline(const json::object& obj, const Delivery& delivery) {
  ErrorSink sink;
  const ObjectReader root(&obj, "", &sink);
  const auto kind = root.String("object_kind");
  if (kind && *kind != "pipeline") {
    sink.Fail("object_kind must be \"pipeline\" in a Pipeline Hook", "/object_kind");
  }
  const ObjectReader attrs = root.Object("object_attributes", true);
  const ObjectReader project = root.Object("project", true);
  const auto path = project.String("path_with_namespace", true);
  const auto id = attrs.Int("id", true);
  const auto status = attrs.String("status", true);
  if (sink.failed()) return sink.error();
  if (path->empty()) {
    return core::Error::InvalidArgument("path_with_namespace must not be empty",
                                        "/project/path_with_namespace");
  }

  core::RunEvent ev;
  ev.source = core::SourceKind::kGitlab;
  ev.keys.project = *path;
  ev.external_run_id = std::to_string(*id);
  ev.attempt = 1;  // see GitlabSource: no documented retry counter
  ev.ref = attrs.String("ref").value_or("");
  ev.keys.branch = ev.ref;
  const auto tag =
      Bool(Member(&obj, "object_attributes")->if_object(), attrs.pointer(), "tag", sink);
  if (tag.value_or(false)) ev.version = ev.ref;
  ev.commit = attrs.String("sha").value_or("");

  std::string title = attrs.String("name").value_or("");
  if (title.empty()) title = root.Object("commit").String("message").value_or("");
  ev.title = FirstLine(title);

  std::string web_url = project.String("web_url").value_or("");
  if (!IsHttpUrl(web_url)) web_url.clear();
  while (!web_url.empty() && web_url.back() == '/') web_url.pop_back();
  const std::string url = attrs.String("url").value_or("");
  if (IsHttpUrl(url)) {
    ev.url = url;
  } else if (!web_url.empty()) {
    ev.url = web_url + "/-/pipelines/" + ev.external_run_id;
  }
  ev.trigger = Trigger(attrs.String("source").value_or(""),
                       root.Object("user").String("username").value_or(""));

  const auto created = Time(attrs, "created_at");
  const auto finished = Time(attrs, "finished_at");
  ev.stages = Stages(obj, web_url, sink);
  if (sink.failed()) return sink.error();

  const auto mapped = MapGitlabStatus(*status);
  if (!mapped) {
    return Ignored("GitLab pipeline status \"" + *status + "\" is not known",
                   std::string(kPipelineHook));
  }
  ev.status = *mapped;
  ev.source_status = *status;
  ev.created_at = created;
  // The hook has no pipeline start time: the earliest job start stands in.
  std::optional<core::TimePoint> latest = created;
  for (const auto& s : ev.stages) {
    KeepEarliest(ev.started_at, s.started_at);
    KeepLatest(latest, s.started_at);
    KeepLatest(latest, s.finished_at);
  }
  // A retried pipeline can still carry its old finished_at while running.
  if (core::IsTerminal(*mapped)) {
    ev.finished_at = finished;
    KeepLatest(latest, finished);
  }
  ev.occurred_at = ev.finished_at ? ev.finished_at : latest;

  const std::string* key = FindHeader(delivery, "idempotency-key");
  ev.delivery_id =
      key != nullptr && !key->empty() ? *key : "pipeline:" + ev.external_run_id + ":" + *status;

  ParseOutcome out;
  out.kind = ParseOutcome::kEvents;
  out.event_type = std::string(kPipelineHook);
  out.events.push_back(std::move(ev));
  return out;
}

// "YYYY-MM-DD HH:MM:SS" at the front of `s`, rewritten as RFC 3339's
// "YYYY-MM-DDTHH:MM:SS"; the digits are checked by ParseRfc3339.
std::string Rfc3339DateTime(std::string_view s) {
  std::string out(s.substr(0, 19));
  out[10] = 'T';
  return out;
}

}  // namespace

std::optional<core::RunStatus> MapGitlabStatus(std::string_view status) {
  using core::RunStatus;
  if (status == "created" || status == "waiting_for_resource" || status == "preparing" ||
      status == "waiting_for_callback" || status == "pending" || status == "scheduled" ||
      status == "manual") {
    return RunStatus::kQueued;
  }
  if (status == "running" || status == "canceling") return RunStatus::kRunning;
  if (status == "success") return RunStatus::kSucceeded;
  if (status == "failed") return RunStatus::kFailed;
  // Nothing ran: not a failure, and not a success either, because a
  // succeeded deploy run records a deployment (as GitHub's "skipped").
  if (status == "canceled" || status == "skipped") return RunStatus::kCanceled;
  return std::nullopt;
}

std::optional<core::TimePoint> ParseGitlabTime(std::string_view s) {
  // "2026-03-10 14:12:05 UTC": the format of pipeline and build times.
  if (s.size() == 23 && s[10] == ' ' && s.substr(19) == " UTC") {
    return ParseRfc3339(Rfc3339DateTime(s) + "Z");
  }
  // "2026-03-10 14:52:38 +0100": deployment status_changed_at.
  if (s.size() == 25 && s[10] == ' ' && s[19] == ' ' && (s[20] == '+' || s[20] == '-')) {
    std::string text = Rfc3339DateTime(s);
    text += s.substr(20, 3);
    text += ':';
    text += s.substr(23, 2);
    return ParseRfc3339(text);
  }
  return ParseRfc3339(s);
}

core::Result<void> GitlabSource::Verify(const Delivery& delivery) const {
  if (token_.empty()) return core::Error::Unauthenticated("no GitLab webhook token configured");
  const std::string* given = FindHeader(delivery, "x-gitlab-token");
  if (given == nullptr) return core::Error::Unauthenticated("missing X-Gitlab-Token header");
  // GitLab sends the token itself, not a signature. Hashing both sides first
  // makes the comparison independent of the token's length too.
  if (!net::ConstantTimeEquals(net::Sha256Hex(*given), net::Sha256Hex(token_.Reveal()))) {
    return core::Error::Unauthenticated("wrong X-Gitlab-Token");
  }
  return core::Ok();
}

core::Result<ParseOutcome> GitlabSource::Parse(const Delivery& delivery) const {
  if (auto ok = Verify(delivery); !ok) return ok.error();
  const std::string* event = FindHeader(delivery, "x-gitlab-event");
  if (event == nullptr || event->empty()) {
    return core::Error::InvalidArgument("missing X-Gitlab-Event header", "X-Gitlab-Event");
  }
  if (*event != kPipelineHook)
    return Ignored("GitLab event \"" + *event + "\" is not used", *event);
  auto doc = ParseJson(delivery.body);
  if (!doc) return doc.error();
  const json::object* obj = doc->if_object();
  if (obj == nullptr) return core::Error::InvalidArgument("payload must be a JSON object", "");
  try {
    return ParsePipeline(*obj, delivery);
  } catch (const std::exception& e) {  // only allocation can throw here
    return core::Error::Internal(std::string("GitLab payload: ") + e.what());
  }
}

}  // namespace opsdeck::ingest
