// The Jira REST client the docs-gap filer uses: find the issue carrying a
// label, create an issue, add a comment, over blocking HTTP
// (net::HttpSession). Auth follows the `jira:` config: with an `email`,
// Basic email:token (Cloud API tokens); without one, Bearer token (Data
// Center personal access tokens). API version 3 sends Atlassian Document
// Format, version 2 plain text (jira_wire.h).
//
// Failures: 429 waits Retry-After (bounded: at most 3 retries by default, a
// longer advised wait stops with kRateLimited); 5xx and no answer are retried
// with backoff where repeating is safe (see JiraClient); 401 is
// kUnauthenticated and 403 kPermissionDenied, "Jira rejected the credentials
// (HTTP 401)"; 400 is kInvalidArgument with Jira's errorMessages/errors. No
// error or log line ever carries the token.
// Thread-safety: one thread at a time per client (it owns one curl handle).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/docs_audit_config.h"
#include "core/result.h"
#include "net/http_fetch.h"

namespace opsdeck::tickets {

struct IssueDraft {
  std::string summary;
  std::string description;  // plain text
  std::vector<std::string> labels;
  // A label only this issue carries (the gap's fingerprint label). After a
  // create whose outcome is unknown (5xx, no answer) the client searches for
  // it before trying again, so an uncertain create never files twice.
  std::string unique_label;
};

// The Jira operations opsdeck uses; JiraClient speaks them over HTTP, tests
// use a fake. Errors as in this file's header.
class JiraApi {
 public:
  virtual ~JiraApi() = default;
  // The key of the oldest issue in the configured project with `label`.
  virtual core::Result<std::optional<std::string>> FindByLabel(std::string_view label) = 0;
  // Creates an issue in the configured project and type; returns its key.
  virtual core::Result<std::string> CreateIssue(const IssueDraft& draft) = 0;
  virtual core::Result<void> AddComment(std::string_view issue_key, std::string_view text) = 0;
};

struct JiraClientOptions {
  std::chrono::milliseconds timeout{15'000};  // one request, connect to last byte
  int max_retries = 3;                        // retries after the first attempt
  // A Retry-After longer than this is not slept through: kRateLimited.
  std::chrono::milliseconds max_wait{30'000};
  // 5xx / no answer without Retry-After: backoff, 2x, 4x.
  std::chrono::milliseconds backoff{1'000};
  // How waits happen; tests record them instead. Empty: sleep_for.
  std::function<void(std::chrono::milliseconds)> sleep;
  std::string user_agent = "opsdeck";
};

class JiraClient final : public JiraApi {
 public:
  // kInvalidArgument for a URL that is not http(s), an empty token, a
  // project or an api_version other than 2 or 3.
  static core::Result<std::unique_ptr<JiraClient>> Create(const config::JiraConfig& config,
                                                          JiraClientOptions options = {});

  core::Result<std::optional<std::string>> FindByLabel(std::string_view label) override;
  // A 5xx or no answer: searches for draft.unique_label, returns the issue
  // found, or creates again (bounded).
  core::Result<std::string> CreateIssue(const IssueDraft& draft) override;
  // Retried on 429 and on 502/503/504 (a gateway answered: Jira never saw
  // the request); a 500 or no answer is returned as an error rather than
  // risking a second comment, and the filer tries again on its next run.
  core::Result<void> AddComment(std::string_view issue_key, std::string_view text) override;

 private:
  // What a failed attempt allows.
  enum class Retry {
    kNever,      // 4xx but 429, or a successful answer Jira's shape did not match
    kNotDone,    // 429, 502, 503, 504: the request was not acted on
    kUncertain,  // 500 and other 5xx, no answer: it may have been acted on
  };
  struct Request {
    std::string method;
    std::string target;  // path and query
    std::string body;
    bool retry_uncertain = false;
    // Before retrying an uncertain attempt: true when the change turned out
    // to be done already, and Send stops with nullopt.
    std::function<core::Result<bool>()> done_already;
  };

  JiraClient(const config::JiraConfig& config, JiraClientOptions options);
  // 2xx response, nullopt when done_already said so, or the error.
  core::Result<std::optional<net::FetchResponse>> Send(const Request& request);
  core::Result<net::FetchResponse> Once(const Request& request, Retry* retry,
                                        std::chrono::milliseconds* wait);
  void Sleep(std::chrono::milliseconds wait);

  std::string base_url_;
  int api_version_;
  std::string project_;
  std::string issue_type_;
  std::string authorization_;  // the whole header value; never logged
  JiraClientOptions options_;
  net::HttpSession session_;
};

}  // namespace opsdeck::tickets
