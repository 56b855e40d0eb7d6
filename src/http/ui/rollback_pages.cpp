// /rollbacks: model -> mustache data -> HTML. Keys are prefixed per list
// (rb_, f_, ev_, rl_).
#include "http/ui/rollback_pages.h"

#include "http/ui/assets.h"
#include "http/ui/list_frame.h"
#include "http/ui/release_pages_view.h"
#include "http/ui/shell.h"

namespace opsdeck::http::ui {
namespace {

using internal::Page;
using internal::RenderPage;
using internal::SetStatus;
using internal::SetText;
using internal::SetTime;
using internal::Shorten;
using kainjow::mustache::data;

constexpr std::size_t kMaxLabel = 80;    // an environment, version or actor
constexpr std::size_t kMaxResult = 300;  // an action's result or error

data RollbackItem(const store::Rollback& r) {
  data item{data::type::object};
  item.set("rb_id", std::to_string(r.id));
  SetText(item, "rb_environment", Shorten(r.environment, kMaxLabel));
  SetText(item, "rb_version", Shorten(r.version, kMaxLabel));
  SetStatus(item, "rb_", internal::ViewOf(r.status));
  SetText(item, "rb_started_by", Shorten(r.started_by, kMaxLabel));
  SetTime(item, "rb_started", r.started_at);
  SetTime(item, "rb_finished", r.finished_at);
  SetText(item, "rb_action", Shorten(r.action, kMaxLabel));
  SetText(item, "rb_result", Shorten(r.action_result, kMaxResult));
  SetText(item, "rb_error", Shorten(r.error, kMaxResult));
  item.set("rb_has_run", r.run_id.has_value());
  item.set("rb_run_id", r.run_id ? std::to_string(*r.run_id) : std::string());
  item.set("rb_run_href", r.run_id ? "/runs/" + std::to_string(*r.run_id) : std::string());
  item.set("rb_has_release", r.release_id.has_value());
  item.set("rb_release_id", r.release_id ? std::to_string(*r.release_id) : std::string());
  item.set("rb_release_href",
           r.release_id ? "/releases/" + std::to_string(*r.release_id) : std::string());
  item.set("rb_has_deployment", r.deployment_id != 0);
  item.set("rb_deployment_id", std::to_string(r.deployment_id));
  return item;
}

}  // namespace

std::string RenderRollbacks(const RollbacksModel& model) {
  data page{data::type::object};
  data rows{data::type::list};
  for (const store::Rollback& r : model.rollbacks) rows.push_back(RollbackItem(r));
  page.set("has_rollbacks", !model.rollbacks.empty());
  page.set("rollbacks", rows);
  internal::SetListFrame(page, model.filters, model.filtered, model.error, model.pager);

  page.set("can_start", internal::MayActAsDevops(model.role));
  page.set("has_environments", !model.environments.empty());
  data envs{data::type::list};
  for (const std::string& env : model.environments) {
    data item{data::type::object};
    item.set("ev_name", Shorten(env, kMaxLabel));
    item.set("ev_value", env);
    item.set("ev_selected", env == model.environment);
    envs.push_back(item);
  }
  page.set("environments", envs);
  data releases{data::type::list};
  for (const ReleaseChoice& r : model.releases) {
    data item{data::type::object};
    item.set("rl_id", std::to_string(r.id));
    item.set("rl_version", Shorten(r.version, kMaxLabel));
    item.set("rl_selected", model.release == r.id);
    releases.push_back(item);
  }
  page.set("releases", releases);
  page.set("page_js", std::string(StaticUrl("/static/releases.js")));
  return RenderPage(Page::kRollbacks, "Rollbacks", model.shell, "rollbacks", std::move(page));
}

}  // namespace opsdeck::http::ui
