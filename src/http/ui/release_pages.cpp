// The /releases list and its "New release" form: model -> mustache data ->
// HTML. Keys are prefixed per list (r_, pr_, f_, nt_, ne_, wc_) like the
// other pages, so that a missing key never resolves to an outer one.
#include "http/ui/release_pages.h"

#include "http/ui/assets.h"
#include "http/ui/list_frame.h"
#include "http/ui/release_pages_view.h"
#include "http/ui/shell.h"

namespace opsdeck::http::ui {
namespace {

using internal::Page;
using internal::RenderPage;
using internal::SetText;
using internal::SetTime;
using internal::Shorten;
using kainjow::mustache::data;

constexpr std::size_t kMaxLabel = 80;  // a version, environment or window in a cell

data ReleaseItem(const core::Release& r) {
  data item{data::type::object};
  item.set("r_id", std::to_string(r.id));
  item.set("r_href", "/releases/" + std::to_string(r.id));
  item.set("r_version", Shorten(r.version, kMaxLabel));
  internal::SetStatus(item, "r_", internal::ViewOf(r.state));
  data envs{data::type::list};
  for (std::size_t i = 0; i < r.environments.size(); ++i) {
    data env{data::type::object};
    env.set("re_name", Shorten(r.environments[i], kMaxLabel));
    env.set("re_first", i == 0);
    envs.push_back(env);
  }
  item.set("r_environments", envs);
  item.set("r_progress", internal::ProgressList(r));
  item.set("r_progress_text", internal::ProgressText(r));
  SetText(item, "r_window", Shorten(r.window, kMaxLabel));
  SetTime(item, "r_window_start", r.window_start);
  SetTime(item, "r_created", r.created_at);
  SetText(item, "r_template", Shorten(r.template_name, kMaxLabel));
  return item;
}

data NamedList(const std::vector<std::string>& names, const std::string& key) {
  data list{data::type::list};
  for (std::size_t i = 0; i < names.size(); ++i) {
    data item{data::type::object};
    item.set(key + "_name", Shorten(names[i], kMaxLabel));
    item.set(key + "_value", names[i]);
    item.set(key + "_index", std::to_string(i));
    list.push_back(item);
  }
  return list;
}

data WindowChoices(const std::vector<core::WindowOccurrence>& windows) {
  data list{data::type::list};
  for (const core::WindowOccurrence& w : windows) {
    data item{data::type::object};
    item.set("wc_value", internal::WindowChoiceValue(w));
    item.set("wc_name", Shorten(w.window, kMaxLabel));
    const std::string start = core::FormatRfc3339(w.start);
    item.set("wc_start", start);
    item.set("wc_end", core::FormatRfc3339(w.end));
    item.set("wc_start_human", internal::HumanUtc(start));
    list.push_back(item);
  }
  return list;
}

}  // namespace

namespace internal {

std::string WindowChoiceValue(const core::WindowOccurrence& occurrence) {
  return core::FormatRfc3339(occurrence.start) + "|" + occurrence.window;
}

}  // namespace internal

std::string RenderReleases(const ReleasesModel& model) {
  data page{data::type::object};
  data rows{data::type::list};
  for (const core::Release& r : model.releases) rows.push_back(ReleaseItem(r));
  page.set("has_releases", !model.releases.empty());
  page.set("releases", rows);
  internal::SetListFrame(page, model.filters, model.filtered, model.error, model.pager);

  page.set("can_create", model.can_create);
  page.set("has_templates", !model.templates.empty());
  page.set("templates", NamedList(model.templates, "nt"));
  page.set("has_environments", !model.environments.empty());
  page.set("new_environments", NamedList(model.environments, "ne"));
  page.set("has_window_choices", !model.windows.empty());
  page.set("window_choices", WindowChoices(model.windows));
  SetText(page, "windows_error", model.windows_error);
  page.set("page_js", std::string(StaticUrl("/static/releases.js")));
  return RenderPage(Page::kReleases, "Releases", model.shell, "releases", std::move(page));
}

}  // namespace opsdeck::http::ui
