#include "http/ui/list_frame.h"

#include <algorithm>

#include "http/ui/shell.h"

namespace opsdeck::http::ui::internal {

using kainjow::mustache::data;

void SetText(data& d, const std::string& key, const std::string& text) {
  d.set("has_" + key, !text.empty());
  d.set(key, text);
}

void SetTime(data& d, const std::string& key, const std::optional<core::TimePoint>& t) {
  const std::string text = t ? core::FormatRfc3339(*t) : std::string();
  d.set("has_" + key, t.has_value());
  d.set(key, text);
  d.set(key + "_human", HumanUtc(text));
}

data FilterList(const std::vector<FilterSelect>& filters) {
  data list{data::type::list};
  for (const FilterSelect& f : filters) {
    data item{data::type::object};
    item.set("f_name", f.name);
    item.set("f_label", f.label);
    item.set("f_id", "filter-" + f.name);
    data options{data::type::list};
    std::vector<std::string> values = f.options;
    if (!f.selected.empty() &&
        std::find(values.begin(), values.end(), f.selected) == values.end()) {
      values.push_back(f.selected);
    }
    for (const std::string& value : values) {
      data option{data::type::object};
      option.set("o_value", value);
      option.set("o_selected", value == f.selected);
      options.push_back(option);
    }
    item.set("f_options", options);
    list.push_back(item);
  }
  return list;
}

void SetListFrame(data& page, const std::vector<FilterSelect>& filters, bool filtered,
                  const std::string& error, const Pager& pager) {
  page.set("filters", FilterList(filters));
  page.set("filtered", filtered);
  SetText(page, "error", error);
  SetText(page, "newest_href", pager.newest_href);
  SetText(page, "older_href", pager.older_href);
  page.set("has_pager", !pager.newest_href.empty() || !pager.older_href.empty());
}

}  // namespace opsdeck::http::ui::internal
