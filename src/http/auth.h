// Authentication: who sent a request. In order: an `Authorization: Bearer`
// API token (from config, then the store), the UI session cookie, the trusted
// reverse-proxy user header; otherwise anonymous. Every secret is compared in
// constant time or looked up by its SHA-256. Blocking (store lookups): call on
// the database executor. Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.h"
#include "core/clock.h"
#include "core/result.h"
#include "core/role.h"
#include "http/types.h"
#include "store/store.h"

namespace opsdeck::http {

inline constexpr std::string_view kSessionCookie = "opsdeck_session";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";
inline constexpr std::string_view kCsrfField = "csrf_token";

class Authenticator {
 public:
  Authenticator(std::function<std::shared_ptr<const config::Config>()> config,
                store::Store& store, const core::Clock& clock)
      : config_(std::move(config)), store_(store), clock_(clock) {}

  // kUnauthenticated when credentials were presented but are not valid (a
  // bad token is never silently treated as anonymous); an anonymous
  // Principal when none were presented.
  core::Result<core::Principal> Authenticate(const RequestContext& ctx) const;

 private:
  core::Result<core::Principal> FromBearer(std::string_view token) const;
  core::Result<core::Principal> FromSession(std::string_view cookie) const;
  core::Result<core::Principal> FromProxy(const config::ProxyHeaderConfig& proxy,
                                          std::string_view user) const;

  std::function<std::shared_ptr<const config::Config>()> config_;
  store::Store& store_;
  const core::Clock& clock_;
};

// The value of one cookie in a Cookie header, if present.
std::optional<std::string> CookieValue(std::string_view cookie_header, std::string_view name);
// True when `address` is one of `trusted` (IP addresses or CIDR ranges).
bool AddressTrusted(std::string_view address, const std::vector<std::string>& trusted);
// A user name as accepted from users, tokens and the proxy header.
bool ValidAccountName(std::string_view name);

}  // namespace opsdeck::http
