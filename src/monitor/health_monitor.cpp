// HealthMonitor's lifecycle: building probes and windows from a config,
// seeding state from the store at start, the threads, metrics, shutdown.
#include "monitor/health_monitor.h"

#include <algorithm>
#include <future>

#include <boost/asio/post.hpp>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "core/cron_schedule.h"
#include "monitor/catalog_defs.h"
#include "monitor/health_monitor_impl.h"
#include "net/log.h"
#include "net/prom_text.h"
#include "net/time_zone.h"

namespace opsdeck::monitor {

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// What makes a check the same check across a reload (same slot, same probe):
// its whole definition (header values included), kept as the first 15 bytes
// of its SHA-256. 15 bytes fit std::string's inline buffer, so 10,000 checks
// keep no definition text (nor secret) on the heap.
std::string Fingerprint(const config::CheckConfig& c) {
  std::string f = std::string(config::CheckTypeName(c.type)) + "|" + std::to_string(c.interval.count()) + "|" +
                  std::to_string(c.timeout.count()) + "|";
  struct Visitor {
    std::string& f;
    void operator()(const config::HttpCheck& h) const {
      f += h.method + "|" + h.url + "|" + h.body + "|" + (h.tls_verify ? "v" : "n");
      for (const auto& hd : h.headers) f += "|h:" + hd.name + "=" + hd.value.Reveal();
      for (const auto& cond : h.conditions) f += "|c:" + cond;
    }
    void operator()(const config::TcpCheck& t) const { f += t.host + ":" + std::to_string(t.port); }
    void operator()(const config::TlsCheck& t) const {
      f += t.host + ":" + std::to_string(t.port) + "|" + std::to_string(t.min_days);
    }
    void operator()(const config::DnsCheck& d) const {
      f += d.record + "|" + d.name;
      for (const auto& e : d.expect) f += "|e:" + e;
    }
    void operator()(const config::HeartbeatCheck&) const {}
  };
  std::visit(Visitor{f}, c.spec);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(f.data()), f.size(), digest);
  OPENSSL_cleanse(f.data(), f.size());
  return std::string(reinterpret_cast<const char*>(digest), 15);
}

core::Result<Catalog> BuildCatalog(const std::shared_ptr<const config::Config>& config, core::TimePoint now) {
  Catalog cat;
  cat.config = config;
  for (const auto* list : {&config->catalog.services, &config->catalog.servers}) {
    for (const config::TargetConfig& t : *list) {
      TargetRuntime rt;
      rt.environment = t.environment;
      rt.tags = t.tags;
      for (size_t i = 0; i < t.checks.size(); ++i) {
        const config::CheckConfig& c = t.checks[i];
        CheckRuntime cr;
        cr.index = static_cast<int>(i);
        cr.thresholds = core::Thresholds{std::max(1, c.failure_threshold), std::max(1, c.success_threshold)};
        if (const auto* hb = std::get_if<config::HeartbeatCheck>(&c.spec)) {
          cr.heartbeat = true;
          cr.period = hb->period;
          cr.grace = hb->grace;
          cr.last_push = now;
          // A push is itself the verdict: one missed deadline is down.
          cr.thresholds = core::Thresholds{1, 1};
        } else {
          auto probe = MakeProbe(c);
          if (!probe) {
            return core::Error::InvalidArgument("catalog: " + t.name + ": checks[" + std::to_string(i) +
                                                "]: " + probe.error().message);
          }
          cat.scheduled.push_back(
              ScheduledCheck{core::CheckKey{t.name, cr.index}, std::move(*probe), c.interval, Fingerprint(c)});
        }
        rt.checks.push_back(cr);
      }
      cat.planner_targets.push_back(core::PlannerTarget{t.name, t.environment, t.depends_on});
      cat.targets.emplace(t.name, std::move(rt));
    }
  }
  for (size_t i = 0; i < config->catalog.external.size(); ++i) {
    auto it = cat.targets.find(config->catalog.external[i].target);
    if (it == cat.targets.end()) continue;
    CheckRuntime cr;
    cr.index = core::ExternalCheck(static_cast<int>(i));
    cr.thresholds = core::Thresholds{1, 1};  // the alert source has already debounced
    it->second.checks.push_back(cr);
  }
  for (const config::MaintenanceConfig& m : config->maintenance) {
    auto schedule = core::CronSchedule::Parse(m.schedule);
    if (!schedule) {
      return core::Error::InvalidArgument("maintenance " + m.name + ": " + schedule.error().message);
    }
    auto zone = net::LocateTimeZone(m.timezone);
    if (!zone) return core::Error::InvalidArgument("maintenance " + m.name + ": " + zone.error().message);
    cat.recurring.push_back(core::RecurringWindow{
        m.name, {m.select.environments, m.select.targets, m.select.tags}, std::move(*schedule), m.duration,
        std::move(*zone)});
  }
  return cat;
}

}  // namespace

std::vector<std::string> CatalogErrors(const config::Config& config) {
  std::vector<std::string> errors;
  for (const auto* list : {&config.catalog.services, &config.catalog.servers}) {
    for (const config::TargetConfig& t : *list) {
      for (size_t i = 0; i < t.checks.size(); ++i) {
        if (t.checks[i].type == config::CheckType::kHeartbeat) continue;
        if (auto probe = MakeProbe(t.checks[i]); !probe) {
          errors.push_back("catalog: " + t.name + ": checks[" + std::to_string(i) + "]: " + probe.error().message);
        }
      }
    }
  }
  for (const config::MaintenanceConfig& m : config.maintenance) {
    if (auto s = core::CronSchedule::Parse(m.schedule); !s) {
      errors.push_back("maintenance " + m.name + ": schedule: " + s.error().message);
    }
    if (auto z = net::LocateTimeZone(m.timezone); !z) {
      errors.push_back("maintenance " + m.name + ": timezone: " + z.error().message);
    }
  }
  return errors;
}

core::Result<std::unique_ptr<HealthMonitor>> HealthMonitor::Create(MonitorDeps deps, MonitorOptions options) {
  if (deps.store == nullptr || deps.clock == nullptr) {
    return core::Error::InvalidArgument("monitor: store and clock are required");
  }
  auto impl = std::make_unique<Impl>();
  impl->deps = std::move(deps);
  impl->options = std::move(options);
  Resolver::Options ropts;
  ropts.nameservers = impl->options.nameserver;
  auto resolver = Resolver::Create(impl->io, ropts);
  if (!resolver) return resolver.error();
  impl->resolver = std::move(*resolver);
  TlsContexts::Options topts;
  topts.extra_ca_file = impl->options.extra_ca_file;
  auto tls = TlsContexts::Create(topts);
  if (!tls) return tls.error();
  impl->tls = std::move(*tls);
  impl->env = std::make_unique<ProbeEnv>(
      ProbeEnv{impl->io, *impl->resolver, *impl->tls, *impl->deps.clock, impl->options.user_agent});
  Impl* raw = impl.get();
  SchedulerOptions sopts;
  sopts.per_host_limit = impl->options.per_host_limit;
  sopts.coalesce = impl->options.probe_coalesce;
  impl->scheduler = std::make_unique<Scheduler>(
      *impl->env, [raw](const core::CheckKey& key, core::CheckResult r) { raw->OnResult(key, std::move(r)); },
      sopts);
  impl->flush_timer = std::make_unique<asio::steady_timer>(impl->io);
  impl->tick_timer = std::make_unique<asio::steady_timer>(impl->io);
  impl->transition_timer = std::make_unique<asio::steady_timer>(impl->io);
  return std::unique_ptr<HealthMonitor>(new HealthMonitor(std::move(impl)));
}

HealthMonitor::HealthMonitor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HealthMonitor::~HealthMonitor() { Stop(); }

void HealthMonitor::Impl::Install(Catalog cat) {
  // Transitions still held for batching happened under the old catalog:
  // planned against it, so a target the reload removes opens nothing.
  HandleHeld();
  config = cat.config;
  std::vector<std::string> names;
  heartbeat_targets.clear();
  for (auto& [name, rt] : cat.targets) {
    names.push_back(name);
    std::vector<int> indexes;
    bool has_heartbeat = false;
    for (const auto& c : rt.checks) {
      indexes.push_back(c.index);
      has_heartbeat = has_heartbeat || c.heartbeat;
    }
    tracker.DeclareChecks(name, indexes);
    if (has_heartbeat) heartbeat_targets.push_back(name);
    // What the running monitor knew carries over a reload.
    if (auto old = targets.find(name); old == targets.end()) {
      rt.held.Stagger(std::hash<std::string>{}(name));
    } else {
      rt.last_latency = old->second.last_latency;
      rt.maintenance = old->second.maintenance;
      rt.held = std::move(old->second.held);
      for (auto& c : rt.checks) {
        const CheckRuntime* before = old->second.Find(c.index);
        if (c.heartbeat && before != nullptr && before->heartbeat) {
          c.last_push = before->last_push;
          c.overdue_reported = before->overdue_reported;
        }
      }
    }
  }
  tracker.Retain(names);
  planner.SetTargets(cat.planner_targets);
  for (auto& [name, rt] : targets) {
    if (cat.targets.contains(name)) continue;
    rollups.Forget(name);
    Release(name, rt);  // a removed target's last results are still written
  }
  targets = std::move(cat.targets);
  holding.clear();  // pointed into the old map
  for (auto& entry : targets) {
    if (!entry.second.held.empty()) holding.emplace_back(entry.second.held.first_tick(), &entry);
  }
  std::sort(holding.begin(), holding.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  recurring = std::move(cat.recurring);
  schedule = core::MaintenanceSchedule(recurring, one_off);
  maintenance_valid_until = core::TimePoint::min();
  scheduler->Set(std::move(cat.scheduled));
}

core::Result<void> HealthMonitor::Apply(std::shared_ptr<const config::Config> config) {
  std::lock_guard lock(impl_->apply_mu);
  if (impl_->stopped) return core::Error::Unavailable("monitor stopped");
  Impl& m = *impl_;
  const core::TimePoint now = m.deps.clock->Now();
  auto built = BuildCatalog(config, now);
  if (!built) return built.error();
  Catalog cat = std::move(*built);
  auto synced = m.deps.store->SyncTargets(TargetDefs(config->catalog), core::Actor::System("config"), "");
  if (!synced) return synced.error();

  if (m.started) {
    std::promise<void> installed;
    asio::post(m.io, [&m, &cat, &installed] {
      m.Install(std::move(cat));
      installed.set_value();
    });
    installed.get_future().wait();
    return core::Ok();
  }

  // First start: the committed state from before a restart.
  auto statuses = m.deps.store->LoadStatuses();
  if (!statuses) return statuses.error();
  auto open = m.deps.store->OpenIncidents();
  if (!open) return open.error();
  for (auto& [name, rt] : cat.targets) {
    for (auto& c : rt.checks) {
      if (!c.heartbeat) continue;
      store::ResultQuery q;
      q.target = name;
      q.check = c.index;
      q.ok = true;
      q.limit = 1;
      auto last = m.deps.store->ListResults(q);
      if (last && !last->items.empty()) c.last_push = last->items.front().result.at;
    }
  }
  m.Install(std::move(cat));
  std::map<std::string, core::TargetState> state_of;
  for (const auto& s : *statuses) {
    if (!m.targets.contains(s.target)) continue;
    m.tracker.Seed(s.target, s.state, s.since, s.flapping, s.reason);
    state_of[s.target] = s.state;
  }
  std::vector<core::SeedIncident> seeds;
  for (const auto& inc : *open) {
    core::SeedIncident s;
    s.target = inc.target;
    s.environment = inc.environment;
    s.subject = inc.subject;
    s.root_target = inc.root_target;
    s.started_at = inc.started_at;
    s.cause = inc.cause;
    if (auto it = state_of.find(inc.target); it != state_of.end()) s.state = it->second;
    seeds.push_back(std::move(s));
  }
  m.planner.Seed(seeds);
  m.scheduler->Start();
  m.ArmFlush();
  m.ArmTick();
  m.RefreshOneOffWindows();
  m.started = true;
  m.thread = std::thread([&m] {
    try {
      m.io.run();
    } catch (const std::exception& e) {
      net::LogError("monitor thread stopped", {{"error", e.what()}});
    }
  });
  return core::Ok();
}

void HealthMonitor::Submit(core::CheckKey key, core::CheckResult result,
                           std::function<void(core::Result<void>)> done) {
  Impl& m = *impl_;
  if (m.stopped || !m.started) {
    done(core::Error::Unavailable("the monitor is not running"));
    return;
  }
  asio::post(m.io, [&m, key = std::move(key), result = std::move(result), done = std::move(done)]() mutable {
    if (!m.targets.contains(key.target) || m.targets[key.target].Find(key.check) == nullptr) {
      done(core::Error::NotFound("no check " + std::to_string(key.check) + " on target " + key.target));
      return;
    }
    auto status = std::make_shared<SubmitStatus>();
    m.submit_status = status;
    m.OnResult(key, std::move(result));
    m.ReleaseTarget(key.target);  // answered once committed
    m.FlushResults();
    m.submit_status.reset();
    m.writer.Post([status, done = std::move(done)] { done(status->result); });
  });
}

void HealthMonitor::SettleResults(const std::string& target, core::Duration wait) {
  Impl& m = *impl_;
  if (m.stopped || !m.started) return;
  auto written = std::make_shared<std::promise<void>>();
  std::future<void> done = written->get_future();
  asio::post(m.io, [&m, target, written] {
    if (m.stopped) return;  // Stop's final flush writes them
    m.ReleaseTarget(target);
    m.FlushResults();
    m.writer.Post([written] { written->set_value(); });
  });
  // A dropped job (the monitor stopping) breaks the promise: ready as well.
  done.wait_for(wait);
}

void HealthMonitor::Impl::WriteMetricsOnThread(std::string& out) {
  out += "# HELP opsdeck_target_up 1 when the target is up, 0 when it is degraded or down (absent while unknown).\n"
         "# TYPE opsdeck_target_up gauge\n";
  std::string latency =
      "# HELP opsdeck_target_latency_seconds The latest probe's total time.\n"
      "# TYPE opsdeck_target_latency_seconds gauge\n";
  size_t held = 0;
  for (const auto& [name, rt] : targets) {
    held += rt.held.size();
    const std::string labels =
        "{target=\"" + net::EscapeLabelValue(name) + "\",environment=\"" + net::EscapeLabelValue(rt.environment) + "\"}";
    const core::TargetState state = tracker.State(name);
    auto health = tracker.Get(name);
    const core::TargetState underlying = health ? health->underlying : state;
    if (underlying != core::TargetState::kUnknown) {
      out += "opsdeck_target_up" + labels + (underlying == core::TargetState::kUp ? " 1\n" : " 0\n");
    }
    if (rt.last_latency.count() >= 0) {
      char buf[32];
      std::snprintf(buf, sizeof buf, " %.6f\n", static_cast<double>(rt.last_latency.count()) / 1e6);
      latency += "opsdeck_target_latency_seconds" + labels + buf;
    }
  }
  out += latency;
  const SchedulerStats s = scheduler->Stats();
  const auto counter = [&out](const char* name, const char* help, uint64_t v, const char* type = "counter") {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " +
           std::to_string(v) + "\n";
  };
  counter("opsdeck_monitor_checks", "Checks scheduled.", s.checks, "gauge");
  counter("opsdeck_monitor_probes_in_flight", "Probes running now.", s.in_flight, "gauge");
  counter("opsdeck_monitor_probes_started_total", "Probes started.", s.started);
  counter("opsdeck_monitor_probes_on_time_total", "Probes started within their lateness allowance.", s.on_time);
  counter("opsdeck_monitor_probes_skipped_total", "Due probes not run because the previous one was still running.",
          s.skipped);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", static_cast<double>(s.lag_max.count()) / 1e6);
  out += "# HELP opsdeck_monitor_lag_max_seconds The latest a probe started after its due time.\n"
         "# TYPE opsdeck_monitor_lag_max_seconds gauge\nopsdeck_monitor_lag_max_seconds " +
         std::string(buf) + "\n";
  counter("opsdeck_monitor_results_total", "Results folded (probes and passive signals).", results.load());
  counter("opsdeck_monitor_results_written_total", "Results committed to the store.", results_written.load());
  counter("opsdeck_monitor_results_held", "Results held to be written with their target's next ones.", held,
          "gauge");
  counter("opsdeck_monitor_write_failures_total", "Store writes of the monitor that failed.", write_failures.load());
  counter("opsdeck_monitor_state_changes_total", "Target state changes.", state_changes.load());
}

void HealthMonitor::WriteMetrics(std::string& out) {
  Impl& m = *impl_;
  if (!m.started || m.stopped) return;
  auto text = std::make_shared<std::promise<std::string>>();
  auto future = text->get_future();
  asio::post(m.io, [&m, text] {
    std::string s;
    m.WriteMetricsOnThread(s);
    text->set_value(std::move(s));
  });
  if (future.wait_for(2s) == std::future_status::ready) out += future.get();
}

MonitorStats HealthMonitor::Stats() {
  Impl& m = *impl_;
  MonitorStats s;
  s.results = m.results;
  s.results_written = m.results_written;
  s.write_failures = m.write_failures;
  s.state_changes = m.state_changes;
  s.incidents_opened = m.incidents_opened;
  s.incidents_closed = m.incidents_closed;
  if (!m.started || m.stopped) return s;
  std::promise<void> done;
  asio::post(m.io, [&] {
    const SchedulerStats ss = m.scheduler->Stats();
    s.probes_started = ss.started;
    s.probes_on_time = ss.on_time;
    s.probes_skipped = ss.skipped;
    s.lag_max_us = ss.lag_max.count();
    s.checks = ss.checks;
    s.targets = m.targets.size();
    done.set_value();
  });
  done.get_future().wait_for(2s);
  return s;
}

void HealthMonitor::Stop() {
  Impl& m = *impl_;
  std::lock_guard lock(m.apply_mu);
  if (m.stopped.exchange(true)) return;
  const auto final_flush = [&m] {
    m.scheduler->Stop();
    m.flush_timer->cancel();
    m.tick_timer->cancel();
    m.transition_timer->cancel();
    m.HandleHeld();
    m.ReleaseAll();
    m.FlushResults();
    auto rollups = m.rollups.TakeAll();
    if (!rollups.empty()) {
      m.writer.Post([&m, rollups = std::move(rollups)] { (void)m.deps.store->AddRollups(rollups); });
    }
  };
  if (m.started) {
    asio::post(m.io, [&m, final_flush] {
      final_flush();
      m.io.stop();
    });
    if (m.thread.joinable()) m.thread.join();
  } else {
    final_flush();
  }
  m.writer.Stop();
}

}  // namespace opsdeck::monitor
