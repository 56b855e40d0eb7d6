// A tls probe run is ConnectRun with a handshake, then the days check. The
// connection is closed without close_notify: nothing was sent on it.
#include "monitor/tls_probe.h"

#include "monitor/connect_run.h"
#include "monitor/tls_contexts.h"

namespace opsdeck::monitor {

namespace {

struct TlsSpec {
  ProbeTarget target;
  core::Duration timeout{};
  int min_days = 14;
  std::string summary;
};

class TlsRun final : public ConnectRun {
 public:
  TlsRun(ProbeEnv& env, std::shared_ptr<const TlsSpec> spec, ProbeDone done)
      : ConnectRun(env, spec->timeout, std::move(done)), spec_(std::move(spec)) {}
  void Start(TlsContexts& tls) { Begin(spec_->target, &tls.verifying()); }

 private:
  void OnReady() override {
    const std::optional<int> days = result_.certificate_days;
    if (!days) return Finish(false, "tls: the server sent no certificate");
    if (*days < spec_->min_days) {
      return Finish(false, "certificate expires in " + std::to_string(*days) + " days, min_days " +
                               std::to_string(spec_->min_days));
    }
    Finish(true, {});
  }
  std::shared_ptr<const TlsSpec> spec_;
};

class TlsProbe final : public Probe {
 public:
  explicit TlsProbe(TlsSpec spec) : spec_(std::make_shared<const TlsSpec>(std::move(spec))) {}
  void Start(ProbeEnv& env, ProbeDone done) override {
    std::make_shared<TlsRun>(env, spec_, std::move(done))->Start(env.tls);
  }
  const std::string& Host() const override { return spec_->target.host; }
  const std::string& Summary() const override { return spec_->summary; }

 private:
  std::shared_ptr<const TlsSpec> spec_;
};

}  // namespace

core::Result<std::unique_ptr<Probe>> MakeTlsProbe(const config::CheckConfig& check,
                                                  const config::TlsCheck& tls) {
  if (tls.host.empty()) return core::Error::InvalidArgument("tls check needs a host", "host");
  if (tls.port == 0) return core::Error::InvalidArgument("tls check needs a port", "port");
  TlsSpec spec{MakeProbeTarget(tls.host, tls.port), check.timeout, tls.min_days, {}};
  spec.summary = "tls " + HostPort(spec.target);
  return std::unique_ptr<Probe>(std::make_unique<TlsProbe>(std::move(spec)));
}

}  // namespace opsdeck::monitor
