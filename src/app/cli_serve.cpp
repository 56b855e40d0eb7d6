// `opsdeck serve`: load config, open and migrate storage, sync environments,
// build the route table, serve until SIGTERM/SIGINT (graceful) and reload on
// SIGHUP. This is the composition root: the one place that wires concrete
// types together.
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <csignal>
#include <map>
#include <cstdio>
#include <thread>
#include <vector>

#include "app/build_info.h"
#include "app/commands.h"
#include "app/config_holder.h"
#include "app/config_sync.h"
#include "app/exit_codes.h"
#include "app/housekeeping.h"
#include "app/demo.h"
#include "app/docs_audit.h"
#include "app/monitoring.h"
#include "app/notifications.h"
#include "app/releases.h"
#include "app/reloader.h"
#include "app/store_factory.h"
#include "config/loader.h"
#include "http/authorize.h"
#include "http/hooks/hook_routes.h"
#include "http/routes.h"
#include "http/server.h"
#include "ingest/sns_verifier.h"
#include "net/http_fetch.h"
#include "net/io_pool.h"
#include "net/event_bus.h"
#include "net/log.h"
#include "net/system_clock.h"

namespace opsdeck::app {
namespace {

namespace asio = boost::asio;

void ApplyLogging(const config::Config& c) {
  net::ConfigureLogging(net::ParseLogLevel(c.log.level), net::ParseLogFormat(c.log.format));
}

// HTTPS for installs without a reverse proxy: TLS 1.2 or later, the
// certificate chain and key from PEM files.
core::Result<std::shared_ptr<asio::ssl::context>> MakeTlsContext(const config::TlsConfig& c) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  boost::system::error_code ec;
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use,
                   ec);
  if (ctx->use_certificate_chain_file(c.cert_file, ec); ec) {
    return core::Error::InvalidArgument("cannot load certificate " + c.cert_file + ": " + ec.message());
  }
  if (ctx->use_private_key_file(c.key_file, asio::ssl::context::pem, ec); ec) {
    return core::Error::InvalidArgument("cannot load private key " + c.key_file + ": " + ec.message());
  }
  return ctx;
}

std::string HostForUrl(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

constexpr size_t kIntakeThreads = 32;

// The write path's counters: commits < write jobs shows group commit at work.
void WriteStoreMetrics(const store::StoreStats& s, std::string& out) {
  const auto metric = [&out](std::string_view name, std::string_view type, std::string_view help,
                             int64_t value) {
    out.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
    out.append(name).append(" ").append(std::to_string(value)).append("\n");
  };
  metric("opsdeck_store_write_jobs_total", "counter", "Write transactions requested.", s.write_jobs);
  metric("opsdeck_store_write_failures_total", "counter", "Write transactions that failed.",
         s.write_failures);
  metric("opsdeck_store_commits_total", "counter",
         "Commits (on SQLite one per group of writes).", s.commits);
  metric("opsdeck_store_max_batch", "gauge", "Most write transactions in one commit since start.",
         s.max_batch);
  metric("opsdeck_store_wal_syncs_total", "counter",
         "WAL fsyncs that made commits durable (SQLite).", s.wal_syncs);
  metric("opsdeck_store_batch_reruns_total", "counter",
         "Group commits run again write by write after one failed (SQLite).", s.batch_reruns);
}

// Intake's outside effects: the SNS subscription confirmation GET.
http::IntakeHooks IntakeHooksFor(const core::Clock& clock) {
  http::IntakeHooks hooks;
  hooks.certificates = std::make_shared<ingest::CachingCertificateProvider>(
      std::make_shared<ingest::HttpsCertificateProvider>(), clock);
  hooks.confirm = [](const std::string& url) -> core::Result<void> {
    auto r = net::FetchUrl(url);
    if (!r) return r.error();
    if (r->status != 200) {
      return core::Error::Unavailable("SNS answered HTTP " + std::to_string(r->status));
    }
    return core::Ok();
  };
  return hooks;
}

}  // namespace

int RunServe(const std::string& path) {
  config::LoadResult loaded = config::LoadFile(path, config::ProcessEnv());
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.ToString().c_str());
    std::fprintf(stderr, "%s: %zu error(s); not starting\n", path.c_str(), loaded.errors.size());
    return kExitFailure;
  }
  auto errors = monitor::CatalogErrors(*loaded.config);
  for (auto& e : Releases::ConfigErrors(*loaded.config)) errors.push_back(std::move(e));
  if (!errors.empty()) {
    for (const auto& e : errors) std::fprintf(stderr, "%s: %s\n", path.c_str(), e.c_str());
    std::fprintf(stderr, "%s: %zu error(s); not starting\n", path.c_str(), errors.size());
    return kExitFailure;
  }
  ConfigHolder holder(loaded.config);
  const auto cfg = holder.Get();
  ApplyLogging(*cfg);
  std::shared_ptr<asio::ssl::context> tls;
  if (cfg->server.tls) {
    auto made = MakeTlsContext(*cfg->server.tls);
    if (!made) {
      net::LogError("server.tls", {{"error", made.error().ToString()}});
      return kExitFailure;
    }
    tls = std::move(*made);
  }
  net::LogInfo("starting", {{"version", kVersion}, {"commit", kCommit}, {"config", path}});

  net::SystemClock clock;
  auto opened = OpenAndMigrate(cfg->storage, clock);
  if (!opened) {
    net::LogError("storage unavailable", {{"error", opened.error().ToString()}});
    return kExitStorage;
  }
  std::unique_ptr<store::Store> store = std::move(*opened);
  const core::Actor config_actor = core::Actor::System("config");
  for (const auto& w : SyncConfigToStore(*store, *cfg, config_actor, "")) {
    net::LogWarn("config not stored yet", {{"warning", w}});
  }

  // Blocking database calls run here, never on the I/O threads.
  asio::thread_pool db_pool(static_cast<size_t>(std::max(2, cfg->storage.pool_size)));
  // Webhook intake: its threads mostly wait for a commit, and the more
  // deliveries wait together, the more share one commit (docs/decisions.md,
  // "Pipeline intake").
  asio::thread_pool intake_pool(kIntakeThreads);
  net::IoPool io(cfg->server.threads);

  http::Services services;
  services.config = [&holder] { return holder.Get(); };
  services.store = store.get();
  services.clock = &clock;
  services.build = {kVersion, kCommit, kCompiler};

  Notifications notifications(store->outbox(), clock, *cfg);
  services.notify_wake = [&notifications] { notifications.Wake(); };

  // State changes for /api/v1/stream.
  net::EventBus events;
  services.events = &events;
  // The demo's local targets listen before the monitor first probes them.
  auto demo = Demo::Start(*cfg, clock);
  if (!demo) {
    net::LogError("cannot start the demo", {{"error", demo.error().ToString()}});
    notifications.Stop();
    store->Close();
    return kExitFailure;
  }
  auto monitoring = Monitoring::Start(*store, clock, holder, events, services.notify_wake);
  if (!monitoring) {
    net::LogError("cannot start monitoring", {{"error", monitoring.error().ToString()}});
    notifications.Stop();
    store->Close();
    return monitoring.error().code == core::ErrorCode::kUnavailable ? kExitStorage : kExitFailure;
  }
  (*monitoring)->FillServices(services);
  auto releases = Releases::Start(*store, clock, holder, events, services.notify_wake);
  if (!releases) {
    net::LogError("cannot start the release desk", {{"error", releases.error().ToString()}});
    (*monitoring)->Stop();
    notifications.Stop();
    store->Close();
    return kExitFailure;
  }
  (*releases)->FillServices(services);
  auto docs_audit = DocsAudit::Start(*store, clock, holder, events, services.notify_wake);
  if (!docs_audit) {
    net::LogError("cannot start the docs audit", {{"error", docs_audit.error().ToString()}});
    (*releases)->Stop();
    (*monitoring)->Stop();
    notifications.Stop();
    store->Close();
    return kExitFailure;
  }
  (*docs_audit)->FillServices(services);
  // Stops what serve started besides the server, before the store closes.
  auto stop_subsystems = [&] {
    if (*demo) (*demo)->Stop();
    (*docs_audit)->Stop();
    (*releases)->Stop();  // a stopped rollback is recorded as failed
    (*monitoring)->Stop();
    notifications.Stop();
  };

  std::unique_ptr<http::Server> server;
  Reloader reloader(path, holder, *store, [&server, &notifications, &monitoring, &releases, &docs_audit](const config::Config& c) {
    ApplyLogging(c);
    if (server) server->SetBodyLimit(c.server.body_limit);
    notifications.Apply(c);
    (*monitoring)->Apply();
    (*releases)->Apply(c);
    (*docs_audit)->Apply(c);
  });
  reloader.SetValidator([](const config::Config& c) {
    auto errors = monitor::CatalogErrors(c);
    for (auto& e : Releases::ConfigErrors(c)) errors.push_back(std::move(e));
    return errors;
  });
  services.reload = [&reloader](const core::Actor& actor, const std::string& request_id) {
    return reloader.Reload(actor, request_id);
  };

  http::Router router;
  http::AddHealthRoutes(router, services);
  http::AddApiRoutes(router, services);
  http::AddUiRoutes(router, services);
  http::AddLoginRoutes(router, services);
  http::AddHookRoutes(router, services, IntakeHooksFor(clock));
  std::vector<std::string> names;
  // Routes that share a pattern (GET and POST of one resource) are told
  // apart by method, so no two metric series carry the same labels.
  std::map<std::string, int> uses;
  for (const auto& r : router.routes()) ++uses[r.name];
  for (const auto& r : router.routes()) {
    names.push_back(uses[r.name] > 1 ? std::string(boost::beast::http::to_string(r.method)) + " " + r.name : r.name);
  }
  http::HttpMetrics metrics(std::move(names), services.build);
  metrics.AddCollector([&reloader](std::string& out) { reloader.WriteMetrics(out); });
  metrics.AddCollector([&store](std::string& out) { WriteStoreMetrics(store->Stats(), out); });
  metrics.AddCollector([&notifications](std::string& out) { notifications.WriteMetrics(out); });
  services.metrics = &metrics;

  http::ServerOptions options;
  options.host = cfg->server.host;
  options.port = cfg->server.port;
  options.body_limit = cfg->server.body_limit;
  options.header_timeout = cfg->server.header_timeout;
  options.body_timeout = cfg->server.body_timeout;
  options.idle_timeout = cfg->server.idle_timeout;
  options.write_timeout = cfg->server.body_timeout;
  options.max_connections = cfg->server.max_connections;
  options.tls = tls;
  options.intake_executor = intake_pool.get_executor();
  const http::Authenticator authenticator(services.config, *store, clock);
  auto authorize = [&authenticator, &holder](const http::Route& route, http::RequestContext& ctx) {
    return http::Authorize(route, ctx, authenticator, holder.Get()->auth.anonymous_read);
  };
  auto created = http::Server::Create(io, db_pool.get_executor(), options, router, metrics,
                                      http::NotFoundHandlerFor(services), authorize);
  if (!created) {
    net::LogError("cannot start the HTTP server", {{"error", created.error().ToString()}});
    intake_pool.join();
    db_pool.join();
    stop_subsystems();
    store->Close();
    return kExitListen;
  }
  server = std::move(*created);
  server->Start();
  Housekeeper housekeeper(io.Main(), db_pool.get_executor(), *store, clock, services.config);
  housekeeper.Start();

  const std::string url = std::string(tls ? "https://" : "http://") + HostForUrl(cfg->server.host) + ":" +
                          std::to_string(server->port());
  net::LogInfo("listening", {{"url", url}, {"threads", cfg->server.threads},
                             {"storage", std::string(store->Backend())}});
  std::printf("opsdeck %s listening on %s\n", kVersion, url.c_str());
  std::fflush(stdout);
  if (*demo) (*demo)->Drive(url, services);

  bool clean = true;
  asio::signal_set signals(io.Main(), SIGINT, SIGTERM, SIGHUP);
  std::function<void()> wait_signal;
  wait_signal = [&] {
    signals.async_wait([&](const boost::system::error_code& ec, int sig) {
      if (ec) return;
      if (sig == SIGHUP) {
        net::LogInfo("SIGHUP: reloading config", {{"file", path}});
        asio::post(db_pool, [&reloader] { reloader.Reload(core::Actor::System("sighup"), ""); });
        wait_signal();
        return;
      }
      net::LogInfo("shutting down", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
      housekeeper.Stop();
      server->Shutdown(holder.Get()->server.shutdown_timeout, [&](bool drained) {
        clean = drained;
        signals.cancel();
        io.Stop();
      });
    });
  };
  wait_signal();

  io.Run();
  intake_pool.join();
  db_pool.join();
  server.reset();
  stop_subsystems();
  store->Close();
  net::LogInfo("stopped", {{"drained", clean ? "all connections" : "timed out"}});
  return kExitOk;
}

}  // namespace opsdeck::app
