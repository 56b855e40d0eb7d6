// Shared pieces of the channel tests: a scripted HttpTransport that records
// what a channel sends, the notices the tests render, and an independent
// UTF-8 check and code point count (not the ones under test).
// Not thread-safe; one test at a time.
#pragma once

#include <boost/json.hpp>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "core/notification.h"
#include "notify/channel.h"

namespace opsdeck::notify::testing {

class FakeTransport : public HttpTransport {
 public:
  // Queues the next answer.
  void Answer(long status, std::string body = {}, HeaderList headers = {});
  // Queues a transport failure (no HTTP answer).
  void Fail(core::Error error);
  core::Result<HttpResponse> Send(const HttpRequest& request) override;

  const std::vector<HttpRequest>& requests() const { return requests_; }
  const HttpRequest& last() const { return requests_.back(); }

 private:
  std::deque<core::Result<HttpResponse>> answers_;
  std::vector<HttpRequest> requests_;
};

// A pipeline failure as the planner builds it.
core::Notice SampleNotice();
// Every text far over every limit: a 10 kB description of multi-byte
// characters, 100 fields with 300-character names and long values, a
// 300-character title, a 3 kB footer, stray invalid UTF-8 and padding.
core::Notice HostileNotice();

// Strict UTF-8 (no overlongs, surrogates or values beyond U+10FFFF).
bool IsStrictUtf8(std::string_view s);
// Code points after trimming leading/trailing ASCII whitespace.
size_t TrimmedCodePoints(std::string_view s);
// `text` repeated until it has `count` code points (text is ASCII or
// multi-byte, never mixed within one code point).
std::string Repeat(std::string_view text, size_t count);

boost::json::value ParseJson(std::string_view text);
std::string HeaderOf(const HttpRequest& request, std::string_view name);

}  // namespace opsdeck::notify::testing
