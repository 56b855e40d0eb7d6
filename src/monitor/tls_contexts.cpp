// Client contexts: TLS 1.2 or later, no session cache (each probe is a new
// client, and a cache would hold memory per target).
#include "monitor/tls_contexts.h"

#include <openssl/ssl.h>

namespace opsdeck::monitor {

namespace ssl = boost::asio::ssl;

namespace {

void CommonSettings(ssl::context& ctx) {
  SSL_CTX* raw = ctx.native_handle();
  SSL_CTX_set_min_proto_version(raw, TLS1_2_VERSION);
  SSL_CTX_set_session_cache_mode(raw, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(raw, SSL_OP_NO_TICKET | SSL_OP_NO_COMPRESSION);
  // Frees each connection's read/write buffers as soon as they are empty.
  SSL_CTX_set_mode(raw, SSL_MODE_RELEASE_BUFFERS);
}

}  // namespace

TlsContexts::TlsContexts()
    : verifying_(ssl::context::tls_client), unverified_(ssl::context::tls_client) {}

core::Result<std::unique_ptr<TlsContexts>> TlsContexts::Create(const Options& options) {
  std::unique_ptr<TlsContexts> self(new TlsContexts());
  CommonSettings(self->verifying_);
  CommonSettings(self->unverified_);
  boost::system::error_code ec;
  if (options.system_store) {
    self->verifying_.set_default_verify_paths(ec);
    if (ec) return core::Error::Unavailable("TLS: system CA store: " + ec.message());
  }
  if (!options.extra_ca_file.empty()) {
    self->verifying_.load_verify_file(options.extra_ca_file, ec);
    if (ec) {
      return core::Error::InvalidArgument("TLS: CA file " + options.extra_ca_file + ": " +
                                          ec.message());
    }
  }
  self->verifying_.set_verify_mode(ssl::verify_peer, ec);
  self->unverified_.set_verify_mode(ssl::verify_none, ec);
  return self;
}

}  // namespace opsdeck::monitor
