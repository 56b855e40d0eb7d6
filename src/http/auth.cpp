#include "http/auth.h"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

#include "net/secrets.h"

namespace opsdeck::http {

std::optional<std::string> CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const size_t semi = header.find(';');
    std::string_view part = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    const size_t eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    if (part.substr(0, eq) == name) return std::string(part.substr(eq + 1));
  }
  return std::nullopt;
}

bool AddressTrusted(std::string_view address, const std::vector<std::string>& trusted) {
  boost::system::error_code ec;
  auto addr = boost::asio::ip::make_address(address, ec);
  if (ec) return false;
  if (addr.is_v6() && addr.to_v6().is_v4_mapped()) {
    addr = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, addr.to_v6());
  }
  for (const auto& t : trusted) {
    if (t.find('/') == std::string::npos) {
      auto one = boost::asio::ip::make_address(t, ec);
      if (!ec && one == addr) return true;
      continue;
    }
    if (addr.is_v4()) {
      auto net = boost::asio::ip::make_network_v4(t, ec);
      if (!ec && (addr.to_v4().to_uint() & net.netmask().to_uint()) ==
                     (net.network().to_uint())) {
        return true;
      }
    } else {
      auto net = boost::asio::ip::make_network_v6(t, ec);
      if (!ec) {
        auto hosts = net.hosts();
        if (hosts.find(addr.to_v6()) != hosts.end() || net.network() == addr.to_v6()) return true;
      }
    }
  }
  return false;
}

bool ValidAccountName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '@' || c == '-';
    if (!ok) return false;
  }
  return true;
}

core::Result<core::Principal> Authenticator::Authenticate(const RequestContext& ctx) const {
  const auto& req = ctx.request;
  const auto authz = req[beast_http::field::authorization];
  if (!authz.empty()) {
    constexpr std::string_view kBearer = "Bearer ";
    if (authz.size() <= kBearer.size() ||
        !boost::beast::iequals(authz.substr(0, kBearer.size()), kBearer)) {
      return core::Error::Unauthenticated("Authorization must be \"Bearer TOKEN\"");
    }
    return FromBearer(authz.substr(kBearer.size()));
  }
  if (const auto cookies = req[beast_http::field::cookie]; !cookies.empty()) {
    if (auto v = CookieValue(cookies, kSessionCookie); v && !v->empty()) {
      auto p = FromSession(*v);
      if (!p || p->authenticated()) return p;
      // An unknown or expired session falls through: the user signs in again.
    }
  }
  const auto cfg = config_();
  if (cfg->auth.proxy_header) {
    const auto& proxy = *cfg->auth.proxy_header;
    const auto user = req[proxy.header];
    if (!user.empty()) {
      if (!AddressTrusted(ctx.remote_address, proxy.trusted)) {
        return core::Error::Unauthenticated(proxy.header + " is accepted only from trusted proxies");
      }
      return FromProxy(proxy, user);
    }
  }
  return core::Principal{};
}

core::Result<core::Principal> Authenticator::FromBearer(std::string_view token) const {
  const std::string hash = net::Sha256Hex(token);
  const auto now = clock_.Now();
  const auto cfg = config_();
  for (const auto& t : cfg->auth.tokens) {
    if (net::ConstantTimeEquals(net::Sha256Hex(t.token.Reveal()), hash)) {
      if (t.expires && *t.expires <= now) return core::Error::Unauthenticated("token expired");
      core::Principal p;
      p.kind = core::Principal::Kind::kToken;
      p.name = t.name;
      p.role = t.role;
      return p;
    }
  }
  auto found = store_.tokens().FindByHash(hash);
  if (!found) return found.error();
  if (!*found) return core::Error::Unauthenticated("unknown token");
  const store::TokenRecord& rec = **found;
  if (rec.revoked_at) return core::Error::Unauthenticated("token revoked");
  if (rec.expires_at && *rec.expires_at <= now) return core::Error::Unauthenticated("token expired");
  (void)store_.tokens().TouchLastUsed(rec.id, now);  // bookkeeping; failure is not fatal
  core::Principal p;
  p.kind = core::Principal::Kind::kToken;
  p.name = rec.name;
  p.role = rec.role;
  return p;
}

core::Result<core::Principal> Authenticator::FromSession(std::string_view cookie) const {
  auto found = store_.sessions().Find(net::Sha256Hex(cookie));
  if (!found) return found.error();
  if (!*found) return core::Principal{};
  const store::SessionRecord& s = **found;
  const auto now = clock_.Now();
  const auto cfg = config_();
  if (s.user_disabled || s.expires_at <= now || s.last_seen_at + cfg->auth.session_idle <= now) {
    return core::Principal{};
  }
  (void)store_.sessions().Touch(s.id, now);
  core::Principal p;
  p.kind = core::Principal::Kind::kUser;
  p.name = s.user;
  p.role = s.role;
  p.via_cookie = true;
  p.csrf_token = s.csrf_token;
  return p;
}

core::Result<core::Principal> Authenticator::FromProxy(const config::ProxyHeaderConfig& proxy,
                                                       std::string_view user) const {
  if (!ValidAccountName(user)) {
    return core::Error::Unauthenticated(proxy.header + " does not hold a valid user name");
  }
  core::Principal p;
  p.kind = core::Principal::Kind::kProxy;
  p.name = std::string(user);
  p.role = proxy.default_role;
  auto found = store_.users().Find(user);
  if (!found) return found.error();
  if (*found) {
    if ((*found)->disabled) return core::Error::Unauthenticated("user disabled");
    p.role = (*found)->role;
  }
  return p;
}

}  // namespace opsdeck::http
