#include "http/hooks/hook_common.h"

#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>

#include "http/responses.h"

namespace opsdeck::http {

namespace json = boost::json;

namespace {

// Longer than any group commit; a sender retries a 503 (SNS, Alertmanager and
// cron's curl all do), and a result recorded twice is harmless to the monitor.
constexpr auto kSubmitTimeout = std::chrono::seconds(30);

}  // namespace

ingest::Delivery ToDelivery(const Request& req) {
  ingest::Delivery d;
  for (const auto& field : req) {
    d.headers[ingest::AsciiLower(field.name_string())] = std::string(field.value());
  }
  d.body = req.body();
  return d;
}

Response HookError(const Request& req, const core::Error& error) {
  if (error.code == core::ErrorCode::kInternal || error.code == core::ErrorCode::kUnavailable) {
    return ErrorResponse(req, error);
  }
  json::object err;
  err["code"] = core::ErrorCodeName(error.code);
  err["message"] = error.message;
  if (!error.where.empty() || error.code == core::ErrorCode::kInvalidArgument) {
    err["pointer"] = error.where;
  }
  json::object body;
  body["error"] = std::move(err);
  return JsonResponse(req, StatusFor(error.code), body);
}

Response HookStatus(const Request& req, beast_http::status code, std::string_view status,
                    json::object extra) {
  extra["status"] = status;
  return JsonResponse(req, code, extra);
}

void SubmitAll(const Services& services, std::vector<ingest::SignalResult> results,
               std::function<void(core::Result<void>)> done) {
  if (!services.submit_result) {
    done(core::Error::Unavailable("monitoring is not running"));
    return;
  }
  if (results.empty()) {
    done(core::Ok());
    return;
  }
  struct Join {
    std::mutex mu;
    size_t left = 0;
    std::optional<core::Error> first_error;
    std::function<void(core::Result<void>)> done;
  };
  auto join = std::make_shared<Join>();
  join->left = results.size();
  join->done = std::move(done);
  for (auto& r : results) {
    services.submit_result(std::move(r.key), std::move(r.result), [join](core::Result<void> one) {
      std::function<void(core::Result<void>)> finish;
      core::Result<void> outcome = core::Ok();
      {
        std::lock_guard lock(join->mu);
        if (!one && !join->first_error) join->first_error = one.error();
        if (--join->left > 0) return;
        finish = std::move(join->done);
        if (join->first_error) outcome = *join->first_error;
      }
      finish(std::move(outcome));
    });
  }
}

core::Result<void> SubmitAndWait(const Services& services,
                                 std::vector<ingest::SignalResult> results) {
  auto promise = std::make_shared<std::promise<core::Result<void>>>();
  auto future = promise->get_future();
  SubmitAll(services, std::move(results),
            [promise](core::Result<void> r) { promise->set_value(std::move(r)); });
  if (future.wait_for(kSubmitTimeout) != std::future_status::ready) {
    return core::Error::Unavailable("the monitor did not record the result in time; retry");
  }
  return future.get();
}

json::array ResultsJson(const std::vector<ingest::SignalResult>& results) {
  json::array out;
  for (const auto& r : results) {
    out.push_back(json::object{{"target", r.key.target}, {"check", r.key.check}, {"ok", r.result.ok}});
  }
  return out;
}

}  // namespace opsdeck::http
