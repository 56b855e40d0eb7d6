#include "ingest/aws_source.h"

#include <algorithm>
#include <boost/json/value.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <exception>
#include <utility>

#include "ingest/json_reader.h"
#include "net/secrets.h"

namespace opsdeck::ingest {
namespace {

namespace json = boost::json;

constexpr std::string_view kPipelineChange = "CodePipeline Pipeline Execution State Change";
constexpr std::string_view kStageChange = "CodePipeline Stage Execution State Change";
constexpr std::string_view kActionChange = "CodePipeline Action Execution State Change";

// A required string that must not be empty.
std::string NonEmpty(const ObjectReader& r, std::string_view key) {
  const auto s = r.String(key, true);
  if (s && s->empty())
    r.sink().Fail(std::string(key) + " must not be empty", JsonPointer(r.pointer(), key));
  return s.value_or("");
}

// A count that AWS sends as 1, "1" or 1.0 (CONTRACTS.md §0): nullopt when
// absent; an error unless it is a whole number in [0, 2^31).
std::optional<int64_t> FlexibleCount(const json::object* obj, const std::string& pointer,
                                     std::string_view key, ErrorSink& sink) {
  const json::value* v = obj != nullptr ? obj->if_contains(key) : nullptr;
  if (v == nullptr || v->is_null()) return std::nullopt;
  std::optional<double> number;
  if (const int64_t* i = v->if_int64()) number = static_cast<double>(*i);
  if (const uint64_t* u = v->if_uint64()) number = static_cast<double>(*u);
  if (const double* d = v->if_double()) number = *d;
  if (const json::string* s = v->if_string()) {
    std::string_view text(s->data(), s->size());
    const size_t dot = text.find('.');
    if (dot != std::string_view::npos &&
        text.find_first_not_of('0', dot + 1) == std::string_view::npos && dot + 1 < text.size()) {
      text = text.substr(0, dot);  // "2.0"
    }
    int64_t parsed = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (!text.empty() && ec == std::errc() && end == text.data() + text.size()) {
      number = static_cast<double>(parsed);
    }
  }
  if (!number || !std::isfinite(*number) || std::trunc(*number) != *number || *number < 0 ||
      *number > static_cast<double>(INT32_MAX)) {
    sink.Fail(std::string(key) + " must be a whole number from 0", JsonPointer(pointer, key));
    return std::nullopt;
  }
  return static_cast<int64_t>(*number);
}

// The run's trigger and commit from detail.execution-trigger, which is either
// {trigger-type, trigger-detail} or the commit of a connection-based source.
void ApplyTrigger(const ObjectReader& detail, core::RunEvent& ev) {
  const ObjectReader trigger = detail.Object("execution-trigger");
  if (!trigger.present()) return;
  const std::string type = trigger.String("trigger-type").value_or("");
  const std::string provider = trigger.String("provider-type").value_or("");
  const std::string author = trigger.String("author-display-name").value_or("");
  ev.commit = trigger.String("commit-id").value_or("");
  ev.ref = trigger.String("branch-name").value_or("");
  if (ev.ref.empty()) ev.ref = trigger.String("tag-name").value_or("");
  ev.title = FirstLine(trigger.String("commit-message").value_or(""));
  if (!type.empty()) {
    ev.trigger = type;
  } else if (!provider.empty() || !author.empty()) {
    ev.trigger = provider.empty() ? "commit" : provider + " commit";
    if (!author.empty()) ev.trigger += " by " + author;
  }
}

enum class Level { kPipeline, kStage, kAction };

core::Result<ParseOutcome> ParseCodePipeline(const json::object* obj, const ObjectReader& root,
                                             Level level, std::string detail_type,
                                             const std::string& fallback_delivery_id) {
  ErrorSink& sink = root.sink();
  const auto id = root.String("id");
  const std::string account = root.String("account").value_or("");
  const std::string region = root.String("region").value_or("");
  const auto time = root.Time("time");
  const ObjectReader detail = root.Object("detail", true);
  const std::string pipeline = NonEmpty(detail, "pipeline");
  const std::string execution_id = NonEmpty(detail, "execution-id");
  const std::string state = detail.String("state", true).value_or("");
  const json::value* detail_value = obj->if_contains("detail");
  const json::object* detail_obj = detail_value != nullptr ? detail_value->if_object() : nullptr;
  const auto attempt =
      FlexibleCount(detail_obj, detail.pointer(), "pipeline-execution-attempt", sink);
  std::string stage_name;
  if (level != Level::kPipeline) stage_name = NonEmpty(detail, "stage");
  if (level == Level::kAction) stage_name += "/" + NonEmpty(detail, "action");
  if (sink.failed()) return sink.error();

  const auto status = MapCodePipelineState(state);
  if (!status)
    return Ignored("CodePipeline state \"" + state + "\" is not known", std::move(detail_type));

  core::RunEvent ev;
  ev.source = core::SourceKind::kCodePipeline;
  ev.delivery_id = id && !id->empty() ? *id : fallback_delivery_id;
  ev.keys.codepipeline = pipeline;
  ev.keys.region = region;
  ev.keys.account = account;
  ev.external_run_id = execution_id;
  // The docs' "processed" examples carry 0.0; opsdeck counts from 1.
  ev.attempt = static_cast<int>(std::max<int64_t>(1, attempt.value_or(1)));
  ev.url = CodePipelineConsoleUrl(region, pipeline, execution_id);
  ev.occurred_at = time;
  const bool terminal = core::IsTerminal(*status);
  if (level == Level::kPipeline) {
    ev.status = *status;
    ev.source_status = state;
    ev.started_at = detail.Time("start-time");
    if (terminal) ev.finished_at = time;
    ApplyTrigger(detail, ev);
  } else {
    core::StageEvent stage;
    stage.name = std::move(stage_name);
    stage.status = *status;
    stage.source_status = state;
    if (state == "STARTED" || state == "RESUMED") stage.started_at = time;
    if (terminal) stage.finished_at = time;
    if (level == Level::kAction) {
      const std::string url =
          detail.Object("execution-result").String("external-execution-url").value_or("");
      if (IsHttpUrl(url)) stage.url = url;
    }
    ev.stages.push_back(std::move(stage));
  }
  if (sink.failed()) return sink.error();

  ParseOutcome out;
  out.kind = ParseOutcome::kEvents;
  out.event_type = std::move(detail_type);
  out.events.push_back(std::move(ev));
  return out;
}

}  // namespace

std::optional<core::RunStatus> MapCodePipelineState(std::string_view state) {
  using core::RunStatus;
  if (state == "STARTED" || state == "RESUMED" || state == "STOPPING") return RunStatus::kRunning;
  if (state == "SUCCEEDED") return RunStatus::kSucceeded;
  if (state == "FAILED") return RunStatus::kFailed;
  // Canceled: the pipeline structure changed under it; stopped or abandoned
  // by a person. Nothing failed, and nothing was deployed to completion.
  if (state == "CANCELED" || state == "STOPPED" || state == "ABANDONED")
    return RunStatus::kCanceled;
  if (state == "SUPERSEDED") return RunStatus::kSuperseded;
  return std::nullopt;
}

std::string CodePipelineConsoleUrl(std::string_view region, std::string_view pipeline,
                                   std::string_view execution_id) {
  const bool plain = !region.empty() && std::all_of(region.begin(), region.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
  if (!plain || region.starts_with("cn-") || region.starts_with("us-gov-")) return "";
  if (pipeline.empty() || execution_id.empty()) return "";
  const std::string r(region);
  return "https://" + r + ".console.aws.amazon.com/codesuite/codepipeline/pipelines/" +
         boost::urls::encode(pipeline, boost::urls::unreserved_chars) + "/executions/" +
         boost::urls::encode(execution_id, boost::urls::unreserved_chars) + "/timeline?region=" + r;
}

core::Result<ParseOutcome> ParseEventBridgeEvent(std::string_view text,
                                                 const std::string& pointer_prefix,
                                                 const std::string& fallback_delivery_id) {
  auto parsed = ParseAwsEvent(text, pointer_prefix, fallback_delivery_id, false);
  if (!parsed) return parsed.error();
  return std::move(parsed->outcome);
}

core::Result<AwsParse> ParseAwsEvent(std::string_view text, const std::string& pointer_prefix,
                                     const std::string& fallback_delivery_id, bool alarms) {
  auto doc = ParseJson(text);
  if (!doc) {
    core::Error e = doc.error();
    e.where = pointer_prefix;
    if (!pointer_prefix.empty()) e.message = "Message is not an EventBridge event: " + e.message;
    return e;
  }
  const json::object* obj = doc->if_object();
  if (obj == nullptr) {
    return core::Error::InvalidArgument("an EventBridge event must be a JSON object",
                                        pointer_prefix);
  }
  const auto with = [](core::Result<ParseOutcome> outcome) -> core::Result<AwsParse> {
    if (!outcome) return outcome.error();
    return AwsParse{std::move(*outcome), std::nullopt};
  };
  const auto alarm = [](core::Result<CloudWatchAlarmChange> change,
                        std::string event_type) -> core::Result<AwsParse> {
    if (!change) return change.error();
    return AwsParse{Ignored(std::string(kHandledByMonitoring), std::move(event_type)),
                    std::move(*change)};
  };
  ErrorSink sink;
  const ObjectReader root(obj, pointer_prefix, &sink);
  try {
    if (alarms && !obj->contains("detail-type") && LooksLikeClassicAlarm(*obj)) {
      return alarm(ReadClassicAlarm(*obj, pointer_prefix, fallback_delivery_id),
                   "CloudWatch alarm");
    }
    // Events through a CodeStar notification rule spell it detailType.
    auto detail_type = root.String("detail-type");
    if (!detail_type && !sink.failed()) detail_type = root.String("detailType");
    if (!detail_type && !sink.failed())
      sink.Fail("detail-type is required", JsonPointer(pointer_prefix, "detail-type"));
    const auto source = root.String("source", true);
    if (sink.failed()) return sink.error();
    if (alarms && *source == "aws.cloudwatch" && *detail_type == kAlarmStateChange) {
      return alarm(ReadAlarmEvent(*obj, pointer_prefix, fallback_delivery_id), *detail_type);
    }
    if (*source != "aws.codepipeline")
      return with(Ignored(std::string(kHandledByMonitoring), *detail_type));
    Level level;
    if (*detail_type == kPipelineChange) {
      level = Level::kPipeline;
    } else if (*detail_type == kStageChange) {
      level = Level::kStage;
    } else if (*detail_type == kActionChange) {
      level = Level::kAction;
    } else {
      return with(Ignored("CodePipeline event \"" + *detail_type + "\" is not used", *detail_type));
    }
    return with(ParseCodePipeline(obj, root, level, *detail_type, fallback_delivery_id));
  } catch (const std::exception& e) {  // only allocation can throw here
    return core::Error::Internal(std::string("EventBridge event: ") + e.what());
  }
}

AwsSource::AwsSource(std::string token_header, core::SecretString token,
                     std::vector<std::string> sns_topics,
                     std::shared_ptr<CertificateProvider> certs, const core::Clock* clock)
    : token_header_(AsciiLower(token_header)),
      token_(std::move(token)),
      sns_topics_(std::move(sns_topics)),
      verifier_(std::move(certs), clock) {}

bool AwsSource::TopicAllowed(std::string_view arn) const {
  return std::find(sns_topics_.begin(), sns_topics_.end(), arn) != sns_topics_.end();
}

core::Result<void> AwsSource::VerifyToken(const std::string* given) const {
  if (token_.empty()) return core::Error::Unauthenticated("no AWS event token configured");
  if (given == nullptr) return core::Error::Unauthenticated("missing " + token_header_ + " header");
  // Hashing first makes the comparison independent of the token's length too.
  if (!net::ConstantTimeEquals(net::Sha256Hex(*given), net::Sha256Hex(token_.Reveal()))) {
    return core::Error::Unauthenticated("wrong " + token_header_ + " token");
  }
  return core::Ok();
}

core::Result<AwsParse> AwsSource::ParseSns(const Delivery& delivery, const std::string* header_type,
                                           bool alarms) const {
  auto parsed = ParseSnsMessage(delivery.body);
  if (!parsed) return parsed.error();
  const SnsMessage& m = *parsed;
  if (header_type != nullptr && *header_type != m.type) {
    return core::Error::InvalidArgument(
        "x-amz-sns-message-type \"" + *header_type + "\" does not match Type \"" + m.type + "\"",
        "x-amz-sns-message-type");
  }
  // Before the signature: anyone can make SNS sign a message from a topic of
  // their own, so an unknown topic is refused without fetching anything.
  if (!TopicAllowed(m.topic_arn)) {
    return core::Error::Unauthenticated("SNS topic " + m.topic_arn +
                                        " is not in sources.aws.sns_topics");
  }
  if (auto ok = verifier_.Verify(m); !ok) return ok.error();
  if (m.type == "SubscriptionConfirmation") {
    if (!IsSnsHostUrl(m.subscribe_url)) {
      return core::Error::InvalidArgument("SubscribeURL is not an https SNS URL", "/SubscribeURL");
    }
    ParseOutcome out;
    out.kind = ParseOutcome::kConfirm;
    out.confirm_url = m.subscribe_url;
    out.reason = "SNS subscription to " + m.topic_arn;
    out.event_type = m.type;
    return AwsParse{std::move(out), std::nullopt};
  }
  if (m.type == "UnsubscribeConfirmation") {
    return AwsParse{Ignored("SNS unsubscribe confirmation for " + m.topic_arn, m.type),
                    std::nullopt};
  }
  return ParseAwsEvent(m.message, "/Message", m.message_id, alarms);
}

core::Result<ParseOutcome> AwsSource::Parse(const Delivery& delivery) const {
  auto parsed = ParseAny(delivery, false);
  if (!parsed) return parsed.error();
  return std::move(parsed->outcome);
}

core::Result<AwsParse> AwsSource::ParseWithAlarms(const Delivery& delivery) const {
  return ParseAny(delivery, true);
}

core::Result<AwsParse> AwsSource::ParseAny(const Delivery& delivery, bool alarms) const {
  try {
    if (const std::string* type = FindHeader(delivery, "x-amz-sns-message-type")) {
      return ParseSns(delivery, type, alarms);
    }
    const std::string* token = FindHeader(delivery, token_header_);
    if (token == nullptr && LooksLikeSnsMessage(delivery.body)) {
      return ParseSns(delivery, nullptr, alarms);
    }
    if (auto ok = VerifyToken(token); !ok) return ok.error();
    return ParseAwsEvent(delivery.body, "", "", alarms);
  } catch (const std::exception& e) {  // only allocation can throw here
    return core::Error::Internal(std::string("AWS delivery: ") + e.what());
  }
}

}  // namespace opsdeck::ingest
