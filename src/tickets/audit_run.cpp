#include "tickets/audit_run.h"

#include <algorithm>
#include <cassert>
#include <set>

#include "tickets/aws_drift.h"

namespace opsdeck::tickets {

int DocsAuditReport::FailingGaps() const {
  return static_cast<int>(std::count_if(gaps.begin(), gaps.end(), FailsAudit));
}

DocsAuditReport RunDocsAudit(const config::Config& config, const DocsAuditInputs& inputs) {
  DocsAuditReport report;
  report.gaps = FindMissingFields(config);
  if (inputs.links != nullptr) {
    const std::vector<std::string> urls = CollectLinks(config);
    const LinkResults results = inputs.links->Check(urls);
    report.links.checked = true;
    report.links.urls = static_cast<int>(urls.size());
    for (const std::string& url : urls) {
      auto it = results.find(url);
      if (it != results.end() && !it->second.ok) ++report.links.broken;
    }
    for (Gap& gap : FindBrokenLinks(config, results)) report.gaps.push_back(std::move(gap));
  }
  if (inputs.aws != nullptr) {
    report.aws_checked = true;
    report.aws_files = inputs.aws->files;
    report.aws_kinds = inputs.aws->kinds;
    report.aws_resources = static_cast<int>(inputs.aws->resources.size());
    report.warnings = inputs.aws->warnings;
    for (Gap& gap : FindAwsDrift(config, *inputs.aws)) report.gaps.push_back(std::move(gap));
  }
  report.coverage = ComputeCoverage(config, report.gaps);
  SortGaps(config, &report.gaps);
#ifndef NDEBUG
  std::set<std::string> fingerprints;
  for (const Gap& gap : report.gaps) assert(fingerprints.insert(gap.fingerprint).second);
#endif
  return report;
}

}  // namespace opsdeck::tickets
