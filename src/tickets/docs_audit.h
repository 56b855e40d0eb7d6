// The documentation audit's rules and coverage: which services, servers and
// pipelines lack what `docs_audit.rules` require, which of their docs and
// runbook links are broken (given the link checker's answers), and how much
// of the config is fully documented. Pure functions over the loaded config;
// no I/O, no state, safe from any thread.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"
#include "tickets/gap.h"

namespace opsdeck::tickets {

// A gap of this severity or above fails the audit (`opsdeck audit docs`
// exits 1). Every rule is a requirement ("require: [...]"); `info` is the
// way to list a wish without failing CI. Drift and broken links are warnings.
inline constexpr config::Severity kFailingSeverity = config::Severity::kWarning;
inline bool FailsAudit(const Gap& gap) { return gap.severity >= kFailingSeverity; }

// One audited thing: a catalog service or server, or a pipeline.
struct AuditItem {
  config::AuditSubject subject = config::AuditSubject::kService;
  std::string_view kind;     // "service" | "server" | "pipeline"
  std::string_view section;  // where it is declared: "catalog.services", ...
  const std::string* name = nullptr;
  const std::string* environment = nullptr;
  const std::string* owner = nullptr;
  const std::string* docs = nullptr;
  const std::string* runbook = nullptr;    // null for pipelines
  const std::string* component = nullptr;  // null for pipelines
  const std::vector<std::string>* tags = nullptr;  // null for pipelines
};

// Services, then servers, then pipelines, each in file order. The pointers
// point into `config`, which must outlive the items.
std::vector<AuditItem> AuditItems(const config::Config& config);

// Every (item, field) that a rule requires and the item lacks, one gap per
// pair: when several rules require the same field, the gap carries the
// highest severity and names every such rule.
std::vector<Gap> FindMissingFields(const config::Config& config);

// A link's answer, as the link checker (tickets/link_checker.h) reports it.
struct LinkStatus {
  bool ok = false;
  std::string problem;  // when !ok: "HTTP 404", "timed out after 10000 ms", ...
  bool operator==(const LinkStatus&) const = default;
};
using LinkResults = std::map<std::string, LinkStatus>;  // by URL as written in the config

// The distinct docs and runbook URLs of every item, sorted: what to check.
std::vector<std::string> CollectLinks(const config::Config& config);

// A gap for each (item, docs|runbook) whose URL answered badly. URLs absent
// from `results` are not judged. Severity: the highest of the rules that
// require that field of the item, else a warning.
std::vector<Gap> FindBrokenLinks(const config::Config& config, const LinkResults& results);

// Items with no missing-field or broken-link gap, out of all items.
struct Coverage {
  int items = 0;
  int documented = 0;
  bool operator==(const Coverage&) const = default;
};

struct CoverageReport {
  Coverage overall;
  // Every configured environment, in promotion order (an environment with
  // no item shows 0/0); then any other environment an item names.
  std::vector<std::pair<std::string, Coverage>> by_environment;
  std::vector<std::pair<std::string, Coverage>> by_kind;  // service, server, pipeline
};

// Drift gaps (AWS) are about resources, not about an item's documentation,
// so only missing-field and broken-link gaps count against an item.
CoverageReport ComputeCoverage(const config::Config& config, const std::vector<Gap>& gaps);

// Orders gaps for reading: by gap kind, environment (promotion order, none
// last), subject kind, subject; a subject's gaps keep their order (fields in
// the order owner, docs, runbook, component, tags). Stable, so the same
// config and answers give the same order.
void SortGaps(const config::Config& config, std::vector<Gap>* gaps);

}  // namespace opsdeck::tickets
