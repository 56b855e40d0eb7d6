#include "tickets/audit_report.h"

#include <boost/json.hpp>
#include <cmath>

namespace opsdeck::tickets {
namespace {

namespace json = boost::json;

constexpr GapKind kGapKinds[] = {GapKind::kMissingField, GapKind::kBrokenLink,
                                 GapKind::kUndocumentedResource, GapKind::kMissingResource};

std::string_view GapKindTitle(GapKind kind) {
  switch (kind) {
    case GapKind::kMissingField:
      return "Missing fields";
    case GapKind::kBrokenLink:
      return "Broken links";
    case GapKind::kUndocumentedResource:
      return "Undocumented AWS resources";
    case GapKind::kMissingResource:
      return "Catalog entries missing from AWS";
  }
  return "";
}

// A whole percent: the exact figures are beside it, and Boost.JSON would
// print 33.3 as 3.33E1.
json::value Percent(const Coverage& c) {
  if (c.items == 0) return nullptr;
  return static_cast<int64_t>(std::lround(100.0 * c.documented / c.items));
}

json::object CoverageJson(const Coverage& c) {
  return {{"items", c.items}, {"documented", c.documented}, {"percent", Percent(c)}};
}

// Names come from the config and from AWS tags: keep the terminal's
// control sequences out.
std::string Printable(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

std::string Fraction(const Coverage& c) {
  return std::to_string(c.documented) + "/" + std::to_string(c.items);
}

}  // namespace

json::object GapJson(const Gap& gap) {
  json::object o;
  o["fingerprint"] = gap.fingerprint;
  o["kind"] = GapKindName(gap.kind);
  o["subject_kind"] = gap.subject_kind;
  o["subject"] = gap.subject;
  if (gap.environment.empty()) {
    o["environment"] = nullptr;
  } else {
    o["environment"] = gap.environment;
  }
  o["detail"] = gap.detail;
  o["severity"] = config::SeverityName(gap.severity);
  o["fails"] = FailsAudit(gap);
  o["summary"] = gap.summary;
  o["description"] = gap.description;
  return o;
}

json::object ReportJson(const DocsAuditReport& report) {
  json::object out;
  out["result"] = report.Passed() ? "pass" : "fail";
  out["fail_on"] = config::SeverityName(kFailingSeverity);
  out["failing_gaps"] = report.FailingGaps();
  json::object coverage;
  coverage["overall"] = CoverageJson(report.coverage.overall);
  json::object envs, kinds;
  for (const auto& [name, c] : report.coverage.by_environment) envs[name] = CoverageJson(c);
  for (const auto& [name, c] : report.coverage.by_kind) kinds[name] = CoverageJson(c);
  coverage["environments"] = std::move(envs);
  coverage["kinds"] = std::move(kinds);
  out["coverage"] = std::move(coverage);
  json::object counts;
  for (GapKind kind : kGapKinds) counts[GapKindName(kind)] = 0;
  json::array gaps;
  for (const Gap& gap : report.gaps) {
    counts[GapKindName(gap.kind)] = counts[GapKindName(gap.kind)].as_int64() + 1;
    gaps.push_back(GapJson(gap));
  }
  out["counts"] = std::move(counts);
  out["gaps"] = std::move(gaps);
  out["links"] = {{"checked", report.links.checked},
                  {"urls", report.links.urls},
                  {"broken", report.links.broken}};
  if (report.aws_checked) {
    json::array files, exports;
    for (const auto& f : report.aws_files) files.push_back(json::string(f));
    for (AwsExportKind k : report.aws_kinds) exports.push_back(json::string(AwsExportCommand(k)));
    out["aws"] = {{"files", std::move(files)},
                  {"exports", std::move(exports)},
                  {"resources", report.aws_resources}};
  } else {
    out["aws"] = nullptr;
  }
  json::array warnings;
  for (const auto& w : report.warnings) warnings.push_back(json::string(w));
  out["warnings"] = std::move(warnings);
  return out;
}

std::string ReportText(const DocsAuditReport& report) {
  const CoverageReport& cov = report.coverage;
  std::string out = "Documentation coverage: " + std::to_string(cov.overall.documented) + " of " +
                    std::to_string(cov.overall.items) + " items fully documented";
  if (cov.overall.items > 0) {
    out += " (" + std::to_string(static_cast<int>(std::lround(100.0 * cov.overall.documented /
                                                              cov.overall.items))) + "%)";
  }
  out += "\n  by environment:";
  for (size_t i = 0; i < cov.by_environment.size(); ++i) {
    out += (i == 0 ? " " : ", ") + Printable(cov.by_environment[i].first) + " " +
           Fraction(cov.by_environment[i].second);
  }
  out += "\n  by kind:";
  for (size_t i = 0; i < cov.by_kind.size(); ++i)
    out += (i == 0 ? " " : ", ") + cov.by_kind[i].first + " " + Fraction(cov.by_kind[i].second);
  out += "\nLinks: ";
  out += report.links.checked ? std::to_string(report.links.urls) + " checked, " +
                                    std::to_string(report.links.broken) + " broken"
                              : std::string("not checked");
  out += "\nAWS: ";
  if (report.aws_checked) {
    out += std::to_string(report.aws_resources) + " resources from";
    for (size_t i = 0; i < report.aws_kinds.size(); ++i)
      out += (i == 0 ? " " : ", ") + std::string(AwsExportCommand(report.aws_kinds[i]));
    if (report.aws_kinds.empty()) out += " no export";
  } else {
    out += "no exports given";
  }
  out += "\n";
  for (const std::string& w : report.warnings) out += "warning: " + Printable(w) + "\n";

  for (GapKind kind : kGapKinds) {
    std::vector<const Gap*> of_kind;
    for (const Gap& gap : report.gaps) {
      if (gap.kind == kind) of_kind.push_back(&gap);
    }
    if (of_kind.empty()) continue;
    out += "\n" + std::string(GapKindTitle(kind)) + " (" + std::to_string(of_kind.size()) + ")\n";
    const std::string* env = nullptr;
    for (const Gap* gap : of_kind) {
      if (env == nullptr || *env != gap->environment) {
        env = &gap->environment;
        out += "  " + (env->empty() ? std::string("no environment") : Printable(*env)) + "\n";
      }
      std::string severity(config::SeverityName(gap->severity));
      severity.resize(10, ' ');
      out += "    " + severity + Printable(gap->summary) + "\n";
      if (kind != GapKind::kMissingField)
        out += "              " + Printable(gap->detail) + "\n";
    }
  }
  const int failing = report.FailingGaps();
  const std::string threshold(config::SeverityName(kFailingSeverity));
  out += "\n";
  if (failing > 0) {
    out += "FAIL: " + std::to_string(report.gaps.size()) + " gap(s), " + std::to_string(failing) +
           " at " + threshold + " or above\n";
  } else if (report.gaps.empty()) {
    out += "PASS: no gaps\n";
  } else {
    out += "PASS: " + std::to_string(report.gaps.size()) + " gap(s), none at " + threshold +
           " or above\n";
  }
  return out;
}

}  // namespace opsdeck::tickets
