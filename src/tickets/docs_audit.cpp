#include "tickets/docs_audit.h"

#include <algorithm>
#include <optional>
#include <set>
#include <tuple>

#include "net/http_fetch.h"

namespace opsdeck::tickets {
namespace {

using config::DocsField;

// What a field is called in prose, and what its value is.
std::string_view FieldNoun(DocsField field) {
  switch (field) {
    case DocsField::kOwner:
      return "owner";
    case DocsField::kDocs:
      return "documentation link";
    case DocsField::kRunbook:
      return "runbook";
    case DocsField::kComponent:
      return "component";
    case DocsField::kTags:
      return "tags";
  }
  return "owner";
}

std::string_view FieldValueHint(DocsField field) {
  switch (field) {
    case DocsField::kOwner:
      return "the team or person responsible";
    case DocsField::kDocs:
    case DocsField::kRunbook:
      return "an http(s) URL";
    case DocsField::kComponent:
      return "backend, frontend, database, ...";
    case DocsField::kTags:
      return "a list of tags";
  }
  return "";
}

// nullopt when the item kind has no such field (pipelines: only owner, docs).
std::optional<bool> HasField(const AuditItem& item, DocsField field) {
  switch (field) {
    case DocsField::kOwner:
      return !item.owner->empty();
    case DocsField::kDocs:
      return !item.docs->empty();
    case DocsField::kRunbook:
      if (item.runbook == nullptr) return std::nullopt;
      return !item.runbook->empty();
    case DocsField::kComponent:
      if (item.component == nullptr) return std::nullopt;
      return !item.component->empty();
    case DocsField::kTags:
      if (item.tags == nullptr) return std::nullopt;
      return !item.tags->empty();
  }
  return std::nullopt;
}

bool RuleApplies(const config::DocsRuleConfig& rule, const AuditItem& item) {
  if (std::find(rule.kinds.begin(), rule.kinds.end(), item.subject) == rule.kinds.end())
    return false;
  return rule.environments.empty() ||
         std::find(rule.environments.begin(), rule.environments.end(), *item.environment) !=
             rule.environments.end();
}

bool Requires(const config::DocsRuleConfig& rule, DocsField field) {
  return std::find(rule.require.begin(), rule.require.end(), field) != rule.require.end();
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty()) out += sep;
    out += part;
  }
  return out;
}

// "docs_audit.rules[1] (kinds: service; environments: production; require:
// runbook; severity: warning)": enough to find the rule in the file.
std::string DescribeRule(const config::DocsRuleConfig& rule, size_t index) {
  std::vector<std::string> kinds, fields;
  for (auto k : rule.kinds) kinds.emplace_back(config::AuditSubjectName(k));
  for (auto f : rule.require) fields.emplace_back(config::DocsFieldName(f));
  std::string out = "docs_audit.rules[" + std::to_string(index) + "] (kinds: " + Join(kinds, ", ");
  out += "; environments: " + (rule.environments.empty() ? "all" : Join(rule.environments, ", "));
  out += "; require: " + Join(fields, ", ");
  out += "; severity: " + std::string(config::SeverityName(rule.severity)) + ")";
  return out;
}

std::string ItemLabel(const AuditItem& item) {
  return std::string(item.kind) + " " + *item.name + " (" + *item.environment + ")";
}

std::string Fingerprint(GapKind kind, const AuditItem& item, std::string_view detail) {
  std::string out(GapKindName(kind));
  out += ':';
  out += item.kind;
  out += ':';
  out += *item.name;
  out += ':';
  out += *item.environment;
  out += ':';
  out += detail;
  return out;
}

Gap ItemGap(GapKind kind, const AuditItem& item) {
  Gap gap;
  gap.kind = kind;
  gap.subject_kind = std::string(item.kind);
  gap.subject = *item.name;
  gap.environment = *item.environment;
  return gap;
}

std::string Footer(const Gap& gap) {
  return "\n\nFound by the opsdeck documentation audit. Gap: " + gap.fingerprint;
}

// The rules requiring `field` of `item`, with their indexes.
std::vector<size_t> RulesRequiring(const config::Config& config, const AuditItem& item,
                                   DocsField field) {
  std::vector<size_t> out;
  const auto& rules = config.docs_audit.rules;
  for (size_t i = 0; i < rules.size(); ++i) {
    if (RuleApplies(rules[i], item) && Requires(rules[i], field)) out.push_back(i);
  }
  return out;
}

void AddItems(const std::vector<config::TargetConfig>& targets, std::vector<AuditItem>* out) {
  for (const auto& t : targets) {
    AuditItem item;
    const bool service = t.kind == config::TargetKind::kService;
    item.subject = service ? config::AuditSubject::kService : config::AuditSubject::kServer;
    item.kind = service ? "service" : "server";
    item.section = service ? "catalog.services" : "catalog.servers";
    item.name = &t.name;
    item.environment = &t.environment;
    item.owner = &t.owner;
    item.docs = &t.docs;
    item.runbook = &t.runbook;
    item.component = &t.component;
    item.tags = &t.tags;
    out->push_back(item);
  }
}

}  // namespace

std::vector<AuditItem> AuditItems(const config::Config& config) {
  std::vector<AuditItem> items;
  AddItems(config.catalog.services, &items);
  AddItems(config.catalog.servers, &items);
  for (const auto& p : config.pipelines) {
    AuditItem item;
    item.subject = config::AuditSubject::kPipeline;
    item.kind = "pipeline";
    item.section = "pipelines";
    item.name = &p.name;
    item.environment = &p.environment;
    item.owner = &p.owner;
    item.docs = &p.docs;
    items.push_back(item);
  }
  return items;
}

std::vector<Gap> FindMissingFields(const config::Config& config) {
  static constexpr DocsField kFields[] = {DocsField::kOwner, DocsField::kDocs, DocsField::kRunbook,
                                          DocsField::kComponent, DocsField::kTags};
  std::vector<Gap> gaps;
  for (const AuditItem& item : AuditItems(config)) {
    for (DocsField field : kFields) {
      const std::optional<bool> present = HasField(item, field);
      if (!present || *present) continue;
      const std::vector<size_t> rules = RulesRequiring(config, item, field);
      if (rules.empty()) continue;
      const std::string key(config::DocsFieldName(field));
      Gap gap = ItemGap(GapKind::kMissingField, item);
      gap.fingerprint = Fingerprint(gap.kind, item, key);
      gap.detail = key;
      gap.severity = config::Severity::kInfo;
      std::string required_by;
      for (size_t index : rules) {
        gap.severity = std::max(gap.severity, config.docs_audit.rules[index].severity);
        required_by += "\n- " + DescribeRule(config.docs_audit.rules[index], index);
      }
      gap.summary = "Document the " + std::string(FieldNoun(field)) + " of " + ItemLabel(item);
      gap.description = std::string(item.kind) + " " + *item.name + " (environment " +
                        *item.environment + ") has no " + std::string(FieldNoun(field)) +
                        ".\n\nRequired by:" + required_by + "\n\nTo fix: set `" + key + ":` (" +
                        std::string(FieldValueHint(field)) + ") on the entry named " +
                        *item.name + " under " + std::string(item.section) +
                        " in the opsdeck config. The next audit closes this gap." + Footer(gap);
      gaps.push_back(std::move(gap));
    }
  }
  return gaps;
}

std::vector<std::string> CollectLinks(const config::Config& config) {
  std::set<std::string> urls;
  for (const AuditItem& item : AuditItems(config)) {
    if (!item.docs->empty()) urls.insert(*item.docs);
    if (item.runbook != nullptr && !item.runbook->empty()) urls.insert(*item.runbook);
  }
  return {urls.begin(), urls.end()};
}

std::vector<Gap> FindBrokenLinks(const config::Config& config, const LinkResults& results) {
  std::vector<Gap> gaps;
  for (const AuditItem& item : AuditItems(config)) {
    for (DocsField field : {DocsField::kDocs, DocsField::kRunbook}) {
      const std::string* url = field == DocsField::kDocs ? item.docs : item.runbook;
      if (url == nullptr || url->empty()) continue;
      auto it = results.find(*url);
      if (it == results.end() || it->second.ok) continue;
      const std::string key(config::DocsFieldName(field));
      // The URL as logs show it (no userinfo, query or fragment): a link may
      // carry a token, and a ticket is read by many.
      const std::string shown = net::RedactUrl(*url);
      Gap gap = ItemGap(GapKind::kBrokenLink, item);
      gap.fingerprint = Fingerprint(gap.kind, item, key);
      gap.detail = shown + ": " + it->second.problem;
      gap.severity = config::Severity::kWarning;
      for (size_t index : RulesRequiring(config, item, field)) {
        gap.severity = std::max(gap.severity, config.docs_audit.rules[index].severity);
      }
      const std::string noun = field == DocsField::kDocs ? "documentation link" : "runbook link";
      gap.summary = "Fix the broken " + noun + " of " + ItemLabel(item);
      gap.description = "The " + noun + " of " + std::string(item.kind) + " " + *item.name +
                        " (environment " + *item.environment + "), " + shown +
                        ", does not answer: " + it->second.problem +
                        ".\n\nopsdeck asks with HEAD (GET when HEAD is refused), follows "
                        "redirects to https only, and expects a 2xx or 3xx answer."
                        "\n\nTo fix: repair the page, or set a working URL in `" +
                        key + ":` on the entry named " + *item.name + " under " +
                        std::string(item.section) + " in the opsdeck config." + Footer(gap);
      gaps.push_back(std::move(gap));
    }
  }
  return gaps;
}

CoverageReport ComputeCoverage(const config::Config& config, const std::vector<Gap>& gaps) {
  std::set<std::pair<std::string, std::string>> undocumented;  // (kind, name)
  for (const Gap& gap : gaps) {
    if (gap.kind == GapKind::kMissingField || gap.kind == GapKind::kBrokenLink)
      undocumented.emplace(gap.subject_kind, gap.subject);
  }
  CoverageReport report;
  for (const auto& env : config.environments) report.by_environment.emplace_back(env.name, Coverage{});
  for (std::string_view kind : {"service", "server", "pipeline"})
    report.by_kind.emplace_back(std::string(kind), Coverage{});
  auto slot = [](std::vector<std::pair<std::string, Coverage>>& list,
                 const std::string& key) -> Coverage& {
    for (auto& [name, coverage] : list) {
      if (name == key) return coverage;
    }
    return list.emplace_back(key, Coverage{}).second;
  };
  for (const AuditItem& item : AuditItems(config)) {
    const bool documented =
        !undocumented.contains({std::string(item.kind), *item.name});
    for (Coverage* c : {&report.overall, &slot(report.by_environment, *item.environment),
                        &slot(report.by_kind, std::string(item.kind))}) {
      ++c->items;
      if (documented) ++c->documented;
    }
  }
  return report;
}

void SortGaps(const config::Config& config, std::vector<Gap>* gaps) {
  auto env_rank = [&](const std::string& env) -> size_t {
    for (size_t i = 0; i < config.environments.size(); ++i) {
      if (config.environments[i].name == env) return i;
    }
    return env.empty() ? config.environments.size() + 1 : config.environments.size();
  };
  auto kind_rank = [](const std::string& kind) -> int {
    if (kind == "service") return 0;
    if (kind == "server") return 1;
    if (kind == "pipeline") return 2;
    return 3;
  };
  std::stable_sort(gaps->begin(), gaps->end(), [&](const Gap& a, const Gap& b) {
    return std::make_tuple(static_cast<int>(a.kind), env_rank(a.environment),
                           kind_rank(a.subject_kind), std::cref(a.subject_kind),
                           std::cref(a.subject)) <
           std::make_tuple(static_cast<int>(b.kind), env_rank(b.environment),
                           kind_rank(b.subject_kind), std::cref(b.subject_kind),
                           std::cref(b.subject));
  });
}

}  // namespace opsdeck::tickets
