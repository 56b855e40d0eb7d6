// GitHub webhooks (CONTRACTS.md §4): verifies X-Hub-Signature-256 over the
// raw body, then turns `workflow_run` into a run event and `workflow_job`
// into a stage event; `ping` is acknowledged, other events are ignored.
// Immutable after construction; Parse() is thread-safe.
#pragma once

#include <optional>
#include <string_view>
#include <utility>

#include "core/run.h"
#include "core/secret.h"
#include "ingest/source.h"
#include "net/secrets.h"

namespace opsdeck::ingest {

class GithubSource final : public Source {
 public:
  explicit GithubSource(core::SecretString secret)
      : secret_(std::move(secret)), hmac_(secret_.Reveal()) {}

  core::SourceKind kind() const override { return core::SourceKind::kGithub; }
  core::Result<ParseOutcome> Parse(const Delivery& delivery) const override;

 private:
  core::Result<void> Verify(const Delivery& delivery) const;

  core::SecretString secret_;
  net::HmacSha256 hmac_;  // keyed with secret_
};

// GitHub's status + conclusion in opsdeck's vocabulary (docs/sources/github.md):
// nullopt for a status we do not know (the event is then ignored).
std::optional<core::RunStatus> MapGithubStatus(std::string_view status,
                                               std::string_view conclusion);

}  // namespace opsdeck::ingest
