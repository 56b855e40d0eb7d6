// The HttpTransport channels use in production: net::HttpSession (libcurl,
// one kept-alive connection per channel). Errors carry no URL: a chat
// webhook's URL is its credential. One thread at a time (a dispatcher's).
#pragma once

#include "net/http_fetch.h"
#include "notify/channel.h"

namespace opsdeck::notify {

class CurlTransport final : public HttpTransport {
 public:
  core::Result<HttpResponse> Send(const HttpRequest& request) override;

 private:
  net::HttpSession session_;
};

}  // namespace opsdeck::notify
