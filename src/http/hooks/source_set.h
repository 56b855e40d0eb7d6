// The webhook sources and the pipeline matcher of one config snapshot. Built
// when a snapshot is first used by a hook and replaced when the config is
// reloaded, so a changed secret or match rule applies to the next delivery.
// A SourceSet is immutable; SourceSetCache::For is thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string_view>
#include <utility>

#include "config/config.h"
#include "ingest/aws_source.h"
#include "ingest/matcher.h"
#include "ingest/sns_verifier.h"
#include "ingest/source.h"
#include "notify/router.h"

namespace opsdeck::http {

struct SourceSet {
  // `certificates` verifies SNS signatures (shared across snapshots, so its
  // cache survives reloads).
  SourceSet(const config::Config& config, std::shared_ptr<ingest::CertificateProvider> certificates);

  // nullptr when the source is not configured (its hook refuses deliveries).
  const ingest::Source* Find(std::string_view name) const;

  std::unique_ptr<ingest::Source> github;
  std::unique_ptr<ingest::Source> gitlab;
  std::unique_ptr<ingest::AwsSource> aws;  // typed: /hooks/aws also reads CloudWatch alarms
  std::unique_ptr<ingest::Source> generic;
  ingest::PipelineMatcher matcher;
  notify::Router router;
  // Some route takes pipeline or deployment notices: intake plans them.
  bool plans_notices = false;
};

class SourceSetCache {
 public:
  explicit SourceSetCache(std::shared_ptr<ingest::CertificateProvider> certificates)
      : certificates_(std::move(certificates)) {}
  std::shared_ptr<const SourceSet> For(const std::shared_ptr<const config::Config>& config);

 private:
  const std::shared_ptr<ingest::CertificateProvider> certificates_;
  std::mutex mu_;
  std::shared_ptr<const config::Config> config_;  // the snapshot `set_` was built from
  std::shared_ptr<const SourceSet> set_;
};

}  // namespace opsdeck::http
