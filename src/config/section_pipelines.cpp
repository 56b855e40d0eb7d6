// Reader for `pipelines:`: name, environment, kind and exactly one match kind.
#include <map>

#include "config/internal/enum_tables.h"
#include "config/internal/sections.h"

namespace opsdeck::config::internal {
namespace {

constexpr std::string_view kMatchKinds[] = {"codepipeline", "github", "gitlab", "generic"};

// Reads the one match kind; `key` tells which. Returns a canonical text of the
// match for duplicate detection, or "" on error.
std::string ReadMatchKind(std::string_view key, MapReader& m, PipelineMatch* out) {
  std::string canonical(key);
  auto field = [&](std::string_view name, std::string* dst, Presence p) {
    bool ok = m.ReadName(name, dst, p);
    canonical += "|" + *dst;
    return ok || p == Presence::kOptional;
  };
  bool ok = true;
  if (key == "codepipeline") {
    CodePipelineMatch match;
    ok = field("name", &match.name, Presence::kRequired);
    field("region", &match.region, Presence::kOptional);
    field("account", &match.account, Presence::kOptional);
    *out = match;
  } else if (key == "github") {
    GithubMatch match;
    ok = field("repository", &match.repository, Presence::kRequired);
    if (ok && match.repository.find('/') == std::string::npos) {
      auto repository = m.Get("repository");
      repository->Error("expected OWNER/NAME, got " + repository->Quoted());
      ok = false;
    }
    field("workflow", &match.workflow, Presence::kOptional);
    field("branch", &match.branch, Presence::kOptional);
    *out = match;
  } else if (key == "gitlab") {
    GitlabMatch match;
    ok = field("project", &match.project, Presence::kRequired);
    field("ref", &match.ref, Presence::kOptional);
    *out = match;
  } else {
    GenericMatch match;
    ok = field("pipeline", &match.pipeline, Presence::kRequired);
    *out = match;
  }
  m.Finish();
  return ok ? canonical : std::string();
}

// `match:` holds exactly one of kMatchKinds.
std::string ReadMatch(const Value& value, PipelineMatch* out) {
  auto map = value.AsMap();
  if (!map) return {};
  std::vector<Value> given;
  std::string given_key;
  for (std::string_view key : kMatchKinds) {
    if (auto kind = map->Get(key)) {
      given.push_back(*kind);
      given_key = key;
    }
  }
  bool all_known = map->Finish();
  if (given.empty() && all_known) {
    value.Error("match needs one of codepipeline, github, gitlab, generic");
    return {};
  }
  if (given.empty()) return {};
  if (given.size() > 1) {
    value.Error("match takes exactly one of codepipeline, github, gitlab, generic; found " +
                std::to_string(given.size()));
    return {};
  }
  auto kind_map = given.front().AsMap();
  if (!kind_map) return {};
  return ReadMatchKind(given_key, *kind_map, out);
}

}  // namespace

void ReadPipelines(const Value& value, std::vector<PipelineConfig>* out) {
  auto items = value.AsList();
  if (!items) return;
  std::map<std::string, std::string> seen_matches;  // canonical match -> pipeline name
  for (const Value& item : *items) {
    auto map = item.AsMap();
    if (!map) continue;
    PipelineConfig pipeline;
    ReadDeclaredName(*map, kPipeline, &pipeline.name);
    ReadReference(*map, "environment", kEnvironment, &pipeline.environment, Presence::kRequired);
    map->ReadEnum("kind", kPipelineKindNames, &pipeline.kind, Presence::kRequired);
    map->ReadName("owner", &pipeline.owner);
    map->ReadUrl("docs", &pipeline.docs);
    if (auto match = map->Get("match", Presence::kRequired)) {
      std::string canonical = ReadMatch(*match, &pipeline.match);
      if (!canonical.empty()) {
        auto [it, inserted] = seen_matches.emplace(canonical, pipeline.name);
        if (!inserted)
          match->Error("same match as pipeline '" + it->second + "'; events would be ambiguous");
      }
    }
    map->Finish();
    out->push_back(std::move(pipeline));
  }
}

}  // namespace opsdeck::config::internal
