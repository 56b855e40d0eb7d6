// Building responses: JSON bodies, the JSON error shape
// {"error": {"code": ..., "message": ...}}, and the one table from
// core::ErrorCode to HTTP status. Pure functions; thread-safe.
#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

#include "core/error.h"
#include "http/types.h"

namespace opsdeck::http {

// The single mapping from error kinds to HTTP statuses (ENGINEERING.md).
beast_http::status StatusFor(core::ErrorCode code);

Response MakeResponse(const Request& req, beast_http::status status, std::string body,
                      std::string_view content_type);
Response JsonResponse(const Request& req, beast_http::status status,
                      const boost::json::value& body);
// kInternal errors are answered with a generic message; details stay in the log.
Response ErrorResponse(const Request& req, const core::Error& error);
Response ErrorResponse(const Request& req, beast_http::status status, std::string_view code,
                       std::string_view message);

}  // namespace opsdeck::http
