#include "http/ui_list_page.h"

#include <boost/url/encode.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <charconv>

#include "http/responses.h"
#include "net/log.h"

namespace opsdeck::http::ui_list {

Response HtmlPage(const Request& req, beast_http::status status, std::string html) {
  Response res = MakeResponse(req, status, std::move(html), ui::kHtmlContentType);
  for (const auto& [name, value] : ui::kPageHeaders) res.set(name, value);
  return res;
}

Response StoreErrorPage(RequestContext& ctx, const core::Error& error, ui::ShellModel shell) {
  ui::ProblemModel problem;
  problem.shell = std::move(shell);
  const beast_http::status status = StatusFor(error.code);
  problem.code = static_cast<int>(status);
  problem.title = "Unavailable";
  problem.heading = "This page cannot be shown right now";
  if (error.code == core::ErrorCode::kInternal) {
    net::LogError("internal error", {{"error", error.ToString()}});
    problem.detail = "An internal error occurred; the server log has the details.";
  } else {
    problem.detail = error.ToString();
  }
  return HtmlPage(ctx.request, status, ui::RenderProblem(problem));
}

core::Result<std::map<std::string, std::string>> FormQuery(std::string_view query) {
  std::map<std::string, std::string> out;
  if (query.empty()) return out;
  auto parsed = boost::urls::parse_query(query);
  if (!parsed) return core::Error::InvalidArgument("malformed query string");
  const boost::urls::encoding_opts form(/*space_as_plus=*/true);
  for (auto p : *parsed) {
    std::string value = p.has_value ? p.value.decode(form) : std::string();
    if (!value.empty()) out[p.key.decode(form)] = std::move(value);
  }
  return out;
}

std::string Param(const std::map<std::string, std::string>& q, const std::string& key) {
  const auto it = q.find(key);
  return it == q.end() ? std::string() : it->second;
}

std::optional<std::string> Optional(std::string value) {
  if (value.empty()) return std::nullopt;
  return value;
}

std::string Href(std::string_view path, const Params& params, std::string_view fragment) {
  std::string out(path);
  char sep = '?';
  for (const auto& [key, value] : params) {
    if (value.empty()) continue;
    out.append(1, sep).append(key).append(1, '=');
    out += boost::urls::encode(value, boost::urls::unreserved_chars);
    sep = '&';
  }
  if (!fragment.empty()) out.append(1, '#').append(fragment);
  return out;
}

ListQuery ReadListQuery(std::string_view text) {
  ListQuery q;
  auto parsed = FormQuery(text);
  if (!parsed) {
    q.error = parsed.error().message;
    return q;
  }
  q.params = std::move(*parsed);
  q.cursor = Param(q.params, "cursor");
  const std::string limit = Param(q.params, "limit");
  if (limit.empty()) return q;
  int v = 0;
  const auto [end, ec] = std::from_chars(limit.data(), limit.data() + limit.size(), v);
  if (ec != std::errc() || end != limit.data() + limit.size() || v < 1 || v > kMaxPageSize) {
    q.error = "limit must be a whole number from 1 to " + std::to_string(kMaxPageSize);
  } else {
    q.limit = v;
    q.limit_param = limit;
  }
  return q;
}

beast_http::status ListStatus(const std::string& error) {
  return error.empty() ? beast_http::status::ok : beast_http::status::bad_request;
}

ui::Pager MakePager(std::string_view path, std::string_view fragment, Params params,
                    bool on_first_page, const std::optional<std::string>& next) {
  ui::Pager pager;
  if (!on_first_page) pager.newest_href = Href(path, params, fragment);
  if (next) {
    params.emplace_back("cursor", *next);
    pager.older_href = Href(path, params, fragment);
  }
  return pager;
}

}  // namespace opsdeck::http::ui_list
