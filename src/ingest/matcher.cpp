#include "ingest/matcher.h"

#include <boost/json.hpp>

#include <utility>

#include "core/glob.h"

namespace opsdeck::ingest {
namespace {

bool Field(const std::string& pattern, const std::string& value) {
  return pattern.empty() || core::GlobMatch(pattern, value);
}

struct RuleMatches {
  const core::RunEvent& ev;

  bool operator()(const config::GithubMatch& m) const {
    return ev.source == core::SourceKind::kGithub && Field(m.repository, ev.keys.repository) &&
           Field(m.workflow, ev.keys.workflow) && Field(m.branch, ev.keys.branch);
  }
  bool operator()(const config::GitlabMatch& m) const {
    return ev.source == core::SourceKind::kGitlab && Field(m.project, ev.keys.project) &&
           Field(m.ref, ev.keys.branch);
  }
  bool operator()(const config::CodePipelineMatch& m) const {
    return ev.source == core::SourceKind::kCodePipeline && Field(m.name, ev.keys.codepipeline) &&
           Field(m.region, ev.keys.region) && Field(m.account, ev.keys.account);
  }
  bool operator()(const config::GenericMatch& m) const {
    return ev.source == core::SourceKind::kGeneric && Field(m.pipeline, ev.keys.pipeline);
  }
};

// The keys a rule of the event's source looks at, in rule order.
std::vector<std::pair<const char*, const std::string*>> KeysOf(const core::RunEvent& ev) {
  switch (ev.source) {
    case core::SourceKind::kGithub:
      return {{"repository", &ev.keys.repository}, {"workflow", &ev.keys.workflow},
              {"branch", &ev.keys.branch}};
    case core::SourceKind::kGitlab:
      return {{"project", &ev.keys.project}, {"ref", &ev.keys.branch}};
    case core::SourceKind::kCodePipeline:
      return {{"name", &ev.keys.codepipeline}, {"region", &ev.keys.region},
              {"account", &ev.keys.account}};
    case core::SourceKind::kGeneric:
      return {{"pipeline", &ev.keys.pipeline}};
  }
  return {};
}

}  // namespace

PipelineMatcher::PipelineMatcher(std::vector<config::PipelineConfig> pipelines)
    : pipelines_(std::move(pipelines)) {}

MatchResult PipelineMatcher::Match(const core::RunEvent& event) const {
  MatchResult out;
  for (const auto& p : pipelines_) {
    if (std::visit(RuleMatches{event}, p.match)) {
      out.binding = core::PipelineBinding{p.name, p.environment,
                                          p.kind == config::PipelineKind::kDeploy};
      return out;
    }
  }
  boost::json::object summary;
  std::string described;
  for (const auto& [name, value] : KeysOf(event)) {
    summary[name] = *value;
    if (!described.empty()) described += ' ';
    described += name;
    described += '=';
    described += value->empty() ? std::string("(none)") : *value;
  }
  out.reason = "no pipeline matches " + std::string(core::SourceKindName(event.source)) + " " +
               described;
  out.summary_json = boost::json::serialize(summary);
  return out;
}

}  // namespace opsdeck::ingest
