// The overview's health, incident, promotion, windows, releases and coverage
// blocks as mustache data; and WaitingForPromotion, the promotion diff.
#include "http/ui/overview_view.h"

#include <algorithm>
#include <set>
#include <string>

#include "http/ui/release_pages_view.h"
#include "http/ui/shell.h"
#include "http/ui/target_pages.h"

namespace opsdeck::http::ui {
namespace {

using internal::HumanUtc;
using kainjow::mustache::data;

void SetTime(data& d, const std::string& key, core::TimePoint t) {
  const std::string text = core::FormatRfc3339(t);
  d.set(key, text);
  d.set(key + "_human", HumanUtc(text));
}

// "1 version", "3 versions".
std::string Plural(int64_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// A deployment is known by its version, else by its commit.
std::string_view KeyOf(const core::Deployment& d) {
  return d.version.empty() ? std::string_view(d.commit) : std::string_view(d.version);
}

// The same release in two environments: equal versions when both carry one,
// else equal commits (a development deploy of a commit that staging later
// ran under a version tag has reached staging).
bool SameRelease(const core::Deployment& a, const core::Deployment& b) {
  if (!a.version.empty() && !b.version.empty()) return a.version == b.version;
  return !a.commit.empty() && a.commit == b.commit;
}

// Share in whole percent, rounded down so 99.6% never reads as complete.
std::string Percent(int part, int whole) {
  if (whole <= 0) return "—";
  return std::to_string(static_cast<int64_t>(part) * 100 / whole) + "%";
}

constexpr core::TargetState kCountOrder[] = {core::TargetState::kUp, core::TargetState::kDegraded,
                                             core::TargetState::kDown, core::TargetState::kUnknown,
                                             core::TargetState::kMaintenance};

int64_t CountOf(const store::StateCounts& c, core::TargetState s) {
  switch (s) {
    case core::TargetState::kUp:
      return c.up;
    case core::TargetState::kDegraded:
      return c.degraded;
    case core::TargetState::kDown:
      return c.down;
    case core::TargetState::kMaintenance:
      return c.maintenance;
    case core::TargetState::kUnknown:
      break;
  }
  return c.unknown;
}

// The headline state of a column: its worst target's (unknown without any).
core::TargetState Headline(const store::StateCounts& c) {
  core::TargetState worst = core::TargetState::kUnknown;
  int rank = -1;
  for (core::TargetState s : kCountOrder) {
    if (CountOf(c, s) > 0 && core::TargetStateRank(s) > rank) {
      rank = core::TargetStateRank(s);
      worst = s;
    }
  }
  return worst;
}

}  // namespace

std::vector<DeploymentRow> WaitingForPromotion(const std::vector<DeploymentRow>& from_recent,
                                               const DeploymentRow* to_live) {
  std::vector<DeploymentRow> waiting;
  std::set<std::string_view> seen;
  for (const DeploymentRow& d : from_recent) {
    const std::string_view key = KeyOf(d.deployment);
    if (key.empty()) continue;
    // Everything older already reached B.
    if (to_live != nullptr && SameRelease(d.deployment, to_live->deployment)) break;
    if (seen.insert(key).second) waiting.push_back(d);
  }
  return waiting;
}

namespace internal {

void SetHealth(data& env, std::string_view environment, const store::EnvironmentHealth* health) {
  const store::EnvironmentHealth empty;
  const store::EnvironmentHealth& h = health != nullptr ? *health : empty;
  const int64_t total = h.counts.Total();
  const TargetStateView headline = ViewOf(Headline(h.counts));
  env.set("env_state", std::string(headline.css));
  env.set("env_state_label", total == 0 ? std::string("No targets") : std::string(headline.label));
  env.set("env_state_icon", std::string(headline.icon));

  const std::string env_param(environment);
  env.set("h_targets_href", WithQuery("/targets", {{"environment", env_param}}));
  env.set("h_has_targets", total > 0);
  env.set("h_total", Plural(total, "target", "targets"));
  data counts{data::type::list};
  for (core::TargetState s : kCountOrder) {
    const TargetStateView view = ViewOf(s);
    const int64_t n = CountOf(h.counts, s);
    data c{data::type::object};
    c.set("c_state", std::string(view.css));
    // "maintenance" does not fit a fifth of a column: abbreviated, named in full in a title.
    const bool abbreviate = s == core::TargetState::kMaintenance;
    c.set("c_label", std::string(abbreviate ? "maint." : view.css));
    c.set("c_title", std::string(view.css));
    c.set("c_icon", std::string(view.icon));
    c.set("c_n", std::to_string(n));
    c.set("c_zero", n == 0);
    c.set("c_href",
          WithQuery("/targets", {{"environment", env_param}, {"state", std::string(view.css)}}));
    counts.push_back(c);
  }
  env.set("h_counts", counts);
  data worst{data::type::list};
  for (const store::TargetStatus& t : h.worst) {
    const TargetStateView view = ViewOf(t.state);
    data w{data::type::object};
    w.set("w_name", t.target);
    w.set("w_href", "/targets/" + Encode(t.target));
    w.set("w_state", std::string(view.css));
    w.set("w_state_label", std::string(view.label));
    w.set("w_state_icon", std::string(view.icon));
    w.set("w_reason", Shorten(t.reason, 120));
    SetTime(w, "w_since", t.since);
    worst.push_back(w);
  }
  const int64_t not_up = total - h.counts.up;
  env.set("h_worst", worst);
  env.set("h_has_worst", !h.worst.empty());
  env.set("h_all_up", total > 0 && not_up == 0);
  const int64_t more = not_up - static_cast<int64_t>(h.worst.size());
  env.set("h_has_more", more > 0);
  env.set("h_more", "+" + std::to_string(more) + " more not up");

  env.set("i_href", WithQuery("/incidents", {{"state", "open"}, {"environment", env_param}}));
  env.set("i_count", std::to_string(h.open_incidents));
  env.set("i_has", h.open_incidents > 0);
  data incidents{data::type::list};
  for (const store::Incident& i : h.newest_incidents) {
    data item{data::type::object};
    item.set("inc_href", "/incidents/" + std::to_string(i.id));
    item.set("inc_id", std::to_string(i.id));
    item.set("inc_target", i.target);
    item.set("inc_cause", Shorten(i.cause, 120));
    item.set("inc_acked", !i.acknowledged_by.empty());
    SetTime(item, "inc_started", i.started_at);
    incidents.push_back(item);
  }
  env.set("i_list", incidents);
  const int64_t more_incidents = h.open_incidents - static_cast<int64_t>(h.newest_incidents.size());
  env.set("i_has_more", more_incidents > 0);
  env.set("i_more", "+" + std::to_string(more_incidents) + " more open");
}

void SetWaiting(data& env, const std::vector<DeploymentRow>& waiting) {
  const int64_t n = static_cast<int64_t>(waiting.size());
  env.set("wait_has", n > 0);
  env.set("wait_count", Plural(n, "version", "versions"));
  data list{data::type::list};
  for (int64_t i = 0; i < n && i < kOverviewWaiting; ++i) {
    const DeploymentRow& row = waiting[static_cast<size_t>(i)];
    const core::Deployment& d = row.deployment;
    data item{data::type::object};
    item.set("wt_label", Shorten(d.version.empty() ? ShortCommit(d.commit) : d.version, 40));
    item.set("wt_has_commit", !d.version.empty() && !d.commit.empty());
    item.set("wt_commit", d.commit);
    item.set("wt_commit_short", ShortCommit(d.commit));
    item.set("wt_pipeline", d.pipeline);
    item.set("wt_run_href", "/runs/" + std::to_string(row.run_id));
    SetTime(item, "wt_when", d.deployed_at);
    list.push_back(item);
  }
  env.set("wait_list", list);
  env.set("wait_has_more", n > kOverviewWaiting);
  env.set("wait_more", "+" + std::to_string(n - kOverviewWaiting) + " more");
}

data WindowsBlock(const OverviewModel& model) {
  data block{data::type::object};
  block.set("win_available", model.windows_available);
  data list{data::type::list};
  int shown = 0;
  for (const core::WindowOccurrence& w : model.windows) {
    if (w.end <= model.now) continue;
    if (++shown > kOverviewWindows) break;
    data item{data::type::object};
    item.set("wo_name", w.window);
    item.set("wo_deny", w.deny);
    item.set("wo_kind", std::string(w.deny ? "freeze" : "window"));
    item.set("wo_now", w.start <= model.now);
    item.set("wo_href", WithQuery("/windows", {{"window", w.window}}));
    SetTime(item, "wo_start", w.start);
    SetTime(item, "wo_end", w.end);
    std::string devops;
    for (const std::string& person : w.devops) devops += (devops.empty() ? "" : ", ") + person;
    item.set("wo_has_devops", !devops.empty());
    item.set("wo_devops", devops);
    list.push_back(item);
  }
  block.set("win_has", shown > 0);
  block.set("win_list", list);
  return block;
}

data ReleasesBlock(const OverviewModel& model) {
  data block{data::type::object};
  data list{data::type::list};
  int shown = 0;
  for (const core::Release& r : model.active_releases) {
    if (++shown > kOverviewReleases) break;
    data item{data::type::object};
    item.set("rl_href", "/releases/" + std::to_string(r.id));
    item.set("rl_version", r.version);
    SetStatus(item, "rl_", ViewOf(r.state));
    std::string envs;
    for (const std::string& e : r.environments) envs += (envs.empty() ? "" : " → ") + e;
    item.set("rl_envs", envs);
    item.set("rl_has_window", !r.window.empty());
    item.set("rl_window", r.window);
    item.set("rl_has_window_start", r.window_start.has_value());
    if (r.window_start) SetTime(item, "rl_window_start", *r.window_start);
    const std::vector<core::RoleProgress> roles = core::Progress(r);
    data progress{data::type::list};
    for (const core::RoleProgress& p : roles) {
      data role{data::type::object};
      role.set("rp_role", std::string(core::RoleName(p.role)));
      role.set("rp_done", std::to_string(p.done));
      role.set("rp_total", std::to_string(p.total));
      role.set("rp_complete", p.done == p.total);
      role.set("rp_required", std::to_string(p.required_done) + "/" +
                                  std::to_string(p.required_total) + " required");
      progress.push_back(role);
    }
    item.set("rl_progress", progress);
    item.set("rl_has_progress", !roles.empty());
    list.push_back(item);
  }
  block.set("rel_has", shown > 0);
  block.set("rel_list", list);
  return block;
}

data DocsBlock(const OverviewModel& model) {
  data block{data::type::object};
  block.set("docs_has", model.docs.has_value());
  if (!model.docs) return block;
  const DocsCoverageCard& c = *model.docs;
  block.set("docs_pct", Percent(c.overall.documented, c.overall.items));
  block.set("docs_documented", std::to_string(c.overall.documented));
  block.set("docs_items", std::to_string(c.overall.items));
  block.set("docs_gaps", Plural(c.failing_gaps, "failing gap", "failing gaps"));
  block.set("docs_has_gaps", c.failing_gaps > 0);
  SetTime(block, "docs_audited", c.audited_at);
  data list{data::type::list};
  for (const CoverageFigure& f : c.environments) {
    data item{data::type::object};
    item.set("dc_name", f.name);
    item.set("dc_pct", Percent(f.documented, f.items));
    item.set("dc_documented", std::to_string(f.documented));
    item.set("dc_items", std::to_string(f.items));
    item.set("dc_value", std::to_string(f.documented));
    item.set("dc_max", std::to_string(std::max(f.items, 1)));
    list.push_back(item);
  }
  block.set("docs_envs", list);
  return block;
}

}  // namespace internal
}  // namespace opsdeck::http::ui
