// The /targets list: model -> mustache data -> HTML. Keys are prefixed per
// list (t_, c_, f_) like run_pages.cpp, so that a missing key never resolves
// to an outer one of the same name.
#include "http/ui/target_pages.h"

#include "http/ui/list_frame.h"
#include "http/ui/shell.h"
#include "http/ui/target_pages_view.h"

namespace opsdeck::http::ui {
namespace {

using internal::FilterList;
using internal::Page;
using internal::RenderPage;
using internal::SetState;
using internal::SetText;
using kainjow::mustache::data;

std::string Plural(int n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

data Counts(const std::vector<StateCount>& counts) {
  data list{data::type::list};
  for (const StateCount& c : counts) {
    data item{data::type::object};
    SetState(item, "c_", c.state);
    item.set("c_count", std::to_string(c.count));
    item.set("c_zero", c.count == 0);
    item.set("c_href", c.href);
    item.set("c_selected", c.selected);
    list.push_back(item);
  }
  return list;
}

}  // namespace

std::string RenderTargets(const TargetsModel& model) {
  data page{data::type::object};
  page.set("counts", Counts(model.counts));
  page.set("total_label", Plural(model.total, "target", "targets"));
  page.set("shown_label", Plural(static_cast<int>(model.targets.size()), "shown", "shown"));
  page.set("has_total", model.total > 0);
  data rows{data::type::list};
  for (const TargetRow& row : model.targets) rows.push_back(internal::TargetItem(row));
  page.set("has_targets", !model.targets.empty());
  page.set("targets", rows);
  page.set("filters", FilterList(model.filters));
  page.set("filtered", model.filtered);
  SetText(page, "error", model.error);
  return RenderPage(Page::kServices, "Services & servers", model.shell, "targets", std::move(page));
}

}  // namespace opsdeck::http::ui
