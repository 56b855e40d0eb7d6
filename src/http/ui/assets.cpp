// Lookups over the embedded file table and the HTTP caching rules for it.
#include "http/ui/assets.h"

#include <algorithm>
#include <cstddef>
#include <span>
#include <string>

#include "http/ui/embedded_files.h"

namespace opsdeck::http::ui {
namespace {

using internal::EmbeddedFile;
using internal::EmbeddedKind;

constexpr std::string_view kStaticPrefix = "/static/";
constexpr std::size_t kFingerprintLength = 16;  // hex digits, as embed_assets.cmake writes

std::span<const EmbeddedFile> Files() {
  return {internal::kEmbeddedFiles, internal::kEmbeddedFileCount};
}

const Asset* FindExact(std::string_view url_path) {
  for (const EmbeddedFile& file : Files()) {
    if (file.kind == EmbeddedKind::kStatic &&
        (file.asset.path == url_path || file.asset.url == url_path)) {
      return &file.asset;
    }
  }
  return nullptr;
}

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// "/static/app.0123456789abcdef.css" -> "/static/app.css"; empty if `url_path`
// does not carry a fingerprint. Works on the last path segment only.
std::string RemoveFingerprint(std::string_view url_path) {
  const std::size_t slash = url_path.rfind('/');
  std::string_view name = url_path.substr(slash + 1);
  std::size_t ext_dot = name.rfind('.');
  if (ext_dot == std::string_view::npos) return {};
  std::string_view before_ext = name.substr(0, ext_dot);
  std::string_view ext = name.substr(ext_dot);
  std::size_t hash_dot = before_ext.rfind('.');
  if (hash_dot == std::string_view::npos) {  // "/static/LICENSE.<hash>" (no extension)
    hash_dot = ext_dot;
    before_ext = name;
    ext = {};
  }
  std::string_view hash = before_ext.substr(hash_dot + 1);
  if (hash.size() != kFingerprintLength || !IsLowerHex(hash) || hash_dot == 0) return {};
  std::string plain(url_path.substr(0, slash + 1));
  plain.append(before_ext.substr(0, hash_dot));
  plain.append(ext);
  return plain;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view WithoutWeakPrefix(std::string_view tag) {
  if (tag.starts_with("W/")) tag.remove_prefix(2);
  return tag;
}

}  // namespace

const Asset* FindStatic(std::string_view url_path) {
  if (!url_path.starts_with(kStaticPrefix) || url_path.size() == kStaticPrefix.size()) {
    return nullptr;
  }
  // The table lookup is exact, so these could never match anyway; refusing them
  // up front keeps the rule obvious: no traversal, no encodings, no queries.
  constexpr std::string_view kRefused[] = {"..", "//", "\\", "%", "?", "#", "/."};
  for (std::string_view bad : kRefused) {
    if (url_path.find(bad) != std::string_view::npos) return nullptr;
  }
  if (const Asset* asset = FindExact(url_path)) return asset;
  const std::string plain = RemoveFingerprint(url_path);
  return plain.empty() ? nullptr : FindExact(plain);
}

std::string_view StaticUrl(std::string_view path) {
  const Asset* asset = FindExact(path);
  return asset ? asset->url : path;
}

std::string_view Template(std::string_view name) {
  for (const EmbeddedFile& file : Files()) {
    if (file.kind == EmbeddedKind::kTemplate && file.asset.path == name) return file.asset.body;
  }
  return {};
}

std::string_view StaticCacheControl(const Asset& asset, std::string_view url_path) {
  return url_path == asset.url ? kImmutableCacheControl : kRevalidateCacheControl;
}

bool IfNoneMatchHits(std::string_view if_none_match, std::string_view etag) {
  if_none_match = Trim(if_none_match);
  if (if_none_match.empty() || etag.empty()) return false;
  if (if_none_match == "*") return true;
  const std::string_view want = WithoutWeakPrefix(etag);
  while (!if_none_match.empty()) {
    const std::size_t comma = if_none_match.find(',');
    const std::string_view candidate = Trim(if_none_match.substr(0, comma));
    if (WithoutWeakPrefix(candidate) == want) return true;
    if (comma == std::string_view::npos) break;
    if_none_match.remove_prefix(comma + 1);
  }
  return false;
}

StaticReply ServeStatic(std::string_view url_path, std::string_view if_none_match) {
  const Asset* asset = FindStatic(url_path);
  if (asset == nullptr) return {};
  return StaticReply{IfNoneMatchHits(if_none_match, asset->etag) ? 304 : 200, asset,
                     StaticCacheControl(*asset, url_path)};
}

}  // namespace opsdeck::http::ui
