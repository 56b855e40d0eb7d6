// Config lookups and the spelling of config enums.
#include "config/config.h"

#include <algorithm>

#include "config/internal/enum_tables.h"

namespace opsdeck::config {
namespace {

template <typename T>
const T* FindByName(const std::vector<T>& items, std::string_view name) {
  auto it =
      std::find_if(items.begin(), items.end(), [&](const T& item) { return item.name == name; });
  return it == items.end() ? nullptr : &*it;
}

}  // namespace

const core::Environment* Config::FindEnvironment(std::string_view name) const {
  return FindByName(environments, name);
}
const PipelineConfig* Config::FindPipeline(std::string_view name) const {
  return FindByName(pipelines, name);
}
const TargetConfig* Config::FindTarget(std::string_view name) const {
  const TargetConfig* service = FindByName(catalog.services, name);
  return service ? service : FindByName(catalog.servers, name);
}
const ChannelConfig* Config::FindChannel(std::string_view name) const {
  return FindByName(notifications.channels, name);
}
const ReleaseTemplateConfig* Config::FindTemplate(std::string_view name) const {
  return FindByName(releases.templates, name);
}

using internal::NameIn;
std::string_view SeverityName(Severity severity) {
  return NameIn(internal::kSeverityNames, severity);
}
std::string_view StorageTypeName(StorageType type) {
  return NameIn(internal::kStorageTypeNames, type);
}
std::string_view MatchSourceName(const PipelineMatch& match) {
  struct Name {
    std::string_view operator()(const CodePipelineMatch&) const { return "codepipeline"; }
    std::string_view operator()(const GithubMatch&) const { return "github"; }
    std::string_view operator()(const GitlabMatch&) const { return "gitlab"; }
    std::string_view operator()(const GenericMatch&) const { return "generic"; }
  };
  return std::visit(Name{}, match);
}

std::string_view PipelineKindName(PipelineKind kind) {
  return NameIn(internal::kPipelineKindNames, kind);
}
std::string_view CheckTypeName(CheckType type) { return NameIn(internal::kCheckTypeNames, type); }
std::string_view TargetKindName(TargetKind kind) {
  return NameIn(internal::kTargetKindNames, kind);
}
std::string_view ExternalTypeName(ExternalType type) {
  return NameIn(internal::kExternalTypeNames, type);
}
std::string_view ChannelTypeName(ChannelType type) {
  return NameIn(internal::kChannelTypeNames, type);
}
std::string_view AuditSubjectName(AuditSubject subject) {
  return NameIn(internal::kAuditSubjectNames, subject);
}
std::string_view DocsFieldName(DocsField field) { return NameIn(internal::kDocsFieldNames, field); }
std::string_view PhaseName(Phase phase) { return NameIn(internal::kPhaseNames, phase); }
std::string_view WindowKindName(WindowKind kind) {
  return NameIn(internal::kWindowKindNames, kind);
}

}  // namespace opsdeck::config
