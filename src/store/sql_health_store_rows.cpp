#include "store/sql_health_store_rows.h"

#include <openssl/evp.h>

#include "store/json_text.h"
#include "store/sql_run_rows.h"

namespace opsdeck::store::health_sql {

std::vector<size_t> ChunkSizes(size_t n) {
  std::vector<size_t> out(n / kRowsPerStatement, kRowsPerStatement);
  size_t rest = n % kRowsPerStatement;
  for (size_t p = 64; p > 0; p /= 2) {
    if (rest >= p) {
      out.push_back(p);
      rest -= p;
    }
  }
  return out;
}

std::string ValuesList(size_t rows, size_t columns) {
  std::string group = "(" + Placeholders(columns) + ")";
  std::string out;
  out.reserve(rows * (group.size() + 2));
  for (size_t i = 0; i < rows; ++i) {
    if (i > 0) out += ", ";
    out += group;
  }
  return out;
}

std::string Placeholders(size_t n) {
  std::string out;
  out.reserve(n * 3);
  for (size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

std::optional<core::TimePoint> OptTimeOf(const Value& v) {
  const auto ms = OptInt(v);
  return ms ? std::optional(core::FromUnixMillis(*ms)) : std::nullopt;
}

std::string CutUtf8(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  size_t end = max_bytes;
  // Step back over continuation bytes (10xxxxxx) to the start of the
  // sequence that would be split.
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return std::string(s.substr(0, end));
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr) != 1) {
    return {};  // never with a built-in digest; an empty hash matches nothing
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}

int64_t FloorTo(int64_t ms, int64_t step) {
  int64_t q = ms / step;
  if (ms % step != 0 && ms < 0) --q;
  return q * step;
}

int64_t CeilTo(int64_t ms, int64_t step) {
  const int64_t f = FloorTo(ms, step);
  return f == ms ? f : f + step;
}

Incident IncidentFromRow(const Row& r) {
  Incident i;
  i.id = IntOr(r[0], 0);
  i.target = TextOr(r[1]);
  i.environment = TextOr(r[2]);
  i.started_at = TimeOf(r[3]);
  i.ended_at = OptTimeOf(r[4]);
  i.cause = TextOr(r[5]);
  i.root_id = OptInt(r[6]);
  i.root_target = TextOr(r[7]);
  i.acknowledged_by = TextOr(r[8]);
  i.acknowledged_at = OptTimeOf(r[9]);
  i.subject = TextOr(r[10]);
  return i;
}

std::string IncidentJson(const Incident& i) {
  const auto time = [](const std::optional<core::TimePoint>& t) -> std::optional<std::string> {
    return t ? std::optional(core::FormatRfc3339(*t)) : std::nullopt;
  };
  JsonObjectText j;
  j.Add("id", i.id).Add("target", i.target).Add("environment", i.environment);
  j.Add("started_at", core::FormatRfc3339(i.started_at)).Add("ended_at", time(i.ended_at));
  j.Add("cause", i.cause);
  if (i.root_id) {
    j.Add("root_id", *i.root_id);
  } else {
    j.AddNull("root_id");
  }
  j.Add("acknowledged_by", i.acknowledged_by).Add("acknowledged_at", time(i.acknowledged_at));
  return j.Finish();
}


}  // namespace opsdeck::store::health_sql
