// A documentation gap: one thing the docs audit found missing (a required
// field, a broken link, AWS infrastructure nobody listed, a catalog entry
// whose AWS resource is gone). The audit (tickets/docs_audit) produces them;
// the Jira filer files one task per gap, keyed by `fingerprint`, never twice.
// Plain values.
#pragma once

#include <string>
#include <string_view>

#include "config/common.h"

namespace opsdeck::tickets {

enum class GapKind {
  kMissingField,          // a rule requires a field the item lacks
  kBrokenLink,            // a docs/runbook link that does not answer 2xx/3xx
  kUndocumentedResource,  // in the AWS export, not named by the catalog or pipelines
  kMissingResource,       // the catalog names an AWS identifier the export lacks
};
std::string_view GapKindName(GapKind kind);  // "missing_field", "broken_link", "undocumented_resource", "missing_resource"

struct Gap {
  // Stable across runs and restarts while the gap is the same gap, e.g.
  // "missing_field:service:api:production:runbook" or
  // "undocumented_resource:aws:ec2:instance:i-0abc". Never contains a secret.
  std::string fingerprint;
  GapKind kind = GapKind::kMissingField;
  std::string subject_kind;  // "service" | "server" | "pipeline" | "ec2-instance" | "rds-db" | ...
  std::string subject;       // item name, or the AWS resource id / ARN
  std::string environment;   // may be empty (AWS resources without an env tag)
  std::string detail;        // the field name, the broken URL and its status, ...
  config::Severity severity = config::Severity::kWarning;
  std::string summary;       // one line: the ticket summary
  std::string description;   // plain text: the ticket body (what, where, how to fix)
  bool operator==(const Gap&) const = default;
};

}  // namespace opsdeck::tickets
