// The web UI's static assets (web/static/) and page templates (web/templates/),
// embedded in the binary at build time with their content type and a strong
// ETag (embed_assets.cmake). Also the HTTP caching rules for serving them.
// Thread-safety: all data is immutable and static; every function is pure and
// may be called from any thread.
#pragma once

#include <string_view>

namespace opsdeck::http::ui {

struct Asset {
  std::string_view path;          // "/static/app.css"
  std::string_view content_type;  // "text/css; charset=utf-8"
  std::string_view body;
  std::string_view etag;  // strong, quoted, a hash of the body: "\"3f2a9c0d1e2b4a5f\""
  // The fingerprinted URL pages link to: "/static/app.3f2a9c0d1e2b4a5f.css".
  // It names this exact content, so responses to it may be cached forever.
  std::string_view url;
};

// "/static/app.css" or its fingerprinted URL -> the asset; nullptr for anything
// else (unknown names, "..", query strings, encoded characters). A stale
// fingerprint ("/static/app.<old hash>.css") finds the current asset, so a page
// from another instance version still gets styled; see StaticCacheControl.
const Asset* FindStatic(std::string_view url_path);

// The URL a page should link to for `path` ("/static/app.css"): the
// fingerprinted URL, or `path` itself when there is no such asset.
std::string_view StaticUrl(std::string_view path);

// A template's text by name ("layout", "overview"); empty when there is none.
std::string_view Template(std::string_view name);

// Cache-Control for a response to `url_path` that FindStatic resolved to
// `asset`: the current fingerprinted URL is immutable for a year; every other
// name must be revalidated with its ETag (answered by 304 when unchanged).
inline constexpr std::string_view kImmutableCacheControl = "public, max-age=31536000, immutable";
inline constexpr std::string_view kRevalidateCacheControl = "public, no-cache";
std::string_view StaticCacheControl(const Asset& asset, std::string_view url_path);

// True when an If-None-Match header value matches `etag` (RFC 9110 13.1.2:
// "*", a comma-separated list, weak comparison so W/"x" matches "x").
bool IfNoneMatchHits(std::string_view if_none_match, std::string_view etag);

// Everything the server needs to answer GET/HEAD /static/...: status 200 (send
// body), 304 (no body) or 404 (asset is null). Headers to send with 200 and 304:
// Content-Type (200 only), ETag, Cache-Control, X-Content-Type-Options: nosniff.
struct StaticReply {
  int status = 404;
  const Asset* asset = nullptr;
  std::string_view cache_control;
};
StaticReply ServeStatic(std::string_view url_path, std::string_view if_none_match);

}  // namespace opsdeck::http::ui
