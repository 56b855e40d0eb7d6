// The demo's script, as pure functions of a beat number (one beat = the
// configured `demo.pace`): what each demo target answers, and which pipeline
// events fire. Kept free of clocks and I/O so tests can walk the whole cycle.
// Thread-safe: stateless.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace opsdeck::app::demo {

// Targets repeat their story every kTargetCycle beats.
inline constexpr int64_t kTargetCycle = 36;
// The database (and payments, which depends on it) is down in
// [kOutageFrom, kOutageUntil) of each cycle; the api is slow in
// [kSlowFrom, kSlowUntil).
inline constexpr int64_t kOutageFrom = 3;
inline constexpr int64_t kOutageUntil = 9;
inline constexpr int64_t kSlowFrom = 15;
inline constexpr int64_t kSlowUntil = 21;
// How late the api answers in its slow spell: beyond the example's
// `response_time < 400ms` and within every check timeout the docs suggest.
inline constexpr std::chrono::milliseconds kSlowDelay{600};

// What one endpoint of the targets server answers.
struct Answer {
  int status = 200;
  std::chrono::milliseconds delay{0};
  std::string body;  // JSON
};

// The endpoints the targets server serves, for its log line and the docs.
const std::vector<std::string_view>& TargetPaths();

// The answer for `path` at `beat` (beats count from the demo's start;
// negative beats behave as beat 0). Unknown paths are 404.
Answer AnswerAt(std::string_view path, int64_t beat);

// ---- Pipelines -------------------------------------------------------------

// Each version takes kVersionBeats beats from its CI build to production.
inline constexpr int64_t kVersionBeats = 12;
// Versions replayed at once with past timestamps, so the overview has
// history from the first second.
inline constexpr int64_t kHistoryVersions = 4;

enum class Source { kGithub, kGitlab, kGeneric };
std::string_view SourceName(Source s);  // "github", "gitlab", "generic": the hook path

struct Stage {
  std::string name;
  std::string status;  // opsdeck's vocabulary: queued, running, succeeded, failed
};

// One delivery, in opsdeck's terms; demo_payloads turns it into the
// provider's real payload.
struct Event {
  Source source = Source::kGeneric;
  int64_t beat = 0;        // when it fires
  int64_t version_index = 0;
  std::string workflow;    // github: "CI" or "Deploy"; gitlab/generic: ""
  std::string pipeline;    // the opsdeck pipeline it matches (for tests/docs)
  int64_t run_number = 0;  // unique per run within one demo session
  int attempt = 1;
  std::string status;      // run status; empty for a github job (stage) event
  std::vector<Stage> stages;
  int64_t started_beat = 0;  // the run's start
  std::string version;       // "1.4.2"
  std::string commit;        // 40 hex digits
  std::string title;         // the commit's first line
};

// The repository/project the demo's events come from (matched by the
// example config's pipelines).
inline constexpr std::string_view kRepository = "acme/shop";
inline constexpr std::string_view kGenericPipeline = "shop-production";

std::string VersionName(int64_t version_index);  // 0 -> "1.4.0"
std::string CommitFor(int64_t version_index);     // stable 40 hex digits

// Every event that fires at `beat` (>= 0), in delivery order. Version v
// occupies beats [v * kVersionBeats, (v + 1) * kVersionBeats).
std::vector<Event> EventsAt(int64_t beat);

}  // namespace opsdeck::app::demo
