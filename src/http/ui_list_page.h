// Internal to the UI routes (ui_routes.cpp, ui/*_route.cpp): what every
// server-rendered list page does with its request and its answer. The query
// of a page's GET filter form (filters, ?limit=, the store's cursor), the
// links that keep those filters (pager), an HTML response with the page
// headers, and a store failure as an HTML page.
// Thread-safety: pure functions; any thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "http/router.h"
#include "http/ui/pages.h"
#include "http/ui/run_pages.h"

namespace opsdeck::http::ui_list {

inline constexpr int kPageSize = 50;      // rows per page of a list
inline constexpr int kMaxPageSize = 200;  // ?limit= may ask for up to this many

// Pages carry ui::kPageHeaders: a CSP without inline script or style, nosniff,
// frame and referrer policies.
Response HtmlPage(const Request& req, beast_http::status status, std::string html);

// A store failure as an HTML page; internal details stay in the log.
Response StoreErrorPage(RequestContext& ctx, const core::Error& error, ui::ShellModel shell);

// The query of a page. Its GET forms send spaces as '+'; an empty value (an
// "All" option) is the same as no value.
core::Result<std::map<std::string, std::string>> FormQuery(std::string_view query);

std::string Param(const std::map<std::string, std::string>& q, const std::string& key);
std::optional<std::string> Optional(std::string value);

using Params = std::vector<std::pair<std::string_view, std::string_view>>;

// `path` with the non-empty `params`, each value percent-encoded by Boost.URL
// down to unreserved characters (so '+', '&' and '#' in a name survive).
std::string Href(std::string_view path, const Params& params, std::string_view fragment = {});

// What every list page reads from its query: filters, the cursor, ?limit=.
// A malformed value is a message for the page (a 400), not an error page.
struct ListQuery {
  std::map<std::string, std::string> params;
  std::string error;
  std::string cursor;
  int limit = kPageSize;
  std::string limit_param;  // kept on the paging links when it was given
};
ListQuery ReadListQuery(std::string_view text);

// 200, or 400 when the page shows an error about its query.
beast_http::status ListStatus(const std::string& error);

// The pager of a list: "Newest" off the first page, "Older" while the store
// has a next cursor. `params` are the filters, kept on both links.
ui::Pager MakePager(std::string_view path, std::string_view fragment, Params params,
                    bool on_first_page, const std::optional<std::string>& next);

}  // namespace opsdeck::http::ui_list
