// Readers for `docs_audit:` and `jira:`.
#include <algorithm>

#include "config/internal/enum_tables.h"
#include "config/internal/sections.h"

namespace opsdeck::config::internal {
namespace {

// Reads a non-empty list of enum values.
template <typename E, size_t N>
std::vector<E> ReadEnumList(MapReader& map, std::string_view key, const EnumName<E> (&table)[N]) {
  std::vector<E> out;
  auto value = map.Get(key, Presence::kRequired);
  auto items = value ? value->AsList() : std::nullopt;
  if (!items) return out;
  if (items->empty()) value->Error("list at least one value");
  for (const Value& item : *items) {
    if (auto parsed = item.AsEnum(table)) out.push_back(*parsed);
  }
  return out;
}

void ReadRule(const Value& item, std::vector<DocsRuleConfig>* out) {
  auto map = item.AsMap();
  if (!map) return;
  DocsRuleConfig rule;
  rule.kinds = ReadEnumList(*map, "kinds", kAuditSubjectNames);
  ReadReferenceList(*map, "environments", kEnvironment, &rule.environments);
  rule.require = ReadEnumList(*map, "require", kDocsFieldNames);
  map->ReadEnum("severity", kSeverityNames, &rule.severity);
  bool pipelines =
      std::find(rule.kinds.begin(), rule.kinds.end(), AuditSubject::kPipeline) != rule.kinds.end();
  for (DocsField field : rule.require) {
    if (pipelines && field != DocsField::kOwner && field != DocsField::kDocs) {
      map->Get("require")->Error("pipelines have no " + std::string(DocsFieldName(field)) +
                                 "; a rule for pipelines may require owner and docs only");
    }
  }
  map->Finish();
  out->push_back(std::move(rule));
}

}  // namespace

void ReadDocsAudit(const Value& value, DocsAuditConfig* out) {
  auto map = value.AsMap();
  if (!map) return;
  if (auto schedule = map->Get("schedule")) {
    auto text = schedule->AsString();
    if (text && text->find_first_of(" *") != std::string::npos) {
      schedule->Error("expected an interval such as 6h, not a cron expression");
    } else if (text) {
      map->ReadPositiveDuration("schedule", &out->schedule);
    }
  }
  map->ReadBool("check_links", &out->check_links);
  if (auto rules = map->Get("rules")) {
    for (const Value& item : rules->AsList().value_or(std::vector<Value>{}))
      ReadRule(item, &out->rules);
  }
  map->Finish();
}

void ReadJira(const Value& value, JiraConfig* out) {
  auto map = value.AsMap();
  if (!map) return;
  if (map->ReadUrl("url", &out->url, Presence::kRequired)) {
    while (out->url.ends_with('/')) out->url.pop_back();
  }
  if (auto version = map->Get("api_version")) {
    auto number = version->AsInt(2, 3);
    if (number) out->api_version = static_cast<int>(*number);
  }
  map->ReadName("email", &out->email);
  map->ReadSecret("token", &out->token, Presence::kRequired);
  map->ReadName("project", &out->project, Presence::kRequired);
  map->ReadName("issue_type", &out->issue_type);
  if (auto labels = map->Get("labels")) {
    for (const Value& item : labels->AsList().value_or(std::vector<Value>{})) {
      auto label = item.AsName();
      if (label && label->find_first_of(" \t") != std::string::npos) {
        item.Error("Jira labels cannot contain spaces: " + item.Quoted());
      } else if (label) {
        out->labels.push_back(std::move(*label));
      }
    }
  }
  map->Finish();
}

}  // namespace opsdeck::config::internal
