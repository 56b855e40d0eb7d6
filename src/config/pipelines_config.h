// `pipelines:` section: rules binding incoming CI/CD events to a named
// pipeline and its environment. Plain values, immutable once loaded; any
// thread may read them.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace opsdeck::config {

// A successful run of a deploy pipeline records a deployment; a build
// pipeline's does not.
enum class PipelineKind { kDeploy, kBuild };
std::string_view PipelineKindName(PipelineKind kind);

// In every match kind an empty field means "any"; fields may hold `*` globs
// (matching is ingest's job, the config keeps them as written).
struct CodePipelineMatch {
  std::string name;  // required
  std::string region;
  std::string account;
};

struct GithubMatch {
  std::string repository;  // "owner/name", required
  std::string workflow;    // workflow name
  std::string branch;      // head branch
};

struct GitlabMatch {
  std::string project;  // path with namespace, required
  std::string ref;
};

struct GenericMatch {
  std::string pipeline;  // the `pipeline` field of a generic event, required
};

using PipelineMatch = std::variant<CodePipelineMatch, GithubMatch, GitlabMatch, GenericMatch>;

// The source a match rule listens to: "github", "gitlab", "codepipeline" or
// "generic" (core::SourceKindName's names).
std::string_view MatchSourceName(const PipelineMatch& match);

struct PipelineConfig {
  std::string name;
  std::string environment;  // an existing environment name
  PipelineKind kind = PipelineKind::kDeploy;
  std::string owner;
  std::string docs;  // URL
  PipelineMatch match;
};

}  // namespace opsdeck::config
