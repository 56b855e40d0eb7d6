#include "tickets/link_checker.h"

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "net/http_fetch.h"

namespace opsdeck::tickets {
namespace {

// 405 Method Not Allowed is what RFC 9110 says a server answers to a method
// it knows but refuses; 501 Not Implemented to one it does not know.
bool RefusesHead(long status) { return status == 405 || status == 501; }

LinkStatus Judge(const core::Result<net::FetchResponse>& response) {
  if (!response) {
    // The server was sending a body larger than we read: it answered.
    if (response.error().code == core::ErrorCode::kPayloadTooLarge) return {true, ""};
    return {false, response.error().message};
  }
  if (response->status >= 200 && response->status < 400) return {true, ""};
  return {false, "HTTP " + std::to_string(response->status)};
}

LinkStatus CheckOne(net::HttpSession& session, const std::string& url,
                    const LinkCheckOptions& options) {
  if (!net::HasHttpScheme(url)) return {false, "not an http(s) URL"};
  net::FetchOptions fetch;
  fetch.timeout = options.timeout;
  fetch.follow_redirects = true;
  fetch.user_agent = options.user_agent;
  fetch.max_bytes = options.max_body_bytes;
  fetch.method = "HEAD";
  auto head = session.Fetch(url, fetch);
  if (!head || !RefusesHead(head->status)) return Judge(head);
  fetch.method = "GET";
  return Judge(session.Fetch(url, fetch));
}

}  // namespace

LinkResults HttpLinkChecker::Check(const std::vector<std::string>& urls) {
  const std::set<std::string> distinct(urls.begin(), urls.end());
  const std::vector<std::string> todo(distinct.begin(), distinct.end());
  std::vector<LinkStatus> answers(todo.size());
  std::atomic<size_t> next{0};
  // Each worker keeps one curl handle, so links on the same wiki share a
  // kept-alive connection.
  auto work = [&] {
    net::HttpSession session;
    for (size_t i = next.fetch_add(1); i < todo.size(); i = next.fetch_add(1)) {
      answers[i] = CheckOne(session, todo[i], options_);
    }
  };
  const size_t workers =
      std::min(todo.size(), static_cast<size_t>(std::max(1, options_.concurrency)));
  std::vector<std::thread> threads;
  threads.reserve(workers);
  for (size_t i = 0; i < workers; ++i) threads.emplace_back(work);
  for (auto& t : threads) t.join();
  LinkResults results;
  for (size_t i = 0; i < todo.size(); ++i) results.emplace(todo[i], std::move(answers[i]));
  return results;
}

}  // namespace opsdeck::tickets
