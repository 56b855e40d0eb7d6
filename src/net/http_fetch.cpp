#include "net/http_fetch.h"

#include <curl/curl.h>

#include <algorithm>
#include <boost/url/parse.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>

namespace opsdeck::net {
namespace {

// curl_global_init is not thread-safe before curl 7.84; once per process.
bool GlobalInit() {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] { ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; });
  return ok;
}

struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

struct EasyDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;

struct Sink {
  std::string body;
  size_t max_bytes = 0;
  bool too_large = false;
};

size_t OnData(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t n = size * count;
  if (sink->body.size() + n > sink->max_bytes) {
    sink->too_large = true;
    return 0;  // anything but n aborts the transfer with CURLE_WRITE_ERROR
  }
  sink->body.append(data, n);
  return n;
}


// Sets every option or reports the first that failed (an old libcurl
// without CURLOPT_PROTOCOLS_STR, say).
class Setter {
 public:
  explicit Setter(CURL* h) : h_(h) {}
  template <typename T>
  Setter& Set(CURLoption opt, T value) {
    if (rc_ == CURLE_OK) rc_ = curl_easy_setopt(h_, opt, value);
    return *this;
  }
  CURLcode rc() const { return rc_; }

 private:
  CURL* h_;
  CURLcode rc_ = CURLE_OK;
};

// Collects the header fields of the last response (a 1xx or a followed
// redirect starts a new set).
size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<std::vector<std::pair<std::string, std::string>>*>(user);
  const size_t n = size * count;
  std::string_view line(data, n);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  if (line.substr(0, 5) == "HTTP/") {
    headers->clear();
    return n;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  headers->emplace_back(std::string(line.substr(0, colon)), std::string(value));
  return n;
}

core::Error At(core::Error e, const std::string& where) {
  e.where = where;
  return e;
}

}  // namespace

bool HasHttpScheme(std::string_view url) {
  auto starts = [&](std::string_view prefix) {
    if (url.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i) {
      char c = url[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != prefix[i]) return false;
    }
    return true;
  };
  return starts("https://") || starts("http://");
}

std::string RedactUrl(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return "<unparsable URL>";
  std::string out(parsed->scheme());
  out += "://";
  out += parsed->encoded_host_and_port();
  out += parsed->encoded_path();
  return out;
}

namespace {

core::Result<FetchResponse> Perform(CURL* handle, const std::string& url,
                                    const FetchOptions& options) {
  const std::string where = RedactUrl(url);
  if (!HasHttpScheme(url)) {
    return core::Error::InvalidArgument("only http:// and https:// URLs can be fetched", where);
  }
  if (handle == nullptr) return core::Error::Internal("curl_easy_init failed");
  curl_easy_reset(handle);  // keeps the connection cache, forgets the last options
  struct Borrowed {
    CURL* h;
    CURL* get() const { return h; }
  } h{handle};
  std::vector<std::pair<std::string, std::string>> response_headers;

  Sink sink;
  sink.max_bytes = options.max_bytes;
  char error_buffer[CURL_ERROR_SIZE] = {0};
  const long timeout_ms = static_cast<long>(std::max<int64_t>(1, options.timeout.count()));
  Setter set(h.get());
  set.Set(CURLOPT_URL, url.c_str())
      .Set(CURLOPT_HTTPGET, 1L)
      .Set(CURLOPT_NOSIGNAL, 1L)  // no SIGALRM for DNS timeouts: we are threaded
      .Set(CURLOPT_ERRORBUFFER, error_buffer)
      .Set(CURLOPT_PROTOCOLS_STR, "http,https")
      .Set(CURLOPT_REDIR_PROTOCOLS_STR, "https")
      .Set(CURLOPT_FOLLOWLOCATION, options.follow_redirects ? 1L : 0L)
      .Set(CURLOPT_MAXREDIRS, kMaxRedirects)
      .Set(CURLOPT_SSL_VERIFYPEER, 1L)
      .Set(CURLOPT_SSL_VERIFYHOST, 2L)
      .Set(CURLOPT_TIMEOUT_MS, timeout_ms)
      .Set(CURLOPT_CONNECTTIMEOUT_MS, timeout_ms)
      .Set(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_bytes))
      .Set(CURLOPT_WRITEFUNCTION, &OnData)
      .Set(CURLOPT_WRITEDATA, &sink)
      .Set(CURLOPT_HEADERFUNCTION, &OnHeader)
      .Set(CURLOPT_HEADERDATA, &response_headers)
      .Set(CURLOPT_USERAGENT, options.user_agent.c_str());
  Slist headers;
  for (const auto& [name, value] : options.headers) {
    // "Name:" with nothing after the colon removes a header curl would add.
    const std::string line = value.empty() ? name + ":" : name + ": " + value;
    curl_slist* next = curl_slist_append(headers.get(), line.c_str());
    if (next == nullptr) return core::Error::Internal("curl_slist_append failed");
    headers.release();
    headers.reset(next);
  }
  if (headers) set.Set(CURLOPT_HTTPHEADER, headers.get());
  if (options.method == "POST") {
    set.Set(CURLOPT_POST, 1L)
        .Set(CURLOPT_POSTFIELDS, options.body.data())
        .Set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(options.body.size()));
  } else if (options.method == "HEAD") {
    // NOBODY, not CUSTOMREQUEST: curl would otherwise wait for the body that
    // a HEAD answer's Content-Length announces but never sends.
    set.Set(CURLOPT_NOBODY, 1L);
  } else if (options.method != "GET") {
    set.Set(CURLOPT_CUSTOMREQUEST, options.method.c_str())
        .Set(CURLOPT_POSTFIELDS, options.body.data())
        .Set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(options.body.size()));
  }
  if (set.rc() != CURLE_OK) {
    return core::Error::Internal(std::string("curl option: ") + curl_easy_strerror(set.rc()));
  }

  const CURLcode rc = curl_easy_perform(h.get());
  if (rc != CURLE_OK) {
    const std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
    const std::string too_large =
        "response larger than " + std::to_string(options.max_bytes) + " bytes";
    switch (rc) {
      case CURLE_URL_MALFORMAT:
        return core::Error::InvalidArgument("cannot fetch: " + detail, where);
      case CURLE_UNSUPPORTED_PROTOCOL:
        // The scheme was checked above, so only a redirect gets here.
        return At(core::Error::Unavailable("refused a redirect to a URL that is not https"), where);
      case CURLE_FILESIZE_EXCEEDED:
        return At(core::Error::PayloadTooLarge(too_large), where);
      case CURLE_WRITE_ERROR:
        if (sink.too_large) return At(core::Error::PayloadTooLarge(too_large), where);
        break;
      case CURLE_OPERATION_TIMEDOUT:
        return At(core::Error::Unavailable("timed out after " + std::to_string(timeout_ms) + " ms"),
                  where);
      case CURLE_OUT_OF_MEMORY:
        return At(core::Error::Internal(detail), where);
      default:
        break;
    }
    return At(core::Error::Unavailable(detail), where);
  }
  long status = 0;
  curl_easy_getinfo(h.get(), CURLINFO_RESPONSE_CODE, &status);
  FetchResponse out;
  out.status = status;
  out.body = std::move(sink.body);
  out.headers = std::move(response_headers);
  return out;
}

}  // namespace

core::Result<FetchResponse> FetchUrl(const std::string& url, const FetchOptions& options) {
  if (!GlobalInit()) return core::Error::Internal("curl_global_init failed");
  EasyHandle h(curl_easy_init());
  return Perform(h.get(), url, options);
}

HttpSession::HttpSession() {
  if (GlobalInit()) handle_ = curl_easy_init();
}

HttpSession::~HttpSession() {
  if (handle_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(handle_));
}

core::Result<FetchResponse> HttpSession::Fetch(const std::string& url,
                                               const FetchOptions& options) {
  return Perform(static_cast<CURL*>(handle_), url, options);
}

}  // namespace opsdeck::net
