#include "tickets/jira_client.h"

#include <openssl/evp.h>
#include <strings.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <thread>

#include "net/log.h"
#include "tickets/jira_wire.h"

namespace opsdeck::tickets {
namespace {

using std::chrono::milliseconds;

// Jira answers are small (a key, a page of ten keys, an error collection).
constexpr size_t kMaxAnswerBytes = 1 << 20;

std::string Base64(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(data.data()),
                                static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(std::max(n, 0)));
  return out;
}

const std::string* FindHeader(const net::FetchResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k.size() == name.size() && ::strncasecmp(k.data(), name.data(), k.size()) == 0) return &v;
  }
  return nullptr;
}

// Retry-After in seconds (RFC 9110 §10.2.3 also allows an HTTP-date, which
// Jira does not send; an unreadable value means "no advice").
std::optional<milliseconds> RetryAfter(const net::FetchResponse& r) {
  const std::string* h = FindHeader(r, "Retry-After");
  if (h == nullptr) return std::nullopt;
  double seconds = 0;
  const char* begin = h->data() + std::min(h->find_first_not_of(' '), h->size());
  auto [end, ec] = std::from_chars(begin, h->data() + h->size(), seconds);
  if (ec != std::errc() || !std::isfinite(seconds) || seconds < 0) return std::nullopt;
  // Clamped before the cast; anything this large is refused by max_wait anyway.
  return milliseconds(static_cast<int64_t>(std::ceil(std::min(seconds, 1e9) * 1000)));
}

std::string PathOf(std::string_view target) {
  return std::string(target.substr(0, target.find('?')));
}

std::string WithDetails(std::string message, const net::FetchResponse& r) {
  const std::string details = jira::DescribeErrors(r.body);
  if (!details.empty()) message += ": " + details;
  return message;
}

std::string Seconds(milliseconds ms) { return std::to_string((ms.count() + 999) / 1000) + " s"; }

}  // namespace

core::Result<std::unique_ptr<JiraClient>> JiraClient::Create(const config::JiraConfig& config,
                                                             JiraClientOptions options) {
  if (!net::HasHttpScheme(config.url)) {
    return core::Error::InvalidArgument("jira.url must be an http(s) URL", "jira.url");
  }
  if (config.token.empty())
    return core::Error::InvalidArgument("jira.token is empty", "jira.token");
  if (config.project.empty()) {
    return core::Error::InvalidArgument("jira.project is empty", "jira.project");
  }
  if (config.api_version != 2 && config.api_version != 3) {
    return core::Error::InvalidArgument("jira.api_version must be 2 or 3", "jira.api_version");
  }
  return std::unique_ptr<JiraClient>(new JiraClient(config, std::move(options)));
}

JiraClient::JiraClient(const config::JiraConfig& config, JiraClientOptions options)
    : base_url_(config.url),
      api_version_(config.api_version),
      project_(config.project),
      issue_type_(config.issue_type),
      options_(std::move(options)) {
  while (base_url_.ends_with('/')) base_url_.pop_back();
  authorization_ = config.email.empty()
                       ? "Bearer " + config.token.Reveal()
                       : "Basic " + Base64(config.email + ":" + config.token.Reveal());
}

void JiraClient::Sleep(milliseconds wait) {
  if (options_.sleep) {
    options_.sleep(wait);
  } else {
    std::this_thread::sleep_for(wait);
  }
}

core::Result<net::FetchResponse> JiraClient::Once(const Request& request, Retry* retry,
                                                  milliseconds* wait) {
  *retry = Retry::kNever;
  *wait = milliseconds(0);
  net::FetchOptions o;
  o.timeout = options_.timeout;
  o.max_bytes = kMaxAnswerBytes;
  o.user_agent = options_.user_agent;
  o.method = request.method;
  o.body = request.body;
  o.headers = {{"Authorization", authorization_}, {"Accept", "application/json"}};
  if (request.method != "GET") o.headers.emplace_back("Content-Type", "application/json");
  const std::string where = "jira " + request.method + " " + PathOf(request.target);
  auto r = session_.Fetch(base_url_ + request.target, o);
  if (!r) {
    const core::ErrorCode code = r.error().code;
    if (code == core::ErrorCode::kUnavailable || code == core::ErrorCode::kTimeout) {
      *retry = Retry::kUncertain;
    }
    core::Error e = r.error();
    e.message = "Jira did not answer: " + e.message;
    return e;
  }
  const long status = r->status;
  if (status >= 200 && status < 300) return std::move(*r);
  const std::string http = "(HTTP " + std::to_string(status) + ")";
  core::Error e;
  if (status == 429) {
    *retry = Retry::kNotDone;
    e = core::Error{core::ErrorCode::kRateLimited, "Jira is rate limiting requests " + http, where,
                    RetryAfter(*r)};
  } else if (status == 502 || status == 503 || status == 504) {
    *retry = Retry::kNotDone;
    e = core::Error::Unavailable(WithDetails("Jira is unavailable " + http, *r));
  } else if (status >= 500) {
    *retry = Retry::kUncertain;
    e = core::Error::Unavailable(WithDetails("Jira failed " + http, *r));
  } else if (status == 401) {
    e = core::Error::Unauthenticated(WithDetails("Jira rejected the credentials " + http, *r));
  } else if (status == 403) {
    e = core::Error::PermissionDenied(WithDetails("Jira rejected the credentials " + http, *r));
  } else if (status == 404) {
    e = core::Error::NotFound(
        WithDetails("Jira has no " + PathOf(request.target) + " " + http, *r));
  } else if (status >= 400) {
    e = core::Error::InvalidArgument(WithDetails("Jira refused the request " + http, *r));
  } else {
    e = core::Error::Unavailable("Jira answered " + http + "; is jira.url the site's base URL?");
  }
  if (const auto after = RetryAfter(*r); after && *retry != Retry::kNever) *wait = *after;
  e.where = where;
  return e;
}

core::Result<std::optional<net::FetchResponse>> JiraClient::Send(const Request& request) {
  for (int retries = 0;; ++retries) {
    Retry retry = Retry::kNever;
    milliseconds advised(0);
    auto r = Once(request, &retry, &advised);
    if (r) return std::optional(std::move(*r));
    core::Error e = r.error();
    const bool may =
        retry == Retry::kNotDone || (retry == Retry::kUncertain && request.retry_uncertain);
    if (!may) return e;
    if (retries == options_.max_retries) {
      e.message += ", still after " + std::to_string(retries) + " retries";
      return e;
    }
    const milliseconds wait = advised.count() > 0 ? advised : options_.backoff * (1 << retries);
    if (wait > options_.max_wait) {
      e.message += "; it asks to wait " + Seconds(wait) + ", longer than the " +
                   Seconds(options_.max_wait) + " opsdeck waits: try again later";
      return e;
    }
    net::LogWarn("jira: retrying", {{"request", e.where},
                                    {"reason", e.message},
                                    {"wait_ms", static_cast<long long>(wait.count())}});
    Sleep(wait);
    if (retry == Retry::kUncertain && request.done_already) {
      auto done = request.done_already();
      if (!done) return done.error();
      if (*done) return std::optional<net::FetchResponse>();
    }
  }
}

core::Result<std::optional<std::string>> JiraClient::FindByLabel(std::string_view label) {
  Request request{"GET", jira::SearchTarget(api_version_, jira::LabelJql(project_, label)), "",
                  true, nullptr};
  auto r = Send(request);
  if (!r) return r.error();
  auto keys = jira::ParseSearchKeys((*r)->body);
  if (!keys) return keys.error();
  if (keys->empty()) return std::optional<std::string>();
  return std::optional(std::move(keys->front()));
}

core::Result<std::string> JiraClient::CreateIssue(const IssueDraft& draft) {
  const jira::IssueFields fields{project_, issue_type_, draft.summary, draft.description,
                                 draft.labels};
  std::optional<std::string> found;
  Request request{"POST", jira::CreateIssuePath(api_version_),
                  jira::CreateIssueBody(api_version_, fields), !draft.unique_label.empty(),
                  nullptr};
  if (request.retry_uncertain) {
    request.done_already = [&]() -> core::Result<bool> {
      auto f = FindByLabel(draft.unique_label);
      if (!f) return f.error();
      found = std::move(*f);
      return found.has_value();
    };
  }
  auto r = Send(request);
  if (!r) return r.error();
  if (!*r) return std::move(*found);
  return jira::ParseCreatedKey((*r)->body);
}

core::Result<void> JiraClient::AddComment(std::string_view issue_key, std::string_view text) {
  Request request{"POST", jira::CommentPath(api_version_, issue_key),
                  jira::CommentBody(api_version_, text), false, nullptr};
  auto r = Send(request);
  if (!r) return r.error();
  return core::Ok();
}

}  // namespace opsdeck::tickets
