// Query-string helpers for the JSON API (?limit=&cursor=&filters). Pure.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace opsdeck::http {

// Decodes "a=1&b=x%20y" into a map; malformed escapes are an invalid argument.
core::Result<std::map<std::string, std::string>> ParseQuery(std::string_view query);
// ?limit=N within [1, max]; absent gives `fallback`.
core::Result<int> ParseLimit(const std::map<std::string, std::string>& q, int fallback, int max);
std::optional<std::string> Get(const std::map<std::string, std::string>& q, const std::string& k);

// What every list endpoint reads: the decoded query (for its filters), the
// page size (?limit=, default 50, at most 500) and the cursor.
struct ListParams {
  std::map<std::string, std::string> query;
  int limit = 50;
  std::optional<std::string> cursor;
};
core::Result<ListParams> ParseListParams(std::string_view query);

}  // namespace opsdeck::http
