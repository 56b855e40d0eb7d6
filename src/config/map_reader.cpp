// MapReader: the keys of one YAML map, with unknown-key detection and the
// `X` / `X_file` secret convention (see internal/node_reader.h).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "config/internal/node_reader.h"
#include "config/internal/suggest.h"

namespace opsdeck::config::internal {
namespace {

// A secret file is a token or a URL; anything bigger is the wrong file.
constexpr size_t kMaxSecretFileBytes = 64 * 1024;

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

// Reads a secret file; on failure returns nullopt and sets *why.
std::optional<std::string> ReadSecretFile(const std::string& path, std::string* why) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    *why = "is a directory";
    return std::nullopt;
  }
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    *why = std::strerror(errno);
    return std::nullopt;
  }
  std::string content(kMaxSecretFileBytes + 1, '\0');
  size_t n = std::fread(content.data(), 1, content.size(), file.get());
  if (std::ferror(file.get())) {
    *why = std::strerror(errno);
    return std::nullopt;
  }
  if (n > kMaxSecretFileBytes) {
    *why = "is larger than 64 KiB";
    return std::nullopt;
  }
  content.resize(n);
  while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) content.pop_back();
  if (content.empty()) {
    *why = "is empty";
    return std::nullopt;
  }
  return content;
}

}  // namespace

MapReader::MapReader(ReadContext* ctx, const YamlTree* tree, YamlTree::NodeId node,
                     std::string path)
    : ctx_(ctx), tree_(tree), node_(node), path_(std::move(path)) {
  size_t size = tree_->size(node_);
  entries_.reserve(size);
  for (size_t i = 0; i < size; ++i) {
    YamlTree::NodeId key = tree_->key(node_, i);
    if (tree_->kind(key) != YamlKind::kScalar) {
      ctx_->AddError(LocationOf(*tree_, key, path_), "map keys must be plain strings");
      continue;
    }
    Entry entry{tree_->scalar(key), key, tree_->value(node_, i)};
    if (Entry* first = Find(entry.key)) {
      ctx_->AddError(
          LocationOf(*tree_, key, KeyPath(entry.key)),
          "duplicate key (first at line " + std::to_string(tree_->line(first->key_node)) + ")");
      continue;
    }
    entries_.push_back(entry);
  }
}

Location MapReader::location() const { return LocationOf(*tree_, node_, path_); }

std::string MapReader::KeyPath(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

MapReader::Entry* MapReader::Find(std::string_view key) {
  for (Entry& entry : entries_) {
    if (entry.key == key) return &entry;
  }
  return nullptr;
}

void MapReader::ReportMissing(std::string_view key, std::string_view message) {
  ctx_->AddError(Location{location().line, location().column, KeyPath(key)}, std::string(message));
}

std::optional<Value> MapReader::Get(std::string_view key, Presence presence) {
  asked_.emplace_back(key);
  Entry* entry = Find(key);
  if (entry) entry->known = true;
  if (!entry || tree_->kind(entry->value) == YamlKind::kNull) {
    if (presence == Presence::kRequired) ReportMissing(key);
    return std::nullopt;
  }
  return Value(ctx_, tree_, entry->value, KeyPath(key));
}

Location MapReader::KeyLocation(std::string_view key) {
  Entry* entry = Find(key);
  return entry ? LocationOf(*tree_, entry->key_node, KeyPath(key)) : location();
}

std::vector<std::pair<std::string, Value>> MapReader::Entries() {
  std::vector<std::pair<std::string, Value>> out;
  for (Entry& entry : entries_) {
    entry.known = true;
    out.emplace_back(std::string(entry.key), Value(ctx_, tree_, entry.value, KeyPath(entry.key)));
  }
  return out;
}

bool MapReader::ReadString(std::string_view key, std::string* out, Presence p) {
  auto value = Get(key, p);
  auto text = value ? value->AsString() : std::nullopt;
  if (text) *out = std::move(*text);
  return text.has_value();
}

bool MapReader::ReadName(std::string_view key, std::string* out, Presence p) {
  auto value = Get(key, p);
  auto text = value ? value->AsName() : std::nullopt;
  if (text) *out = std::move(*text);
  return text.has_value();
}

bool MapReader::ReadUrl(std::string_view key, std::string* out, Presence p) {
  auto value = Get(key, p);
  auto text = value ? value->AsUrl() : std::nullopt;
  if (text) *out = std::move(*text);
  return text.has_value();
}

bool MapReader::ReadInt(std::string_view key, int* out, int min, int max, Presence p) {
  auto value = Get(key, p);
  auto number = value ? value->AsInt(min, max) : std::nullopt;
  if (number) *out = static_cast<int>(*number);
  return number.has_value();
}

bool MapReader::ReadPort(std::string_view key, uint16_t* out, Presence p) {
  auto value = Get(key, p);
  auto number = value ? value->AsInt(1, 65535) : std::nullopt;
  if (number) *out = static_cast<uint16_t>(*number);
  return number.has_value();
}

bool MapReader::ReadBool(std::string_view key, bool* out) {
  auto value = Get(key);
  auto flag = value ? value->AsBool() : std::nullopt;
  if (flag) *out = *flag;
  return flag.has_value();
}

bool MapReader::ReadDuration(std::string_view key, core::Duration* out, Presence p) {
  auto value = Get(key, p);
  auto duration = value ? value->AsDuration() : std::nullopt;
  if (duration) *out = *duration;
  return duration.has_value();
}

bool MapReader::ReadPositiveDuration(std::string_view key, core::Duration* out, Presence p) {
  auto value = Get(key, p);
  auto duration = value ? value->AsDuration() : std::nullopt;
  if (duration && duration->count() == 0) {
    value->Error("must be longer than 0");
    return false;
  }
  if (duration) *out = *duration;
  return duration.has_value();
}

bool MapReader::ReadSize(std::string_view key, uint64_t* out, Presence p) {
  auto value = Get(key, p);
  auto size = value ? value->AsSize() : std::nullopt;
  if (size) *out = *size;
  return size.has_value();
}

bool MapReader::ReadStringList(std::string_view key, std::vector<std::string>* out, Presence p) {
  auto value = Get(key, p);
  auto list = value ? value->AsStringList() : std::nullopt;
  if (list) *out = std::move(*list);
  return list.has_value();
}

bool MapReader::ReadSecret(std::string_view key, core::SecretString* out, Presence p) {
  std::string file_key = std::string(key) + "_file";
  auto direct = Get(key);
  auto file = Get(file_key);
  if (direct && file) {
    file->Error("give either " + std::string(key) + " or " + file_key + ", not both");
    return false;
  }
  if (direct) {
    auto secret = direct->AsSecret();
    if (secret) *out = std::move(*secret);
    return secret.has_value();
  }
  if (!file) {
    if (p == Presence::kRequired) {
      ReportMissing(key,
                    "required key is missing (give " + std::string(key) + " or " + file_key + ")");
    }
    return false;
  }
  auto path = file->AsName();
  if (!path) return false;
  std::filesystem::path full(*path);
  std::string shown = "'" + *path + "'";
  if (full.is_relative()) {
    full = std::filesystem::path(ctx_->base_dir()) / full;
    shown += " (relative to " + ctx_->base_dir() + ")";
  }
  std::string why;
  auto content = ReadSecretFile(full.string(), &why);
  if (!content) {
    file->Error("cannot read secret file " + shown + ": " + why);
    return false;
  }
  *out = core::SecretString(std::move(*content));
  return true;
}

bool MapReader::Finish() {
  bool all_known = true;
  for (const Entry& entry : entries_) {
    if (entry.known) continue;
    all_known = false;
    ctx_->AddError(LocationOf(*tree_, entry.key_node, KeyPath(entry.key)),
                   "unknown key" + DidYouMean(entry.key, asked_));
  }
  return all_known;
}

}  // namespace opsdeck::config::internal
