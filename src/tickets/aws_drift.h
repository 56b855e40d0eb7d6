// Drift between the catalog and AWS: resources in the `aws` exports that no
// catalog entry (`aws:` arn, instance_id, id) or CodePipeline pipeline match
// names ("undocumented infrastructure"), and catalog identifiers that a
// complete export of their kind does not contain. Pure; thread-safe.
#pragma once

#include <vector>

#include "config/config.h"
#include "tickets/aws_import.h"
#include "tickets/gap.h"

namespace opsdeck::tickets {

// How a catalog `aws:` field or a pipeline's codepipeline match names AWS.
//   arn          -> the kind and id in the ARN (and its region, account)
//   instance_id  -> ec2-instance
//   id           -> rds-db (the RDS DB instance identifier)
//   pipelines[].match.codepipeline {name, region, account} -> codepipeline-pipeline (globs)
std::vector<Gap> FindAwsDrift(const config::Config& config, const AwsInventory& inventory);

}  // namespace opsdeck::tickets
