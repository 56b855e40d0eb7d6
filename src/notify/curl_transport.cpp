#include "notify/curl_transport.h"

#include <utility>

namespace opsdeck::notify {

// Answers are small JSON or text; a chat service never needs more.
constexpr size_t kMaxAnswerBytes = 256 * 1024;

core::Result<HttpResponse> CurlTransport::Send(const HttpRequest& request) {
  net::FetchOptions opts;
  opts.timeout = request.timeout;
  opts.max_bytes = kMaxAnswerBytes;
  opts.method = request.method;
  opts.body = request.body;
  for (const auto& [name, value] : request.headers) {
    if (name == "User-Agent" || name == "user-agent") {
      opts.user_agent = value;
    } else {
      opts.headers.emplace_back(name, value);
    }
  }
  // No "Expect: 100-continue" round trip before a body: chat services answer
  // at once, and a waiting client only adds a second of latency.
  opts.headers.emplace_back("Expect", "");
  auto fetched = session_.Fetch(request.url, opts);
  if (!fetched) {
    core::Error e = fetched.error();
    e.where.clear();  // the redacted URL still has the webhook token in its path
    return e;
  }
  HttpResponse out;
  out.status = fetched->status;
  out.headers = std::move(fetched->headers);
  out.body = std::move(fetched->body);
  return out;
}

}  // namespace opsdeck::notify
