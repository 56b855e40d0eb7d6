// GitLab webhooks (CONTRACTS.md §5, docs/sources/gitlab.md): checks
// X-Gitlab-Token in constant time, then turns a `Pipeline Hook` into one run
// event whose `builds[]` are its stages; every other hook is ignored.
// Immutable after construction; Parse() is thread-safe.
#pragma once

#include <optional>
#include <string_view>
#include <utility>

#include "core/clock.h"
#include "core/run.h"
#include "core/secret.h"
#include "ingest/source.h"

namespace opsdeck::ingest {

// Identity of a delivery (RunEvent::delivery_id): the `Idempotency-Key`
// header (GitLab 17.4+), which stays the same across GitLab's automatic
// retries and a manual "Resend Request"; without it
// "pipeline:<object_attributes.id>:<status>". X-Gitlab-Event-UUID is NOT
// used: it is a recursion-detection id that hooks triggered by an earlier
// hook share with it, so two different events could carry one value.
//
// Attempt: GitLab retries a pipeline by retrying jobs inside the same
// pipeline id and the Pipeline Hook has no retry counter (builds[] lists only
// the latest try of each job), so the attempt is always 1. The retried
// pipeline's new terminal status still wins because its finished_at is later.
class GitlabSource final : public Source {
 public:
  explicit GitlabSource(core::SecretString token) : token_(std::move(token)) {}

  core::SourceKind kind() const override { return core::SourceKind::kGitlab; }
  core::Result<ParseOutcome> Parse(const Delivery& delivery) const override;

 private:
  core::Result<void> Verify(const Delivery& delivery) const;

  core::SecretString token_;
};

// A pipeline's or a job's `status` in opsdeck's vocabulary; nullopt for a
// value GitLab did not document (the pipeline event is then ignored):
//   created, waiting_for_resource, preparing, waiting_for_callback, pending,
//   scheduled (a delayed job's timer), manual (blocked on a person) -> queued
//   running, canceling (jobs are still being stopped)                -> running
//   success                                                          -> succeeded
//   failed                                                           -> failed
//   canceled                                                         -> canceled
//   skipped (nothing ran; not a deployment)                          -> canceled
std::optional<core::RunStatus> MapGitlabStatus(std::string_view status);

// GitLab's pipeline/build time "2026-03-10 14:12:05 UTC", its offset form
// "2026-03-10 14:52:38 +0100", or RFC 3339 ("2026-03-10T14:12:05Z"); nullopt
// for anything else.
std::optional<core::TimePoint> ParseGitlabTime(std::string_view text);

}  // namespace opsdeck::ingest
