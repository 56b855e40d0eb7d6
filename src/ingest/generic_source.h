// opsdeck's own event format (docs/sources/generic.md), for any CI script:
// `Authorization: Bearer <token>` compared in constant time, then a strict
// JSON body (unknown fields are errors). Immutable after construction;
// Parse() is thread-safe.
#pragma once

#include <optional>
#include <string_view>
#include <utility>

#include "core/run.h"
#include "core/secret.h"
#include "ingest/source.h"

namespace opsdeck::ingest {

class GenericSource final : public Source {
 public:
  explicit GenericSource(core::SecretString token) : token_(std::move(token)) {}

  core::SourceKind kind() const override { return core::SourceKind::kGeneric; }
  core::Result<ParseOutcome> Parse(const Delivery& delivery) const override;

 private:
  core::Result<void> Verify(const Delivery& delivery) const;

  core::SecretString token_;
};

// "queued", "running", "succeeded", "failed", "canceled", "superseded".
std::optional<core::RunStatus> ParseGenericStatus(std::string_view name);

}  // namespace opsdeck::ingest
