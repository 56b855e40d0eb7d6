// Resolver: the cache in front of ares_getaddrinfo, and ares_query for dns
// probes. c-ares may call back from inside ares_getaddrinfo (an /etc/hosts
// hit, a bad name): such answers are posted so callers never re-enter.
#include "monitor/resolver.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cstring>

#include "monitor/ares_channel.h"

namespace opsdeck::monitor {

namespace asio = boost::asio;
using std::chrono::steady_clock;

struct Resolver::Lookup {
  Resolver* resolver;
  std::string host;
};

struct Resolver::QueryCall {
  Resolver* resolver;
  QueryDone done;
};

namespace {

std::vector<asio::ip::address> Addresses(const ares_addrinfo* info, int* min_ttl) {
  std::vector<asio::ip::address> out;
  for (const ares_addrinfo_node* n = info ? info->nodes : nullptr; n; n = n->ai_next) {
    if (n->ai_family == AF_INET) {
      const auto* sa = reinterpret_cast<const sockaddr_in*>(n->ai_addr);
      out.emplace_back(asio::ip::address_v4(ntohl(sa->sin_addr.s_addr)));
    } else if (n->ai_family == AF_INET6) {
      const auto* sa = reinterpret_cast<const sockaddr_in6*>(n->ai_addr);
      asio::ip::address_v6::bytes_type bytes;
      std::memcpy(bytes.data(), sa->sin6_addr.s6_addr, bytes.size());
      out.emplace_back(asio::ip::address_v6(bytes, sa->sin6_scope_id));
    } else {
      continue;
    }
    *min_ttl = std::min(*min_ttl, n->ai_ttl);
  }
  return out;
}

}  // namespace

Resolver::Resolver(asio::io_context& io, Options options) : io_(io), options_(std::move(options)) {}

core::Result<std::unique_ptr<Resolver>> Resolver::Create(asio::io_context& io, Options options) {
  AresChannel::Options channel_options{options.nameservers, options.attempt_timeout, options.tries};
  auto channel = AresChannel::Create(io, channel_options);
  if (!channel) return std::move(channel.error());
  std::unique_ptr<Resolver> self(new Resolver(io, std::move(options)));
  self->channel_ = std::move(*channel);
  return self;
}

Resolver::~Resolver() { channel_.reset(); }

Resolver::AnswerPtr Resolver::Cached(std::string_view host) {
  auto it = cache_.find(host);
  if (it == cache_.end() || it->second.expires <= steady_clock::now()) return nullptr;
  return it->second.answer;
}

void Resolver::Resolve(std::string_view host, ResolveDone done) {
  auto it = pending_.find(host);
  if (it != pending_.end()) {
    it->second.push_back(std::move(done));
    return;
  }
  it = pending_.emplace(std::string(host), std::vector<ResolveDone>{}).first;
  it->second.push_back(std::move(done));
  auto lookup = std::make_unique<Lookup>(Lookup{this, it->first});
  ares_addrinfo_hints hints{};
  hints.ai_family = AF_UNSPEC;
  ++lookups_started_;
  const bool outer = in_call_;
  in_call_ = true;
  ares_getaddrinfo(channel_->get(), lookup->host.c_str(), nullptr, &hints, &Resolver::OnAddrInfo,
                   lookup.get());
  lookup.release();  // owned by c-ares until OnAddrInfo
  in_call_ = outer;
  channel_->Kick();
}

void Resolver::OnAddrInfo(void* arg, int status, int /*timeouts*/, ares_addrinfo* result) {
  std::unique_ptr<Lookup> lookup(static_cast<Lookup*>(arg));
  struct FreeInfo {
    ares_addrinfo* p;
    ~FreeInfo() {
      if (p) ares_freeaddrinfo(p);
    }
  } free_info{result};
  if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED) return;
  Resolver* self = lookup->resolver;

  auto answer = std::make_shared<Answer>();
  std::chrono::seconds ttl = self->options_.failure_ttl;
  if (status == ARES_SUCCESS) {
    int min_ttl = static_cast<int>(self->options_.max_ttl.count());
    answer->addresses = Addresses(result, &min_ttl);
    if (answer->addresses.empty()) {
      answer->error = "no address";
    } else {
      ttl =
          std::clamp(std::chrono::seconds(min_ttl), self->options_.min_ttl, self->options_.max_ttl);
    }
  } else {
    answer->error = AresStatusText(status);
  }
  self->Store(lookup->host, answer, ttl);

  auto it = self->pending_.find(lookup->host);
  if (it == self->pending_.end()) return;
  std::vector<ResolveDone> waiting = std::move(it->second);
  self->pending_.erase(it);
  auto deliver = [waiting = std::move(waiting), answer = AnswerPtr(answer)]() {
    for (const auto& done : waiting) done(answer);
  };
  if (self->in_call_) {
    asio::post(self->io_, std::move(deliver));
  } else {
    deliver();
  }
}

void Resolver::Store(const std::string& host, AnswerPtr answer, std::chrono::seconds ttl) {
  const auto now = steady_clock::now();
  if (cache_.size() >= options_.max_entries && cache_.find(host) == cache_.end()) {
    std::erase_if(cache_, [now](const auto& kv) { return kv.second.expires <= now; });
    if (cache_.size() >= options_.max_entries) cache_.clear();
  }
  cache_.insert_or_assign(host, Entry{std::move(answer), now + ttl});
}

void Resolver::Query(std::string_view name, int rr_type, QueryDone done) {
  auto call = std::make_unique<QueryCall>(QueryCall{this, std::move(done)});
  const std::string owned(name);
  const bool outer = in_call_;
  in_call_ = true;
  ares_query(channel_->get(), owned.c_str(), /*dnsclass=C_IN*/ 1, rr_type, &Resolver::OnQuery,
             call.get());
  call.release();  // owned by c-ares until OnQuery
  in_call_ = outer;
  channel_->Kick();
}

void Resolver::OnQuery(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
  std::unique_ptr<QueryCall> call(static_cast<QueryCall*>(arg));
  if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED) return;
  Resolver* self = call->resolver;
  const size_t size = abuf && alen > 0 ? static_cast<size_t>(alen) : 0;
  if (!self->in_call_) {
    call->done(status, std::span<const unsigned char>(abuf, size));
    return;
  }
  std::vector<unsigned char> copy(abuf, abuf + size);
  asio::post(self->io_, [done = std::move(call->done), status, copy = std::move(copy)]() {
    done(status, copy);
  });
}

}  // namespace opsdeck::monitor
