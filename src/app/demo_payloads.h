// Turns a demo Event into the delivery its provider would send: a GitHub
// workflow_run / workflow_job signed with X-Hub-Signature-256, a GitLab
// Pipeline Hook with X-Gitlab-Token, or opsdeck's generic format with the
// bearer token, each with its own delivery id. Pure apart from the HMAC;
// thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "app/demo_timeline.h"
#include "core/clock.h"

namespace opsdeck::app::demo {

// The credentials of config.sources the hooks verify.
struct Credentials {
  std::string github_secret;
  std::string gitlab_token;
  std::string generic_token;
};

struct Delivery {
  std::string path;  // "/hooks/github"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct Stamp {
  core::TimePoint at{};        // when the event happens
  core::TimePoint started{};   // when its run started
  int64_t run_base = 0;        // added to Event::run_number: unique across demo sessions
  std::string delivery_id;     // unique per delivery
};

Delivery Encode(const Event& event, const Stamp& stamp, const Credentials& credentials);

}  // namespace opsdeck::app::demo
