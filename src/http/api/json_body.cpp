#include "http/api/json_body.h"

#include <boost/json/parse.hpp>

namespace opsdeck::http {

core::Result<boost::json::object> ParseJsonObject(std::string_view body,
                                                  std::initializer_list<std::string_view> allowed) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (ec) return core::Error::InvalidArgument("body is not valid JSON: " + ec.message());
  if (!v.is_object()) return core::Error::InvalidArgument("body must be a JSON object");
  for (const auto& kv : v.as_object()) {
    bool known = false;
    for (auto a : allowed) known = known || kv.key() == a;
    if (!known) {
      return core::Error::InvalidArgument("unknown field", "/" + std::string(kv.key()));
    }
  }
  return std::move(v.as_object());
}

core::Result<std::optional<std::string>> OptionalString(const boost::json::object& o,
                                                        std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::optional<std::string>();
  if (!it->value().is_string()) {
    return core::Error::InvalidArgument("must be a string", "/" + std::string(key));
  }
  return std::optional<std::string>(std::string(it->value().as_string()));
}

core::Result<std::optional<bool>> OptionalBool(const boost::json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::optional<bool>();
  if (!it->value().is_bool()) {
    return core::Error::InvalidArgument("must be true or false", "/" + std::string(key));
  }
  return std::optional<bool>(it->value().as_bool());
}

}  // namespace opsdeck::http
