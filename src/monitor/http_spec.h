// Everything an http check needs per probe, computed once from its config:
// where to connect, the request bytes, the parsed conditions.
// Thread-safety: immutable after BuildHttpSpec; shared by runs via shared_ptr.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "config/catalog_config.h"
#include "core/result.h"
#include "monitor/condition.h"
#include "monitor/connect_run.h"

namespace opsdeck::monitor {

// How much of a response body a probe reads; conditions see at most this.
inline constexpr size_t kDefaultBodyCap = 64 * 1024;

struct HttpSpec {
  ProbeTarget target;
  bool https = false;
  bool verify = true;  // TLS chain and host name
  bool head = false;   // HEAD: the response has no body
  // The request is head + ["User-Agent: " + ProbeEnv::user_agent + CRLF] + tail,
  // written with one gathered write; the User-Agent line is left out when the
  // check's own headers set one.
  std::string request_head;
  std::string request_tail;
  bool own_user_agent = false;
  // Shared by every check with the same condition texts (most have none:
  // the default "status < 400"), so 10,000 checks hold one parsed set.
  std::shared_ptr<const ConditionSet> conditions;
  core::Duration timeout{};
  size_t body_cap = kDefaultBodyCap;
  std::string summary;  // "GET https://api.example.com/health" (query left out)
};

// kInvalidArgument for a URL that is not http(s) with a host, credentials in
// the URL, a header with a line break, or a bad condition.
core::Result<HttpSpec> BuildHttpSpec(const config::CheckConfig& check,
                                     const config::HttpCheck& http);

}  // namespace opsdeck::monitor
