// The two client SSL_CTXs every TLS-speaking probe shares: one that verifies
// (system CA store, plus an optional extra CA file, e.g. a test or private
// CA) and one that does not (`tls: {verify: false}`). Per-connection settings
// (SNI, the host name to verify) are made on each SSL by tls_peer.h.
// Thread-safety: built once; afterwards only used to create SSL objects,
// which OpenSSL allows from any thread.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "core/result.h"

namespace opsdeck::monitor {

class TlsContexts {
 public:
  struct Options {
    bool system_store = true;   // OpenSSL's default verify paths
    std::string extra_ca_file;  // PEM; empty = none
  };

  static core::Result<std::unique_ptr<TlsContexts>> Create(const Options& options);
  static core::Result<std::unique_ptr<TlsContexts>> Create() { return Create(Options{}); }

  boost::asio::ssl::context& verifying() { return verifying_; }
  boost::asio::ssl::context& unverified() { return unverified_; }
  boost::asio::ssl::context& For(bool verify) { return verify ? verifying_ : unverified_; }

 private:
  TlsContexts();
  boost::asio::ssl::context verifying_;
  boost::asio::ssl::context unverified_;
};

}  // namespace opsdeck::monitor
