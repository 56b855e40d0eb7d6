// The overview, login and not-found pages: model -> mustache data -> HTML.
#include "http/ui/pages.h"

#include <algorithm>
#include <cstddef>
#include <map>
#include <optional>
#include <string>

#include "core/run_tracker.h"
#include "http/ui/assets.h"
#include "http/ui/overview_view.h"
#include "http/ui/run_pages.h"
#include "http/ui/shell.h"

namespace opsdeck::http::ui {
namespace {

using kainjow::mustache::data;
using internal::HumanUtc;
using internal::Page;
using internal::RenderPage;
using internal::ShortCommit;
using internal::Shorten;

// A long path is shortened before it is echoed into the 404 page.
constexpr std::size_t kMaxEchoedPath = 200;

struct LegendEntry {
  std::string_view state;  // the CSS modifier and icon name
  std::string_view label;
  std::string_view description;
};

// The target states of PRODUCT.md ("Target state is one of ...").
constexpr LegendEntry kLegend[] = {
    {"up", "Up", "All checks pass"},
    {"degraded", "Degraded", "Some checks fail or respond slowly"},
    {"down", "Down", "Checks fail past their threshold"},
    {"unknown", "Unknown", "No result yet"},
    {"maintenance", "Maintenance", "In a maintenance window; alerts are silenced"},
};

data Legend() {
  data list{data::type::list};
  for (const LegendEntry& entry : kLegend) {
    data item{data::type::object};
    item.set("state", std::string(entry.state));
    item.set("label", std::string(entry.label));
    item.set("description", std::string(entry.description));
    list.push_back(item);
  }
  return list;
}

void SetTime(data& d, const std::string& key, const std::optional<core::TimePoint>& t) {
  d.set("has_" + key, t.has_value());
  const std::string text = t ? core::FormatRfc3339(*t) : std::string();
  d.set(key, text);
  d.set(key + "_human", HumanUtc(text));
}

// The live version of one environment: what its newest deployment put there.
void SetLive(data& env, const DeploymentRow* live) {
  env.set("env_has_live", live != nullptr);
  if (live == nullptr) return;
  const core::Deployment& d = live->deployment;
  env.set("live_version", d.version.empty() ? ShortCommit(d.commit) : d.version);
  env.set("live_has_version", !d.version.empty() || !d.commit.empty());
  env.set("live_has_commit", !d.commit.empty() && !d.version.empty());
  env.set("live_commit", d.commit);
  env.set("live_commit_short", ShortCommit(d.commit));
  env.set("live_pipeline", d.pipeline);
  env.set("live_run_href", "/runs/" + std::to_string(live->run_id));
  SetTime(env, "live_since", d.deployed_at);
}

// One pipeline of an environment's column, with its last run.
data PipelineItem(const PipelineRow& p) {
  data item{data::type::object};
  item.set("p_name", p.name);
  item.set("p_href", p.runs_href);
  item.set("p_kind", std::string(p.is_deploy ? "deploy" : "build"));
  item.set("p_has_run", p.last_run.has_value());
  if (!p.last_run) return item;
  const core::Run& run = *p.last_run;
  const internal::StatusView status = internal::ViewOf(run.status);
  item.set("run_href", "/runs/" + std::to_string(run.id));
  item.set("run_status", std::string(status.css));
  item.set("run_status_label", std::string(status.label));
  item.set("run_status_icon", std::string(status.icon));
  const std::string& label = !run.version.empty() ? run.version
                             : !run.ref.empty()   ? run.ref
                                                  : run.external_run_id;
  item.set("run_label", Shorten(label, 60));
  const auto duration = core::RunDuration(run);
  item.set("run_has_duration", duration.has_value());
  item.set("run_duration", duration ? internal::FormatDuration(*duration) : std::string());
  SetTime(item, "run_when", run.started_at ? run.started_at : run.created_at);
  return item;
}

// Each environment's deployments, newest first, as the model lists them.
std::map<std::string_view, std::vector<DeploymentRow>> RecentByEnvironment(
    const std::vector<DeploymentRow>& recent) {
  std::map<std::string_view, std::vector<DeploymentRow>> out;
  for (const DeploymentRow& d : recent) out[d.deployment.environment].push_back(d);
  return out;
}

data EnvironmentList(const OverviewModel& model) {
  std::vector<EnvironmentCard> cards = model.environments;
  std::stable_sort(cards.begin(), cards.end(),
                   [](const EnvironmentCard& a, const EnvironmentCard& b) {
                     return a.position < b.position;
                   });
  std::map<std::string_view, const DeploymentRow*> live_by_env;
  for (const DeploymentRow& d : model.live) live_by_env.emplace(d.deployment.environment, &d);
  std::map<std::string_view, const store::EnvironmentHealth*> health_by_env;
  for (const store::EnvironmentHealth& h : model.health) health_by_env.emplace(h.environment, &h);
  const auto recent = RecentByEnvironment(model.recent_deployments);
  const auto find = [](const auto& map, std::string_view key) {
    const auto it = map.find(key);
    return it == map.end() ? nullptr : it->second;
  };
  data list{data::type::list};
  for (std::size_t i = 0; i < cards.size(); ++i) {
    const bool has_next = i + 1 < cards.size();
    data env{data::type::object};
    env.set("env_name", cards[i].name);
    env.set("env_index", std::to_string(i));
    env.set("env_step", std::to_string(i + 1));
    env.set("env_protected", cards[i].is_protected);
    env.set("env_has_next", has_next);
    env.set("env_next_name", has_next ? cards[i + 1].name : std::string());
    SetLive(env, find(live_by_env, cards[i].name));
    internal::SetHealth(env, cards[i].name, find(health_by_env, cards[i].name));
    if (has_next) {
      const auto from = recent.find(cards[i].name);
      internal::SetWaiting(
          env, from == recent.end()
                   ? std::vector<DeploymentRow>{}
                   : WaitingForPromotion(from->second, find(live_by_env, cards[i + 1].name)));
    }
    data items{data::type::list};
    bool any = false;
    for (const PipelineRow& p : model.pipelines) {
      if (p.environment != cards[i].name) continue;
      items.push_back(PipelineItem(p));
      any = true;
    }
    env.set("env_has_pipelines", any);
    env.set("env_pipelines", items);
    list.push_back(env);
  }
  return list;
}

}  // namespace

std::vector<EnvironmentCard> EnvironmentCards(const std::vector<core::Environment>& environments) {
  std::vector<EnvironmentCard> cards;
  cards.reserve(environments.size());
  for (const core::Environment& env : environments) {
    cards.push_back(EnvironmentCard{env.name, env.is_protected, env.position});
  }
  return cards;
}

std::string RenderOverview(const OverviewModel& model) {
  const std::size_t count = model.environments.size();
  data page{data::type::object};
  page.set("has_environments", count > 0);
  page.set("environment_count", std::to_string(count));
  page.set("environment_count_label",
           std::to_string(count) + (count == 1 ? " environment" : " environments"));
  page.set("has_now", !model.now_rfc3339.empty());
  page.set("now", model.now_rfc3339);
  page.set("now_human", HumanUtc(model.now_rfc3339));
  page.set("legend", Legend());
  page.set("environments", EnvironmentList(model));
  page.set("windows", internal::WindowsBlock(model));
  page.set("releases", internal::ReleasesBlock(model));
  page.set("docs", internal::DocsBlock(model));
  page.set("page_js", std::string(StaticUrl("/static/overview.js")));
  return RenderPage(Page::kOverview, "Overview", model.shell, "overview", std::move(page));
}

std::string RenderLogin(const LoginModel& model) {
  data page{data::type::object};
  page.set("has_error", !model.error.empty());
  page.set("error", model.error);
  page.set("has_username", !model.username.empty());
  page.set("username", model.username);
  page.set("next", model.next);
  page.set("has_csrf", !model.shell.csrf_token.empty());
  page.set("csrf", model.shell.csrf_token);
  return RenderPage(Page::kLogin, "Sign in", model.shell, "login", std::move(page));
}

std::string RenderNotFound(std::string_view path, const ShellModel& shell) {
  data page{data::type::object};
  page.set("code", std::string("404"));
  page.set("heading", std::string("Page not found"));
  page.set("has_path", true);
  page.set("path", Shorten(path, kMaxEchoedPath));
  page.set("has_detail", false);
  page.set("back_href", std::string("/"));
  page.set("back_icon", std::string("overview"));
  page.set("back_label", std::string("Back to the overview"));
  return RenderPage(Page::kNone, "Not found", shell, "not_found", std::move(page));
}

}  // namespace opsdeck::http::ui
