// A Beast response parser that keeps only what the conditions look at: the
// status, the headers they name, and the body up to a cap. Beast's own
// response_parser allocates every header field and the whole body; at
// 1,000 probes/s that is most of a probe's allocations.
// Thread-safety: none; one per probe run.
#pragma once

#include <boost/beast/http/basic_parser.hpp>
#include <optional>
#include <string>
#include <vector>

namespace opsdeck::monitor {

class ResponseParser final : public boost::beast::http::basic_parser<false> {
 public:
  // `header_names`: lower-case names to keep (ConditionSet::header_names());
  // must outlive the parser. At most `body_cap` body bytes are read, and kept
  // only when `keep_body` (a condition reads the body).
  ResponseParser(const std::vector<std::string>& header_names, size_t body_cap, bool keep_body);

  int status() const { return status_; }
  const std::string& body() const { return body_; }
  // body_cap bytes of body were read: stop reading; conditions see what was kept.
  bool body_full() const { return body_full_; }
  const std::vector<std::optional<std::string>>& headers() const { return headers_; }

 private:
  using string_view = boost::beast::string_view;
  using error_code = boost::beast::error_code;

  void on_request_impl(boost::beast::http::verb, string_view, string_view, int,
                       error_code&) override {}
  void on_response_impl(int code, string_view reason, int version, error_code& ec) override;
  void on_field_impl(boost::beast::http::field name, string_view name_string, string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                         error_code& ec) override;
  std::size_t on_body_impl(string_view body, error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t remain, string_view body, error_code& ec) override;
  void on_finish_impl(error_code&) override {}

  size_t Keep(string_view body);

  const std::vector<std::string>& header_names_;
  std::vector<std::optional<std::string>> headers_;
  std::string body_;
  size_t body_cap_;
  size_t body_seen_ = 0;
  bool keep_body_;
  int status_ = 0;
  bool body_full_ = false;
};

}  // namespace opsdeck::monitor
