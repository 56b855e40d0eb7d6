// GET /api/v1/stream: server-sent events (text/event-stream) of every state
// change published on services.events: `id:`, `event:` and `data:` (one line
// of JSON) per event, a comment every 15 s so proxies and clients see the
// connection alive. No replay: a client that reconnects with Last-Event-ID
// gets a `resync` event instead of what it missed, and a client too slow for
// its bounded queue gets a `dropped` event; both mean "reload what you show".
// Reads need the same roles as every other read.
#include <boost/json.hpp>

#include <chrono>

#include "http/api/api_routes.h"
#include "http/responses.h"

namespace opsdeck::http {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr core::Duration kHeartbeat = 15s;
// Streams beyond this many are refused (503), so a reconnect storm cannot
// hold the bus's fan-out or memory; each stream's queue is bounded by the bus.
constexpr size_t kMaxStreams = 1024;
// How long an EventSource waits before reconnecting (the SSE `retry:` field).
constexpr int kRetryMs = 3000;

// One SSE field per line: a value must not carry a line break.
void Field(std::string& out, std::string_view name, std::string_view value) {
  size_t start = 0;
  for (;;) {
    const size_t end = value.find_first_of("\r\n", start);
    out += name;
    out += ": ";
    out += value.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    out += '\n';
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
}

class EventStream final : public ResponseStream {
 public:
  EventStream(net::EventBus& bus, std::string last_event_id, core::Duration heartbeat)
      : bus_(bus), last_event_id_(std::move(last_event_id)), heartbeat_(heartbeat) {}

  void Start(std::function<void()> wake) override { sub_ = bus_.Subscribe(std::move(wake)); }

  bool Pull(std::string& out) override {
    if (first_) {
      first_ = false;
      out += ": opsdeck event stream (no replay)\nretry: " + std::to_string(kRetryMs) + "\n\n";
      if (!last_event_id_.empty()) {
        json::object o{{"last_event_id", last_event_id_}, {"replayed", false}};
        Event(out, "", "resync", json::serialize(o));
      }
    }
    uint64_t dropped = 0;
    std::vector<net::BusEvent> events = sub_->Take(&dropped);
    if (dropped > 0) Event(out, "", "dropped", json::serialize(json::object{{"dropped", dropped}}));
    for (const auto& e : events) Event(out, std::to_string(e.id), e.type, e.data);
    return true;
  }

  void Heartbeat(std::string& out) override { out += ": keep-alive\n\n"; }
  core::Duration heartbeat_interval() const override { return heartbeat_; }

 private:
  static void Event(std::string& out, const std::string& id, std::string_view type,
                    std::string_view data) {
    if (!id.empty()) Field(out, "id", id);
    Field(out, "event", type);
    Field(out, "data", data);
    out += '\n';
  }

  net::EventBus& bus_;
  const std::string last_event_id_;
  const core::Duration heartbeat_;
  std::unique_ptr<net::EventBus::Subscription> sub_;
  bool first_ = true;
};

}  // namespace

StreamStart OpenEventStream(RequestContext& ctx, net::EventBus* bus, core::Duration heartbeat) {
  StreamStart start;
  if (bus == nullptr) {
    start.head = ErrorResponse(ctx.request, core::Error::Unavailable("the event stream is not available"));
    return start;
  }
  if (bus->Subscribers() >= kMaxStreams) {
    auto err = core::Error::Unavailable("too many open event streams");
    err.retry_after = std::chrono::seconds(10);
    start.head = ErrorResponse(ctx.request, err);
    return start;
  }
  Response head{beast_http::status::ok, ctx.request.version()};
  head.set(beast_http::field::content_type, "text/event-stream; charset=utf-8");
  head.set(beast_http::field::cache_control, "no-store");
  head.set("X-Accel-Buffering", "no");  // nginx: pass events on at once
  start.head = std::move(head);
  std::string last(ctx.request["Last-Event-ID"]);
  if (last.size() > 64) last.resize(64);
  start.body = std::make_unique<EventStream>(*bus, std::move(last), heartbeat);
  return start;
}

void AddStreamRoutes(Router& router, const Services& services) {
  Route route{beast_http::verb::get, "/api/v1/stream", "", Access::AnyRole(), Exec::kDatabase};
  route.stream_handler = [&services](RequestContext& ctx) {
    return OpenEventStream(ctx, services.events, kHeartbeat);
  };
  router.Add(std::move(route));
}

}  // namespace opsdeck::http
