// `catalog:` section: the services and servers opsdeck watches, their checks,
// and external alert signals mapped onto them. Plain values, immutable once
// loaded; any thread may read them.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/common.h"
#include "core/clock.h"

namespace opsdeck::config {

using namespace std::chrono_literals;

// `catalog.defaults`: applied to every check that does not set its own.
struct CheckDefaults {
  core::Duration interval = 30s;
  core::Duration timeout = 5s;
  int failure_threshold = 3;  // consecutive failures before down
  int success_threshold = 2;  // consecutive successes before up again
};

enum class CheckType { kHttp, kTcp, kTls, kDns, kHeartbeat };
std::string_view CheckTypeName(CheckType type);

struct HttpCheck {
  std::string url;
  std::string method = "GET";
  HeaderList headers;
  std::string body;
  std::vector<std::string> conditions;  // monitor/ parses them; empty = "status < 400"
  bool tls_verify = true;               // `tls: {verify: false}` for self-signed
};

struct TcpCheck {
  std::string host;
  uint16_t port = 0;
};

struct TlsCheck {
  std::string host;
  uint16_t port = 443;
  int min_days = 14;  // down when the certificate expires sooner
};

struct DnsCheck {
  std::string name;
  std::string record = "A";         // A | AAAA | CNAME | MX | TXT | NS | SRV
  std::vector<std::string> expect;  // empty = any answer
};

// Passive: the job pushes to its heartbeat URL; no push within period + grace
// means down.
struct HeartbeatCheck {
  core::Duration period{};
  core::Duration grace = 1min;
};

struct CheckConfig {
  CheckType type = CheckType::kHttp;
  // Resolved against catalog.defaults at load; unused for heartbeats.
  core::Duration interval{};
  core::Duration timeout{};
  int failure_threshold = 0;
  int success_threshold = 0;
  std::variant<HttpCheck, TcpCheck, TlsCheck, DnsCheck, HeartbeatCheck> spec;
};

// `aws:` on a catalog entry: identifiers that tie it to AWS resources (for
// CloudWatch signals and the "exists in AWS but not in the catalog" audit).
struct AwsRefConfig {
  std::string arn;
  std::string id;           // e.g. RDS instance identifier
  std::string instance_id;  // EC2
  std::string region;
  std::string account;
};

enum class TargetKind { kService, kServer };
std::string_view TargetKindName(TargetKind kind);

struct TargetConfig {
  TargetKind kind = TargetKind::kService;
  std::string name;  // unique across services and servers
  std::string environment;
  std::string component;  // backend, frontend, database, ...
  std::string owner;
  std::string docs;     // URL
  std::string runbook;  // URL
  std::vector<std::string> tags;
  std::vector<std::string> depends_on;  // other target names
  // Shared, not inline: most targets have none, and an inline optional of
  // five strings is ~170 bytes on each of 10,000 targets.
  std::shared_ptr<const AwsRefConfig> aws;
  std::vector<CheckConfig> checks;
};

enum class ExternalType { kCloudwatch, kAlertmanager };
std::string_view ExternalTypeName(ExternalType type);

// `catalog.external[]`: an outside alert source whose state becomes a
// target's health signal.
struct ExternalSignalConfig {
  ExternalType type = ExternalType::kCloudwatch;
  std::string alarm;                         // cloudwatch: alarm name
  std::map<std::string, std::string> match;  // alertmanager: label equality
  std::string target;                        // an existing target name
};

struct CatalogConfig {
  CheckDefaults defaults;
  std::vector<TargetConfig> services;
  std::vector<TargetConfig> servers;
  std::vector<ExternalSignalConfig> external;
};

}  // namespace opsdeck::config
