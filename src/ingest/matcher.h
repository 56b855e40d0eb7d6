// PipelineMatcher: binds a parsed run event to the config pipeline whose match
// rule it satisfies (pipelines[].match). Rules are tried in config order and
// the first that matches wins, so a specific rule placed before a catch-all
// ("branch: '*'") takes precedence. In a rule an empty field means "any" and
// fields may hold globs (`*` any run of characters, `?` one character);
// comparison is exact otherwise (case-sensitive, as GitHub and GitLab names
// are case-sensitive in URLs). A rule only matches events of its own source.
// Built once per config snapshot; immutable, so Match() is thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/pipelines_config.h"
#include "core/run.h"
#include "core/run_tracker.h"

namespace opsdeck::ingest {

struct MatchResult {
  std::optional<core::PipelineBinding> binding;  // set when a pipeline matched
  std::string reason;        // when none did: what the event looked like
  std::string summary_json;  // the match keys of the event, as a JSON object
};

class PipelineMatcher {
 public:
  explicit PipelineMatcher(std::vector<config::PipelineConfig> pipelines);

  MatchResult Match(const core::RunEvent& event) const;

 private:
  std::vector<config::PipelineConfig> pipelines_;
};

}  // namespace opsdeck::ingest
