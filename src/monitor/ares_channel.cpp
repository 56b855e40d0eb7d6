// c-ares on Asio. Sockets are wrapped in stream_descriptors only to wait on
// them; c-ares keeps ownership and closes them itself (after telling us with
// readable = writable = 0, when we release the descriptor).
#include "monitor/ares_channel.h"

#include <poll.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <mutex>

namespace opsdeck::monitor {

namespace asio = boost::asio;

struct AresChannel::Watch {
  explicit Watch(asio::io_context& io, ares_socket_t fd) : desc(io, fd), fd(fd) {}
  asio::posix::stream_descriptor desc;
  ares_socket_t fd;
  bool want_read = false;
  bool want_write = false;
  bool reading = false;  // an async_wait is pending
  bool writing = false;
  bool closed = false;
};

AresChannel::AresChannel(asio::io_context& io) : io_(io), timer_(io) {}

core::Result<std::unique_ptr<AresChannel>> AresChannel::Create(asio::io_context& io,
                                                               const Options& options) {
  static std::once_flag init_once;
  static int init_status = ARES_SUCCESS;
  std::call_once(init_once, [] { init_status = ares_library_init(ARES_LIB_INIT_ALL); });
  if (init_status != ARES_SUCCESS) {
    return core::Error::Internal(std::string("c-ares init: ") + ares_strerror(init_status));
  }
  std::unique_ptr<AresChannel> self(new AresChannel(io));
  ares_options opts{};
  opts.sock_state_cb = &AresChannel::OnSockState;
  opts.sock_state_cb_data = self.get();
  opts.timeout = static_cast<int>(options.attempt_timeout.count());
  opts.tries = options.tries;
  // NOCHECKRESP: hand SERVFAIL and REFUSED replies to the caller instead of
  // retrying elsewhere and ending in "connection refused"; a dns probe must
  // report the rcode the nameserver gave.
  opts.flags = ARES_FLAG_NOCHECKRESP;
  const int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS;
  if (int s = ares_init_options(&self->channel_, &opts, mask); s != ARES_SUCCESS) {
    return core::Error::Unavailable(std::string("c-ares: ") + ares_strerror(s));
  }
  if (!options.servers.empty()) {
    if (int s = ares_set_servers_ports_csv(self->channel_, options.servers.c_str());
        s != ARES_SUCCESS) {
      return core::Error::InvalidArgument("bad nameserver \"" + options.servers +
                                          "\": " + ares_strerror(s));
    }
  }
  return self;
}

AresChannel::~AresChannel() {
  if (channel_) ares_destroy(channel_);
  for (auto& [fd, watch] : watches_) {
    watch->closed = true;
    watch->desc.release();
  }
}

void AresChannel::OnSockState(void* data, ares_socket_t fd, int readable, int writable) {
  auto* self = static_cast<AresChannel*>(data);
  auto it = self->watches_.find(fd);
  if (!readable && !writable) {
    if (it == self->watches_.end()) return;
    // c-ares closes the fd right after this returns: stop waiting on it first.
    it->second->closed = true;
    it->second->desc.release();
    self->watches_.erase(it);
    return;
  }
  if (it == self->watches_.end()) {
    it = self->watches_.emplace(fd, std::make_shared<Watch>(self->io_, fd)).first;
  }
  const std::shared_ptr<Watch>& watch = it->second;
  watch->want_read = readable != 0;
  watch->want_write = writable != 0;
  if (watch->want_read && !watch->reading) self->ArmRead(watch);
  if (watch->want_write && !watch->writing) self->ArmWrite(watch);
}

void AresChannel::ArmRead(const std::shared_ptr<Watch>& watch) {
  watch->reading = true;
  watch->desc.async_wait(asio::posix::descriptor_base::wait_read,
                         [this, watch](const boost::system::error_code& ec) {
                           watch->reading = false;
                           if (ec || watch->closed)
                             return;  // released (or channel gone): `this` may be dead
                           // Asio waits edge-triggered and c-ares may leave a datagram unread;
                           // drain while the socket stays readable so no answer waits for the next
                           // edge.
                           for (int round = 0; round < 16 && !watch->closed; ++round) {
                             ares_process_fd(channel_, watch->fd, ARES_SOCKET_BAD);
                             pollfd p{watch->fd, POLLIN, 0};
                             if (watch->closed || ::poll(&p, 1, 0) != 1 || !(p.revents & POLLIN))
                               break;
                           }
                           if (!watch->closed && watch->want_read && !watch->reading)
                             ArmRead(watch);
                           Kick();
                         });
}

void AresChannel::ArmWrite(const std::shared_ptr<Watch>& watch) {
  watch->writing = true;
  watch->desc.async_wait(asio::posix::descriptor_base::wait_write,
                         [this, watch](const boost::system::error_code& ec) {
                           watch->writing = false;
                           if (ec || watch->closed) return;
                           ares_process_fd(channel_, ARES_SOCKET_BAD, watch->fd);
                           if (!watch->closed && watch->want_write && !watch->writing)
                             ArmWrite(watch);
                           Kick();
                         });
}

void AresChannel::Kick() {
  timeval tv{};
  if (ares_timeout(channel_, nullptr, &tv) == nullptr) {
    timer_.cancel();
    return;
  }
  timer_.expires_after(std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled, or the channel is being destroyed
    ares_process_fd(channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    Kick();
  });
}

std::string AresStatusText(int status) {
  switch (status) {
    case ARES_ENOTFOUND:
      return "NXDOMAIN";
    case ARES_ESERVFAIL:
      return "SERVFAIL";
    case ARES_EREFUSED:
      return "REFUSED";
    case ARES_EFORMERR:
      return "FORMERR";
    case ARES_ENOTIMP:
      return "NOTIMP";
    case ARES_ENODATA:
      return "no records";
    case ARES_ETIMEOUT:
      return "timeout";
    case ARES_ECONNREFUSED:
      return "connection refused";
    default:
      return ares_strerror(status);
  }
}

}  // namespace opsdeck::monitor
