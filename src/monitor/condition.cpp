// Evaluation of parsed conditions against one response. The body is parsed
// as JSON at most once per evaluation, and only when a json.* condition
// exists, into a stack buffer so a small body costs no heap allocation.
#include "monitor/condition.h"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <cstdio>

namespace opsdeck::monitor {
namespace {

namespace json = boost::json;

// How much of a body or JSON value an error shows.
constexpr size_t kPreviewBytes = 80;

// The left-hand side of one condition for one response.
struct Actual {
  enum Kind { kMissing, kNull, kBool, kNumber, kString, kOther } kind = kMissing;
  bool boolean = false;
  double number = 0;
  std::string_view text;               // kString
  const json::value* other = nullptr;  // kOther: an object or array
  bool is_duration = false;            // number is milliseconds
  std::string_view missing_why = "(missing)";
};

std::string Quote(std::string_view s) {
  std::string out = "\"";
  const size_t n = std::min(s.size(), kPreviewBytes);
  for (size_t i = 0; i < n; ++i) {
    const char c = s[i];
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  out += '"';
  if (s.size() > n) out += "... (" + std::to_string(s.size()) + " bytes)";
  return out;
}

std::string FormatNumber(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<int64_t>(v));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string Describe(const Actual& a) {
  switch (a.kind) {
    case Actual::kMissing:
      return std::string(a.missing_why);
    case Actual::kNull:
      return "null";
    case Actual::kBool:
      return a.boolean ? "true" : "false";
    case Actual::kNumber:
      return a.is_duration ? FormatMicros(core::Micros(static_cast<int64_t>(a.number * 1000)))
                           : FormatNumber(a.number);
    case Actual::kString:
      return Quote(a.text);
    case Actual::kOther: {
      std::string s = json::serialize(*a.other);
      if (s.size() > kPreviewBytes) s = s.substr(0, kPreviewBytes) + "...";
      return s;
    }
  }
  return {};
}

Actual FromJson(const json::value& v) {
  Actual a;
  switch (v.kind()) {
    case json::kind::null:
      a.kind = Actual::kNull;
      break;
    case json::kind::bool_:
      a.kind = Actual::kBool;
      a.boolean = v.get_bool();
      break;
    case json::kind::int64:
      a.kind = Actual::kNumber;
      a.number = double(v.get_int64());
      break;
    case json::kind::uint64:
      a.kind = Actual::kNumber;
      a.number = double(v.get_uint64());
      break;
    case json::kind::double_:
      a.kind = Actual::kNumber;
      a.number = v.get_double();
      break;
    case json::kind::string:
      a.kind = Actual::kString;
      a.text = v.get_string();
      break;
    default:
      a.kind = Actual::kOther;
      a.other = &v;
      break;
  }
  return a;
}

const json::value* Walk(const json::value& root, const std::vector<JsonStep>& path) {
  const json::value* v = &root;
  for (const JsonStep& step : path) {
    if (step.is_index) {
      const json::array* a = v->if_array();
      if (!a || step.index >= a->size()) return nullptr;
      v = &(*a)[step.index];
    } else {
      const json::object* o = v->if_object();
      if (!o) return nullptr;
      auto it = o->find(step.key);
      if (it == o->end()) return nullptr;
      v = &it->value();
    }
  }
  return v;
}

bool Equal(const Actual& a, const ConditionLiteral& lit) {
  switch (lit.index()) {
    case 0:
      return a.kind == Actual::kNull;
    case 1:
      return a.kind == Actual::kBool && a.boolean == std::get<bool>(lit);
    case 2:
      return a.kind == Actual::kNumber && a.number == std::get<double>(lit);
    default:
      return a.kind == Actual::kString && a.text == std::get<std::string>(lit);
  }
}

bool Holds(const Condition& c, const Actual& a) {
  using Op = ConditionOp;
  if (a.kind == Actual::kMissing) return false;
  const ConditionLiteral& lit = c.values.front();
  switch (c.op) {
    case Op::kEq:
      return Equal(a, lit);
    case Op::kNe:
      return !Equal(a, lit);
    case Op::kIn:
      for (const auto& v : c.values) {
        if (Equal(a, v)) return true;
      }
      return false;
    case Op::kContains:
      return a.kind == Actual::kString &&
             a.text.find(std::get<std::string>(lit)) != std::string_view::npos;
    case Op::kMatches:
      return a.kind == Actual::kString && std::regex_search(a.text.begin(), a.text.end(), *c.regex);
    default:
      break;
  }
  if (a.kind != Actual::kNumber) return false;
  const double want = std::get<double>(lit);
  switch (c.op) {
    case Op::kLt:
      return a.number < want;
    case Op::kLe:
      return a.number <= want;
    case Op::kGt:
      return a.number > want;
    case Op::kGe:
      return a.number >= want;
    default:
      return false;
  }
}

}  // namespace

std::string FormatMicros(core::Micros value) {
  const int64_t us = value.count();
  if (us >= 10'000 || us <= -10'000) return std::to_string((us + 500) / 1000) + "ms";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fms", static_cast<double>(us) / 1000.0);
  return buf;
}

std::string ConditionSet::Evaluate(const Observation& obs) const {
  // Room for a typical health-check body's parse tree without touching the heap.
  unsigned char arena[4096];
  json::monotonic_resource resource(arena, sizeof arena);
  json::value doc;
  std::string json_error;
  if (needs_json_) {
    boost::system::error_code ec;
    doc = json::parse(obs.body, ec, &resource);
    if (ec) json_error = "(body is not JSON: " + ec.message() + ")";
  }

  std::string failures;
  for (const Condition& c : conditions_) {
    Actual a;
    switch (c.subject) {
      case ConditionSubject::kStatus:
        a.kind = Actual::kNumber;
        a.number = obs.status;
        break;
      case ConditionSubject::kResponseTime:
        a.kind = Actual::kNumber;
        a.is_duration = true;
        a.number = static_cast<double>(obs.response_time.count()) / 1000.0;
        break;
      case ConditionSubject::kBody:
        a.kind = Actual::kString;
        a.text = obs.body;
        break;
      case ConditionSubject::kHeader:
        if (c.header < obs.headers.size() && obs.headers[c.header]) {
          a.kind = Actual::kString;
          a.text = *obs.headers[c.header];
        } else {
          a.missing_why = "(no such header)";
        }
        break;
      case ConditionSubject::kCertificateDays:
        if (obs.certificate_days) {
          a.kind = Actual::kNumber;
          a.number = *obs.certificate_days;
        } else {
          a.missing_why = "(no certificate)";
        }
        break;
      case ConditionSubject::kJson:
        if (!json_error.empty()) {
          a.missing_why = json_error;
        } else if (const json::value* v = Walk(doc, c.path)) {
          a = FromJson(*v);
        } else {
          a.missing_why = "(no such field)";
        }
        break;
    }
    if (Holds(c, a)) continue;
    if (!failures.empty()) failures += "; ";
    failures += c.text + " failed: got " + Describe(a);
  }
  return failures;
}

}  // namespace opsdeck::monitor
