#include "tickets/filer_coverage.h"

#include <algorithm>
#include <optional>
#include <string>

#include "tickets/aws_resource.h"

namespace opsdeck::tickets {
namespace {

std::optional<AwsExportKind> DedicatedExport(std::string_view kind) {
  if (kind == kEc2Instance) return AwsExportKind::kEc2Instances;
  if (kind == kRdsDb) return AwsExportKind::kRdsInstances;
  if (kind == kLoadBalancer) return AwsExportKind::kLoadBalancers;
  if (kind == kLambdaFunction) return AwsExportKind::kLambdaFunctions;
  if (kind == kCodePipeline) return AwsExportKind::kCodePipelines;
  return std::nullopt;
}

// The AWS kind a missing-resource gap is about, from its fingerprint's last
// part "<field>=<value>" (tickets/aws_drift.cpp builds it): aws.instance_id
// names an EC2 instance, aws.id an RDS DB, a CodePipeline match a pipeline,
// an ARN whatever it says.
std::string MissingKind(const std::string& fingerprint) {
  const size_t colon = fingerprint.rfind(":aws.");
  const size_t match = fingerprint.rfind(":match.codepipeline.name=");
  if (match != std::string::npos && (colon == std::string::npos || match > colon)) {
    return std::string(kCodePipeline);
  }
  if (colon == std::string::npos) return {};
  const std::string_view rest = std::string_view(fingerprint).substr(colon + 1);
  if (rest.starts_with("aws.instance_id=")) return std::string(kEc2Instance);
  if (rest.starts_with("aws.id=")) return std::string(kRdsDb);
  if (rest.starts_with("aws.arn=")) {
    if (auto arn = ParseArn(rest.substr(std::string_view("aws.arn=").size()))) {
      return IdentifyArn(*arn).kind;
    }
  }
  return {};
}

}  // namespace

GapCoverage CoverageOf(const DocsAuditReport& report) {
  const bool links = report.links.checked;
  const bool aws = report.aws_checked;
  const std::vector<AwsExportKind> given = report.aws_kinds;
  auto has = [given](AwsExportKind k) {
    return std::find(given.begin(), given.end(), k) != given.end();
  };
  return [=](const store::GapRecord& g) {
    if (g.kind == GapKindName(GapKind::kMissingField)) return true;
    if (g.kind == GapKindName(GapKind::kBrokenLink)) return links;
    if (!aws) return false;
    if (g.kind == GapKindName(GapKind::kUndocumentedResource)) {
      const auto dedicated = DedicatedExport(g.subject_kind);
      return dedicated ? has(*dedicated) : has(AwsExportKind::kTaggedResources);
    }
    if (g.kind == GapKindName(GapKind::kMissingResource)) {
      const auto dedicated = DedicatedExport(MissingKind(g.fingerprint));
      return dedicated && has(*dedicated);
    }
    return false;
  };
}

}  // namespace opsdeck::tickets
