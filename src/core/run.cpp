#include "core/run.h"

namespace opsdeck::core {

std::string_view RunStatusName(RunStatus s) {
  switch (s) {
    case RunStatus::kQueued: return "queued";
    case RunStatus::kRunning: return "running";
    case RunStatus::kSucceeded: return "succeeded";
    case RunStatus::kFailed: return "failed";
    case RunStatus::kCanceled: return "canceled";
    case RunStatus::kSuperseded: return "superseded";
  }
  return "queued";
}

std::optional<RunStatus> ParseRunStatus(std::string_view name) {
  if (name == "queued") return RunStatus::kQueued;
  if (name == "running") return RunStatus::kRunning;
  if (name == "succeeded") return RunStatus::kSucceeded;
  if (name == "failed") return RunStatus::kFailed;
  if (name == "canceled") return RunStatus::kCanceled;
  if (name == "superseded") return RunStatus::kSuperseded;
  return std::nullopt;
}

bool IsTerminal(RunStatus s) {
  switch (s) {
    case RunStatus::kQueued:
    case RunStatus::kRunning:
      return false;
    case RunStatus::kSucceeded:
    case RunStatus::kFailed:
    case RunStatus::kCanceled:
    case RunStatus::kSuperseded:
      return true;
  }
  return false;
}

std::string_view SourceKindName(SourceKind k) {
  switch (k) {
    case SourceKind::kGithub: return "github";
    case SourceKind::kGitlab: return "gitlab";
    case SourceKind::kCodePipeline: return "codepipeline";
    case SourceKind::kGeneric: return "generic";
  }
  return "generic";
}

}  // namespace opsdeck::core
