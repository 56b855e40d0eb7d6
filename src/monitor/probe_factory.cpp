// The probe registry: one line per probe kind.
#include "monitor/dns_probe.h"
#include "monitor/http_probe.h"
#include "monitor/probe.h"
#include "monitor/tcp_probe.h"
#include "monitor/tls_probe.h"

namespace opsdeck::monitor {

core::Result<std::unique_ptr<Probe>> MakeProbe(const config::CheckConfig& check) {
  if (check.timeout <= core::Duration::zero()) {
    return core::Error::InvalidArgument("check has no timeout", "timeout");
  }
  // The config reader keeps type and spec in step; a mismatch falls through
  // to the error below rather than throwing.
  switch (check.type) {
    case config::CheckType::kHttp:
      if (auto* http = std::get_if<config::HttpCheck>(&check.spec))
        return MakeHttpProbe(check, *http);
      break;
    case config::CheckType::kTcp:
      if (auto* tcp = std::get_if<config::TcpCheck>(&check.spec)) return MakeTcpProbe(check, *tcp);
      break;
    case config::CheckType::kTls:
      if (auto* tls = std::get_if<config::TlsCheck>(&check.spec)) return MakeTlsProbe(check, *tls);
      break;
    case config::CheckType::kDns:
      if (auto* dns = std::get_if<config::DnsCheck>(&check.spec)) return MakeDnsProbe(check, *dns);
      break;
    case config::CheckType::kHeartbeat:
      break;
  }
  return core::Error::InvalidArgument(std::string("no probe for check type ") +
                                      std::string(config::CheckTypeName(check.type)));
}

}  // namespace opsdeck::monitor
