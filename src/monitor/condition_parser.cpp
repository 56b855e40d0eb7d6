// Parsing of the condition language: a recursive-descent parser over
// condition_lexer's tokens, for `<subject> <operator> <operand>`. Every error names the
// condition and the 1-based column where the parser stopped.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "config/formats.h"
#include "monitor/condition.h"
#include "monitor/condition_lexer.h"

namespace opsdeck::monitor {
namespace {

using condition_internal::Lexer;
using condition_internal::Tok;
using condition_internal::Token;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

struct ParseError {
  std::string problem;
  size_t column;
};

class Parser {
 public:
  explicit Parser(std::string_view text) : lexer_(text) { Advance(); }

  std::optional<ParseError> Parse(Condition* out) {
    if (auto e = Subject(out)) return e;
    if (auto e = Operator(out)) return e;
    if (auto e = Operand(out)) return e;
    if (tok_.kind == Tok::kBad) return Bad();
    if (tok_.kind != Tok::kEnd) return Unexpected();
    return std::nullopt;
  }

 private:
  void Advance() { tok_ = lexer_.Next(); }
  ParseError At(std::string problem) const { return {std::move(problem), tok_.column}; }
  ParseError Bad() const { return At(lexer_.error()); }
  ParseError Unexpected() const {
    if (tok_.kind == Tok::kEnd) return At("unexpected end");
    static constexpr const char* kPunct[] = {"", "", "", "", ".", "[", "]", ",", "", ""};
    std::string shown = tok_.kind == Tok::kString ? "\"" + tok_.text + "\""
                        : tok_.text.empty()       ? kPunct[static_cast<int>(tok_.kind)]
                                                  : tok_.text;
    return At("unexpected \"" + shown + "\"");
  }

  std::optional<ParseError> Subject(Condition* out) {
    if (tok_.kind == Tok::kBad) return Bad();
    if (tok_.kind != Tok::kIdent) {
      return At(tok_.kind == Tok::kEnd ? "empty condition" : "expected a field");
    }
    const std::string name = tok_.text;
    if (name == "status") {
      out->subject = ConditionSubject::kStatus;
    } else if (name == "response_time") {
      out->subject = ConditionSubject::kResponseTime;
    } else if (name == "body") {
      out->subject = ConditionSubject::kBody;
    } else if (name == "certificate_days") {
      out->subject = ConditionSubject::kCertificateDays;
    } else if (name == "json") {
      out->subject = ConditionSubject::kJson;
      Advance();
      return JsonPath(out);
    } else if (name == "header") {
      out->subject = ConditionSubject::kHeader;
      Advance();
      if (tok_.kind != Tok::kDot) return At("expected \".\" and a header name after \"header\"");
      Advance();
      if (tok_.kind != Tok::kIdent) return At("expected a header name after \"header.\"");
      out->header_name = Lower(tok_.text);
      display_name_ = tok_.text;
    } else {
      return At("unknown field \"" + name +
                "\" (use status, response_time, body, json.<path>, header.<name> or "
                "certificate_days)");
    }
    Advance();
    return std::nullopt;
  }

  std::optional<ParseError> JsonPath(Condition* out) {
    for (;;) {
      if (tok_.kind == Tok::kDot) {
        Advance();
        if (tok_.kind != Tok::kIdent) return At("expected a field name after \".\"");
        out->path.push_back(JsonStep{tok_.text, 0, false});
        Advance();
      } else if (tok_.kind == Tok::kLBracket) {
        Advance();
        size_t index = 0;
        const auto& s = tok_.text;
        if (tok_.kind != Tok::kNumber ||
            std::from_chars(s.data(), s.data() + s.size(), index).ptr != s.data() + s.size()) {
          return At("expected an array index (0, 1, ...)");
        }
        out->path.push_back(JsonStep{{}, index, true});
        Advance();
        if (tok_.kind != Tok::kRBracket) return At("expected \"]\"");
        Advance();
      } else {
        return std::nullopt;
      }
    }
  }

  std::optional<ParseError> Operator(Condition* out) {
    using Op = ConditionOp;
    if (tok_.kind == Tok::kBad) return Bad();
    const std::string& t = tok_.text;
    std::optional<Op> op;
    if (tok_.kind == Tok::kOp) {
      op = t == "=="   ? Op::kEq
           : t == "!=" ? Op::kNe
           : t == "<"  ? Op::kLt
           : t == "<=" ? Op::kLe
           : t == ">"  ? Op::kGt
                       : Op::kGe;
    } else if (tok_.kind == Tok::kIdent) {
      if (t == "contains") op = Op::kContains;
      if (t == "matches") op = Op::kMatches;
      if (t == "in") op = Op::kIn;
    }
    if (!op) return At("expected an operator (==, !=, <, <=, >, >=, contains, matches, in)");
    out->op = *op;
    if (!Allowed(out->subject, *op))
      return At(SubjectName(out->subject) + " takes " + AllowedList(out->subject));
    Advance();
    return std::nullopt;
  }

  static bool Allowed(ConditionSubject s, ConditionOp op) {
    using S = ConditionSubject;
    using Op = ConditionOp;
    const bool compare = op != Op::kContains && op != Op::kMatches && op != Op::kIn;
    switch (s) {
      case S::kStatus:
      case S::kCertificateDays:
        return compare || op == Op::kIn;
      case S::kResponseTime:
        return compare;
      case S::kBody:
      case S::kHeader:
        return op == Op::kEq || op == Op::kNe || op == Op::kContains || op == Op::kMatches;
      case S::kJson:
        return true;
    }
    return false;
  }
  static std::string AllowedList(ConditionSubject s) {
    using S = ConditionSubject;
    if (s == S::kStatus || s == S::kCertificateDays) return "==, !=, <, <=, >, >= or in";
    if (s == S::kResponseTime) return "==, !=, <, <=, > or >=";
    return "contains, matches, == or !=";
  }
  std::string SubjectName(ConditionSubject s) const {
    using S = ConditionSubject;
    switch (s) {
      case S::kStatus:
        return "status";
      case S::kResponseTime:
        return "response_time";
      case S::kBody:
        return "body";
      case S::kJson:
        return "json";
      case S::kHeader:
        return "header." + display_name_;
      case S::kCertificateDays:
        return "certificate_days";
    }
    return {};
  }

  std::optional<ParseError> Operand(Condition* out) {
    if (out->op != ConditionOp::kIn) return Literal(out);
    if (tok_.kind != Tok::kLBracket) return At("expected \"[\" and a list of values");
    Advance();
    for (;;) {
      if (auto e = Literal(out)) return e;
      if (tok_.kind == Tok::kRBracket) break;
      if (tok_.kind != Tok::kComma) return At("expected \",\" or \"]\"");
      Advance();
    }
    Advance();
    return std::nullopt;
  }

  // One literal of the type the subject and operator want.
  std::optional<ParseError> Literal(Condition* out) {
    using S = ConditionSubject;
    using Op = ConditionOp;
    if (tok_.kind == Tok::kBad) return Bad();
    const bool wants_string = out->subject == S::kBody || out->subject == S::kHeader ||
                              out->op == Op::kContains || out->op == Op::kMatches;
    if (wants_string) {
      if (tok_.kind != Tok::kString) return At("expected a string in double quotes");
      if (out->op == Op::kMatches) {
        try {
          // __polynomial: libstdc++'s Thompson-NFA executor. The default one
          // recurses per input character and overflows the stack on a long
          // one-line body (a 64 KiB minified JSON); this one cannot, and it
          // rejects back-references, which need backtracking.
          out->regex.emplace(tok_.text, std::regex::ECMAScript | std::regex::optimize |
                                            std::regex_constants::__polynomial);
        } catch (const std::regex_error& e) {
          return At(std::string("invalid regex (") + e.what() + ")");
        }
      }
      out->values.emplace_back(tok_.text);
      Advance();
      return std::nullopt;
    }
    if (out->subject == S::kResponseTime) {
      auto ms = tok_.kind == Tok::kNumber ? config::ParseDuration(tok_.text)
                                          : core::Result<core::Duration>(core::Error{});
      if (!ms) return At("expected a duration such as 500ms or 2s");
      out->values.emplace_back(static_cast<double>(ms->count()));
      Advance();
      return std::nullopt;
    }
    const bool wants_number = out->subject != S::kJson ||
                              (out->op != Op::kEq && out->op != Op::kNe && out->op != Op::kIn);
    if (tok_.kind == Tok::kNumber) {
      double value = 0;
      const auto& s = tok_.text;
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
      if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(value)) {
        return At("expected a number");
      }
      if (out->subject != S::kJson && value != std::floor(value)) {
        return At("expected a whole number");
      }
      out->values.emplace_back(value);
    } else if (wants_number) {
      return At("expected a number");
    } else if (tok_.kind == Tok::kString) {
      out->values.emplace_back(tok_.text);
    } else if (tok_.kind == Tok::kIdent && tok_.text == "true") {
      out->values.emplace_back(true);
    } else if (tok_.kind == Tok::kIdent && tok_.text == "false") {
      out->values.emplace_back(false);
    } else if (tok_.kind == Tok::kIdent && tok_.text == "null") {
      out->values.emplace_back(nullptr);
    } else {
      return At("expected a value (a string, number, true, false or null)");
    }
    Advance();
    return std::nullopt;
  }

  Lexer lexer_;
  std::string display_name_;  // the header name as written, for messages
  Token tok_;
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

core::Result<Condition> ConditionSet::ParseOne(std::string_view text) {
  Condition condition;
  condition.text = std::string(Trim(text));
  Parser parser(text);
  if (auto error = parser.Parse(&condition)) {
    return core::Error::InvalidArgument("bad condition \"" + condition.text +
                                        "\": " + error->problem + " at column " +
                                        std::to_string(error->column));
  }
  return condition;
}

core::Result<ConditionSet> ConditionSet::Parse(const std::vector<std::string>& texts) {
  ConditionSet set;
  std::vector<std::string> defaults;
  const auto& source = texts.empty() ? (defaults = {"status < 400"}) : texts;
  for (size_t i = 0; i < source.size(); ++i) {
    auto condition = ParseOne(source[i]);
    if (!condition) {
      condition.error().where = "conditions[" + std::to_string(i) + "]";
      return std::move(condition.error());
    }
    Condition& c = *condition;
    switch (c.subject) {
      case ConditionSubject::kHeader: {
        auto it = std::find(set.header_names_.begin(), set.header_names_.end(), c.header_name);
        c.header = static_cast<size_t>(it - set.header_names_.begin());
        if (it == set.header_names_.end()) set.header_names_.push_back(c.header_name);
        break;
      }
      case ConditionSubject::kBody:
        set.needs_body_ = true;
        break;
      case ConditionSubject::kJson:
        set.needs_body_ = set.needs_json_ = true;
        break;
      case ConditionSubject::kCertificateDays:
        set.needs_certificate_ = true;
        break;
      default:
        break;
    }
    set.conditions_.push_back(std::move(c));
  }
  return set;
}

}  // namespace opsdeck::monitor
