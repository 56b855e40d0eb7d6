// The badge routes: look up the named pipeline, environment or target, turn
// its state into a word and a tone, and answer the SVG (ui/badge_svg.h).
// Badges are fetched by README renderers and image proxies, so they are
// cacheable for a short time (max-age=30) and revalidate with an ETag; they
// carry a CSP of their own in case one is opened as a document.
#include "http/badges.h"

#include <boost/url/decode_view.hpp>
#include <boost/url/pct_string_view.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "http/responses.h"
#include "http/ui/assets.h"
#include "http/ui/badge_svg.h"
#include "http/ui/run_pages.h"
#include "net/secrets.h"

namespace opsdeck::http {
namespace {

using namespace std::chrono_literals;
using ui::Badge;
using ui::BadgeTone;

constexpr std::string_view kSvgType = "image/svg+xml";
constexpr std::string_view kSuffix = ".svg";
constexpr std::string_view kCacheControl = "max-age=30";
constexpr std::string_view kBadgePolicy = "default-src 'none'; frame-ancestors 'none'";

// The {file} segment without ".svg", percent-decoded; nullopt for anything
// else (another extension, a bad escape).
std::optional<std::string> NameOf(std::string_view file) {
  if (!file.ends_with(kSuffix) || file.size() == kSuffix.size()) return std::nullopt;
  file.remove_suffix(kSuffix.size());
  auto encoded = boost::urls::make_pct_string_view(file);
  if (!encoded) return std::nullopt;
  std::string name;
  name.reserve(encoded->decoded_size());
  for (const char c : **encoded) name.push_back(c);
  return name;
}

BadgeTone ToneOf(core::RunStatus status) {
  switch (status) {
    case core::RunStatus::kSucceeded:
      return BadgeTone::kGood;
    case core::RunStatus::kFailed:
      return BadgeTone::kBad;
    case core::RunStatus::kCanceled:
      return BadgeTone::kWarning;
    case core::RunStatus::kQueued:
    case core::RunStatus::kRunning:
      return BadgeTone::kActive;
    case core::RunStatus::kSuperseded:
      return BadgeTone::kNeutral;
  }
  return BadgeTone::kNeutral;
}

BadgeTone ToneOf(core::TargetState state) {
  switch (state) {
    case core::TargetState::kUp:
      return BadgeTone::kGood;
    case core::TargetState::kDegraded:
      return BadgeTone::kWarning;
    case core::TargetState::kDown:
      return BadgeTone::kBad;
    case core::TargetState::kMaintenance:
      return BadgeTone::kActive;
    case core::TargetState::kUnknown:
      return BadgeTone::kNeutral;
  }
  return BadgeTone::kNeutral;
}

// "99.95%" (two decimals, never rounded up to 100), "100%".
std::string Percent(double share) {
  if (share >= 1.0) return "100%";
  // Truncated, so 99.999 is not shown as 100; the epsilon undoes binary fractions.
  const auto hundredths = static_cast<long>(share * 10000.0 + 1e-6);
  std::string digits = std::to_string(hundredths % 100);
  if (digits.size() < 2) digits.insert(0, "0");
  return std::to_string(hundredths / 100) + "." + digits + "%";
}

Response SvgResponse(RequestContext& ctx, beast_http::status status, const Badge& badge) {
  std::string svg = ui::RenderBadgeSvg(badge);
  const std::string etag = "\"" + net::Sha256Hex(svg).substr(0, 16) + "\"";
  Response res;
  if (status == beast_http::status::ok &&
      ui::IfNoneMatchHits(ctx.request[beast_http::field::if_none_match], etag)) {
    res = Response{beast_http::status::not_modified, ctx.request.version()};
    res.keep_alive(ctx.request.keep_alive());
  } else {
    res = MakeResponse(ctx.request, status, std::move(svg), kSvgType);
  }
  res.set(beast_http::field::etag, etag);
  res.set(beast_http::field::cache_control, kCacheControl);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Content-Security-Policy", kBadgePolicy);
  return res;
}

// The badge for a name that is not configured: it does not echo the name.
Response Unknown(RequestContext& ctx, std::string_view kind) {
  return SvgResponse(ctx, beast_http::status::not_found,
                     Badge{std::string(kind), "unknown", BadgeTone::kNeutral});
}

Response StoreFailure(RequestContext& ctx, std::string_view kind) {
  return SvgResponse(ctx, beast_http::status::service_unavailable,
                     Badge{std::string(kind), "unavailable", BadgeTone::kNeutral});
}

Response PipelineBadge(RequestContext& ctx, const Services& services) {
  const auto name = NameOf(ctx.params["file"]);
  if (!name) return Unknown(ctx, "pipeline");
  auto pipelines = services.store->runs().ListPipelines();
  if (!pipelines) return StoreFailure(ctx, "pipeline");
  bool known = false;
  for (const store::PipelineDef& p : *pipelines) known = known || p.name == *name;
  if (!known) return Unknown(ctx, "pipeline");
  auto last = services.store->runs().LastRuns();
  if (!last) return StoreFailure(ctx, "pipeline");
  for (const core::Run& run : *last) {
    if (run.pipeline == *name) {
      return SvgResponse(
          ctx, beast_http::status::ok,
          Badge{*name, std::string(core::RunStatusName(run.status)), ToneOf(run.status)});
    }
  }
  return SvgResponse(ctx, beast_http::status::ok, Badge{*name, "no runs", BadgeTone::kNeutral});
}

// When a run happened, for "the last deploy": started, else created.
core::TimePoint RunTime(const core::Run& run) {
  if (run.started_at) return *run.started_at;
  if (run.created_at) return *run.created_at;
  return core::TimePoint{};
}

Response EnvironmentBadge(RequestContext& ctx, const Services& services) {
  const auto name = NameOf(ctx.params["file"]);
  if (!name) return Unknown(ctx, "environment");
  auto cfg = services.config();
  bool known = false;
  for (const core::Environment& e : cfg->environments) known = known || e.name == *name;
  if (!known) return Unknown(ctx, "environment");

  auto live = services.store->runs().LiveDeployments();
  if (!live) return StoreFailure(ctx, "environment");
  std::string version;
  for (const store::DeploymentRecord& d : *live) {
    if (d.deployment.environment != *name) continue;
    version = d.deployment.version.empty() ? ui::internal::ShortCommit(d.deployment.commit)
                                           : d.deployment.version;
  }
  // The last deploy: the newest last run among the environment's deploy pipelines.
  auto pipelines = services.store->runs().ListPipelines();
  if (!pipelines) return StoreFailure(ctx, "environment");
  auto last = services.store->runs().LastRuns();
  if (!last) return StoreFailure(ctx, "environment");
  const core::Run* newest = nullptr;
  for (const core::Run& run : *last) {
    if (run.environment != *name) continue;
    bool deploy = false;
    for (const store::PipelineDef& p : *pipelines)
      deploy = deploy || (p.name == run.pipeline && p.is_deploy);
    if (deploy && (newest == nullptr || RunTime(run) > RunTime(*newest))) newest = &run;
  }
  Badge badge{*name, "", BadgeTone::kNeutral};
  if (newest == nullptr) {
    badge.message = version.empty() ? "no deploys" : version;
  } else {
    const std::string state(core::RunStatusName(newest->status));
    badge.message = (version.empty() ? std::string("none live") : version) + " \u00b7 " + state;
    badge.tone = ToneOf(newest->status);
  }
  return SvgResponse(ctx, beast_http::status::ok, badge);
}

Response TargetBadge(RequestContext& ctx, const Services& services) {
  const auto name = NameOf(ctx.params["file"]);
  if (!name) return Unknown(ctx, "target");
  bool with_uptime = false;
  if (!ctx.query.empty()) {
    if (ctx.query != "uptime=24h") {
      return SvgResponse(ctx, beast_http::status::bad_request,
                         Badge{"target", "bad query: only ?uptime=24h", BadgeTone::kNeutral});
    }
    with_uptime = true;
  }
  auto target = services.store->health().GetTarget(*name);
  if (!target) return StoreFailure(ctx, "target");
  if (!target->has_value()) return Unknown(ctx, "target");
  const core::TargetState state = (*target)->status.state;
  Badge badge{*name, std::string(core::TargetStateName(state)), ToneOf(state)};
  if (with_uptime) {
    const core::TimePoint now = services.clock->Now();
    auto summaries = services.store->health().Summaries({*name}, now - 24h, now);
    if (!summaries) return StoreFailure(ctx, "target");
    std::optional<double> uptime;
    if (auto it = summaries->find(*name); it != summaries->end()) uptime = it->second.Uptime();
    badge.message += " \u00b7 " + (uptime ? Percent(*uptime) : std::string("no data")) + " 24h";
  }
  return SvgResponse(ctx, beast_http::status::ok, badge);
}

}  // namespace

void AddBadgeRoutes(Router& router, const Services& services) {
  const auto get = beast_http::verb::get;
  // The same readers as the pages: public only with auth.anonymous_read.
  router.Add({get, "/badge/pipeline/{file}", "badge:pipeline", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return PipelineBadge(ctx, services); }});
  router.Add({get, "/badge/environment/{file}", "badge:environment", Access::AnyRole(),
              Exec::kDatabase,
              [&services](RequestContext& ctx) { return EnvironmentBadge(ctx, services); }});
  router.Add({get, "/badge/target/{file}", "badge:target", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return TargetBadge(ctx, services); }});
}

}  // namespace opsdeck::http
