#include "http/hooks/source_set.h"

#include "ingest/aws_source.h"
#include "ingest/generic_source.h"
#include "ingest/github_source.h"
#include "ingest/gitlab_source.h"

namespace opsdeck::http {

SourceSet::SourceSet(const config::Config& config,
                     std::shared_ptr<ingest::CertificateProvider> certificates)
    : matcher(config.pipelines), router(config) {
  plans_notices = router.Wants("pipeline.") || router.Wants("deployment.");
  const auto& s = config.sources;
  if (s.aws) {
    aws = std::make_unique<ingest::AwsSource>(s.aws->token_header, s.aws->token, s.aws->sns_topics,
                                              std::move(certificates));
  }
  if (s.github) github = std::make_unique<ingest::GithubSource>(s.github->secret);
  if (s.gitlab) gitlab = std::make_unique<ingest::GitlabSource>(s.gitlab->token);
  if (s.generic) generic = std::make_unique<ingest::GenericSource>(s.generic->token);
}

const ingest::Source* SourceSet::Find(std::string_view name) const {
  if (name == "github") return github.get();
  if (name == "gitlab") return gitlab.get();
  if (name == "aws") return aws.get();
  if (name == "generic") return generic.get();
  return nullptr;
}

std::shared_ptr<const SourceSet> SourceSetCache::For(
    const std::shared_ptr<const config::Config>& config) {
  std::lock_guard lock(mu_);
  if (set_ == nullptr || config_ != config) {
    set_ = std::make_shared<const SourceSet>(*config, certificates_);
    config_ = config;
  }
  return set_;
}

}  // namespace opsdeck::http
