// Internal to config/: the spelling of every config enum, shared by the
// parsers and the *Name() functions. Constant data; thread-safe.
#pragma once

#include "config/config.h"
#include "config/internal/node_reader.h"

namespace opsdeck::config::internal {

inline constexpr EnumName<Role> kRoleNames[] = {{"viewer", Role::kViewer},
                                                {"release-manager", Role::kReleaseManager},
                                                {"devops", Role::kDevops},
                                                {"admin", Role::kAdmin}};
inline constexpr EnumName<Role> kChecklistRoleNames[] = {{"release-manager", Role::kReleaseManager},
                                                         {"devops", Role::kDevops}};
inline constexpr EnumName<Severity> kSeverityNames[] = {
    {"info", Severity::kInfo}, {"warning", Severity::kWarning}, {"critical", Severity::kCritical}};
inline constexpr EnumName<StorageType> kStorageTypeNames[] = {{"sqlite", StorageType::kSqlite},
                                                              {"postgres", StorageType::kPostgres}};
inline constexpr EnumName<PipelineKind> kPipelineKindNames[] = {{"deploy", PipelineKind::kDeploy},
                                                                {"build", PipelineKind::kBuild}};
inline constexpr EnumName<CheckType> kCheckTypeNames[] = {{"http", CheckType::kHttp},
                                                          {"tcp", CheckType::kTcp},
                                                          {"tls", CheckType::kTls},
                                                          {"dns", CheckType::kDns},
                                                          {"heartbeat", CheckType::kHeartbeat}};
inline constexpr EnumName<TargetKind> kTargetKindNames[] = {{"service", TargetKind::kService},
                                                            {"server", TargetKind::kServer}};
inline constexpr EnumName<ExternalType> kExternalTypeNames[] = {
    {"cloudwatch", ExternalType::kCloudwatch}, {"alertmanager", ExternalType::kAlertmanager}};
inline constexpr EnumName<ChannelType> kChannelTypeNames[] = {{"discord", ChannelType::kDiscord},
                                                              {"slack", ChannelType::kSlack},
                                                              {"webhook", ChannelType::kWebhook}};
inline constexpr EnumName<AuditSubject> kAuditSubjectNames[] = {
    {"service", AuditSubject::kService},
    {"server", AuditSubject::kServer},
    {"pipeline", AuditSubject::kPipeline}};
inline constexpr EnumName<DocsField> kDocsFieldNames[] = {{"owner", DocsField::kOwner},
                                                          {"docs", DocsField::kDocs},
                                                          {"runbook", DocsField::kRunbook},
                                                          {"component", DocsField::kComponent},
                                                          {"tags", DocsField::kTags}};
inline constexpr EnumName<Phase> kPhaseNames[] = {
    {"prepare", Phase::kPrepare},   {"go-no-go", Phase::kGoNoGo},
    {"deploy", Phase::kDeploy},     {"verify", Phase::kVerify},
    {"rollback", Phase::kRollback}, {"communicate", Phase::kCommunicate}};
inline constexpr EnumName<WindowKind> kWindowKindNames[] = {{"allow", WindowKind::kAllow},
                                                            {"deny", WindowKind::kDeny}};

template <typename E, size_t N>
std::string_view NameIn(const EnumName<E> (&table)[N], E value) {
  for (const auto& entry : table) {
    if (entry.value == value) return entry.name;
  }
  return "?";
}

}  // namespace opsdeck::config::internal
