// `docs_audit:` and `jira:` sections: which documentation every catalog item
// and pipeline must have, and where gaps are filed as tickets. Plain values,
// immutable once loaded; any thread may read them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/common.h"
#include "core/clock.h"
#include "core/secret.h"

namespace opsdeck::config {

using namespace std::chrono_literals;

enum class AuditSubject { kService, kServer, kPipeline };
std::string_view AuditSubjectName(AuditSubject subject);

// Fields a rule may require. Pipelines have only owner and docs.
enum class DocsField { kOwner, kDocs, kRunbook, kComponent, kTags };
std::string_view DocsFieldName(DocsField field);

struct DocsRuleConfig {
  std::vector<AuditSubject> kinds;        // non-empty
  std::vector<std::string> environments;  // empty = every environment
  std::vector<DocsField> require;         // non-empty
  Severity severity = Severity::kWarning;
};

struct DocsAuditConfig {
  core::Duration schedule = 6h;  // how often the audit runs
  bool check_links = true;       // GET every docs/runbook link
  std::vector<DocsRuleConfig> rules;
};

struct JiraConfig {
  std::string url;      // base URL, e.g. https://acme.atlassian.net
  int api_version = 3;  // 3: Cloud (email + API token); 2: Data Center (bearer token)
  std::string email;
  core::SecretString token;  // `token` or `token_file`
  std::string project;       // project key
  std::string issue_type = "Task";
  std::vector<std::string> labels;
};

}  // namespace opsdeck::config
