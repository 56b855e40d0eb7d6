// AWS CodePipeline events (CONTRACTS.md §6-§8, docs/sources/aws.md), either
// posted by an EventBridge API destination (an API-key header compared in
// constant time before any JSON is read) or delivered by an Amazon SNS HTTPS
// subscription (topic allow-list, then the SNS signature; a subscription
// handshake for an allowed topic becomes kConfirm). Pipeline, stage and
// action state changes become run events; other EventBridge sources are
// ignored by Parse(); ParseWithAlarms() also reads CloudWatch alarm state
// changes for monitoring (cloudwatch_alarm.h). Immutable after construction;
// both are thread-safe, but an SNS
// delivery may fetch a signing certificate (blocking, through the
// CertificateProvider), so call it off the I/O threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/run.h"
#include "core/secret.h"
#include "ingest/cloudwatch_alarm.h"
#include "ingest/sns_verifier.h"
#include "ingest/source.h"

namespace opsdeck::ingest {

// A delivery read for both pipelines and monitoring: `alarm` is set for a
// CloudWatch alarm state change (then `outcome` is kIgnored with
// kHandledByMonitoring); otherwise `outcome` is what Parse() returns.
struct AwsParse {
  ParseOutcome outcome;
  std::optional<CloudWatchAlarmChange> alarm;
};

class AwsSource final : public Source {
 public:
  // token_header: the API destination's API-key header name (any case);
  // sns_topics: topic ARNs whose SNS messages are accepted at all (an SNS
  // message from any other topic is kUnauthenticated, before its signature
  // is checked); certs: where SNS signing certificates come from (share one
  // CachingCertificateProvider across config reloads); clock: dates the
  // signing certificate's validity (tests; the system's time without one).
  AwsSource(std::string token_header, core::SecretString token, std::vector<std::string> sns_topics,
            std::shared_ptr<CertificateProvider> certs, const core::Clock* clock = nullptr);

  core::SourceKind kind() const override { return core::SourceKind::kCodePipeline; }
  core::Result<ParseOutcome> Parse(const Delivery& delivery) const override;
  // Parse(), plus CloudWatch alarm state changes (EventBridge events, direct
  // or in SNS, and classic alarm-action SNS messages), same authentication.
  core::Result<AwsParse> ParseWithAlarms(const Delivery& delivery) const;

 private:
  core::Result<AwsParse> ParseAny(const Delivery& delivery, bool alarms) const;
  core::Result<void> VerifyToken(const std::string* given) const;
  core::Result<AwsParse> ParseSns(const Delivery& delivery, const std::string* header_type,
                                  bool alarms) const;
  bool TopicAllowed(std::string_view arn) const;

  std::string token_header_;  // lower-case, as Delivery.headers keys are
  core::SecretString token_;
  std::vector<std::string> sns_topics_;
  SnsVerifier verifier_;
};

// The reason every event of a source other than aws.codepipeline is ignored
// with (CloudWatch alarms and the rest belong to monitoring).
inline constexpr std::string_view kHandledByMonitoring = "handled by monitoring";

// A CodePipeline pipeline, stage or action `state` in opsdeck's vocabulary
// (docs/sources/aws.md); nullopt for a state we do not know.
std::optional<core::RunStatus> MapCodePipelineState(std::string_view state);

// Parses one EventBridge event (already authenticated). Every error's
// `where` is `pointer_prefix` + the JSON pointer inside the event, so the
// event inside an SNS Message reports "/Message/detail/state" ("/Message"
// alone for a Message that is not a JSON object). `fallback_delivery_id`
// is used when the event has no `id` (the SNS MessageId).
core::Result<ParseOutcome> ParseEventBridgeEvent(std::string_view text,
                                                 const std::string& pointer_prefix,
                                                 const std::string& fallback_delivery_id);
// The same, and with `alarms` a CloudWatch alarm state change (an EventBridge
// event, or a classic alarm action's message) is read into AwsParse::alarm.
core::Result<AwsParse> ParseAwsEvent(std::string_view text, const std::string& pointer_prefix,
                                     const std::string& fallback_delivery_id, bool alarms);

// https://<region>.console.aws.amazon.com/codesuite/codepipeline/pipelines/
// <pipeline>/executions/<execution-id>/timeline?region=<region>, or "" when
// the region is not a plain commercial region name (China and GovCloud
// consoles live on other domains).
std::string CodePipelineConsoleUrl(std::string_view region, std::string_view pipeline,
                                   std::string_view execution_id);

}  // namespace opsdeck::ingest
