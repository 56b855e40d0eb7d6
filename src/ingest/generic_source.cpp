#include "ingest/generic_source.h"

#include <boost/json/value.hpp>

#include <cstdint>
#include <exception>
#include <utility>

#include "ingest/json_reader.h"
#include "net/secrets.h"

namespace opsdeck::ingest {
namespace {

namespace json = boost::json;

// A status field: required, one of the six names.
std::optional<core::RunStatus> Status(const ObjectReader& r, std::string_view key,
                                      std::string* raw) {
  const auto s = r.String(key, true);
  if (!s) return std::nullopt;
  const auto st = ParseGenericStatus(*s);
  if (!st) {
    r.sink().Fail(std::string(key) +
                      " must be one of queued, running, succeeded, failed, canceled, superseded",
                  JsonPointer(r.pointer(), key));
    return std::nullopt;
  }
  *raw = *s;
  return st;
}

// An optional string that must be an http(s) URL when present.
std::string Url(const ObjectReader& r, std::string_view key) {
  const auto u = r.String(key);
  if (!u || u->empty()) return {};
  if (!IsHttpUrl(*u)) {
    r.sink().Fail(std::string(key) + " must be an http(s) URL", JsonPointer(r.pointer(), key));
    return {};
  }
  return *u;
}

// A required non-empty string.
std::string NonEmpty(const ObjectReader& r, std::string_view key) {
  const auto s = r.String(key, true);
  if (s && s->empty()) {
    r.sink().Fail(std::string(key) + " must not be empty", JsonPointer(r.pointer(), key));
  }
  return s.value_or("");
}

core::Result<ParseOutcome> ParseBody(const ObjectReader& root, core::RunEvent ev) {
  ErrorSink& sink = root.sink();
  root.OnlyKeys({"pipeline", "run_id", "attempt", "status", "stage", "version", "commit", "ref",
                 "url", "trigger", "title", "started_at", "finished_at", "occurred_at"});
  ev.keys.pipeline = NonEmpty(root, "pipeline");
  ev.external_run_id = NonEmpty(root, "run_id");
  const auto attempt = root.Int("attempt");
  if (attempt && (*attempt < 1 || *attempt > INT32_MAX)) {
    sink.Fail("attempt must be a positive integer", "/attempt");
  }
  ev.attempt = static_cast<int>(attempt.value_or(1));
  const ObjectReader stage = root.Object("stage");
  const bool has_status = root.String("status").has_value();
  if (!sink.failed() && !has_status && !stage.present()) {
    sink.Fail("status or stage is required", "/status");
  }
  if (has_status) ev.status = Status(root, "status", &ev.source_status);
  if (stage.present()) {
    stage.OnlyKeys({"name", "status", "started_at", "finished_at", "url"});
    core::StageEvent st;
    st.name = NonEmpty(stage, "name");
    st.status = Status(stage, "status", &st.source_status).value_or(core::RunStatus::kQueued);
    st.started_at = stage.Time("started_at");
    st.finished_at = stage.Time("finished_at");
    st.url = Url(stage, "url");
    ev.stages.push_back(std::move(st));
  }
  ev.version = root.String("version").value_or("");
  ev.commit = root.String("commit").value_or("");
  ev.ref = root.String("ref").value_or("");
  ev.keys.branch = ev.ref;
  ev.url = Url(root, "url");
  ev.trigger = root.String("trigger").value_or("");
  ev.title = FirstLine(root.String("title").value_or(""));
  ev.started_at = root.Time("started_at");
  ev.finished_at = root.Time("finished_at");
  ev.occurred_at = root.Time("occurred_at");
  if (sink.failed()) return sink.error();

  ParseOutcome out;
  out.kind = ParseOutcome::kEvents;
  out.event_type = "generic";
  out.events.push_back(std::move(ev));
  return out;
}

}  // namespace

std::optional<core::RunStatus> ParseGenericStatus(std::string_view name) {
  return core::ParseRunStatus(name);  // the format uses opsdeck's own names
}

core::Result<void> GenericSource::Verify(const Delivery& delivery) const {
  return VerifyBearer(delivery, token_, "generic source");
}

core::Result<ParseOutcome> GenericSource::Parse(const Delivery& delivery) const {
  if (auto ok = Verify(delivery); !ok) return ok.error();
  auto doc = ParseJson(delivery.body);
  if (!doc) return doc.error();
  const json::object* obj = doc->if_object();
  if (obj == nullptr) return core::Error::InvalidArgument("body must be a JSON object", "");
  ErrorSink sink;
  const ObjectReader root(obj, "", &sink);
  core::RunEvent ev;
  ev.source = core::SourceKind::kGeneric;
  if (const std::string* key = FindHeader(delivery, "idempotency-key")) ev.delivery_id = *key;
  try {
    return ParseBody(root, std::move(ev));
  } catch (const std::exception& e) {  // only allocation can throw here
    return core::Error::Internal(std::string("generic payload: ") + e.what());
  }
}

}  // namespace opsdeck::ingest
