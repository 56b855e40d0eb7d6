// The demo's lifecycle: the targets server (started before the monitor) and
// the driver thread that replays a short history, makes sure a release
// exists, then follows the timeline beat by beat.
#include "app/demo.h"

#include <algorithm>

#include "app/demo_payloads.h"
#include "app/demo_release.h"
#include "app/demo_targets.h"
#include "app/demo_timeline.h"
#include "net/http_fetch.h"
#include "net/log.h"
#include "net/secrets.h"

namespace opsdeck::app {
namespace {

using namespace std::chrono_literals;

// The replayed history is spread over the past hours, one version per hour,
// so the overview and the run lists read like a normal working day.
constexpr core::Duration kHistoryBeat = 5min;
// A delivery to our own loopback server answers in milliseconds; a slow one
// must not hold Stop for long.
constexpr std::chrono::milliseconds kPostTimeout{3000};

demo::Credentials CredentialsFrom(const config::Config& c) {
  demo::Credentials out;
  if (c.sources.github) out.github_secret = c.sources.github->secret.Reveal();
  if (c.sources.gitlab) out.gitlab_token = c.sources.gitlab->token.Reveal();
  if (c.sources.generic) out.generic_token = c.sources.generic->token.Reveal();
  return out;
}

}  // namespace

core::Result<std::unique_ptr<Demo>> Demo::Start(const config::Config& config, const core::Clock& clock) {
  if (!config.demo.enabled) return std::unique_ptr<Demo>();
  std::unique_ptr<Demo> d(new Demo());
  d->clock_ = &clock;
  d->pace_ = config.demo.pace;
  d->started_ = clock.Now();
  const core::Clock* c = &clock;
  const core::TimePoint started = d->started_;
  const core::Duration pace = d->pace_;
  auto targets = demo::TargetsServer::Start(
      config.demo.targets_host, config.demo.targets_port, [c, started, pace](std::string_view path) {
        return demo::AnswerAt(path, (c->Now() - started) / pace);
      });
  if (!targets) return targets.error();
  d->targets_ = std::move(*targets);
  std::string paths;
  for (auto p : demo::TargetPaths()) paths += (paths.empty() ? "" : " ") + std::string(p);
  net::LogInfo("demo: serving simulated targets and sending simulated pipeline events (not real systems)",
               {{"targets", "http://" + config.demo.targets_listen}, {"paths", paths},
                {"pace", std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(pace).count()) + "ms"}});
  return d;
}

Demo::~Demo() { Stop(); }

void Demo::Drive(const std::string& base_url, http::Services& services) {
  if (driver_.joinable()) return;
  driver_ = std::thread([this, base_url, &services] { RunDriver(base_url, services); });
}

void Demo::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (driver_.joinable()) driver_.join();
  if (targets_) {
    targets_->Stop();
    targets_.reset();
  }
}

bool Demo::WaitUntil(core::TimePoint deadline) {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    auto left = deadline - clock_->Now();
    if (left <= core::Duration::zero()) return true;
    wake_.wait_for(lock, std::min<core::Duration>(left, 250ms));
  }
  return false;
}

void Demo::RunDriver(const std::string& base_url, http::Services& services) {
  const auto config = services.config();
  const demo::Credentials credentials = CredentialsFrom(*config);
  const core::TimePoint live_origin = clock_->Now();
  constexpr int64_t kHistoryBeats = demo::kHistoryVersions * demo::kVersionBeats;
  const core::TimePoint history_origin = live_origin - kHistoryBeats * kHistoryBeat - 10min;
  auto time_of = [&](int64_t beat) {
    return beat < kHistoryBeats ? history_origin + beat * kHistoryBeat
                                : live_origin + (beat - kHistoryBeats) * pace_;
  };
  // Run ids and delivery ids differ from every earlier demo session, so a
  // restart on the same storage adds runs instead of colliding with old ones.
  const int64_t run_base = std::chrono::duration_cast<std::chrono::seconds>(
                               live_origin.time_since_epoch()).count() * 100000;
  const std::string session = net::RandomToken(6);
  int64_t counter = 0;
  bool failing = false;
  net::HttpSession http_session;
  auto post = [&](const demo::Event& e) {
    demo::Stamp stamp{time_of(e.beat), time_of(e.started_beat), run_base,
                      "demo-" + session + "-" + std::to_string(++counter)};
    demo::Delivery d = demo::Encode(e, stamp, credentials);
    net::FetchOptions options;
    options.method = "POST";
    options.timeout = kPostTimeout;
    options.body = std::move(d.body);
    options.headers = std::move(d.headers);
    options.user_agent = "opsdeck-demo";
    auto r = http_session.Fetch(base_url + d.path, options);
    if (!r) {
      if (!failing) net::LogWarn("demo: delivery failed", {{"path", d.path}, {"error", r.error().ToString()}});
      failing = true;
      return;
    }
    failing = false;
    if (r->status >= 300) {
      net::LogWarn("demo: delivery refused", {{"path", d.path}, {"status", std::to_string(r->status)},
                                              {"body", r->body.substr(0, 300)}});
    }
  };

  for (int64_t beat = 0; beat < kHistoryBeats; ++beat) {
    for (const auto& e : demo::EventsAt(beat)) {
      if (!WaitUntil(clock_->Now())) return;
      post(e);
    }
  }
  if (services.releases != nullptr) {
    EnsureDemoRelease(*config, *services.releases, *services.store, demo::VersionName(demo::kHistoryVersions));
  }
  for (int64_t beat = kHistoryBeats;; ++beat) {
    if (!WaitUntil(time_of(beat))) return;
    for (const auto& e : demo::EventsAt(beat)) post(e);
  }
}

}  // namespace opsdeck::app
