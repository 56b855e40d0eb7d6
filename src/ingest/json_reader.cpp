#include "ingest/json_reader.h"

#include "net/http_fetch.h"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/stream_parser.hpp>

#include <cmath>
#include <exception>
#include <utility>

#include "ingest/time_parse.h"
#include "net/http_fetch.h"

namespace opsdeck::ingest {

namespace json = boost::json;

core::Error JsonSyntaxError(const boost::system::error_code& ec, size_t used, size_t size) {
  const size_t at = ec == json::error::extra_data || used < size ? used : size;
  return core::Error::InvalidArgument(
      "malformed JSON at byte " + std::to_string(at) + ": " + ec.message(), "");
}

core::Result<json::value> ParseJson(std::string_view text) {
  try {
    json::parse_options opts;
    opts.max_depth = 64;
    json::stream_parser parser({}, opts);
    // The document is read once and dropped: a monotonic arena (released
    // whole when the last value referencing it goes) halves the cost of
    // building and freeing the tree.
    parser.reset(json::make_shared_resource<json::monotonic_resource>());
    json::error_code ec;
    const size_t used = parser.write(text.data(), text.size(), ec);
    if (!ec) parser.finish(ec);
    if (ec) return JsonSyntaxError(ec, used, text.size());
    return parser.release();
  } catch (const std::exception& e) {  // bad_alloc; nothing else is thrown with an error_code
    return core::Error::InvalidArgument(std::string("unreadable JSON: ") + e.what(), "");
  }
}

std::string JsonPointer(std::string_view base, std::string_view key) {
  std::string out(base);
  out += '/';
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

void ErrorSink::Fail(std::string message, std::string where) {
  if (!error_) error_ = core::Error::InvalidArgument(std::move(message), std::move(where));
}

const json::value* ObjectReader::Get(std::string_view key, bool required) const {
  const json::value* v = obj_ != nullptr ? obj_->if_contains(key) : nullptr;
  if (v != nullptr && !v->is_null()) return v;
  // An absent parent is the parent's business: only a present one can lack a child.
  if (required && obj_ != nullptr) sink_->Fail(std::string(key) + " is required", JsonPointer(pointer_, key));
  return nullptr;
}

void ObjectReader::TypeError(std::string_view key, std::string_view expected) const {
  sink_->Fail(std::string(key) + " must be " + std::string(expected), JsonPointer(pointer_, key));
}

std::optional<std::string> ObjectReader::String(std::string_view key, bool required) const {
  const json::value* v = Get(key, required);
  if (v == nullptr) return std::nullopt;
  if (const json::string* s = v->if_string()) return std::string(s->data(), s->size());
  TypeError(key, "a string");
  return std::nullopt;
}

std::optional<int64_t> ObjectReader::Int(std::string_view key, bool required) const {
  const json::value* v = Get(key, required);
  if (v == nullptr) return std::nullopt;
  if (const int64_t* i = v->if_int64()) return *i;
  if (const uint64_t* u = v->if_uint64()) {
    if (*u <= static_cast<uint64_t>(INT64_MAX)) return static_cast<int64_t>(*u);
    TypeError(key, "an integer below 2^63");
    return std::nullopt;
  }
  if (const double* d = v->if_double()) {
    constexpr double kExact = 9007199254740992.0;  // 2^53: every integer below is exact
    if (std::isfinite(*d) && std::trunc(*d) == *d && std::fabs(*d) <= kExact) {
      return static_cast<int64_t>(*d);
    }
  }
  TypeError(key, "an integer");
  return std::nullopt;
}

std::optional<core::TimePoint> ObjectReader::Time(std::string_view key, bool required) const {
  const json::value* v = Get(key, required);
  if (v == nullptr) return std::nullopt;
  if (const json::string* s = v->if_string()) {
    if (auto t = ParseRfc3339(std::string_view(s->data(), s->size()))) return t;
  }
  TypeError(key, "an RFC 3339 timestamp");
  return std::nullopt;
}

ObjectReader ObjectReader::Object(std::string_view key, bool required) const {
  const json::value* v = Get(key, required);
  std::string ptr = JsonPointer(pointer_, key);
  if (v == nullptr) return ObjectReader(nullptr, std::move(ptr), sink_);
  if (const json::object* o = v->if_object()) return ObjectReader(o, std::move(ptr), sink_);
  TypeError(key, "an object");
  return ObjectReader(nullptr, std::move(ptr), sink_);
}

void ObjectReader::OnlyKeys(std::initializer_list<std::string_view> allowed) const {
  if (obj_ == nullptr) return;
  for (const auto& kv : *obj_) {
    bool known = false;
    for (std::string_view a : allowed) known = known || kv.key() == a;
    if (!known) {
      sink_->Fail("unknown field " + std::string(kv.key()), JsonPointer(pointer_, kv.key()));
      return;
    }
  }
}

bool IsHttpUrl(std::string_view url) {
  // Something must follow the scheme.
  return net::HasHttpScheme(url) && url.find("://") + 3 < url.size();
}

std::string FirstLine(std::string_view text) {
  std::string_view line = text.substr(0, text.find('\n'));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return std::string(line);
}

}  // namespace opsdeck::ingest
