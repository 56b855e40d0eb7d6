// The pipelines, run, deployments, unmatched and error pages: model ->
// mustache data -> HTML. Keys are prefixed per list (run_, st_, d_, u_, f_)
// so that a missing key never resolves to an outer one of the same name.
#include "http/ui/run_pages.h"

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <optional>

#include "core/run_tracker.h"
#include "http/ui/list_frame.h"
#include "http/ui/shell.h"

namespace opsdeck::http::ui {
namespace {

using internal::FormatDuration;
using internal::HumanUtc;
using internal::LinkableUrl;
using internal::Page;
using internal::RenderPage;
using internal::ShortCommit;
using internal::SetListFrame;
using internal::SetText;
using internal::SetTime;
using internal::Shorten;
using kainjow::mustache::data;

constexpr std::size_t kMaxLabel = 80;   // versions, refs, ids in a table cell
constexpr std::size_t kMaxTitle = 200;  // a commit title


void SetStatus(data& d, const std::string& prefix, core::RunStatus status) {
  const internal::StatusView view = internal::ViewOf(status);
  d.set(prefix + "status", std::string(view.css));
  d.set(prefix + "status_label", std::string(view.label));
  d.set(prefix + "status_icon", std::string(view.icon));
}

void SetDuration(data& d, const std::string& key, const std::optional<core::Duration>& duration) {
  d.set("has_" + key, duration.has_value());
  d.set(key, duration ? FormatDuration(*duration) : std::string());
}

std::string RunHref(int64_t id) { return "/runs/" + std::to_string(id); }

// A run as a row of a list (no stages).
data RunRow(const core::Run& run) {
  data row{data::type::object};
  row.set("run_id", std::to_string(run.id));
  row.set("run_href", RunHref(run.id));
  SetStatus(row, "run_", run.status);
  row.set("run_pipeline", run.pipeline);
  row.set("run_environment", run.environment);
  row.set("run_external_id", Shorten(run.external_run_id, kMaxLabel));
  row.set("run_has_attempt", run.attempt > 1);
  row.set("run_attempt", std::to_string(run.attempt));
  SetText(row, "run_version", Shorten(run.version, kMaxLabel));
  SetText(row, "run_ref", Shorten(run.ref, kMaxLabel));
  SetText(row, "run_title", Shorten(run.title, kMaxTitle));
  SetText(row, "run_commit_short", ShortCommit(run.commit));
  row.set("run_commit", run.commit);
  SetTime(row, "run_when", run.started_at ? run.started_at : run.created_at);
  SetDuration(row, "run_duration", core::RunDuration(run));
  return row;
}

data DeploymentItem(const DeploymentRow& row) {
  const core::Deployment& d = row.deployment;
  data item{data::type::object};
  item.set("d_id", std::to_string(row.id));
  item.set("d_environment", d.environment);
  item.set("d_pipeline", d.pipeline);
  SetText(item, "d_version", Shorten(d.version, kMaxLabel));
  SetText(item, "d_commit_short", ShortCommit(d.commit));
  item.set("d_commit", d.commit);
  item.set("d_run_href", RunHref(row.run_id));
  item.set("d_run_id", std::to_string(row.run_id));
  item.set("d_external_id", Shorten(d.external_run_id, kMaxLabel));
  item.set("d_has_attempt", d.attempt > 1);
  item.set("d_attempt", std::to_string(d.attempt));
  SetText(item, "d_url", LinkableUrl(d.url));
  SetTime(item, "d_at", d.deployed_at);
  return item;
}

std::string Percent(double fraction) {
  fraction = std::clamp(fraction, 0.0, 1.0) * 100.0;
  char buf[32];
  const auto [end, ec] =
      std::to_chars(buf, buf + sizeof buf, fraction, std::chars_format::fixed, 2);
  return ec == std::errc() ? std::string(buf, end) : std::string("0");
}

// The stage timeline: each stage's bar spans its time within the run's
// window [first start, last end] (a running one ends at `now`).
data Timeline(const core::Run& run, core::TimePoint now, data& page) {
  std::optional<core::TimePoint> start = run.started_at;
  std::optional<core::TimePoint> end =
      core::IsTerminal(run.status) ? run.finished_at : std::nullopt;
  for (const core::Stage& s : run.stages) {
    if (s.started_at && (!start || *s.started_at < *start)) start = s.started_at;
    for (const auto& t : {s.started_at, s.finished_at}) {
      if (t && (!end || *t > *end)) end = t;
    }
  }
  if (!core::IsTerminal(run.status) && (!end || now > *end)) end = now;
  const bool has_window = start && end && *end > *start;
  const double span = has_window ? static_cast<double>((*end - *start).count()) : 1.0;
  page.set("has_window", has_window);
  SetTime(page, "window_start", start);
  SetTime(page, "window_end", has_window ? end : std::nullopt);
  SetDuration(page, "window_span", has_window ? std::optional(*end - *start) : std::nullopt);

  data list{data::type::list};
  int index = 0;
  for (const core::Stage& s : run.stages) {
    data item{data::type::object};
    item.set("st_index", std::to_string(++index));
    item.set("st_name", s.name);
    SetStatus(item, "st_", s.status);
    SetText(item, "st_source_status", s.source_status);
    SetTime(item, "st_started", s.started_at);
    SetDuration(item, "st_duration", core::StageDuration(s));
    SetText(item, "st_url", LinkableUrl(s.url));
    std::optional<core::TimePoint> stage_end = s.finished_at;
    if (!stage_end && s.status == core::RunStatus::kRunning) stage_end = end;
    const bool bar = has_window && s.started_at && stage_end && *stage_end >= *s.started_at;
    item.set("st_has_bar", bar);
    if (bar) {
      const double x = static_cast<double>((*s.started_at - *start).count()) / span;
      const double w = static_cast<double>((*stage_end - *s.started_at).count()) / span;
      // A stage of no measurable length still shows as a sliver.
      item.set("st_bar_x", Percent(std::min(x, 0.995)));
      item.set("st_bar_w", Percent(std::max(w, 0.005)));
    }
    list.push_back(item);
  }
  return list;
}

}  // namespace

std::string RenderPipelines(const PipelinesModel& model) {
  data page{data::type::object};
  data pipelines{data::type::list};
  for (const PipelineRow& p : model.pipelines) {
    data item{data::type::object};
    item.set("p_name", p.name);
    item.set("p_href", p.runs_href);
    item.set("p_environment", p.environment);
    item.set("p_kind", std::string(p.is_deploy ? "deploy" : "build"));
    item.set("p_source", std::string(internal::SourceLabel(p.source)));
    SetText(item, "p_owner", p.owner);
    SetText(item, "p_docs_url", LinkableUrl(p.docs_url));
    // Text that is not an http(s) URL is shown, never linked.
    SetText(item, "p_docs_text", LinkableUrl(p.docs_url).empty() ? p.docs_url : std::string());
    item.set("p_has_run", p.last_run.has_value());
    item.set("p_run", p.last_run ? RunRow(*p.last_run) : data{data::type::object});
    pipelines.push_back(item);
  }
  page.set("has_pipelines", !model.pipelines.empty());
  page.set("pipeline_count", std::to_string(model.pipelines.size()) +
                                 (model.pipelines.size() == 1 ? " pipeline" : " pipelines"));
  page.set("pipelines", pipelines);
  data runs{data::type::list};
  for (const core::Run& run : model.runs) runs.push_back(RunRow(run));
  page.set("has_runs", !model.runs.empty());
  page.set("runs", runs);
  SetListFrame(page, model.filters, model.filtered, model.error, model.pager);
  return RenderPage(Page::kPipelines, "Pipelines", model.shell, "pipelines", std::move(page));
}

std::string RenderRun(const RunModel& model) {
  const core::Run& run = model.run;
  data page = RunRow(run);
  page.set("pipeline_href", model.pipeline_href);
  const std::string source(internal::SourceLabel(core::SourceKindName(run.source)));
  page.set("run_source", source);
  page.set("run_link_label", run.source == core::SourceKind::kGeneric
                                 ? std::string("Open the CI run")
                                 : "Open in " + source);
  SetText(page, "run_source_status", run.source_status);
  SetText(page, "run_trigger", run.trigger);
  SetText(page, "run_url", LinkableUrl(run.url));
  SetTime(page, "run_created", run.created_at);
  SetTime(page, "run_started", run.started_at);
  SetTime(page, "run_finished", run.finished_at);
  page.set("stages", Timeline(run, model.now, page));
  page.set("has_stages", !run.stages.empty());
  page.set("stage_count", std::to_string(run.stages.size()));
  const std::string title = run.pipeline + " · run " + Shorten(run.external_run_id, kMaxLabel);
  return RenderPage(Page::kPipelines, title, model.shell, "run", std::move(page));
}

std::string RenderDeployments(const DeploymentsModel& model) {
  data page{data::type::object};
  data live{data::type::list};
  for (const DeploymentRow& row : model.live) live.push_back(DeploymentItem(row));
  page.set("has_live", !model.live.empty());
  page.set("live", live);
  data rows{data::type::list};
  for (const DeploymentRow& row : model.deployments) rows.push_back(DeploymentItem(row));
  page.set("has_deployments", !model.deployments.empty());
  page.set("deployments", rows);
  SetListFrame(page, model.filters, model.filtered, model.error, model.pager);
  return RenderPage(Page::kDeployments, "Deployments", model.shell, "deployments", std::move(page));
}

std::string RenderUnmatched(const UnmatchedModel& model) {
  data page{data::type::object};
  data rows{data::type::list};
  for (const UnmatchedRow& row : model.events) {
    data item{data::type::object};
    item.set("u_id", std::to_string(row.id));
    item.set("u_source", std::string(internal::SourceLabel(row.source)));
    SetText(item, "u_event_type", row.event_type);
    SetText(item, "u_external_id", Shorten(row.external_id, kMaxLabel));
    item.set("u_reason", row.reason);
    data keys{data::type::list};
    for (const auto& [key, value] : row.keys) {
      data k{data::type::object};
      k.set("k_key", key);
      k.set("k_value", Shorten(value, kMaxTitle));
      keys.push_back(k);
    }
    item.set("u_has_keys", !row.keys.empty());
    item.set("u_keys", keys);
    SetTime(item, "u_received", row.received_at);
    rows.push_back(item);
  }
  page.set("has_events", !model.events.empty());
  page.set("events", rows);
  SetListFrame(page, model.filters, model.filtered, model.error, model.pager);
  return RenderPage(Page::kUnmatched, "Unmatched events", model.shell, "unmatched",
                    std::move(page));
}

std::string RenderProblem(const ProblemModel& model) {
  data page{data::type::object};
  page.set("code", std::to_string(model.code));
  page.set("heading", model.heading);
  page.set("has_path", false);
  SetText(page, "detail", model.detail);
  page.set("back_href", model.back_href);
  page.set("back_label", model.back_label);
  page.set("back_icon", model.back_icon);
  return RenderPage(Page::kNone, model.title, model.shell, "not_found", std::move(page));
}

namespace internal {

StatusView ViewOf(core::RunStatus status) {
  switch (status) {
    case core::RunStatus::kQueued:
      return {"queued", "Queued", "clock"};
    case core::RunStatus::kRunning:
      return {"running", "Running", "running"};
    case core::RunStatus::kSucceeded:
      return {"succeeded", "Succeeded", "up"};
    case core::RunStatus::kFailed:
      return {"failed", "Failed", "down"};
    case core::RunStatus::kCanceled:
      return {"canceled", "Canceled", "canceled"};
    case core::RunStatus::kSuperseded:
      return {"superseded", "Superseded", "superseded"};
  }
  return {"queued", "Queued", "clock"};
}

std::string FormatDuration(core::Duration d) {
  const int64_t ms = std::max<int64_t>(d.count(), 0);
  if (ms < 1000) return std::to_string(ms) + " ms";
  const int64_t s = ms / 1000;
  if (s < 60) return std::to_string(s) + " s";
  if (s < 3600) {
    return std::to_string(s / 60) + " min" + (s % 60 ? " " + std::to_string(s % 60) + " s" : "");
  }
  const int64_t min = s / 60;
  if (min < 48 * 60) {
    return std::to_string(min / 60) + " h" +
           (min % 60 ? " " + std::to_string(min % 60) + " min" : "");
  }
  return std::to_string(min / (24 * 60)) + " d " + std::to_string(min / 60 % 24) + " h";
}

std::string ShortCommit(std::string_view commit) {
  constexpr std::size_t kShort = 7;  // what GitHub and GitLab show
  return std::string(commit.substr(0, std::min(commit.size(), kShort)));
}

std::string LinkableUrl(std::string_view url) {
  const auto lower_starts = [url](std::string_view prefix) {
    if (url.size() <= prefix.size()) return false;  // something must follow
    for (std::size_t i = 0; i < prefix.size(); ++i) {
      char c = url[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != prefix[i]) return false;
    }
    return true;
  };
  if (!lower_starts("https://") && !lower_starts("http://")) return {};
  for (const char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return {};
  }
  return std::string(url);
}

std::string_view SourceLabel(std::string_view source) {
  if (source == "github") return "GitHub Actions";
  if (source == "gitlab") return "GitLab CI";
  if (source == "codepipeline") return "AWS CodePipeline";
  if (source == "generic") return "Generic";
  return source;
}

std::string Shorten(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "…";
}

}  // namespace internal
}  // namespace opsdeck::http::ui
