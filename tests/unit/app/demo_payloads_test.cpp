// The demo's deliveries go through the real parsers and pipeline rules: every
// event of the built-in config's story verifies, parses to what the timeline
// meant and matches the pipeline it was written for (nothing unmatched).
#include "app/demo_payloads.h"

#include <gtest/gtest.h>

#include <set>

#include "app/demo_overrides.h"
#include "config/loader.h"
#include "ingest/generic_source.h"
#include "ingest/github_source.h"
#include "ingest/gitlab_source.h"
#include "ingest/matcher.h"
#include "ingest/source.h"

namespace opsdeck::app::demo {
namespace {

std::shared_ptr<const config::Config> BuiltIn() {
  auto text = ApplyDemoOverrides(BuiltInDemoConfig(), {"/tmp/demo-test.db", "", "", ""});
  EXPECT_TRUE(text.has_value());
  auto loaded = config::LoadString(*text, "opsdeck-demo.yaml", [](std::string_view) {
    return std::optional<std::string>();
  });
  for (const auto& e : loaded.errors) ADD_FAILURE() << e.ToString();
  return loaded.config;
}

ingest::Delivery ToIngest(const Delivery& d) {
  ingest::Delivery out;
  for (const auto& [name, value] : d.headers) out.headers[ingest::AsciiLower(name)] = value;
  out.body = d.body;
  return out;
}

Stamp StampFor(int64_t n) {
  const core::TimePoint t0 = core::FromUnixMillis(1'790'000'000'000);
  return Stamp{t0 + std::chrono::seconds(n), t0, 1'790'000'000LL * 100000, "demo-test-" + std::to_string(n)};
}

TEST(DemoPayloadsTest, EveryEventVerifiesParsesAndMatchesItsPipeline) {
  auto config = BuiltIn();
  ASSERT_TRUE(config);
  ASSERT_TRUE(config->demo.enabled);
  Credentials creds{config->sources.github->secret.Reveal(), config->sources.gitlab->token.Reveal(),
                    config->sources.generic->token.Reveal()};
  ingest::GithubSource github(config->sources.github->secret);
  ingest::GitlabSource gitlab(config->sources.gitlab->token);
  ingest::GenericSource generic(config->sources.generic->token);
  ingest::PipelineMatcher matcher(config->pipelines);
  int n = 0;
  std::set<std::string> environments;
  for (int64_t beat = 0; beat < 3 * kVersionBeats; ++beat) {
    for (const Event& e : EventsAt(beat)) {
      Delivery d = Encode(e, StampFor(++n), creds);
      EXPECT_EQ(d.path, "/hooks/" + std::string(SourceName(e.source)));
      const ingest::Source* source = &generic;
      if (e.source == Source::kGithub) source = &github;
      if (e.source == Source::kGitlab) source = &gitlab;
      auto parsed = source->Parse(ToIngest(d));
      ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString() << "\n" << d.body;
      ASSERT_EQ(parsed->kind, ingest::ParseOutcome::kEvents) << parsed->reason << "\n" << d.body;
      ASSERT_EQ(parsed->events.size(), 1u);
      const core::RunEvent& ev = parsed->events.front();
      if (e.status.empty()) {
        EXPECT_FALSE(ev.status.has_value());
      } else {
        ASSERT_TRUE(ev.status.has_value());
        EXPECT_EQ(core::RunStatusName(*ev.status), e.status) << d.body;
      }
      EXPECT_EQ(ev.attempt, e.attempt);
      EXPECT_EQ(ev.stages.size(), e.stages.size());
      if (e.source != Source::kGithub) {
        EXPECT_EQ(ev.version, e.version);
      }
      auto match = matcher.Match(ev);
      ASSERT_TRUE(match.binding.has_value()) << match.reason;
      EXPECT_EQ(match.binding->pipeline, e.pipeline);
      environments.insert(match.binding->environment);
    }
  }
  EXPECT_EQ(environments, (std::set<std::string>{"development", "staging", "production"}));
}

TEST(DemoPayloadsTest, WrongCredentialsAreRefusedByTheHooks) {
  auto config = BuiltIn();
  ASSERT_TRUE(config);
  Credentials wrong{"not-the-secret", "not-the-token", "not-the-token"};
  ingest::GithubSource github(config->sources.github->secret);
  ingest::GitlabSource gitlab(config->sources.gitlab->token);
  ingest::GenericSource generic(config->sources.generic->token);
  for (const Event& e : EventsAt(0)) {  // github
    auto r = github.Parse(ToIngest(Encode(e, StampFor(1), wrong)));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, core::ErrorCode::kUnauthenticated);
  }
  for (const Event& e : EventsAt(6)) {  // gitlab
    auto r = gitlab.Parse(ToIngest(Encode(e, StampFor(1), wrong)));
    ASSERT_FALSE(r.has_value());
  }
  for (const Event& e : EventsAt(9)) {  // generic
    auto r = generic.Parse(ToIngest(Encode(e, StampFor(1), wrong)));
    ASSERT_FALSE(r.has_value());
  }
}

TEST(DemoPayloadsTest, DeliveryIdsAndRunIdsComeFromTheStamp) {
  Credentials creds{"s", "t", "g"};
  auto events = EventsAt(9);
  ASSERT_FALSE(events.empty());
  Delivery d = Encode(events.front(), StampFor(7), creds);
  bool found = false;
  for (const auto& [name, value] : d.headers) {
    if (name == "Idempotency-Key") {
      EXPECT_EQ(value, "demo-test-7");
      found = true;
    }
  }
  EXPECT_TRUE(found);
  EXPECT_NE(d.body.find(std::to_string(1'790'000'000LL * 100000 + events.front().run_number)),
            std::string::npos);
}

}  // namespace
}  // namespace opsdeck::app::demo
