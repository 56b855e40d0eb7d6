// The condition language's tokenizer.
#include "monitor/condition_lexer.h"

#include <cctype>

namespace opsdeck::monitor::condition_internal {

namespace {

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

}  // namespace

Token Lexer::Next() {
  while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  Token t;
  t.column = pos_ + 1;
  if (pos_ >= text_.size()) return t;
  const char c = text_[pos_];
  if (IsIdentStart(c)) {
    size_t start = pos_;
    while (pos_ < text_.size() && IsIdentChar(text_[pos_])) ++pos_;
    t.kind = Tok::kIdent;
    t.text = std::string(text_.substr(start, pos_ - start));
    return t;
  }
  if (std::isdigit(static_cast<unsigned char>(c)) || c == '-') {
    size_t start = pos_++;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '.')) {
      ++pos_;
    }
    t.kind = Tok::kNumber;
    t.text = std::string(text_.substr(start, pos_ - start));
    return t;
  }
  if (c == '"') return String(t);
  ++pos_;
  switch (c) {
    case '.':
      t.kind = Tok::kDot;
      return t;
    case '[':
      t.kind = Tok::kLBracket;
      return t;
    case ']':
      t.kind = Tok::kRBracket;
      return t;
    case ',':
      t.kind = Tok::kComma;
      return t;
    case '=':
    case '!':
    case '<':
    case '>': {
      t.kind = Tok::kOp;
      t.text = std::string(1, c);
      if (pos_ < text_.size() && text_[pos_] == '=') t.text += text_[pos_++];
      if (t.text == "=" || t.text == "!") {
        t.kind = Tok::kBad;
        error_ = "unexpected \"" + t.text + "\" (use == or !=)";
      }
      return t;
    }
    default:
      t.kind = Tok::kBad;
      error_ = "unexpected character \"" + std::string(1, c) + "\"";
      return t;
  }
}

Token Lexer::String(Token t) {
  ++pos_;  // opening quote
  while (pos_ < text_.size() && text_[pos_] != '"') {
    char c = text_[pos_++];
    if (c == '\\' && pos_ < text_.size()) {
      char e = text_[pos_++];
      c = e == 'n' ? '\n' : e == 't' ? '\t' : e;  // \" \\ and any other char as itself
    }
    t.text += c;
  }
  if (pos_ >= text_.size()) {
    t.kind = Tok::kBad;
    error_ = "unterminated string";
    return t;
  }
  ++pos_;  // closing quote
  t.kind = Tok::kString;
  return t;
}

}  // namespace opsdeck::monitor::condition_internal
