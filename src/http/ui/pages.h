// Server-rendered HTML pages of the web UI. Each Render* takes a plain model
// struct the HTTP layer fills from config and store, and returns a complete
// HTML document; all outside text is HTML-escaped by the templates. Pages need
// no inline script or style, so they run under kContentSecurityPolicy.
// Thread-safety: the functions are pure (they read only embedded, immutable
// templates) and may run concurrently on any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/environment.h"
#include "core/release.h"
#include "core/run.h"
#include "core/window_schedule.h"
#include "store/health_store.h"

namespace opsdeck::http::ui {

// Headers to send with every HTML response. The layout repeats the policy in a
// <meta> (minus frame-ancestors, which a <meta> may not carry) as a backstop.
inline constexpr std::string_view kHtmlContentType = "text/html; charset=utf-8";
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";
inline constexpr std::pair<std::string_view, std::string_view> kPageHeaders[] = {
    {"Content-Type", kHtmlContentType},
    {"Content-Security-Policy", kContentSecurityPolicy},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "same-origin"},
    {"X-Frame-Options", "DENY"},
    {"Cache-Control", "no-cache"},
};

// What every page's frame (header, navigation, footer) shows.
struct ShellModel {
  std::string product_version;  // "0.1.0"
  std::string storage_backend;  // "sqlite" | "postgres"
  // The server-sent events endpoint app.js subscribes to for live updates
  // ("/api/v1/stream"); empty (the default) turns live updates off.
  std::string stream_url;
  // Who is signed in. When signed_in, the header shows "user_name · user_role"
  // and, when csrf_token is set (a cookie session), a Sign out form that posts
  // it to /logout. A signed-in user without a token (a trusted-proxy user) has
  // no session to end, so no Sign out button. Signed out, every page but the
  // login page links to /login.
  std::string user_name;  // "alice"
  std::string user_role;  // core::RoleName: "admin"
  // The session's CSRF token. Also rendered as <meta name="csrf-token">, which
  // opsdeck.fetch (app.js) sends as X-CSRF-Token on same-origin mutations.
  std::string csrf_token;
  bool signed_in = false;
};

struct EnvironmentCard {
  std::string name;
  bool is_protected = false;
  int position = 0;  // index in the promotion path, 0 first
};

// A pipeline as the pages show it: its config with its newest run.
struct PipelineRow {
  std::string name;
  std::string environment;
  bool is_deploy = false;
  std::string source;    // "github", "gitlab", "codepipeline", "generic"
  std::string owner;
  std::string docs_url;  // linked only when it is an http(s) URL
  // Its runs on /pipelines, percent-encoded by the caller (names are outside
  // text): "/pipelines?pipeline=web%20app#runs".
  std::string runs_href;
  std::optional<core::Run> last_run;  // stages are not needed
};

// A recorded deployment: `deployment.version` went live in its environment.
struct DeploymentRow {
  int64_t id = 0;
  int64_t run_id = 0;  // the deploy run, linked as /runs/{run_id}
  core::Deployment deployment;
};

// Documentation coverage from the newest docs audit: items without a gap
// out of all items, overall and per environment.
struct CoverageFigure {
  std::string name;  // an environment; empty for the overall figure
  int items = 0;
  int documented = 0;
};
struct DocsCoverageCard {
  core::TimePoint audited_at{};
  CoverageFigure overall;
  std::vector<CoverageFigure> environments;  // promotion order
  int failing_gaps = 0;
};

// How many of each list an overview column shows (the rest is "+N more",
// linked to the full page), so a column's height never depends on the data.
inline constexpr int kOverviewWorstTargets = 3;
inline constexpr int kOverviewIncidents = 3;
inline constexpr int kOverviewWaiting = 3;
inline constexpr int kOverviewWindows = 6;
inline constexpr int kOverviewReleases = 3;

struct OverviewModel {
  ShellModel shell;
  core::TimePoint now{};
  std::string now_rfc3339;  // core::FormatRfc3339(clock.Now()): "as of" time
  // Shown in ascending `position`; equal positions keep the given order.
  std::vector<EnvironmentCard> environments;
  // The newest deployment of each environment that has one (live version).
  std::vector<DeploymentRow> live;
  // Each is listed in its environment's column, in the given order.
  std::vector<PipelineRow> pipelines;
  // Each environment's recent deployments, newest first (the store's
  // deployment list per environment): what is waiting to be promoted is
  // computed from them (WaitingForPromotion).
  std::vector<DeploymentRow> recent_deployments;
  // HealthStore::HealthOverview(kOverviewWorstTargets, kOverviewIncidents);
  // an environment without an entry has no targets and no open incident.
  std::vector<store::EnvironmentHealth> health;
  // Release windows and freezes that have not ended, by start (the next two
  // weeks); `windows_available` false when the release desk is not wired.
  bool windows_available = false;
  std::vector<core::WindowOccurrence> windows;
  // Releases in progress, then planned ones, with their checklists.
  std::vector<core::Release> active_releases;
  // nullopt: no audit has finished yet ("not audited yet").
  std::optional<DocsCoverageCard> docs;
};

// The environments as the overview shows them (config or store order kept).
std::vector<EnvironmentCard> EnvironmentCards(const std::vector<core::Environment>& environments);

// What environment A has that the next one, B, does not yet: A's deployments
// (`from_recent`, newest first) newer than the newest of them that put B's
// live version there (matched by version, else by commit), one per version.
// Without such a match (B has nothing live, or B's version never went through
// A in `from_recent`), every listed deployment of A counts, except that a
// version equal to B's is never waiting. Deployments with neither version
// nor commit are skipped.
std::vector<DeploymentRow> WaitingForPromotion(const std::vector<DeploymentRow>& from_recent,
                                               const DeploymentRow* to_live);

// GET /: the environments in promotion order, one column each (live version,
// each pipeline's last run, health, open incidents, what waits to be
// promoted to the next), then the coming windows, the active releases with
// their progress per role, and documentation coverage.
std::string RenderOverview(const OverviewModel& model);

// GET /login (and POST /login with an error): a centred sign-in card without
// navigation. The form posts `username`, `password` and the hidden `next` to
// /login (plus `csrf_token` when shell.csrf_token is set, e.g. a pre-session
// token). `next` is echoed as it is given; the server validates it.
struct LoginModel {
  ShellModel shell;
  std::string error;     // shown in a role="alert" region when not empty
  std::string username;  // refilled after a failed attempt
  std::string next;      // the page to return to: "/", "/releases?x=1"
};
std::string RenderLogin(const LoginModel& model);

// Any unknown page: a styled 404 naming the path (escaped, shortened).
std::string RenderNotFound(std::string_view path, const ShellModel& shell = {});

}  // namespace opsdeck::http::ui
