// The tokens of the condition language (condition.h): names, numbers with
// an optional unit ("500ms"), double-quoted strings, comparison operators
// and punctuation, each with its 1-based column for error messages.
// Thread-safety: a Lexer is used by one parse at a time.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace opsdeck::monitor::condition_internal {

enum class Tok { kIdent, kNumber, kString, kOp, kDot, kLBracket, kRBracket, kComma, kEnd, kBad };

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;  // ident, op, number (with unit); decoded for strings
  size_t column = 0;
};

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  // The next token; kEnd at the end. On an unterminated string or a stray
  // character: kBad, with error() saying why.
  Token Next();
  const std::string& error() const { return error_; }

 private:
  Token String(Token t);

  std::string_view text_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace opsdeck::monitor::condition_internal
