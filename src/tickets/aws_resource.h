// An AWS resource as the docs audit sees it (kind, id, ARN, name, tags,
// region, account), whichever `aws` CLI export it came from, and the ARN
// parsing that gives kind, id, region and account. Plain values and pure
// functions; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace opsdeck::tickets {

// The kinds the dedicated exports produce. Resources that only a tagging
// export names get "<service>-<type>" from their ARN ("ec2-volume",
// "sns-topic", "s3-bucket").
inline constexpr std::string_view kEc2Instance = "ec2-instance";
inline constexpr std::string_view kRdsDb = "rds-db";
inline constexpr std::string_view kLoadBalancer = "elbv2-load-balancer";
inline constexpr std::string_view kLambdaFunction = "lambda-function";
inline constexpr std::string_view kCodePipeline = "codepipeline-pipeline";

using TagList = std::vector<std::pair<std::string, std::string>>;  // (key, value), sorted by key

struct AwsResource {
  std::string kind;
  // What the catalog's `aws:` names it by: the instance id (i-...), the RDS
  // DB instance identifier, the load balancer's, function's or pipeline's
  // name; for other kinds the resource part of the ARN after its type.
  std::string id;
  std::string arn;  // empty when the export has none (describe-instances, list-pipelines)
  std::string name;  // the Name tag, else the resource's own name; may be empty
  TagList tags;
  std::string region;   // empty when unknown
  std::string account;  // empty when unknown
  std::string source;   // the file it was first read from
  bool operator==(const AwsResource&) const = default;
};

// What identifies a resource across exports: the ARN, except for EC2
// instances and CodePipeline pipelines, whose dedicated exports carry no ARN
// (their id is unique enough: instance ids are, pipeline names are per
// account and region). "ec2-instance:i-0abc",
// "rds-db:arn:aws:rds:eu-central-1:123456789012:db:orders".
std::string ResourceKey(const AwsResource& resource);

struct Arn {
  std::string partition;  // aws, aws-cn, aws-us-gov
  std::string service;    // ec2, rds, elasticloadbalancing, lambda, ...
  std::string region;
  std::string account;
  std::string resource;  // everything after the account: "instance/i-0abc", "db:orders"
};

// nullopt unless the text is arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE
// with non-empty partition, service and resource.
std::optional<Arn> ParseArn(std::string_view text);

// The audit's kind and id for an ARN, and the ARN in the form the dedicated
// export prints (a Lambda function's version or alias qualifier dropped).
struct ArnIdentity {
  std::string kind;
  std::string id;
  std::string arn;
};
ArnIdentity IdentifyArn(const Arn& arn);

// The region of an availability zone ("eu-central-1a" -> "eu-central-1");
// empty for zones of another form (Local Zones such as "us-west-2-lax-1a").
std::string RegionOfZone(std::string_view zone);

// The value of the first tag whose key equals `key` ignoring ASCII case.
std::string TagValue(const TagList& tags, std::string_view key);

}  // namespace opsdeck::tickets
