// UI sign-in: GET/POST /login and POST /logout. Sessions are random cookie
// values stored as SHA-256 with a per-session CSRF token; failed sign-ins are
// counted in the store per user and per client address, and past the limit
// the next attempt is refused without checking the password.
#include <boost/beast/core/string.hpp>

#include "http/api/query.h"
#include "http/auth.h"
#include "http/responses.h"
#include "http/routes.h"
#include "http/ui/pages.h"
#include "net/log.h"
#include "net/secrets.h"

namespace opsdeck::http {
namespace {

// Failed sign-ins allowed per minute before attempts are refused unchecked.
constexpr int kMaxFailuresPerUser = 10;
constexpr int kMaxFailuresPerAddress = 30;
constexpr core::Duration kFailureWindow = std::chrono::minutes(1);

// Only a local path: never another host ("//evil", "/\evil", "https://...").
std::string SafeNext(std::string_view next) {
  if (next.empty() || next.front() != '/' || next.starts_with("//") ||
      next.find('\\') != std::string_view::npos || next.starts_with("/login")) {
    return "/";
  }
  for (char c : next) {
    if (static_cast<unsigned char>(c) < 0x20) return "/";
  }
  return std::string(next);
}

bool SecureCookies(const config::Config& c) {
  return c.server.tls.has_value() || c.server.public_url.starts_with("https://");
}

// Set-Cookie for the session: HttpOnly, SameSite=Lax, Secure behind TLS.
// Max-Age 0 with an empty value clears it.
std::string SessionCookie(std::string_view value, long long max_age, bool secure) {
  std::string c;
  c.reserve(160);
  c.append(kSessionCookie).append("=").append(value);
  c.append("; Path=/; HttpOnly; SameSite=Lax; Max-Age=").append(std::to_string(max_age));
  if (secure) c.append("; Secure");
  return c;
}

// Verifying against a fixed hash when the user does not exist keeps the time
// of a failed sign-in the same whether or not the name exists.
const std::string& DummyHash() {
  static const std::string hash = net::HashPassword(net::RandomToken(16)).value_or("");
  return hash;
}


Response LoginPage(const RequestContext& ctx, const Services& services, beast_http::status status,
                   std::string error, std::string username, std::string next) {
  ui::LoginModel m;
  m.shell = ShellFor(services, core::Principal{});
  m.error = std::move(error);
  m.username = std::move(username);
  m.next = std::move(next);
  Response res = MakeResponse(ctx.request, status, ui::RenderLogin(m), ui::kHtmlContentType);
  for (const auto& [name, value] : ui::kPageHeaders) res.set(name, value);
  return res;
}

Response Redirect(const RequestContext& ctx, std::string_view location) {
  Response res{beast_http::status::see_other, ctx.request.version()};
  res.set(beast_http::field::location, location);
  res.set(beast_http::field::cache_control, "no-store");
  res.keep_alive(ctx.request.keep_alive());
  return res;
}

// The client address to throttle: the peer, or, when the peer is a trusted
// proxy (auth.proxy_header.trusted), the right-most X-Forwarded-For entry,
// the one that proxy added. Otherwise every client behind the proxy would
// share one counter.
std::string ClientAddress(const RequestContext& ctx, const config::Config& cfg) {
  if (!cfg.auth.proxy_header || !AddressTrusted(ctx.remote_address, cfg.auth.proxy_header->trusted)) {
    return ctx.remote_address;
  }
  std::string_view xff = ctx.request["X-Forwarded-For"];
  if (const size_t comma = xff.rfind(','); comma != std::string_view::npos) {
    xff.remove_prefix(comma + 1);
  }
  while (!xff.empty() && xff.front() == ' ') xff.remove_prefix(1);
  while (!xff.empty() && xff.back() == ' ') xff.remove_suffix(1);
  if (xff.empty() || xff.size() > 45) return ctx.remote_address;
  return std::string(xff);
}

Response PostLogin(RequestContext& ctx, const Services& services) {
  auto form = ParseQuery(ctx.request.body());
  if (!form) return ErrorResponse(ctx.request, form.error());
  const std::string user = Get(*form, "username").value_or("");
  const std::string password = Get(*form, "password").value_or("");
  const std::string next = SafeNext(Get(*form, "next").value_or("/"));
  const auto cfg = services.config();
  const auto now = services.clock->Now();
  store::Store& st = *services.store;

  const std::string user_key = "user:" + (ValidAccountName(user) ? user : std::string("?"));
  const std::string client = ClientAddress(ctx, *cfg);
  const std::string addr_key = "addr:" + client;
  auto user_failures = st.throttle().CountFailures(user_key, now - kFailureWindow);
  auto addr_failures = st.throttle().CountFailures(addr_key, now - kFailureWindow);
  if (!user_failures || !addr_failures) {
    return ErrorResponse(ctx.request, !user_failures ? user_failures.error() : addr_failures.error());
  }
  if (*user_failures >= kMaxFailuresPerUser || *addr_failures >= kMaxFailuresPerAddress) {
    net::LogWarn("sign-in refused: too many failed attempts", {{"id", ctx.request_id},
                                                               {"user", user},
                                                               {"remote", client},
                                                               {"user_failures", *user_failures},
                                                               {"address_failures", *addr_failures}});
    Response res = LoginPage(ctx, services, beast_http::status::too_many_requests,
                             "Too many failed sign-ins. Wait a minute and try again.", user, next);
    res.set(beast_http::field::retry_after, "60");
    return res;
  }

  auto found = ValidAccountName(user) ? st.users().Find(user)
                                      : core::Result<std::optional<store::UserRecord>>(std::nullopt);
  if (!found) return ErrorResponse(ctx.request, found.error());
  const bool usable = *found && !(*found)->disabled && !(*found)->password_hash.empty();
  const bool ok = net::VerifyPassword(usable ? (*found)->password_hash : DummyHash(), password) &&
                  usable;
  if (!ok) {
    (void)st.throttle().RecordFailure(user_key, now);
    (void)st.throttle().RecordFailure(addr_key, now);
    net::LogInfo("sign-in failed", {{"id", ctx.request_id}, {"user", user},
                                    {"remote", client}});
    return LoginPage(ctx, services, beast_http::status::unauthorized,
                     "Wrong user name or password.", user, next);
  }
  (void)st.throttle().Clear(user_key);
  const std::string token = net::RandomToken(32);
  const std::string csrf = net::RandomToken(32);
  auto session = st.sessions().Create(user, net::Sha256Hex(token), csrf,
                                      now + cfg->auth.session_max, ctx.request_id);
  if (!session) return ErrorResponse(ctx.request, session.error());
  net::LogInfo("signed in", {{"id", ctx.request_id}, {"user", user},
                             {"remote", ctx.remote_address}});
  Response res = Redirect(ctx, next);
  const auto max_age =
      std::chrono::duration_cast<std::chrono::seconds>(cfg->auth.session_max).count();
  res.set(beast_http::field::set_cookie, SessionCookie(token, max_age, SecureCookies(*cfg)));
  return res;
}

Response PostLogout(RequestContext& ctx, const Services& services) {
  const auto cookies = ctx.request[beast_http::field::cookie];
  auto value = CookieValue(cookies, kSessionCookie);
  if (!ctx.principal.via_cookie || !value) {
    return ErrorResponse(ctx.request, core::Error::InvalidArgument(
                                          "sign out ends a browser session; API tokens are "
                                          "revoked with DELETE /api/v1/tokens/{name}"));
  }
  (void)services.store->sessions().Delete(net::Sha256Hex(*value), ctx.request_id);
  Response res = Redirect(ctx, "/login");
  res.set(beast_http::field::set_cookie, SessionCookie("", 0, SecureCookies(*services.config())));
  return res;
}

}  // namespace

void AddLoginRoutes(Router& router, const Services& services) {
  router.Add({beast_http::verb::get, "/login", "ui:login", Access::Public(), Exec::kInline,
              [&services](RequestContext& ctx) {
                auto q = ParseQuery(ctx.query);
                const std::string next = SafeNext(q ? Get(*q, "next").value_or("/") : "/");
                return LoginPage(ctx, services, beast_http::status::ok, "", "", next);
              }});
  router.Add({beast_http::verb::post, "/login", "ui:login", Access::Public(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return PostLogin(ctx, services); }});
  router.Add({beast_http::verb::post, "/logout", "ui:logout", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return PostLogout(ctx, services); }});
}

}  // namespace opsdeck::http
