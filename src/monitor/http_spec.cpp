// Building an http check's request bytes and connection target once, at load.
#include "monitor/http_spec.h"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cctype>
#include <map>
#include <mutex>
#include <vector>

namespace opsdeck::monitor {

namespace {

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// Parsed condition sets by their texts, while some check still uses them.
// Loads run on the reload path and tests build specs from several threads.
core::Result<std::shared_ptr<const ConditionSet>> SharedConditions(
    const std::vector<std::string>& texts) {
  static std::mutex mu;
  static std::map<std::vector<std::string>, std::weak_ptr<const ConditionSet>> cache;
  static size_t prune_at = 64;
  std::lock_guard lock(mu);
  if (const auto it = cache.find(texts); it != cache.end()) {
    if (auto shared = it->second.lock()) return shared;
  }
  auto parsed = ConditionSet::Parse(texts);
  if (!parsed) return std::move(parsed.error());
  auto shared = std::make_shared<const ConditionSet>(std::move(*parsed));
  cache[texts] = shared;
  if (cache.size() >= prune_at) {  // forget sets no check holds any more
    std::erase_if(cache, [](const auto& kv) { return kv.second.expired(); });
    prune_at = std::max<size_t>(64, 2 * cache.size());
  }
  return shared;
}

}  // namespace

core::Result<HttpSpec> BuildHttpSpec(const config::CheckConfig& check,
                                     const config::HttpCheck& http) {
  auto parsed = boost::urls::parse_absolute_uri(http.url);
  // Messages never repeat the URL: it may carry a token.
  if (!parsed) return core::Error::InvalidArgument("url is not an absolute URL", "url");
  const boost::urls::url_view url = *parsed;
  HttpSpec spec;
  if (url.scheme_id() == boost::urls::scheme::https) {
    spec.https = true;
  } else if (url.scheme_id() != boost::urls::scheme::http) {
    return core::Error::InvalidArgument("url must be http:// or https://", "url");
  }
  if (url.host_type() == boost::urls::host_type::none || url.host_address().empty() ||
      url.host_type() == boost::urls::host_type::ipvfuture) {
    return core::Error::InvalidArgument("url has no host", "url");
  }
  if (url.has_userinfo()) {
    return core::Error::InvalidArgument(
        "url must not carry credentials: send them in headers (Authorization)", "url");
  }
  uint16_t port = spec.https ? 443 : 80;
  if (url.has_port()) {
    if (url.port_number() == 0) return core::Error::InvalidArgument("url has a bad port", "url");
    port = url.port_number();
  }
  spec.target = MakeProbeTarget(url.host_address(), port);
  spec.verify = http.tls_verify;
  spec.head = http.method == "HEAD";
  spec.timeout = check.timeout;

  std::string target(url.encoded_target());
  if (target.empty() || target.front() != '/') target.insert(0, "/");
  spec.request_head = http.method + " " + target +
                      " HTTP/1.1\r\nHost: " + std::string(url.encoded_host_and_port()) + "\r\n";
  std::string own_headers;
  bool own_accept = false;
  for (const auto& header : http.headers) {
    const std::string& value = header.value.Reveal();
    if (HasLineBreak(header.name) || HasLineBreak(value) || header.name.empty()) {
      return core::Error::InvalidArgument("header \"" + header.name + "\" has a line break",
                                          "headers");
    }
    if (IEquals(header.name, "Host") || IEquals(header.name, "Content-Length") ||
        IEquals(header.name, "Connection") || IEquals(header.name, "Transfer-Encoding")) {
      return core::Error::InvalidArgument("header \"" + header.name + "\" is set by the probe",
                                          "headers");
    }
    spec.own_user_agent = spec.own_user_agent || IEquals(header.name, "User-Agent");
    own_accept = own_accept || IEquals(header.name, "Accept");
    own_headers += header.name + ": " + value + "\r\n";
  }
  spec.request_tail = own_headers;
  if (!own_accept) spec.request_tail += "Accept: */*\r\n";
  // A new connection per probe, and the server closes it first, so the
  // TIME_WAIT state lands on the server rather than on our port range.
  spec.request_tail += "Connection: close\r\n";
  if (!http.body.empty() || http.method == "POST" || http.method == "PUT" ||
      http.method == "PATCH") {
    spec.request_tail += "Content-Length: " + std::to_string(http.body.size()) + "\r\n";
  }
  spec.request_tail += "\r\n" + http.body;

  auto conditions = SharedConditions(http.conditions);
  if (!conditions) return std::move(conditions.error());
  spec.conditions = std::move(*conditions);
  if (spec.conditions->needs_certificate() && !spec.https) {
    return core::Error::InvalidArgument("certificate_days needs an https:// url", "conditions");
  }
  spec.summary = http.method + " " + std::string(url.scheme()) + "://" +
                 std::string(url.encoded_host_and_port()) + std::string(url.encoded_path());
  return spec;
}

}  // namespace opsdeck::monitor
