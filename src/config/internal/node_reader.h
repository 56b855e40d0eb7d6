// Internal to config/: reads a YamlTree into typed values. Tracks
// the key path of every value and collects every error (with line, column and
// path) instead of stopping at the first; records names and references so
// cross-references are checked once the whole file is read.
// Not thread-safe: one ReadContext per load, used by one thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/internal/yaml_tree.h"
#include "config/loader.h"
#include "core/clock.h"
#include "core/secret.h"

namespace opsdeck::config::internal {

struct Location {
  int line = 0;  // 1-based; 0 = no position
  int column = 0;
  std::string path;
};

template <typename E>
struct EnumName {
  std::string_view name;
  E value;
};

class ReadContext {
 public:
  ReadContext(std::string file, std::string base_dir, const EnvLookup& env);

  const std::string& file() const { return file_; }
  const std::string& base_dir() const { return base_dir_; }
  const EnvLookup& env() const { return env_; }

  void AddError(const Location& at, std::string message);
  bool has_errors() const { return !errors_.empty(); }
  std::vector<ConfigError> TakeErrors();  // sorted by position

  // Names of `kind` ("environment", "pipeline", "target", ...) must be unique;
  // a second Declare of the same name is an error at `at`.
  void Declare(std::string_view kind, const std::string& name, const Location& at);
  bool IsDeclared(std::string_view kind, std::string_view name) const;
  // A use of a name, checked by ResolveReferences once everything is read.
  // `shown` is how the use is quoted in an error (as written); default 'name'.
  void Reference(std::string_view kind, const std::string& name, const Location& at,
                 std::string shown = {});
  void ResolveReferences();

 private:
  struct Use {
    std::string kind;
    std::string name;
    Location at;
    std::string shown;
  };
  std::string file_;
  std::string base_dir_;
  const EnvLookup& env_;
  std::vector<ConfigError> errors_;
  std::map<std::string, std::map<std::string, Location, std::less<>>, std::less<>> declared_;
  std::vector<Use> uses_;
};

class MapReader;

// One YAML value at a key path. The As* readers report a type or format error
// at the value's position and return nullopt. `tree` must outlive the Value.
class Value {
 public:
  Value(ReadContext* ctx, const YamlTree* tree, YamlTree::NodeId node, std::string path);

  ReadContext& context() const { return *ctx_; }
  const std::string& path() const { return path_; }
  Location location() const;
  void Error(std::string message) const;

  // Scalars, with ${VAR} substituted. Messages quote the text as written.
  std::optional<std::string> AsString() const;
  std::optional<std::string> AsName() const;           // non-empty
  std::optional<core::SecretString> AsSecret() const;  // never quoted in messages
  std::optional<int64_t> AsInt(int64_t min, int64_t max) const;
  std::optional<bool> AsBool() const;
  std::optional<core::Duration> AsDuration() const;
  std::optional<uint64_t> AsSize() const;
  std::optional<core::TimePoint> AsTime() const;
  std::optional<std::string> AsUrl() const;
  std::optional<size_t> AsChoice(const std::vector<std::string_view>& names) const;
  template <typename E, size_t N>
  std::optional<E> AsEnum(const EnumName<E> (&table)[N]) const {
    std::vector<std::string_view> names;
    for (const auto& entry : table) names.push_back(entry.name);
    auto index = AsChoice(names);
    if (!index) return std::nullopt;
    return table[*index].value;
  }

  std::optional<std::vector<Value>> AsList() const;              // items have path "path[i]"
  std::optional<std::vector<std::string>> AsStringList() const;  // non-empty strings
  std::optional<MapReader> AsMap() const;

  // The scalar as written in the file (before ${VAR} substitution), quoted and
  // shortened, for messages. Never call it on a secret.
  std::string Quoted() const;

 private:
  std::optional<std::string> Scalar(std::string_view expected) const;
  std::string KindName() const;  // "a map", "a list", ...

  ReadContext* ctx_;
  const YamlTree* tree_;
  YamlTree::NodeId node_;
  std::string path_;
};

enum class Presence { kOptional, kRequired };

// The keys of one YAML map. Every key a reader asks for becomes known; Finish
// reports the others as unknown, suggesting the closest known key.
class MapReader {
 public:
  // `node` must be a map (Value::AsMap checks); `tree` must outlive the reader.
  MapReader(ReadContext* ctx, const YamlTree* tree, YamlTree::NodeId node, std::string path);

  ReadContext& context() const { return *ctx_; }
  const std::string& path() const { return path_; }
  Location location() const;
  std::string KeyPath(std::string_view key) const;

  // The value at `key`; nullopt when absent or null (`key:`), reported when
  // required.
  std::optional<Value> Get(std::string_view key, Presence presence = Presence::kOptional);
  // Where `key` itself is written (for names given as keys).
  Location KeyLocation(std::string_view key);
  // All entries, in file order, for free-form maps (headers, labels).
  std::vector<std::pair<std::string, Value>> Entries();

  // Typed shortcuts: true when *out was set from the file.
  bool ReadString(std::string_view key, std::string* out, Presence p = Presence::kOptional);
  bool ReadName(std::string_view key, std::string* out, Presence p = Presence::kOptional);
  bool ReadUrl(std::string_view key, std::string* out, Presence p = Presence::kOptional);
  bool ReadInt(std::string_view key, int* out, int min, int max, Presence p = Presence::kOptional);
  bool ReadPort(std::string_view key, uint16_t* out, Presence p = Presence::kOptional);
  bool ReadBool(std::string_view key, bool* out);
  bool ReadDuration(std::string_view key, core::Duration* out, Presence p = Presence::kOptional);
  bool ReadPositiveDuration(std::string_view key, core::Duration* out,
                            Presence p = Presence::kOptional);
  bool ReadSize(std::string_view key, uint64_t* out, Presence p = Presence::kOptional);
  bool ReadStringList(std::string_view key, std::vector<std::string>* out,
                      Presence p = Presence::kOptional);
  template <typename E, size_t N>
  bool ReadEnum(std::string_view key, const EnumName<E> (&table)[N], E* out,
                Presence p = Presence::kOptional) {
    auto value = Get(key, p);
    if (!value) return false;
    auto parsed = value->AsEnum(table);
    if (parsed) *out = *parsed;
    return parsed.has_value();
  }
  // A secret given as `key` or as `key_file` (a file holding it; relative to
  // the config's directory; trailing newlines trimmed), never both.
  bool ReadSecret(std::string_view key, core::SecretString* out, Presence p = Presence::kOptional);

  // Reports every key no reader asked for; false when there was one.
  bool Finish();

 private:
  struct Entry {
    std::string_view key;  // in the tree
    YamlTree::NodeId key_node;
    YamlTree::NodeId value;
    bool known = false;
  };
  Entry* Find(std::string_view key);
  void ReportMissing(std::string_view key, std::string_view message = "required key is missing");

  ReadContext* ctx_;
  const YamlTree* tree_;
  YamlTree::NodeId node_;
  std::string path_;
  std::vector<Entry> entries_;
  std::vector<std::string> asked_;
};

Location LocationOf(const YamlTree& tree, YamlTree::NodeId node, std::string path);

}  // namespace opsdeck::config::internal
