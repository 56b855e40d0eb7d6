// The request and response types every handler sees, and the per-request
// context. Plain values owned by one session; not shared between threads.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <map>
#include <string>

#include "core/clock.h"
#include "core/role.h"

namespace opsdeck::http {

namespace beast_http = boost::beast::http;
using Request = beast_http::request<beast_http::string_body>;
using Response = beast_http::response<beast_http::string_body>;

struct RequestContext {
  const Request& request;
  std::string request_id;
  std::string remote_address;  // peer IP as text
  bool remote_is_loopback = false;
  std::string route;                          // the matched route's name, for metrics
  std::map<std::string, std::string> params;  // `{name}` path segments
  std::string path;                           // target without the query
  std::string query;                          // after '?', undecoded
  core::Principal principal;                  // set by authorization (anonymous before)
};

}  // namespace opsdeck::http
