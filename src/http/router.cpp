#include "http/router.h"

#include <utility>

namespace opsdeck::http {
namespace {

// Matches one pattern against a path. `{x}` matches one non-empty segment;
// a trailing `*` matches the rest (at least one character).
bool MatchPattern(std::string_view pattern, std::string_view path,
                  std::map<std::string, std::string>* params) {
  size_t pi = 0;
  size_t si = 0;
  while (pi < pattern.size()) {
    if (pattern[pi] == '*' && pi + 1 == pattern.size()) {
      return si < path.size();
    }
    if (pattern[pi] == '{') {
      const size_t close = pattern.find('}', pi);
      if (close == std::string_view::npos) return false;
      size_t end = path.find('/', si);
      if (end == std::string_view::npos) end = path.size();
      if (end == si) return false;
      if (params != nullptr) {
        (*params)[std::string(pattern.substr(pi + 1, close - pi - 1))] =
            std::string(path.substr(si, end - si));
      }
      pi = close + 1;
      si = end;
      continue;
    }
    if (si >= path.size() || pattern[pi] != path[si]) return false;
    ++pi;
    ++si;
  }
  return si == path.size();
}

}  // namespace

void Router::Add(Route route) {
  if (route.name.empty()) route.name = route.pattern;
  routes_.push_back(std::move(route));
}

RouteMatch Router::Match(beast_http::verb method, std::string_view path,
                         RequestContext& ctx) const {
  RouteMatch out;
  const beast_http::verb effective = method == beast_http::verb::head ? beast_http::verb::get : method;
  for (const Route& r : routes_) {
    if (!MatchPattern(r.pattern, path, nullptr)) continue;
    if (r.method == effective) {
      MatchPattern(r.pattern, path, &ctx.params);
      out.route = &r;
      out.method_mismatch = false;
      return out;
    }
    out.method_mismatch = true;
    if (!out.allow.empty()) out.allow += ", ";
    out.allow += std::string(beast_http::to_string(r.method));
  }
  return out;
}

std::pair<std::string_view, std::string_view> SplitTarget(std::string_view target) {
  const size_t q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

}  // namespace opsdeck::http
