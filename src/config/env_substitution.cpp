#include "config/internal/env_substitution.h"

#include <cctype>

namespace opsdeck::config::internal {
namespace {

bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

Substitution SubstituteEnv(std::string_view text, const EnvLookup& env) {
  Substitution out;
  out.value.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c != '$') {
      out.value += c;
      ++i;
      continue;
    }
    // `$${` is the escape for a literal `${`.
    if (text.substr(i, 3) == "$${") {
      out.value += "${";
      out.changed = true;
      i += 3;
      continue;
    }
    if (text.substr(i, 2) != "${") {
      out.value += c;
      ++i;
      continue;
    }
    size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      out.errors.push_back("unterminated ${ (write $${ for a literal ${)");
      break;
    }
    std::string_view name = text.substr(i + 2, close - i - 2);
    bool valid = !name.empty() && IsNameStart(name.front());
    for (char n : name) valid = valid && IsNameChar(n);
    if (!valid) {
      out.errors.push_back("invalid variable name in ${" + std::string(name) +
                           "} (letters, digits and _; write $${ for a literal ${)");
    } else if (auto value = env ? env(name) : std::nullopt) {
      out.value += *value;
    } else {
      out.errors.push_back("environment variable " + std::string(name) + " is not set");
    }
    out.changed = true;
    i = close + 1;
  }
  return out;
}

}  // namespace opsdeck::config::internal
