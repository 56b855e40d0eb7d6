// Value: typed reads of one YAML node (see internal/node_reader.h).
#include <charconv>

#include "config/internal/env_substitution.h"
#include "config/internal/formats.h"
#include "config/internal/node_reader.h"
#include "config/internal/suggest.h"

namespace opsdeck::config::internal {
namespace {

constexpr size_t kMaxQuoted = 60;  // longer scalars are shortened in messages

std::string JoinChoices(const std::vector<std::string_view>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

}  // namespace

Value::Value(ReadContext* ctx, const YamlTree* tree, YamlTree::NodeId node, std::string path)
    : ctx_(ctx), tree_(tree), node_(node), path_(std::move(path)) {}

Location Value::location() const { return LocationOf(*tree_, node_, path_); }

void Value::Error(std::string message) const { ctx_->AddError(location(), std::move(message)); }

std::string Value::KindName() const {
  switch (tree_->kind(node_)) {
    case YamlKind::kMap:
      return "a map";
    case YamlKind::kSequence:
      return "a list";
    case YamlKind::kScalar:
      return "a string";
    case YamlKind::kNull:
      break;
  }
  return "nothing";
}

std::string Value::Quoted() const {
  std::string text(tree_->scalar(node_));  // empty unless a scalar
  if (text.size() > kMaxQuoted) text = text.substr(0, kMaxQuoted) + "...";
  return "'" + text + "'";
}

std::optional<std::string> Value::Scalar(std::string_view expected) const {
  if (tree_->kind(node_) != YamlKind::kScalar) {
    Error("expected " + std::string(expected) + ", got " + KindName());
    return std::nullopt;
  }
  Substitution sub = SubstituteEnv(tree_->scalar(node_), ctx_->env());
  for (std::string& message : sub.errors) Error(std::move(message));
  if (!sub.errors.empty()) return std::nullopt;
  return std::move(sub.value);
}

std::optional<std::string> Value::AsString() const { return Scalar("a string"); }

std::optional<std::string> Value::AsName() const {
  auto text = Scalar("a string");
  if (text && text->empty()) {
    Error("must not be empty");
    return std::nullopt;
  }
  return text;
}

std::optional<core::SecretString> Value::AsSecret() const {
  auto text = Scalar("a string");
  if (!text) return std::nullopt;
  if (text->empty()) {
    Error("secret must not be empty");
    return std::nullopt;
  }
  return core::SecretString(std::move(*text));
}

std::optional<int64_t> Value::AsInt(int64_t min, int64_t max) const {
  auto text = Scalar("a whole number");
  if (!text) return std::nullopt;
  int64_t value = 0;
  const char* begin = text->data();
  if (!text->empty() && text->front() == '+') ++begin;
  auto [end, ec] = std::from_chars(begin, text->data() + text->size(), value);
  if (text->empty() || ec == std::errc::invalid_argument || end != text->data() + text->size()) {
    Error("expected a whole number, got " + Quoted());
    return std::nullopt;
  }
  if (ec == std::errc::result_out_of_range || value < min || value > max) {
    Error("must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
          Quoted());
    return std::nullopt;
  }
  return value;
}

std::optional<bool> Value::AsBool() const {
  auto text = Scalar("true or false");
  if (!text) return std::nullopt;
  if (*text == "true" || *text == "True" || *text == "TRUE") return true;
  if (*text == "false" || *text == "False" || *text == "FALSE") return false;
  Error("expected true or false, got " + Quoted());
  return std::nullopt;
}

std::optional<core::Duration> Value::AsDuration() const {
  auto text = Scalar("a duration");
  if (!text) return std::nullopt;
  auto parsed = ParseDuration(*text);
  if (!parsed) {
    Error("bad duration " + Quoted() + ": " + parsed.error().message);
    return std::nullopt;
  }
  return *parsed;
}

std::optional<uint64_t> Value::AsSize() const {
  auto text = Scalar("a size");
  if (!text) return std::nullopt;
  auto parsed = ParseSize(*text);
  if (!parsed) {
    Error("bad size " + Quoted() + ": " + parsed.error().message);
    return std::nullopt;
  }
  return *parsed;
}

std::optional<core::TimePoint> Value::AsTime() const {
  auto text = Scalar("an RFC 3339 time");
  if (!text) return std::nullopt;
  auto parsed = ParseRfc3339(*text);
  if (!parsed) {
    Error("bad time " + Quoted() + ": " + parsed.error().message);
    return std::nullopt;
  }
  return *parsed;
}

std::optional<std::string> Value::AsUrl() const {
  auto text = Scalar("a URL");
  if (!text) return std::nullopt;
  if (auto ok = CheckHttpUrl(*text); !ok) {
    Error("bad URL " + Quoted() + ": " + ok.error().message);
    return std::nullopt;
  }
  return text;
}

std::optional<size_t> Value::AsChoice(const std::vector<std::string_view>& names) const {
  auto text = Scalar("one of " + JoinChoices(names));
  if (!text) return std::nullopt;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == *text) return i;
  }
  std::vector<std::string> candidates(names.begin(), names.end());
  Error("expected " + JoinChoices(names) + ", got " + Quoted() + DidYouMean(*text, candidates));
  return std::nullopt;
}

std::optional<std::vector<Value>> Value::AsList() const {
  if (tree_->kind(node_) != YamlKind::kSequence) {
    Error("expected a list, got " + KindName());
    return std::nullopt;
  }
  std::vector<Value> items;
  size_t size = tree_->size(node_);
  items.reserve(size);
  for (size_t i = 0; i < size; ++i) {
    items.emplace_back(ctx_, tree_, tree_->item(node_, i), path_ + "[" + std::to_string(i) + "]");
  }
  return items;
}

std::optional<std::vector<std::string>> Value::AsStringList() const {
  auto items = AsList();
  if (!items) return std::nullopt;
  std::vector<std::string> out;
  bool ok = true;
  for (const Value& item : *items) {
    auto text = item.AsName();
    ok = ok && text.has_value();
    if (text) out.push_back(std::move(*text));
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<MapReader> Value::AsMap() const {
  if (tree_->kind(node_) != YamlKind::kMap) {
    Error("expected a map, got " + KindName());
    return std::nullopt;
  }
  return MapReader(ctx_, tree_, node_, path_);
}

}  // namespace opsdeck::config::internal
