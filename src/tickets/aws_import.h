// Reads the JSON that `aws` CLI commands print (--output json, the default)
// into AwsResources for the drift check: ec2 describe-instances, rds
// describe-db-instances, elbv2 describe-load-balancers, lambda
// list-functions, resourcegroupstaggingapi get-resources and codepipeline
// list-pipelines. The kind of each document is told by its top-level key; a
// file may hold several documents (pages appended one after another).
// All-or-nothing: any bad file fails the whole import, naming the file.
// Pure functions except ImportAwsFiles (reads files); thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "tickets/aws_resource.h"

namespace opsdeck::tickets {

enum class AwsExportKind {
  kEc2Instances,      // {"Reservations": [{"OwnerId", "Instances": [...]}]}
  kRdsInstances,      // {"DBInstances": [...]}
  kLoadBalancers,     // {"LoadBalancers": [...]}
  kLambdaFunctions,   // {"Functions": [...]}
  kTaggedResources,   // {"ResourceTagMappingList": [...]}
  kCodePipelines,     // {"pipelines": [...]}
};
// The command that prints it: "aws ec2 describe-instances", ...
std::string_view AwsExportCommand(AwsExportKind kind);

// One JSON document of an export: a whole output, or one page of it.
struct AwsExportPage {
  AwsExportKind kind = AwsExportKind::kEc2Instances;
  // A pagination token was present (NextToken with --max-items; the API's
  // own NextToken, nextToken, Marker, NextMarker or PaginationToken with
  // --no-paginate): more pages follow this one.
  bool more_pages = false;
  std::vector<AwsResource> resources;
};

// Parses one file's text. `file_name` is used in errors and as each
// resource's source. Errors (kInvalidArgument, `where` = file name): not
// UTF-8 JSON, truncated, an unknown document shape, a resource without its
// identifying field.
core::Result<std::vector<AwsExportPage>> ParseAwsExport(std::string_view text,
                                                        const std::string& file_name);

// Everything the given exports say, merged.
struct AwsInventory {
  std::vector<std::string> files;
  // One resource per ResourceKey, sorted by it; a resource in several
  // exports (EC2 instances in describe-instances and get-resources) has the
  // union of their fields and tags.
  std::vector<AwsResource> resources;
  std::vector<AwsExportKind> kinds;  // every kind given, sorted
  // Kinds whose export looks whole: its last page (one without a token) is
  // there. Only these can show that a catalog identifier is absent; the
  // tagging export never can (GetResources lists tagged resources only).
  std::vector<AwsExportKind> complete_kinds;
  std::vector<std::string> warnings;  // e.g. "later pages seem missing"
};

struct AwsExportFile {
  std::string name;
  std::vector<AwsExportPage> pages;
};
AwsInventory MergeAwsExports(const std::vector<AwsExportFile>& files);

// Reads, parses and merges the files (a path may be a pipe, e.g. bash's
// `<(aws ec2 describe-instances)`). The first unreadable or bad file is the
// error and nothing is imported.
inline constexpr size_t kMaxAwsExportBytes = 256u << 20;
core::Result<AwsInventory> ImportAwsFiles(const std::vector<std::string>& paths);

}  // namespace opsdeck::tickets
