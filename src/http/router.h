// The route table: every route is declared once with its method, path pattern,
// a name (the metrics label), who may call it, and where its handler runs. A request that
// matches no declaration gets 404 (or 405 when only the method is wrong).
// Built once at start-up, then read-only: safe to share between threads.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "http/access.h"
#include "http/types.h"

namespace opsdeck::http {

// Where a handler runs. kInline: on the I/O thread (must not block: no
// database, no file or network I/O). kDatabase: on the database executor.
// kIntake: on the webhook intake executor, a larger pool whose threads mostly
// wait for a group commit, so that many deliveries share one (falls back to
// the database executor when the server has none).
enum class Exec { kInline, kDatabase, kIntake };

using Handler = std::function<Response(RequestContext&)>;
// A handler that answers later without holding a thread while it waits (a
// webhook waiting for its group commit). It runs on the connection's I/O
// thread, so it must not block; it calls `reply` exactly once, from any
// thread, with a function that builds the response: that function runs back
// on the connection's thread. `ctx` stays valid until then.
using Reply = std::function<void(std::function<Response()>)>;
using AsyncHandler = std::function<void(RequestContext&, Reply)>;

// A body written over time (server-sent events). The session sends the
// head (no Content-Length; chunked on HTTP/1.1, closed to end on 1.0), calls
// Start() once, then Pull() at once and whenever woken, and Heartbeat() when
// nothing was written for heartbeat_interval(); it ends the stream when
// Pull() returns false, the client leaves, a write stalls past the write
// deadline, or the server shuts down. The connection closes afterwards.
// Every method runs on the connection's thread; only `wake` crosses threads.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  // `wake` may be called from any thread, any number of times (calls
  // coalesce); it makes the session call Pull() soon.
  virtual void Start(std::function<void()> wake) = 0;
  // Appends what is ready to `out` (maybe nothing); false once it has ended.
  virtual bool Pull(std::string& out) = 0;
  virtual void Heartbeat(std::string& out) = 0;
  virtual core::Duration heartbeat_interval() const = 0;
};

struct StreamStart {
  Response head;  // the whole answer (a refusal) when `body` is null
  std::unique_ptr<ResponseStream> body;
};
// Runs like a Handler (after the gate, on `exec`'s executor), but may open a
// stream. Quick: it should only validate and build the stream.
using StreamHandler = std::function<StreamStart(RequestContext&)>;

struct Route {
  beast_http::verb method;
  std::string pattern;  // "/api/v1/runs/{id}", "/static/*"
  std::string name;     // metrics label; defaults to the pattern
  Access access;        // who may call it (default: nobody)
  Exec exec = Exec::kInline;
  Handler handler;
  // The path carries a secret (a heartbeat token): logs show the pattern.
  bool path_is_secret = false;
  // Set instead of `handler` (then `exec` is ignored): see AsyncHandler.
  // Only for routes that need no authorization gate (public, webhook).
  AsyncHandler async_handler;
  // Set instead of `handler` for a streaming answer (ResponseStream).
  StreamHandler stream_handler;
};

struct RouteMatch {
  const Route* route = nullptr;  // null: no route
  bool method_mismatch = false;  // a route has the path but not the method
  std::string allow;             // methods allowed for the path, for 405
};

class Router {
 public:
  void Add(Route route);
  // Fills ctx.params on a match.
  RouteMatch Match(beast_http::verb method, std::string_view path, RequestContext& ctx) const;
  const std::vector<Route>& routes() const { return routes_; }
  // Index of a route in routes(), for metrics arrays.
  size_t IndexOf(const Route* route) const { return static_cast<size_t>(route - routes_.data()); }

 private:
  std::vector<Route> routes_;
};

// Splits "a/b?c" into path and query.
std::pair<std::string_view, std::string_view> SplitTarget(std::string_view target);

}  // namespace opsdeck::http
