// LoadFile / LoadString: the yaml-cpp adapter edge. Parses the document, runs
// every section reader, resolves cross-references and returns all errors.
// No exception leaves this file.
#include "config/loader.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/internal/node_reader.h"
#include "config/internal/sections.h"

namespace opsdeck::config {
namespace {

using internal::Location;
using internal::MapReader;
using internal::ReadContext;
using internal::Value;

// Reads every section of the root map. Environments come first so that the
// default promotion path is declared; references are resolved at the end, so
// the order of sections in the file does not matter.
void ReadRoot(ReadContext& ctx, MapReader& root, Config* config) {
  using namespace internal;
  auto environments = root.Get("environments");
  ReadEnvironments(ctx, environments ? &*environments : nullptr, &config->environments);
  if (auto v = root.Get("server")) ReadServer(*v, &config->server);
  if (auto v = root.Get("storage")) ReadStorage(*v, &config->storage);
  if (auto v = root.Get("log")) ReadLog(*v, &config->log);
  if (auto v = root.Get("auth")) ReadAuth(*v, &config->auth);
  if (auto v = root.Get("sources")) ReadSources(*v, &config->sources);
  if (auto v = root.Get("pipelines")) ReadPipelines(*v, &config->pipelines);
  if (auto v = root.Get("catalog")) ReadCatalog(*v, &config->catalog);
  if (auto v = root.Get("maintenance")) ReadMaintenance(*v, &config->maintenance);
  if (auto v = root.Get("notifications")) ReadNotifications(*v, &config->notifications);
  if (auto v = root.Get("docs_audit")) ReadDocsAudit(*v, &config->docs_audit);
  if (auto v = root.Get("jira")) {
    JiraConfig jira;
    ReadJira(*v, &jira);
    config->jira = std::move(jira);
  }
  if (auto v = root.Get("releases")) ReadReleases(*v, &config->releases);
  if (auto v = root.Get("demo")) ReadDemo(*v, config->sources, &config->demo);
  root.Finish();
  ctx.ResolveReferences();
}

LoadResult Fail(std::vector<ConfigError> errors) {
  LoadResult result;
  result.errors = std::move(errors);
  return result;
}

LoadResult Load(std::string_view yaml, const std::string& file_name, const EnvLookup& env,
                const std::string& base_dir) {
  ReadContext ctx(file_name, base_dir, env);
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(yaml));
  } catch (const YAML::Exception& e) {
    Location at;
    if (!e.mark.is_null()) at = Location{e.mark.line + 1, e.mark.column + 1, ""};
    ctx.AddError(at, "YAML syntax error: " + e.msg);
    return Fail(ctx.TakeErrors());
  }
  if (documents.size() > 1) {
    ctx.AddError(internal::LocationOf(documents[1], ""),
                 "only one YAML document is allowed (found a second ---)");
    return Fail(ctx.TakeErrors());
  }
  auto config = std::make_shared<Config>();
  config->source_file = file_name;
  YAML::Node root = documents.empty() ? YAML::Node(YAML::NodeType::Map) : documents.front();
  if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  if (!root.IsMap()) {
    ctx.AddError(internal::LocationOf(root, ""),
                 "the top level must be a map of sections (server:, storage:, ...)");
    return Fail(ctx.TakeErrors());
  }
  MapReader reader(&ctx, root, "");
  ReadRoot(ctx, reader, config.get());
  if (ctx.has_errors()) return Fail(ctx.TakeErrors());
  LoadResult result;
  result.config = std::move(config);
  return result;
}

}  // namespace

std::string ConfigError::ToString() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
  out += ": ";
  if (!path.empty()) out += path + ": ";
  return out + message;
}

EnvLookup ProcessEnv() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());  // NOLINT(concurrency-mt-unsafe)
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

LoadResult LoadString(std::string_view yaml, const std::string& file_name, const EnvLookup& env,
                      const std::string& base_dir) {
  try {
    return Load(yaml, file_name, env, base_dir);
  } catch (const std::exception& e) {
    // yaml-cpp can throw from node access on malformed trees; never let it out.
    return Fail({ConfigError{file_name, 0, 0, "",
                             std::string("internal error while reading: ") + e.what()}});
  }
}

LoadResult LoadFile(const std::string& path, const EnvLookup& env) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Fail({ConfigError{path, 0, 0, "", "config file is a directory"}});
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::string why = std::filesystem::exists(path, ec) ? "cannot be read" : "does not exist";
    return Fail({ConfigError{path, 0, 0, "", "config file " + why}});
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Fail({ConfigError{path, 0, 0, "", "config file cannot be read"}});
  std::string base_dir = std::filesystem::path(path).parent_path().string();
  return LoadString(text.str(), path, env, base_dir.empty() ? "." : base_dir);
}

}  // namespace opsdeck::config
