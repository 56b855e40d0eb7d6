// Mustache data helpers shared by the list pages (run_pages, notification
// page): optional text and time keys, and the filter selects of a list's
// frame. Pure functions; any thread.
#pragma once

#include <kainjow/mustache.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "http/ui/run_pages.h"

namespace opsdeck::http::ui::internal {

// `key` and `has_<key>`.
void SetText(kainjow::mustache::data& d, const std::string& key, const std::string& text);
// `key` (RFC 3339), `<key>_human` and `has_<key>`.
void SetTime(kainjow::mustache::data& d, const std::string& key,
             const std::optional<core::TimePoint>& t);
// The filter selects: f_name, f_label, f_id, f_options (o_value, o_selected).
// A selected value that is not among the options is kept as one.
kainjow::mustache::data FilterList(const std::vector<FilterSelect>& filters);
// A list page's frame: its filters, whether any is set, an error, and the
// pager (newest_href, older_href, has_pager).
void SetListFrame(kainjow::mustache::data& page, const std::vector<FilterSelect>& filters,
                  bool filtered, const std::string& error, const Pager& pager);

}  // namespace opsdeck::http::ui::internal
