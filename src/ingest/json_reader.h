// Typed, exception-free reading of a parsed JSON document for the source
// parsers. Every problem becomes a core::Error (kInvalidArgument) whose
// `where` is the RFC 6901 JSON pointer of the offending value; the first
// problem wins. Readers borrow the document and an ErrorSink; use them on one
// thread, within the document's lifetime.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace opsdeck::ingest {

// Parses exactly one JSON document; never throws. A syntax error or a
// truncated document is kInvalidArgument with where = "" (the whole document)
// and the byte offset in the message.
core::Result<boost::json::value> ParseJson(std::string_view text);

// The error of ParseJson and ParseJsonKept for a document refused after `used` of
// its `size` bytes: kInvalidArgument, where = "", the byte offset in the
// message.
core::Error JsonSyntaxError(const boost::system::error_code& ec, size_t used, size_t size);

// The parts of a document a parser reads. Under each listed key, the listed
// children only; a key listed with no children keeps its whole value (a
// scalar normally; an object or array whole). The elements of an array get
// their key's spec. Unlisted keys are parsed and checked, but not built.
class JsonKeep {
 public:
  JsonKeep() = default;  // everything
  JsonKeep(std::initializer_list<std::pair<std::string_view, JsonKeep>> children);

  bool all() const { return children_.empty(); }
  // The spec under `key`, or null when the key is not kept.
  const JsonKeep* Find(std::string_view key) const;

 private:
  std::vector<std::pair<std::string, JsonKeep>> children_;
};

// As ParseJson (the same syntax checks, depth limit and error messages),
// but builds only what `keep` lists: a 3 KB GitHub delivery whose parser
// reads 20 fields costs a fifth of the full tree (json_keep.cpp).
core::Result<boost::json::value> ParseJsonKept(std::string_view text, const JsonKeep& keep);

// base + "/" + key with "~" and "/" escaped as RFC 6901 asks.
std::string JsonPointer(std::string_view base, std::string_view key);

// Collects the first error of a parse.
class ErrorSink {
 public:
  void Fail(std::string message, std::string where);
  bool failed() const { return error_.has_value(); }
  const core::Error& error() const { return *error_; }

 private:
  std::optional<core::Error> error_;
};

class ObjectReader {
 public:
  // `obj` may be null: an absent optional object; every getter then yields nullopt.
  ObjectReader(const boost::json::object* obj, std::string pointer, ErrorSink* sink)
      : obj_(obj), pointer_(std::move(pointer)), sink_(sink) {}

  bool present() const { return obj_ != nullptr; }
  const std::string& pointer() const { return pointer_; }
  ErrorSink& sink() const { return *sink_; }

  // Missing or null yields nullopt (and an error when `required`); a value of
  // the wrong type is an error.
  std::optional<std::string> String(std::string_view key, bool required = false) const;
  // Integers up to 64 bits; an integral double (3.0) is accepted.
  std::optional<int64_t> Int(std::string_view key, bool required = false) const;
  // An RFC 3339 string.
  std::optional<core::TimePoint> Time(std::string_view key, bool required = false) const;
  ObjectReader Object(std::string_view key, bool required = false) const;

  // Reports the first key not in `allowed` (for opsdeck's own formats).
  void OnlyKeys(std::initializer_list<std::string_view> allowed) const;

 private:
  const boost::json::value* Get(std::string_view key, bool required) const;
  void TypeError(std::string_view key, std::string_view expected) const;

  const boost::json::object* obj_;
  std::string pointer_;
  ErrorSink* sink_;
};

// "https://…" or "http://…" (scheme case-insensitive); anything else is not
// a link we render.
bool IsHttpUrl(std::string_view url);

// The first line of `text`, without a trailing '\r'.
std::string FirstLine(std::string_view text);

}  // namespace opsdeck::ingest
