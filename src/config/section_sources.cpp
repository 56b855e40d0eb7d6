// Reader for `sources:`. A source present in the file must carry its secret.
#include "config/internal/sections.h"

namespace opsdeck::config::internal {
namespace {

// Reads `sources.<key>` holding just one required secret named `secret_key`.
template <typename T>
void ReadSimpleSource(MapReader& sources, std::string_view key, std::string_view secret_key,
                      core::SecretString T::*field, std::optional<T>* out) {
  auto value = sources.Get(key);
  if (!value) return;
  auto map = value->AsMap();
  if (!map) return;
  T config;
  bool ok = map->ReadSecret(secret_key, &(config.*field), Presence::kRequired);
  map->Finish();
  if (ok) *out = std::move(config);
}

void ReadAws(const Value& value, std::optional<AwsSourceConfig>* out) {
  auto map = value.AsMap();
  if (!map) return;
  AwsSourceConfig aws;
  map->ReadName("token_header", &aws.token_header);
  bool ok = map->ReadSecret("token", &aws.token, Presence::kRequired);
  if (auto topics = map->Get("sns_topics")) {
    for (const Value& item : topics->AsList().value_or(std::vector<Value>{})) {
      auto arn = item.AsName();
      if (arn && !arn->starts_with("arn:aws:sns:")) {
        item.Error("expected an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME), got " +
                   item.Quoted());
      } else if (arn) {
        aws.sns_topics.push_back(std::move(*arn));
      }
    }
  }
  map->Finish();
  if (ok) *out = std::move(aws);
}

}  // namespace

void ReadSources(const Value& value, SourcesConfig* out) {
  auto map = value.AsMap();
  if (!map) return;
  ReadSimpleSource(*map, "github", "secret", &GithubSourceConfig::secret, &out->github);
  ReadSimpleSource(*map, "gitlab", "token", &GitlabSourceConfig::token, &out->gitlab);
  if (auto aws = map->Get("aws")) ReadAws(*aws, &out->aws);
  ReadSimpleSource(*map, "alertmanager", "token", &AlertmanagerSourceConfig::token,
                   &out->alertmanager);
  ReadSimpleSource(*map, "generic", "token", &GenericSourceConfig::token, &out->generic);
  map->Finish();
}

}  // namespace opsdeck::config::internal
