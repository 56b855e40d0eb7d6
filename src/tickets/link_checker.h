// Checks that documentation and runbook links answer. The audit talks to the
// LinkChecker interface, so it is testable without a network; HttpLinkChecker
// is the real one: each URL once, HEAD falling back to GET, a few at a time,
// blocking the calling thread until all are done (call it from a worker or
// the CLI, never from an I/O thread). Check() may be called from any thread;
// concurrent calls do not share state.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "tickets/docs_audit.h"

namespace opsdeck::tickets {

class LinkChecker {
 public:
  virtual ~LinkChecker() = default;
  // One result per distinct URL of `urls`.
  virtual LinkResults Check(const std::vector<std::string>& urls) = 0;
};

struct LinkCheckOptions {
  int concurrency = 8;                         // requests in flight at most
  std::chrono::milliseconds timeout{10'000};   // per request, whole transfer
  // A GET fallback reads at most this much body; a larger page still counts
  // as answering (the server was sending it).
  size_t max_body_bytes = 8 << 20;
  std::string user_agent = "opsdeck-docs-audit";
};

// A link is good when it answers 2xx or 3xx (after following at most
// net::kMaxRedirects redirects, to https only). HEAD first; on 405 or 501
// (the server does not do HEAD) the same URL again with GET.
class HttpLinkChecker final : public LinkChecker {
 public:
  explicit HttpLinkChecker(LinkCheckOptions options = {}) : options_(std::move(options)) {}
  LinkResults Check(const std::vector<std::string>& urls) override;

 private:
  LinkCheckOptions options_;
};

}  // namespace opsdeck::tickets
