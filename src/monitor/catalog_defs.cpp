#include "monitor/catalog_defs.h"

#include <chrono>
#include <map>
#include <variant>

#include <boost/json.hpp>

#include "core/health.h"

namespace opsdeck::monitor {

namespace {

std::string ShowDuration(core::Duration d) {
  using namespace std::chrono;
  const int64_t ms = d.count();
  if (ms % (24 * 3600 * 1000) == 0 && ms >= 24 * 3600 * 1000) return std::to_string(ms / 86400000) + "d";
  if (ms % 3600000 == 0 && ms >= 3600000) return std::to_string(ms / 3600000) + "h";
  if (ms % 60000 == 0 && ms >= 60000) return std::to_string(ms / 60000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

// scheme://host[:port]/path: no userinfo, query or fragment.
std::string ShowUrl(const std::string& url) {
  std::string out = url;
  if (const size_t cut = out.find_first_of("?#"); cut != std::string::npos) out.resize(cut);
  const size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    const size_t host_start = scheme + 3;
    const size_t path = out.find('/', host_start);
    const size_t at = out.rfind('@', path == std::string::npos ? out.size() : path);
    if (at != std::string::npos && at >= host_start) out.erase(host_start, at + 1 - host_start);
  }
  return out;
}

std::string AwsJson(const std::shared_ptr<const config::AwsRefConfig>& aws) {
  if (!aws) return "null";
  boost::json::object o;
  const auto put = [&](const char* key, const std::string& v) {
    if (!v.empty()) o[key] = v;
  };
  put("arn", aws->arn);
  put("id", aws->id);
  put("instance_id", aws->instance_id);
  put("region", aws->region);
  put("account", aws->account);
  return boost::json::serialize(o);
}

store::TargetDef ToDef(const config::TargetConfig& t) {
  store::TargetDef def;
  def.name = t.name;
  def.kind = std::string(config::TargetKindName(t.kind));
  def.environment = t.environment;
  def.component = t.component;
  def.owner = t.owner;
  def.docs = t.docs;
  def.runbook = t.runbook;
  def.tags = t.tags;
  def.depends_on = t.depends_on;
  def.aws_json = AwsJson(t.aws);
  for (size_t i = 0; i < t.checks.size(); ++i) {
    const config::CheckConfig& c = t.checks[i];
    store::CheckDef check;
    check.index = static_cast<int>(i);
    check.type = std::string(config::CheckTypeName(c.type));
    check.summary = CheckSummary(c);
    check.interval_ms = c.type == config::CheckType::kHeartbeat ? 0 : c.interval.count();
    def.checks.push_back(std::move(check));
  }
  return def;
}

}  // namespace

std::string CheckSummary(const config::CheckConfig& check) {
  struct Visitor {
    std::string operator()(const config::HttpCheck& h) const { return h.method + " " + ShowUrl(h.url); }
    std::string operator()(const config::TcpCheck& t) const {
      return "tcp " + t.host + ":" + std::to_string(t.port);
    }
    std::string operator()(const config::TlsCheck& t) const {
      return "tls " + t.host + ":" + std::to_string(t.port) + " (min " + std::to_string(t.min_days) + " days)";
    }
    std::string operator()(const config::DnsCheck& d) const { return "dns " + d.record + " " + d.name; }
    std::string operator()(const config::HeartbeatCheck& h) const {
      return "heartbeat every " + ShowDuration(h.period) + " (grace " + ShowDuration(h.grace) + ")";
    }
  };
  return std::visit(Visitor{}, check.spec);
}

std::vector<store::TargetDef> TargetDefs(const config::CatalogConfig& catalog) {
  std::vector<store::TargetDef> defs;
  defs.reserve(catalog.services.size() + catalog.servers.size());
  std::map<std::string, size_t> by_name;
  for (const auto* list : {&catalog.services, &catalog.servers}) {
    for (const config::TargetConfig& t : *list) {
      by_name[t.name] = defs.size();
      defs.push_back(ToDef(t));
    }
  }
  for (size_t i = 0; i < catalog.external.size(); ++i) {
    const config::ExternalSignalConfig& e = catalog.external[i];
    auto it = by_name.find(e.target);
    if (it == by_name.end()) continue;  // the loader rejects unknown targets
    store::CheckDef check;
    check.index = core::ExternalCheck(static_cast<int>(i));
    check.type = std::string(config::ExternalTypeName(e.type));
    if (e.type == config::ExternalType::kCloudwatch) {
      check.summary = "CloudWatch alarm " + e.alarm;
    } else {
      std::string labels;
      for (const auto& [k, v] : e.match) labels += (labels.empty() ? "" : ", ") + k + "=" + v;
      check.summary = "Alertmanager alerts {" + labels + "}";
    }
    defs[it->second].checks.push_back(std::move(check));
  }
  return defs;
}

}  // namespace opsdeck::monitor
