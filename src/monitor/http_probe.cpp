// An http probe run: write the prepared request in one gathered write, read
// and parse the response (first byte timed), evaluate the conditions, then
// end the connection with a RST (connect_run.cpp). Over TLS the probe first
// waits, within what is left of the timeout, for the server's close (it was
// asked for `Connection: close`): a server still sending its close_notify
// would see the reset as a failed TLS shutdown.
#include "monitor/http_probe.h"

#include <algorithm>
#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <span>

#include "monitor/connect_run.h"
#include "monitor/http_response.h"
#include "monitor/http_spec.h"
#include "monitor/tls_contexts.h"

namespace opsdeck::monitor {

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;

// One read's worth; a typical health response arrives in one.
constexpr size_t kReadChunk = 8 * 1024;
// Beast's own default for a response head; the buffer never grows past
// this plus one chunk.
constexpr uint32_t kHeaderLimit = 8 * 1024;

class HttpRun final : public ConnectRun {
 public:
  HttpRun(ProbeEnv& env, std::shared_ptr<const HttpSpec> spec, ProbeDone done)
      : ConnectRun(env, spec->timeout, std::move(done)),
        spec_(std::move(spec)),
        user_agent_(env.user_agent),
        buffer_(kHeaderLimit + kReadChunk),
        parser_(spec_->conditions->header_names(), spec_->body_cap, spec_->conditions->needs_body()) {
    parser_.header_limit(kHeaderLimit);
    if (spec_->head) parser_.skip(true);
  }

  void Start(TlsContexts& tls) {
    Begin(spec_->target, spec_->https ? &tls.For(spec_->verify) : nullptr);
  }

 private:
  std::shared_ptr<HttpRun> Self() { return std::static_pointer_cast<HttpRun>(shared_from_this()); }

  void OnReady() override {
    SetPhase("request");
    request_ = {asio::buffer(spec_->request_head), asio::buffer("User-Agent: ", 12),
                asio::buffer(user_agent_), asio::buffer("\r\n", 2),
                asio::buffer(spec_->request_tail)};
    size_t count = request_.size();
    if (spec_->own_user_agent) {
      request_[1] = request_[4];
      count = 2;
    }
    auto buffers = std::span<const asio::const_buffer>(request_.data(), count);
    WithStream([&](auto& stream) {
      asio::async_write(stream, buffers,
                        [self = Self()](const boost::system::error_code& ec, size_t) {
                          if (self->reported()) return;
                          if (ec)
                            return self->Finish(false, "request: " + LowerFirst(ec.message()));
                          self->sent_ = Clock::now();
                          self->SetPhase("response");
                          self->Read();
                        });
    });
  }

  void Read() {
    WithStream([&](auto& stream) {
      const size_t room = std::min(kReadChunk, buffer_.max_size() - buffer_.size());
      stream.async_read_some(
          buffer_.prepare(room),
          [self = Self()](const boost::system::error_code& ec, size_t n) { self->OnRead(ec, n); });
    });
  }

  void OnRead(const boost::system::error_code& ec, size_t n) {
    if (reported()) return Drained();
    if (n > 0 && !result_.timings.first_byte) result_.timings.first_byte = Since(sent_);
    buffer_.commit(n);
    boost::system::error_code parse_ec;
    while (buffer_.size() > 0 && !parser_.is_done() && !parser_.body_full()) {
      const size_t used = parser_.put(buffer_.data(), parse_ec);
      buffer_.consume(used);
      if (parse_ec == http::error::need_more) break;
      if (parse_ec) return Finish(false, "response: " + LowerFirst(parse_ec.message()));
      if (parser_.is_header_done()) SetPhase("body");
    }
    if (parser_.is_done() || parser_.body_full()) return Complete();
    if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
      // A body delimited by the close (no Content-Length, not chunked).
      parser_.put_eof(parse_ec);
      if (!parse_ec) return Complete();
      return Finish(false, "response: connection closed before the response was complete");
    }
    if (ec) return Finish(false, "response: " + LowerFirst(ec.message()));
    Read();
  }

  void Complete() {
    Observation observation;
    observation.status = parser_.status();
    observation.response_time = Elapsed();
    observation.body = parser_.body();
    observation.headers = parser_.headers();
    observation.certificate_days = result_.certificate_days;
    result_.http_status = parser_.status();
    std::string failures = spec_->conditions->Evaluate(observation);
    const bool ok = failures.empty();
    const bool wait_for_close = spec_->https && parser_.is_done() && !parser_.keep_alive();
    Report(ok, std::move(failures));
    if (!wait_for_close) return Close(true);
    buffer_.clear();
    Read();
  }

  // After the result: any read completion is the server's close or stray
  // bytes; the timeout's remainder bounds the wait.
  void Drained() {
    if (closed()) return;
    buffer_.clear();
    Close(true);
  }

  std::shared_ptr<const HttpSpec> spec_;
  const std::string& user_agent_;
  // Request bytes are the spec's; these only point at them (and must live
  // as long as the write, so they are not a local).
  std::array<asio::const_buffer, 5> request_;
  boost::beast::flat_buffer buffer_;
  ResponseParser parser_;
  Clock::time_point sent_;
};

class HttpProbe final : public Probe {
 public:
  explicit HttpProbe(HttpSpec spec) : spec_(std::make_shared<const HttpSpec>(std::move(spec))) {}

  void Start(ProbeEnv& env, ProbeDone done) override {
    std::make_shared<HttpRun>(env, spec_, std::move(done))->Start(env.tls);
  }
  const std::string& Host() const override { return spec_->target.host; }
  const std::string& Summary() const override { return spec_->summary; }

 private:
  std::shared_ptr<const HttpSpec> spec_;
};

}  // namespace

core::Result<std::unique_ptr<Probe>> MakeHttpProbe(const config::CheckConfig& check,
                                                   const config::HttpCheck& http) {
  auto spec = BuildHttpSpec(check, http);
  if (!spec) return std::move(spec.error());
  return std::unique_ptr<Probe>(std::make_unique<HttpProbe>(std::move(*spec)));
}

}  // namespace opsdeck::monitor
