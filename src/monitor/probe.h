// The probe seam: one object per configured check (built once from its
// config by MakeProbe, so URL parsing, condition parsing and the request
// bytes are paid at load, not per probe), started by the scheduler on the
// monitor's event loop. One file per kind implements it (http_probe,
// tcp_probe, tls_probe, dns_probe).
//
// Thread-safety: the monitor runs on one io_context driven by one thread;
// Start and every callback run on that thread, so probes, the resolver and
// the scheduler need no locks. A Probe object may be started again only after
// its previous `done` ran.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>

#include "config/catalog_config.h"
#include "core/clock.h"
#include "core/health.h"
#include "core/result.h"

namespace opsdeck::monitor {

class Resolver;       // monitor/resolver.h: async, cached name resolution
class TlsContexts;    // monitor/tls_contexts.h: shared SSL_CTXs (verify on / off)

// What every probe may use. Owned by the monitor; outlives every probe.
struct ProbeEnv {
  boost::asio::io_context& io;
  Resolver& resolver;
  TlsContexts& tls;
  const core::Clock& clock;  // for CheckResult::at; phases use steady_clock
  std::string user_agent = "opsdeck";
};

using ProbeDone = std::function<void(core::CheckResult)>;

class Probe {
 public:
  virtual ~Probe() = default;
  // Starts one probe. `done` is called exactly once, on env.io's thread, never
  // from inside Start, and no later than the check's timeout plus scheduling
  // slack: a probe that times out reports ok=false with error "timeout after
  // <timeout>" and closes what it opened.
  virtual void Start(ProbeEnv& env, ProbeDone done) = 0;
  // The host the probe talks to ("api.example.com", "10.0.1.15"), for the
  // scheduler's per-host concurrency limit. Empty for probes that talk to no
  // host.
  virtual const std::string& Host() const = 0;
  // A short human description for the API/UI: "GET https://api.example.com/health",
  // "tcp 10.0.1.15:22", "tls dashboard.example.com:443", "dns A api.example.com".
  virtual const std::string& Summary() const = 0;
};

// Builds the probe for one active check (http, tcp, tls, dns). kInvalidArgument
// with a precise message for a condition that does not parse or a URL that is
// not http(s); heartbeats are passive and are not probes (kInvalidArgument).
core::Result<std::unique_ptr<Probe>> MakeProbe(const config::CheckConfig& check);

}  // namespace opsdeck::monitor
