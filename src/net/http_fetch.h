// A small blocking HTTP(S) GET on libcurl's easy interface, for the rare
// fetches that sit outside the event loop's HttpClient: an Amazon SNS signing
// certificate and the SNS SubscribeURL confirmation. It blocks the calling
// thread for up to `timeout`, so call it from a worker, never from an I/O
// thread. Thread-safe: every call has its own handle.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace opsdeck::net {

struct FetchOptions {
  // The whole transfer: DNS, connect, TLS, request and body.
  std::chrono::milliseconds timeout{5000};
  // A larger body (announced or received) fails with kPayloadTooLarge.
  size_t max_bytes = 1 << 20;
  // Off by default: a 3xx is returned as the response. When on, at most
  // kMaxRedirects hops, and only to https.
  bool follow_redirects = false;
  std::string user_agent = "opsdeck";
  // GET by default; HEAD reads no body; any other method sends `body` (e.g.
  // `opsdeck event`'s POST).
  std::string method = "GET";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra request headers
};

inline constexpr long kMaxRedirects = 5;

struct FetchResponse {
  long status = 0;  // the HTTP status of the final response (any value)
  std::string body;
  // The final response's header fields, names as received (compare them
  // case-insensitively), in order.
  std::vector<std::pair<std::string, std::string>> headers;
};

// Sends the request (GET unless options.method says otherwise) to `url` (http or https only; TLS peer and host verification always on).
// Errors:
//   kInvalidArgument: not an http(s) URL, or one curl cannot parse;
//   kUnavailable: DNS, connect, TLS (including an untrusted certificate),
//     a timeout, the connection failing mid-transfer, or (when following)
//     a redirect to anything but https;
//   kPayloadTooLarge: the body exceeds options.max_bytes;
//   kInternal: curl could not be set up.
// `where` is the URL without userinfo, query or fragment, so a token in a
// query (the SNS SubscribeURL carries one) never reaches a log.
core::Result<FetchResponse> FetchUrl(const std::string& url, const FetchOptions& options = {});

// FetchUrl on one reused curl handle, so consecutive requests to the same
// host share a kept-alive connection (and TLS session): a notification
// channel's dispatcher sends through one. One thread at a time.
class HttpSession {
 public:
  HttpSession();
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;
  core::Result<FetchResponse> Fetch(const std::string& url, const FetchOptions& options = {});

 private:
  void* handle_ = nullptr;  // CURL*
};

// True when `url` starts with http:// or https:// (scheme case-insensitive).
bool HasHttpScheme(std::string_view url);

// The URL as FetchUrl's errors show it: scheme://host[:port]/path.
std::string RedactUrl(const std::string& url);

}  // namespace opsdeck::net
