#include "http/responses.h"

#include <boost/beast/http/field.hpp>
#include <boost/json/serialize.hpp>

#include "net/log.h"

namespace opsdeck::http {

beast_http::status StatusFor(core::ErrorCode code) {
  using core::ErrorCode;
  using S = beast_http::status;
  switch (code) {
    case ErrorCode::kInvalidArgument: return S::bad_request;
    case ErrorCode::kNotFound: return S::not_found;
    case ErrorCode::kConflict: return S::conflict;
    case ErrorCode::kUnauthenticated: return S::unauthorized;
    case ErrorCode::kPermissionDenied: return S::forbidden;
    case ErrorCode::kPayloadTooLarge: return S::payload_too_large;
    case ErrorCode::kUnavailable: return S::service_unavailable;
    case ErrorCode::kTimeout: return S::gateway_timeout;
    case ErrorCode::kRateLimited: return S::too_many_requests;
    case ErrorCode::kInternal: return S::internal_server_error;
  }
  return S::internal_server_error;
}

Response MakeResponse(const Request& req, beast_http::status status, std::string body,
                      std::string_view content_type) {
  Response res{status, req.version()};
  res.set(beast_http::field::content_type, content_type);
  res.body() = std::move(body);
  res.keep_alive(req.keep_alive());
  res.prepare_payload();
  return res;
}

Response JsonResponse(const Request& req, beast_http::status status,
                      const boost::json::value& body) {
  std::string text = boost::json::serialize(body);
  text.push_back('\n');
  return MakeResponse(req, status, std::move(text), "application/json");
}

Response ErrorResponse(const Request& req, beast_http::status status, std::string_view code,
                       std::string_view message) {
  boost::json::object err;
  err["code"] = code;
  err["message"] = message;
  boost::json::object body;
  body["error"] = std::move(err);
  return JsonResponse(req, status, body);
}

Response ErrorResponse(const Request& req, const core::Error& error) {
  if (error.code == core::ErrorCode::kInternal) {
    net::LogError("internal error", {{"error", error.ToString()}});
    return ErrorResponse(req, StatusFor(error.code), "internal", "internal error");
  }
  auto res = ErrorResponse(req, StatusFor(error.code), core::ErrorCodeName(error.code),
                           error.ToString());
  if (error.retry_after) {
    res.set(beast_http::field::retry_after,
            std::to_string((error.retry_after->count() + 999) / 1000));
  }
  return res;
}

}  // namespace opsdeck::http
