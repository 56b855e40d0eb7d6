#include "app/demo_timeline.h"

#include <array>
#include <cstdio>

namespace opsdeck::app::demo {
namespace {

int64_t CycleBeat(int64_t beat) { return (beat < 0 ? 0 : beat) % kTargetCycle; }

bool DatabaseDown(int64_t beat) {
  int64_t b = CycleBeat(beat);
  return b >= kOutageFrom && b < kOutageUntil;
}

bool ApiSlow(int64_t beat) {
  int64_t b = CycleBeat(beat);
  return b >= kSlowFrom && b < kSlowUntil;
}

const std::array<std::string_view, 8> kTitles = {
    "Add order history export",       "Fix rounding of discounted prices",
    "Cache product images at the edge", "Retry payment capture on timeouts",
    "Show delivery estimates in cart", "Upgrade the PostgreSQL driver",
    "Speed up the search index build", "Tidy checkout error messages",
};

// Production's first attempt fails for every third version (a flaky
// migration), and attempt 2 succeeds a beat later: the re-run path.
bool ProductionFailsFirst(int64_t version) { return version % 3 == 2; }

Event Base(Source source, int64_t version, int64_t beat, std::string pipeline, int64_t run_slot) {
  Event e;
  e.source = source;
  e.beat = beat;
  e.version_index = version;
  e.pipeline = std::move(pipeline);
  e.run_number = version * 4 + run_slot;
  e.version = VersionName(version);
  e.commit = CommitFor(version);
  e.title = std::string(kTitles[static_cast<size_t>(version) % kTitles.size()]);
  return e;
}

Event Github(std::string workflow, int64_t version, int64_t beat, int64_t started, std::string status,
             std::vector<Stage> stages = {}) {
  bool ci = workflow == "CI";
  Event e = Base(Source::kGithub, version, beat, ci ? "shop-ci" : "shop-development", ci ? 0 : 1);
  e.workflow = std::move(workflow);
  e.status = std::move(status);
  e.stages = std::move(stages);
  e.started_beat = started;
  return e;
}

Event Gitlab(int64_t version, int64_t beat, int64_t started, std::string status, std::vector<Stage> stages) {
  Event e = Base(Source::kGitlab, version, beat, "shop-staging", 2);
  e.status = std::move(status);
  e.stages = std::move(stages);
  e.started_beat = started;
  return e;
}

Event Generic(int64_t version, int64_t beat, int64_t started, int attempt, std::string status,
              std::vector<Stage> stages = {}) {
  Event e = Base(Source::kGeneric, version, beat, std::string(kGenericPipeline), 3);
  e.attempt = attempt;
  e.status = std::move(status);
  e.stages = std::move(stages);
  e.started_beat = started;
  return e;
}

}  // namespace

const std::vector<std::string_view>& TargetPaths() {
  static const std::vector<std::string_view> paths = {"/web/health", "/api/health", "/api/ready",
                                                      "/payments/health", "/db/health"};
  return paths;
}

Answer AnswerAt(std::string_view path, int64_t beat) {
  const std::string ok = R"({"status":"ok"})";
  if (path == "/web/health" || path == "/api/ready") return {200, {}, ok};
  if (path == "/api/health") {
    return ApiSlow(beat) ? Answer{200, kSlowDelay, R"({"status":"ok","note":"slow"})"} : Answer{200, {}, ok};
  }
  if (path == "/db/health") {
    return DatabaseDown(beat) ? Answer{503, {}, R"({"status":"down","error":"too many connections"})"}
                              : Answer{200, {}, ok};
  }
  if (path == "/payments/health") {
    return DatabaseDown(beat) ? Answer{503, {}, R"({"status":"down","error":"database unavailable"})"}
                              : Answer{200, {}, ok};
  }
  return {404, {}, R"({"error":"not a demo endpoint"})"};
}

std::string_view SourceName(Source s) {
  switch (s) {
    case Source::kGithub: return "github";
    case Source::kGitlab: return "gitlab";
    case Source::kGeneric: return "generic";
  }
  return "generic";
}

std::string VersionName(int64_t version_index) {
  return "1." + std::to_string(4 + version_index / 10) + "." + std::to_string(version_index % 10);
}

std::string CommitFor(int64_t version_index) {
  // SplitMix64 steps: a stable, commit-looking hash of the version.
  uint64_t x = static_cast<uint64_t>(version_index) + 0x9E3779B97F4A7C15ULL;
  std::string out;
  while (out.size() < 40) {
    x += 0x9E3779B97F4A7C15ULL;
    uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(z));
    out += hex;
  }
  out.resize(40);
  return out;
}

std::vector<Event> EventsAt(int64_t beat) {
  std::vector<Event> out;
  if (beat < 0) return out;
  const int64_t v = beat / kVersionBeats;
  const int64_t base = v * kVersionBeats;
  switch (beat - base) {
    case 0:  // a push to main starts CI
      out.push_back(Github("CI", v, beat, beat, "queued"));
      break;
    case 1:
      out.push_back(Github("CI", v, beat, base, "running"));
      out.push_back(Github("CI", v, beat, base, "", {{"build", "running"}}));
      break;
    case 2:
      out.push_back(Github("CI", v, beat, base, "", {{"build", "succeeded"}}));
      out.push_back(Github("CI", v, beat, base, "", {{"test", "running"}}));
      break;
    case 3:
      out.push_back(Github("CI", v, beat, base, "", {{"test", "succeeded"}}));
      out.push_back(Github("CI", v, beat, base, "succeeded"));
      out.push_back(Github("Deploy", v, beat, beat, "queued"));
      break;
    case 4:
      out.push_back(Github("Deploy", v, beat, base + 3, "running"));
      out.push_back(Github("Deploy", v, beat, base + 3, "", {{"deploy", "running"}}));
      break;
    case 5:
      out.push_back(Github("Deploy", v, beat, base + 3, "", {{"deploy", "succeeded"}}));
      out.push_back(Github("Deploy", v, beat, base + 3, "succeeded"));
      break;
    case 6:  // the version is tagged: GitLab deploys the tag to staging
      out.push_back(Gitlab(v, beat, beat, "queued", {{"deploy", "queued"}, {"smoke-test", "queued"}}));
      break;
    case 7:
      out.push_back(Gitlab(v, beat, base + 6, "running", {{"deploy", "running"}, {"smoke-test", "queued"}}));
      break;
    case 8:
      out.push_back(Gitlab(v, beat, base + 6, "succeeded", {{"deploy", "succeeded"}, {"smoke-test", "succeeded"}}));
      break;
    case 9:  // the release script deploys it to production
      out.push_back(Generic(v, beat, beat, 1, "queued"));
      out.push_back(Generic(v, beat, beat, 1, "running", {{"migrate", "running"}}));
      break;
    case 10:
      if (ProductionFailsFirst(v)) {
        out.push_back(Generic(v, beat, base + 9, 1, "failed", {{"migrate", "failed"}}));
      } else {
        out.push_back(Generic(v, beat, base + 9, 1, "", {{"migrate", "succeeded"}}));
        out.push_back(Generic(v, beat, base + 9, 1, "running", {{"deploy", "running"}}));
      }
      break;
    case 11:
      if (ProductionFailsFirst(v)) {
        out.push_back(Generic(v, beat, beat, 2, "running", {{"migrate", "succeeded"}}));
        out.push_back(Generic(v, beat, beat, 2, "succeeded", {{"deploy", "succeeded"}}));
      } else {
        out.push_back(Generic(v, beat, base + 9, 1, "succeeded", {{"deploy", "succeeded"}}));
      }
      break;
    default:
      break;
  }
  return out;
}

}  // namespace opsdeck::app::demo
