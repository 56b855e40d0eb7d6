#include <algorithm>

#include "config/internal/node_reader.h"
#include "config/internal/suggest.h"

namespace opsdeck::config::internal {

Location LocationOf(const YamlTree& tree, YamlTree::NodeId node, std::string path) {
  return Location{tree.line(node), tree.column(node), std::move(path)};
}

ReadContext::ReadContext(std::string file, std::string base_dir, const EnvLookup& env)
    : file_(std::move(file)), base_dir_(std::move(base_dir)), env_(env) {}

void ReadContext::AddError(const Location& at, std::string message) {
  errors_.push_back(ConfigError{file_, at.line, at.column, at.path, std::move(message)});
}

std::vector<ConfigError> ReadContext::TakeErrors() {
  std::stable_sort(errors_.begin(), errors_.end(), [](const ConfigError& a, const ConfigError& b) {
    return std::pair(a.line, a.column) < std::pair(b.line, b.column);
  });
  return std::move(errors_);
}

void ReadContext::Declare(std::string_view kind, const std::string& name, const Location& at) {
  auto& names = declared_[std::string(kind)];
  auto [it, inserted] = names.emplace(name, at);
  if (!inserted) {
    std::string first = it->second.line > 0
                            ? " (first defined at line " + std::to_string(it->second.line) + ")"
                            : "";
    AddError(at, "duplicate " + std::string(kind) + " name '" + name + "'" + first);
  }
}

bool ReadContext::IsDeclared(std::string_view kind, std::string_view name) const {
  auto names = declared_.find(kind);
  return names != declared_.end() && names->second.find(name) != names->second.end();
}

void ReadContext::Reference(std::string_view kind, const std::string& name, const Location& at,
                            std::string shown) {
  if (shown.empty()) shown = "'" + name + "'";
  uses_.push_back(Use{std::string(kind), name, at, std::move(shown)});
}

void ReadContext::ResolveReferences() {
  for (const Use& use : uses_) {
    if (IsDeclared(use.kind, use.name)) continue;
    std::vector<std::string> candidates;
    if (auto names = declared_.find(use.kind); names != declared_.end()) {
      for (const auto& [name, unused] : names->second) candidates.push_back(name);
    }
    AddError(use.at, "unknown " + use.kind + " " + use.shown + DidYouMean(use.name, candidates));
  }
  uses_.clear();
}

}  // namespace opsdeck::config::internal
