// A tcp probe run is ConnectRun with nothing after the connect.
#include "monitor/tcp_probe.h"

#include "monitor/connect_run.h"

namespace opsdeck::monitor {

namespace {

struct TcpSpec {
  ProbeTarget target;
  core::Duration timeout{};
  std::string summary;
};

class TcpRun final : public ConnectRun {
 public:
  TcpRun(ProbeEnv& env, std::shared_ptr<const TcpSpec> spec, ProbeDone done)
      : ConnectRun(env, spec->timeout, std::move(done)), spec_(std::move(spec)) {}
  void Start() { Begin(spec_->target, nullptr); }

 private:
  void OnReady() override { Finish(true, {}); }
  std::shared_ptr<const TcpSpec> spec_;
};

class TcpProbe final : public Probe {
 public:
  explicit TcpProbe(TcpSpec spec) : spec_(std::make_shared<const TcpSpec>(std::move(spec))) {}
  void Start(ProbeEnv& env, ProbeDone done) override {
    std::make_shared<TcpRun>(env, spec_, std::move(done))->Start();
  }
  const std::string& Host() const override { return spec_->target.host; }
  const std::string& Summary() const override { return spec_->summary; }

 private:
  std::shared_ptr<const TcpSpec> spec_;
};

}  // namespace

core::Result<std::unique_ptr<Probe>> MakeTcpProbe(const config::CheckConfig& check,
                                                  const config::TcpCheck& tcp) {
  if (tcp.host.empty()) return core::Error::InvalidArgument("tcp check needs a host", "host");
  if (tcp.port == 0) return core::Error::InvalidArgument("tcp check needs a port", "port");
  TcpSpec spec{MakeProbeTarget(tcp.host, tcp.port), check.timeout, {}};
  spec.summary = "tcp " + HostPort(spec.target);
  return std::unique_ptr<Probe>(std::make_unique<TcpProbe>(std::move(spec)));
}

}  // namespace opsdeck::monitor
