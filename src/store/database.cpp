#include "store/database.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "store/json_text.h"

namespace opsdeck::store {

std::optional<int64_t> OptInt(const Value& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
  if (const auto* s = std::get_if<std::string>(&v)) {
    char* end = nullptr;
    const long long n = std::strtoll(s->c_str(), &end, 10);
    if (!s->empty() && end == s->c_str() + s->size()) return static_cast<int64_t>(n);
  }
  return std::nullopt;
}

int64_t IntOr(const Value& v, int64_t fallback) { return OptInt(v).value_or(fallback); }

std::string TextOr(const Value& v, std::string fallback) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", *d);
    return buf;
  }
  return fallback;
}

core::Result<void> CheckTextParams(const Params& params) {
  for (size_t i = 0; i < params.size(); ++i) {
    const auto* s = std::get_if<std::string>(&params[i]);
    if (s == nullptr) continue;
    if (s->find('\0') != std::string::npos || !IsValidUtf8(*s)) {
      return core::Error::InvalidArgument("text is not valid UTF-8 or contains a NUL byte",
                                          "parameter " + std::to_string(i + 1));
    }
  }
  return core::Ok();
}

core::Result<void> LockForWrite(Tx& tx, std::string_view name) {
  const std::string_view sql = tx.dialect().TxLockSql();
  if (sql.empty()) return core::Ok();
  auto r = tx.Query(sql, {std::string(name)});
  if (!r) return r.error();
  return core::Ok();
}

core::Result<std::string> RenderTemplate(
    std::string_view sql, const std::vector<std::pair<std::string_view, std::string_view>>& vars) {
  std::string out;
  out.reserve(sql.size() + 256);
  size_t pos = 0;
  while (true) {
    const size_t open = sql.find("{{", pos);
    if (open == std::string_view::npos) break;
    const size_t close = sql.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return core::Error::Internal("migration: unterminated {{ placeholder");
    }
    const std::string_view key = sql.substr(open + 2, close - open - 2);
    const auto it = std::find_if(vars.begin(), vars.end(), [&](const auto& kv) { return kv.first == key; });
    if (it == vars.end()) {
      return core::Error::Internal("migration: unknown placeholder {{" + std::string(key) + "}}");
    }
    out.append(sql.substr(pos, open - pos));
    out.append(it->second);
    pos = close + 2;
  }
  out.append(sql.substr(pos));
  return out;
}

}  // namespace opsdeck::store
