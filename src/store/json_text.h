// A tiny JSON object writer for audit before/after snapshots, so the store
// needs no JSON library. Output is always valid JSON: strings are escaped and
// invalid UTF-8 is replaced by U+FFFD (hostile names cannot break it).
// Thread-safety: a plain value; one instance per thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace opsdeck::store {

// Whether `s` is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
bool IsValidUtf8(std::string_view s);

// `s` as a JSON string literal, quotes included.
std::string JsonQuote(std::string_view s);

class JsonObjectText {
 public:
  JsonObjectText& Add(std::string_view key, std::string_view value);
  JsonObjectText& Add(std::string_view key, const char* value) { return Add(key, std::string_view(value)); }
  JsonObjectText& Add(std::string_view key, const std::string& value) { return Add(key, std::string_view(value)); }
  JsonObjectText& Add(std::string_view key, int64_t value);
  JsonObjectText& Add(std::string_view key, int value) { return Add(key, static_cast<int64_t>(value)); }
  JsonObjectText& Add(std::string_view key, bool value);
  JsonObjectText& AddNull(std::string_view key);
  // A value that is already JSON text (a nested object or array).
  JsonObjectText& AddRaw(std::string_view key, std::string_view json);
  JsonObjectText& Add(std::string_view key, const std::optional<std::string>& value) {
    return value ? Add(key, std::string_view(*value)) : AddNull(key);
  }

  std::string Finish() const { return text_ + "}"; }

 private:
  void Key(std::string_view key);
  std::string text_ = "{";
};

}  // namespace opsdeck::store
