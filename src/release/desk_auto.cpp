// ReleaseDesk: automatic checklist items (`auto:` in a template), ticked by
// system:auto when opsdeck's own data says they hold:
//   window_confirmed        an accepted booking of the release's window occurrence
//   <env>_green             env's last deploy run for the release's version succeeded
//   <env>_healthy_<d>       every target of env up for d, counted from when the
//                           release's version went live there (before that the
//                           item would only say the old version was healthy)
// Evaluated on the periodic pass and after intake, bookings and ticks; the
// tick goes through UpdateRelease, which re-checks the item inside its
// transaction. An automatic tick does not start a planned release: only a
// person does.
#include <map>
#include <optional>

#include "config/formats.h"
#include "net/log.h"
#include "release/facts.h"
#include "release/release_desk.h"

namespace opsdeck::release {
namespace {

struct AutoRule {
  enum class Kind { kWindowConfirmed, kGreen, kHealthy };
  Kind kind = Kind::kWindowConfirmed;
  std::string environment;
  core::Duration healthy_for{};
};

// The config has validated the text; a template edited since (a reload) may
// leave a release with text this cannot read, which is then never ticked.
std::optional<AutoRule> ParseAutoRule(std::string_view text) {
  static constexpr std::string_view kGreen = "_green", kHealthy = "_healthy_";
  AutoRule rule;
  if (text == "window_confirmed") return rule;
  if (text.size() > kGreen.size() && text.ends_with(kGreen)) {
    rule.kind = AutoRule::Kind::kGreen;
    rule.environment = std::string(text.substr(0, text.size() - kGreen.size()));
    return rule;
  }
  const size_t at = text.rfind(kHealthy);
  if (at == std::string_view::npos || at == 0) return std::nullopt;
  auto d = config::ParseDuration(text.substr(at + kHealthy.size()));
  if (!d) return std::nullopt;
  rule.kind = AutoRule::Kind::kHealthy;
  rule.environment = std::string(text.substr(0, at));
  rule.healthy_for = *d;
  return rule;
}

core::Result<std::vector<core::Release>> ActiveReleases(store::ReleaseStore& releases) {
  std::vector<core::Release> out;
  for (const auto state : {core::ReleaseState::kPlanned, core::ReleaseState::kInProgress}) {
    store::ReleaseQuery query;
    query.limit = 500;
    query.state = state;
    while (true) {
      auto page = releases.ListReleases(query);
      if (!page) return page.error();
      for (core::Release& r : page->items) out.push_back(std::move(r));
      if (!page->next) break;
      query.cursor = page->next;
    }
  }
  return out;
}

// Facts read at most once per pass.
class PassFacts {
 public:
  PassFacts(store::Store& store, const config::Config& config) : store_(store), config_(config) {}

  core::Result<bool> Green(const std::string& env, const std::string& version) {
    auto key = std::pair(env, version);
    if (auto it = green_.find(key); it != green_.end()) return it->second;
    auto run = LastDeployRun(store_.runs(), config_, env, version);
    if (!run) return run.error();
    const bool ok = *run && (*run)->status == core::RunStatus::kSucceeded;
    green_.emplace(key, ok);
    return ok;
  }

  core::Result<const EnvironmentHealth*> Health(const std::string& env) {
    if (auto it = health_.find(env); it != health_.end()) return &it->second;
    auto h = HealthOf(store_.health(), env);
    if (!h) return h.error();
    return &health_.emplace(env, std::move(*h)).first->second;
  }

  // When `version` went live in `env` (its newest deployment is of it).
  core::Result<std::optional<core::TimePoint>> LiveSince(const std::string& env,
                                                         const std::string& version) {
    if (!live_) {
      auto live = store_.runs().LiveDeployments();
      if (!live) return live.error();
      live_ = std::move(*live);
    }
    for (const store::DeploymentRecord& d : *live_) {
      if (d.deployment.environment == env) {
        if (d.deployment.version != version) break;
        return std::optional(d.deployment.deployed_at);
      }
    }
    return std::optional<core::TimePoint>();
  }

 private:
  store::Store& store_;
  const config::Config& config_;
  std::map<std::pair<std::string, std::string>, bool> green_;
  std::map<std::string, EnvironmentHealth> health_;
  std::optional<std::vector<store::DeploymentRecord>> live_;
};

core::Result<bool> WindowConfirmed(store::ReleaseStore& releases, const core::Release& r) {
  if (r.window.empty() || !r.window_start) return false;
  store::BookingQuery query;
  query.release_id = r.id;
  query.window = r.window;
  query.state = store::BookingState::kAccepted;
  auto bookings = releases.ListBookings(query);
  if (!bookings) return bookings.error();
  for (const store::Booking& b : *bookings) {
    if (b.starts_at == *r.window_start) return true;
  }
  return false;
}

}  // namespace

void ReleaseDesk::QueueAutoItems() {
  if (auto_queued_.exchange(true)) return;
  worker_->Post([this](std::stop_token) {
    auto_queued_ = false;
    EvaluateAutoItems();
  });
}

void ReleaseDesk::EvaluateAutoItems() {
  const auto config = Config();
  auto active = ActiveReleases(deps_.store->releases());
  if (!active) {
    net::LogWarn("automatic checklist items: releases unreadable",
                 {{"error", active.error().ToString()}});
    return;
  }
  PassFacts facts(*deps_.store, *config);
  const core::ReleaseNoticeContext ctx = Context(*config);
  const core::Actor actor = core::Actor::System("auto");
  const core::TimePoint now = Now();
  for (core::Release& release : *active) {
    for (size_t i = 0; i < release.items.size(); ++i) {
      const core::ChecklistItem item = release.items[i];
      if (item.state == core::ItemState::kDone || item.auto_check.empty()) continue;
      auto rule = ParseAutoRule(item.auto_check);
      if (!rule || !core::CheckTick(release, item.id, core::Role::kAdmin)) continue;
      core::Result<bool> holds = false;
      switch (rule->kind) {
        case AutoRule::Kind::kWindowConfirmed:
          holds = WindowConfirmed(deps_.store->releases(), release);
          break;
        case AutoRule::Kind::kGreen:
          holds = facts.Green(rule->environment, release.version);
          break;
        case AutoRule::Kind::kHealthy: {
          auto health = facts.Health(rule->environment);
          auto live = facts.LiveSince(rule->environment, release.version);
          if (!health || !live) {
            holds = !health ? health.error() : live.error();
          } else {
            holds = (*health)->all_up && *live &&
                    now - std::max((*health)->up_since, **live) >= rule->healthy_for;
          }
          break;
        }
      }
      if (!holds) {
        net::LogWarn("automatic checklist item not evaluated",
                     {{"release", static_cast<long long>(release.id)},
                      {"item", item.id},
                      {"error", holds.error().ToString()}});
        continue;
      }
      if (!*holds) continue;
      const core::ReleaseChange what{
          core::ReleaseEvent::kItemTicked, actor.ToString(), now, item.id, {}};
      size_t appended = 0;
      auto updated = deps_.store->releases().UpdateRelease(
          release.id,
          [&](core::Release& r) -> core::Result<void> {
            const core::ChecklistItem* current = r.Find(item.id);
            if (current == nullptr || current->state == core::ItemState::kDone) {
              return core::Error::Conflict("already done");
            }
            if (auto ok = core::CheckTick(r, item.id, core::Role::kAdmin); !ok) return ok;
            core::ApplyTick(r, item.id, what.actor, now, "automatic: " + item.auto_check);
            return core::Ok();
          },
          "tick", actor, "",
          Plan<core::Release>(
              [&](const core::Release& r) {
                return std::vector{core::ReleaseNotice(r, what, ctx)};
              },
              &appended));
      if (!updated) continue;  // someone else ticked it, or the release moved on
      WakeIf(appended);
      PublishRelease(*updated, "tick");
      release = std::move(*updated);  // later items may depend on this one
      i = static_cast<size_t>(-1);    // re-walk: an earlier item may depend on this one
    }
  }
}

}  // namespace opsdeck::release
