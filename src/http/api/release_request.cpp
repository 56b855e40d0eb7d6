#include "http/api/release_request.h"

#include <boost/url/pct_string_view.hpp>

#include "http/api/json_body.h"
#include "http/responses.h"
#include "ingest/time_parse.h"

namespace opsdeck::http {

namespace json = boost::json;

namespace {

std::string Pointer(std::string_view key) { return "/" + std::string(key); }

}  // namespace

core::Result<json::object> ParseOptionalBody(std::string_view body,
                                             std::initializer_list<std::string_view> allowed) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return json::object();
  return ParseJsonObject(body, allowed);
}

core::Result<std::optional<std::string>> TextField(const json::object& o, std::string_view key,
                                                   size_t max_bytes) {
  auto text = OptionalString(o, key);
  if (!text) return text.error();
  if (*text && (*text)->size() > max_bytes) {
    return core::Error::InvalidArgument("must be at most " + std::to_string(max_bytes) + " bytes",
                                        Pointer(key));
  }
  return text;
}

core::Result<std::string> RequiredText(const json::object& o, std::string_view key,
                                       size_t max_bytes) {
  auto text = TextField(o, key, max_bytes);
  if (!text) return text.error();
  if (!*text || (*text)->find_first_not_of(" \t\r\n") == std::string::npos) {
    return core::Error::InvalidArgument(std::string(key) + " is required", Pointer(key));
  }
  return std::move(**text);
}

core::Result<std::optional<core::TimePoint>> TimeField(const json::object& o,
                                                       std::string_view key) {
  auto text = OptionalString(o, key);
  if (!text) return text.error();
  if (!*text) return std::optional<core::TimePoint>();
  auto t = ingest::ParseRfc3339(**text);
  if (!t) {
    return core::Error::InvalidArgument("must be an RFC 3339 time such as 2026-11-29T12:00:00Z",
                                        Pointer(key));
  }
  return std::optional<core::TimePoint>(*t);
}

core::Result<std::optional<int64_t>> IdField(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::optional<int64_t>();
  const json::value& v = it->value();
  if (v.is_int64() && v.as_int64() > 0) return std::optional<int64_t>(v.as_int64());
  if (v.is_uint64() && v.as_uint64() <= static_cast<uint64_t>(INT64_MAX) && v.as_uint64() > 0) {
    return std::optional<int64_t>(static_cast<int64_t>(v.as_uint64()));
  }
  return core::Error::InvalidArgument("must be a positive integer id", Pointer(key));
}

core::Result<std::vector<std::string>> StringListField(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return out;
  const json::array* list = it->value().if_array();
  if (list == nullptr) return core::Error::InvalidArgument("must be an array of strings", Pointer(key));
  for (size_t i = 0; i < list->size(); ++i) {
    const json::string* s = (*list)[i].if_string();
    if (s == nullptr || s->empty() || s->size() > kMaxReleaseNameBytes) {
      return core::Error::InvalidArgument("must be a non-empty string of at most 200 bytes",
                                          Pointer(key) + "/" + std::to_string(i));
    }
    out.emplace_back(*s);
  }
  return out;
}

core::Result<std::string> PathText(const std::string& raw, const std::string& what) {
  auto pct = boost::urls::make_pct_string_view(raw);
  if (!pct) return core::Error::NotFound("no " + what + " " + raw);
  return pct->decode();
}

Response NoReleaseDesk(const Request& req) {
  return ErrorResponse(req, core::Error::Unavailable("releases are not available on this server"));
}

}  // namespace opsdeck::http
