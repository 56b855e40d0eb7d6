// ParseJsonKept: boost.json's validating SAX parser (basic_parser) with a
// handler that builds only the kept parts of the document. Skipped values
// are still parsed and checked, so a document is accepted or refused, with
// the same byte offset and message, exactly as ParseJson would.
#include <boost/json/basic_parser_impl.hpp>

#include <exception>
#include <utility>
#include <vector>

#include "ingest/json_reader.h"

namespace opsdeck::ingest {
namespace {

namespace json = boost::json;

class KeepHandler {
 public:
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

  explicit KeepHandler(const JsonKeep& keep) : root_spec_(Norm(&keep)) {}

  json::value Release() { return std::move(root_); }

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }

  bool on_object_begin(json::error_code&) { return Open(json::kind::object); }
  bool on_object_end(std::size_t, json::error_code&) { return Close(); }
  bool on_array_begin(json::error_code&) { return Open(json::kind::array); }
  bool on_array_end(std::size_t, json::error_code&) { return Close(); }

  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    if (skip_ == 0) part_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    if (skip_ > 0) return true;
    std::string_view key(s.data(), s.size());
    if (!part_.empty()) {
      part_.append(s.data(), s.size());
      key = part_;
    }
    const JsonKeep* spec = stack_.back().spec;
    if (spec == nullptr) {
      kept_ = true;
      child_ = nullptr;
    } else if (const JsonKeep* c = spec->Find(key)) {
      kept_ = true;
      child_ = Norm(c);
    } else {
      kept_ = false;
    }
    if (kept_) key_.assign(key.data(), key.size());
    part_.clear();
    return true;
  }

  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    if (skip_ == 0 && Wanted()) part_.append(s.data(), s.size());
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    if (skip_ > 0 || !Wanted()) return true;
    if (part_.empty()) {
      Add(json::value(s));
    } else {
      part_.append(s.data(), s.size());
      Add(json::value(json::string_view(part_.data(), part_.size())));
      part_.clear();
    }
    return true;
  }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(int64_t i, json::string_view, json::error_code&) { return Scalar(i); }
  bool on_uint64(uint64_t u, json::string_view, json::error_code&) { return Scalar(u); }
  bool on_double(double d, json::string_view, json::error_code&) { return Scalar(d); }
  bool on_bool(bool b, json::error_code&) { return Scalar(b); }
  bool on_null(json::error_code&) { return Scalar(nullptr); }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  struct Frame {
    json::value value;      // the object or array being built
    std::string key;        // its key in the parent object
    const JsonKeep* spec;   // what to keep inside; null: everything
  };

  // "Keep everything" is a null spec.
  static const JsonKeep* Norm(const JsonKeep* k) { return k == nullptr || k->all() ? nullptr : k; }

  // Is the value starting now kept? In an array, as its array; in an
  // object, as its key said; the root always.
  bool Wanted() const {
    if (stack_.empty()) return true;
    if (stack_.back().value.is_array()) return true;
    return kept_;
  }
  // The spec for the container starting now.
  const JsonKeep* ChildSpec() const {
    if (stack_.empty()) return root_spec_;
    if (stack_.back().value.is_array()) return stack_.back().spec;
    return child_;
  }

  // Nothing is built for what is skipped: most of the document.
  template <typename T>
  bool Scalar(T v) {
    if (skip_ == 0 && Wanted()) Add(json::value(v));
    return true;
  }
  bool Open(json::kind kind) {
    if (skip_ > 0 || !Wanted()) {
      ++skip_;
      return true;
    }
    Frame f{kind == json::kind::object ? json::value(json::object()) : json::value(json::array()), {},
            ChildSpec()};
    if (!stack_.empty() && stack_.back().value.is_object()) f.key = std::move(key_);
    stack_.push_back(std::move(f));
    return true;
  }
  bool Close() {
    if (skip_ > 0) {
      --skip_;
      return true;
    }
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    key_ = std::move(f.key);
    Add(std::move(f.value));
    return true;
  }
  // Into the innermost container under the current key; the last of
  // duplicate keys wins, as in boost.json's own parser.
  void Add(json::value v) {
    if (stack_.empty()) {
      root_ = std::move(v);
    } else if (json::object* o = stack_.back().value.if_object()) {
      o->insert_or_assign(key_, std::move(v));
    } else {
      stack_.back().value.get_array().push_back(std::move(v));
    }
  }

  const JsonKeep* root_spec_;
  std::vector<Frame> stack_;
  json::value root_;
  size_t skip_ = 0;        // > 0: inside a container that is not kept
  bool kept_ = false;      // the current key of the innermost object is kept
  const JsonKeep* child_ = nullptr;  // and its spec
  std::string key_;        // the current key, when kept
  std::string part_;       // a key or string split across callbacks
};

}  // namespace

JsonKeep::JsonKeep(std::initializer_list<std::pair<std::string_view, JsonKeep>> children) {
  children_.reserve(children.size());
  for (const auto& [key, spec] : children) children_.emplace_back(std::string(key), spec);
}

const JsonKeep* JsonKeep::Find(std::string_view key) const {
  for (const auto& [k, spec] : children_) {
    if (k == key) return &spec;
  }
  return nullptr;
}

core::Result<json::value> ParseJsonKept(std::string_view text, const JsonKeep& keep) {
  try {
    json::parse_options opts;
    opts.max_depth = 64;
    json::basic_parser<KeepHandler> parser(opts, keep);
    json::error_code ec;
    const size_t used = parser.write_some(false, text.data(), text.size(), ec);
    if (!ec && used < text.size()) ec = json::error::extra_data;
    if (ec) return JsonSyntaxError(ec, used, text.size());
    return parser.handler().Release();
  } catch (const std::exception& e) {  // bad_alloc
    return core::Error::InvalidArgument(std::string("unreadable JSON: ") + e.what(), "");
  }
}

}  // namespace opsdeck::ingest
