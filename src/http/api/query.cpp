#include "http/api/query.h"

#include <boost/url/parse_query.hpp>

#include <charconv>

namespace opsdeck::http {

core::Result<std::map<std::string, std::string>> ParseQuery(std::string_view query) {
  std::map<std::string, std::string> out;
  if (query.empty()) return out;
  auto parsed = boost::urls::parse_query(query);
  if (!parsed) return core::Error::InvalidArgument("malformed query string");
  for (auto p : *parsed) {
    std::string key = p.key.decode();
    std::string value = p.has_value ? p.value.decode() : std::string();
    out[std::move(key)] = std::move(value);
  }
  return out;
}

core::Result<ListParams> ParseListParams(std::string_view query) {
  auto q = ParseQuery(query);
  if (!q) return q.error();
  auto limit = ParseLimit(*q, 50, 500);
  if (!limit) return limit.error();
  ListParams out;
  out.limit = *limit;
  out.cursor = Get(*q, "cursor");
  out.query = std::move(*q);
  return out;
}

core::Result<int> ParseLimit(const std::map<std::string, std::string>& q, int fallback, int max) {
  auto it = q.find("limit");
  if (it == q.end()) return fallback;
  int v = 0;
  const auto& s = it->second;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v < 1 || v > max) {
    return core::Error::InvalidArgument("limit must be an integer from 1 to " + std::to_string(max),
                                        "limit");
  }
  return v;
}

std::optional<std::string> Get(const std::map<std::string, std::string>& q, const std::string& k) {
  auto it = q.find(k);
  if (it == q.end()) return std::nullopt;
  return it->second;
}

}  // namespace opsdeck::http
