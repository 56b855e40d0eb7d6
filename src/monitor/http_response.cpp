// Beast does the HTTP/1.1 parsing (framing, chunking, limits); this keeps
// the few pieces the conditions read.
#include "monitor/http_response.h"

#include <algorithm>
#include <cctype>

namespace opsdeck::monitor {

namespace {

bool EqualsLower(boost::beast::string_view name, const std::string& lower) {
  if (name.size() != lower.size()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(name[i])) != lower[i]) return false;
  }
  return true;
}

}  // namespace

ResponseParser::ResponseParser(const std::vector<std::string>& header_names, size_t body_cap,
                               bool keep_body)
    : header_names_(header_names),
      headers_(header_names.size()),
      body_cap_(body_cap),
      keep_body_(keep_body) {
  // The cap is ours (read what fits, then stop); Beast's limit would instead
  // fail a response whose Content-Length is larger than it.
  body_limit(boost::none);
  eager(true);
}

void ResponseParser::on_response_impl(int code, string_view, int, error_code&) { status_ = code; }

void ResponseParser::on_field_impl(boost::beast::http::field, string_view name_string,
                                   string_view value, error_code&) {
  for (size_t i = 0; i < header_names_.size(); ++i) {
    if (!EqualsLower(name_string, header_names_[i])) continue;
    auto& slot = headers_[i];
    // Repeated fields combine as a list (RFC 9110, section 5.3).
    if (slot) {
      slot->append(", ").append(value.data(), value.size());
    } else {
      slot.emplace(value.data(), value.size());
    }
  }
}

void ResponseParser::on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                                       error_code&) {
  if (content_length && keep_body_) body_.reserve(std::min<uint64_t>(*content_length, body_cap_));
}

size_t ResponseParser::Keep(string_view body) {
  const size_t room = body_cap_ - body_seen_;
  if (keep_body_) body_.append(body.data(), std::min(room, body.size()));
  body_seen_ += std::min(room, body.size());
  if (body_seen_ >= body_cap_) body_full_ = true;
  return body.size();
}

std::size_t ResponseParser::on_body_impl(string_view body, error_code&) { return Keep(body); }

std::size_t ResponseParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code&) {
  return Keep(body);
}

}  // namespace opsdeck::monitor
