#include "tickets/aws_drift.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "core/glob.h"

namespace opsdeck::tickets {
namespace {

// One AWS identifier the config names.
struct CatalogRef {
  std::string item_kind;  // service | server | pipeline
  std::string item_name;
  std::string environment;
  std::string section;  // catalog.services | catalog.servers | pipelines
  std::string field;    // aws.arn | aws.instance_id | aws.id | match.codepipeline.name
  std::string value;    // as written
  std::string kind;     // the resource kind it names
  std::string id;       // a glob for pipelines
  std::string arn;
  std::string region;   // empty: any
  std::string account;  // empty: any
  bool globs = false;
};

void AddTargetRefs(const std::vector<config::TargetConfig>& targets, std::vector<CatalogRef>* out) {
  for (const auto& t : targets) {
    if (!t.aws) continue;
    const bool service = t.kind == config::TargetKind::kService;
    CatalogRef base;
    base.item_kind = service ? "service" : "server";
    base.item_name = t.name;
    base.environment = t.environment;
    base.section = service ? "catalog.services" : "catalog.servers";
    base.region = t.aws->region;
    base.account = t.aws->account;
    if (!t.aws->arn.empty()) {
      CatalogRef ref = base;
      ref.field = "aws.arn";
      ref.value = t.aws->arn;
      if (auto arn = ParseArn(t.aws->arn)) {
        const ArnIdentity identity = IdentifyArn(*arn);
        ref.kind = identity.kind;
        ref.id = identity.id;
        ref.arn = identity.arn;
        if (!arn->region.empty()) ref.region = arn->region;
        if (!arn->account.empty()) ref.account = arn->account;
        out->push_back(std::move(ref));
      }
    }
    if (!t.aws->instance_id.empty()) {
      CatalogRef ref = base;
      ref.field = "aws.instance_id";
      ref.value = ref.id = t.aws->instance_id;
      ref.kind = std::string(kEc2Instance);
      out->push_back(std::move(ref));
    }
    if (!t.aws->id.empty()) {
      CatalogRef ref = base;
      ref.field = "aws.id";
      ref.value = ref.id = t.aws->id;
      ref.kind = std::string(kRdsDb);
      out->push_back(std::move(ref));
    }
  }
}

std::vector<CatalogRef> CatalogRefs(const config::Config& config) {
  std::vector<CatalogRef> refs;
  AddTargetRefs(config.catalog.services, &refs);
  AddTargetRefs(config.catalog.servers, &refs);
  for (const auto& p : config.pipelines) {
    const auto* match = std::get_if<config::CodePipelineMatch>(&p.match);
    if (match == nullptr) continue;
    CatalogRef ref;
    ref.item_kind = "pipeline";
    ref.item_name = p.name;
    ref.environment = p.environment;
    ref.section = "pipelines";
    ref.field = "match.codepipeline.name";
    ref.value = ref.id = match->name;
    ref.kind = std::string(kCodePipeline);
    ref.region = match->region;
    ref.account = match->account;
    ref.globs = true;
    refs.push_back(std::move(ref));
  }
  return refs;
}

bool FieldMatches(const CatalogRef& ref, const std::string& pattern, const std::string& value) {
  if (pattern.empty() || value.empty()) return true;  // unknown on either side: no contradiction
  return ref.globs ? core::GlobMatch(pattern, value) : pattern == value;
}

bool Names(const CatalogRef& ref, const AwsResource& r) {
  if (ref.kind != r.kind) return false;
  if (!ref.arn.empty() && !r.arn.empty()) return ref.arn == r.arn;
  const bool id = ref.globs ? core::GlobMatch(ref.id, r.id) : ref.id == r.id;
  return id && FieldMatches(ref, ref.region, r.region) && FieldMatches(ref, ref.account, r.account);
}

std::optional<AwsExportKind> ExportOf(const std::string& kind) {
  if (kind == kEc2Instance) return AwsExportKind::kEc2Instances;
  if (kind == kRdsDb) return AwsExportKind::kRdsInstances;
  if (kind == kLoadBalancer) return AwsExportKind::kLoadBalancers;
  if (kind == kLambdaFunction) return AwsExportKind::kLambdaFunctions;
  if (kind == kCodePipeline) return AwsExportKind::kCodePipelines;
  return std::nullopt;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The config environment an `Environment` (or `env`) tag names, if any.
std::string EnvironmentOf(const config::Config& config, const AwsResource& r) {
  std::string tag = TagValue(r.tags, "Environment");
  if (tag.empty()) tag = TagValue(r.tags, "env");
  for (const auto& env : config.environments) {
    if (!tag.empty() && EqualsIgnoreCase(env.name, tag)) return env.name;
  }
  return {};
}

std::string CatalogHint(const AwsResource& r) {
  if (r.kind == kEc2Instance) return "a catalog.servers entry with\n  aws: {instance_id: " + r.id + "}";
  if (r.kind == kRdsDb) return "a catalog.services or catalog.servers entry with\n  aws: {id: " + r.id + "}";
  if (r.kind == kCodePipeline)
    return "a pipelines entry with\n  match: {codepipeline: {name: " + r.id + "}}";
  if (!r.arn.empty())
    return "a catalog.services or catalog.servers entry with\n  aws: {arn: \"" + r.arn + "\"}";
  return "a catalog.services or catalog.servers entry naming it under aws:";
}

Gap UndocumentedGap(const config::Config& config, const AwsResource& r) {
  Gap gap;
  gap.kind = GapKind::kUndocumentedResource;
  gap.fingerprint = std::string(GapKindName(gap.kind)) + ":aws:" + ResourceKey(r);
  gap.subject_kind = r.kind;
  gap.subject = r.id;
  gap.environment = EnvironmentOf(config, r);
  gap.detail = r.arn.empty() ? r.id : r.arn;
  gap.severity = config::Severity::kWarning;
  const std::string label = "AWS " + r.kind + " " + r.id +
                            (r.name.empty() || r.name == r.id ? "" : " (" + r.name + ")");
  gap.summary = "Document " + label + " in the opsdeck catalog";
  std::string facts;
  if (!r.arn.empty()) facts += "\n- ARN: " + r.arn;
  facts += "\n- Name tag: " + (TagValue(r.tags, "Name").empty() ? "none" : TagValue(r.tags, "Name"));
  if (!r.region.empty()) facts += "\n- region: " + r.region;
  if (!r.account.empty()) facts += "\n- account: " + r.account;
  if (!gap.environment.empty()) facts += "\n- environment (from its tag): " + gap.environment;
  // The file's name only: a local path means nothing in a ticket.
  const std::string file = std::filesystem::path(r.source).filename().string();
  gap.description = label + " exists in AWS (export " + file +
                    ") but no catalog entry or pipeline of the opsdeck config names it:" + facts +
                    "\n\nTo fix: add it to the opsdeck config, e.g. " + CatalogHint(r) +
                    "\nwith its owner, docs and runbook; or remove it from AWS if nobody needs "
                    "it.\n\nFound by the opsdeck documentation audit. Gap: " + gap.fingerprint;
  return gap;
}

Gap MissingGap(const CatalogRef& ref, AwsExportKind export_kind) {
  Gap gap;
  gap.kind = GapKind::kMissingResource;
  gap.fingerprint = std::string(GapKindName(gap.kind)) + ":" + ref.item_kind + ":" + ref.item_name +
                    ":" + ref.environment + ":" + ref.field + "=" + ref.value;
  gap.subject_kind = ref.item_kind;
  gap.subject = ref.item_name;
  gap.environment = ref.environment;
  gap.detail = ref.field + " " + ref.value;
  gap.severity = config::Severity::kWarning;
  const std::string item = ref.item_kind + " " + ref.item_name + " (" + ref.environment + ")";
  gap.summary = "Fix the AWS identifier of " + item + ": " + ref.value + " not found";
  std::string scope;
  if (!ref.region.empty()) scope += " in region " + ref.region;
  if (!ref.account.empty()) scope += " of account " + ref.account;
  gap.description =
      "The entry named " + ref.item_name + " under " + ref.section + " names the AWS " + ref.kind +
      " " + ref.value + scope + " (`" + ref.field + "`), but the " +
      std::string(AwsExportCommand(export_kind)) + " export does not contain it." +
      "\n\nTo fix: if the resource was removed or replaced, update or remove `" + ref.field +
      "` in the opsdeck config; if it lives in another region or account, pass that export "
      "too.\n\nFound by the opsdeck documentation audit. Gap: " + gap.fingerprint;
  return gap;
}

}  // namespace

std::vector<Gap> FindAwsDrift(const config::Config& config, const AwsInventory& inventory) {
  const std::vector<CatalogRef> refs = CatalogRefs(config);
  std::vector<Gap> gaps;
  std::map<std::string, std::set<std::string>> regions, accounts;  // seen per resource kind
  for (const AwsResource& r : inventory.resources) {
    if (!r.region.empty()) regions[r.kind].insert(r.region);
    if (!r.account.empty()) accounts[r.kind].insert(r.account);
    const bool named = std::any_of(refs.begin(), refs.end(),
                                   [&](const CatalogRef& ref) { return Names(ref, r); });
    if (!named) gaps.push_back(UndocumentedGap(config, r));
  }
  // An export is evidence of absence only for its own kind, when whole, and
  // for the regions and accounts it covers.
  auto covers = [](const std::map<std::string, std::set<std::string>>& seen,
                   const CatalogRef& ref, const std::string& value) {
    if (value.empty() || ref.globs) return true;
    auto it = seen.find(ref.kind);
    return it == seen.end() || it->second.contains(value);
  };
  std::set<std::string> reported;
  for (const CatalogRef& ref : refs) {
    const auto export_kind = ExportOf(ref.kind);
    if (!export_kind || std::find(inventory.complete_kinds.begin(), inventory.complete_kinds.end(),
                                  *export_kind) == inventory.complete_kinds.end())
      continue;
    if (!covers(regions, ref, ref.region) || !covers(accounts, ref, ref.account)) continue;
    const bool found = std::any_of(inventory.resources.begin(), inventory.resources.end(),
                                   [&](const AwsResource& r) { return Names(ref, r); });
    if (found) continue;
    Gap gap = MissingGap(ref, *export_kind);
    if (reported.insert(gap.fingerprint).second) gaps.push_back(std::move(gap));
  }
  return gaps;
}

}  // namespace opsdeck::tickets
