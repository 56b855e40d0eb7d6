// LoadFile / LoadString: the adapter edge. Parses the document into a
// YamlTree, runs every section reader, resolves cross-references and returns
// all errors. No exception leaves this file.
#include "config/loader.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "config/internal/node_reader.h"
#include "config/internal/sections.h"
#include "config/internal/yaml_tree.h"

namespace opsdeck::config {
namespace {

using internal::Location;
using internal::MapReader;
using internal::ReadContext;
using internal::Value;
using internal::YamlKind;
using internal::YamlTree;

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
  // Every Value and MapReader below points into `tree`; it is dropped, with
  // the readers, when this function returns, and only the Config stays.
  internal::YamlParse parsed = YamlTree::Parse(yaml);
  if (parsed.error) {
    ctx.AddError(Location{parsed.error->line, parsed.error->column, ""},
                 "YAML syntax error: " + parsed.error->message);
    return Fail(ctx.TakeErrors());
  }
  const YamlTree& tree = *parsed.tree;
  if (tree.document_count() > 1) {
    ctx.AddError(internal::LocationOf(tree, tree.root(1), ""),
                 "only one YAML document is allowed (found a second ---)");
    return Fail(ctx.TakeErrors());
  }
  auto config = std::make_shared<Config>();
  config->source_file = file_name;
  YamlTree::NodeId root = tree.document_count() == 0 ? YamlTree::kEmptyMap : tree.root(0);
  if (tree.kind(root) == YamlKind::kNull) root = YamlTree::kEmptyMap;
  if (tree.kind(root) != YamlKind::kMap) {
    ctx.AddError(internal::LocationOf(tree, root, ""),
                 "the top level must be a map of sections (server:, storage:, ...)");
    return Fail(ctx.TakeErrors());
  }
  MapReader reader(&ctx, &tree, root, "");
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
    // Out of memory or a tree beyond 32-bit indexes; never let it out.
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
  // Read straight into one string (sized up front when the size is known): a
  // stringstream and its str() would hold the file two more times during the
  // load, whose peak is what a large catalog costs.
  constexpr size_t kChunk = size_t{64} * 1024;
  std::string text;
  if (auto size = std::filesystem::file_size(path, ec); !ec) text.reserve(size + kChunk);
  while (in) {
    size_t old_size = text.size();
    text.resize(old_size + kChunk);
    in.read(text.data() + old_size, static_cast<std::streamsize>(kChunk));
    text.resize(old_size + static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) return Fail({ConfigError{path, 0, 0, "", "config file cannot be read"}});
  std::string base_dir = std::filesystem::path(path).parent_path().string();
  return LoadString(text, path, env, base_dir.empty() ? "." : base_dir);
}

}  // namespace opsdeck::config
