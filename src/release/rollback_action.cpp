#include "release/rollback_action.h"

#include <variant>
#include <vector>

#include "net/http_fetch.h"
#include "net/log.h"
#include "release/command_runner.h"

namespace opsdeck::release {
namespace {

// Outside RFC 3986's unreserved set, percent-encoded.
std::string UrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

class ProcessActionRunner final : public RollbackActionRunner {
 public:
  explicit ProcessActionRunner(ActionLimits limits) : limits_(limits) {}

  ActionOutcome Run(const config::RollbackActionConfig& action, const ActionVars& vars,
                    std::stop_token stop) override {
    if (const auto* http = std::get_if<config::RollbackHttpConfig>(&action.action)) {
      return RunHttp(*http, vars);
    }
    return RunCommandAction(std::get<config::RollbackCommandConfig>(action.action), vars, stop);
  }

 private:
  ActionOutcome RunHttp(const config::RollbackHttpConfig& http, const ActionVars& vars) const {
    ActionOutcome out;
    if (!IsTemplateSafe(vars.version) || !IsTemplateSafe(vars.environment)) {
      out.error = "the version contains characters that cannot be sent in the request safely";
      return out;
    }
    net::FetchOptions options;
    options.timeout = limits_.http_timeout;
    options.method = http.method;
    options.body = FillTemplate(http.body, vars);
    for (const auto& h : http.headers) {
      options.headers.emplace_back(h.name, FillTemplate(h.value.Reveal(), vars));
    }
    const std::string url = FillTemplate(http.url, vars, &UrlEncode);
    auto response = net::FetchUrl(url, options);
    if (!response) {
      // FetchUrl's errors name the URL without its query and never a header.
      out.error = response.error().ToString();
      return out;
    }
    out.result = "HTTP " + std::to_string(response->status);
    if (response->status >= 200 && response->status < 300) {
      out.ok = true;
    } else {
      out.error = "the rollback endpoint answered " + out.result;
    }
    return out;
  }

  ActionOutcome RunCommandAction(const config::RollbackCommandConfig& command,
                                 const ActionVars& vars, std::stop_token stop) const {
    std::vector<std::string> argv;
    argv.reserve(command.argv.size());
    for (const auto& arg : command.argv) argv.push_back(FillTemplate(arg, vars));
    CommandRun run = RunCommand(argv, limits_.command_timeout, limits_.output_cap, stop);
    if (!argv.empty()) {
      net::LogInfo("rollback command finished",
                   {{"rollback", static_cast<long long>(vars.rollback_id)},
                    {"program", argv.front()},
                    {"result", run.outcome.result},
                    {"output", run.output},
                    {"truncated", run.truncated ? "true" : "false"}});
    }
    return run.outcome;
  }

  ActionLimits limits_;
};

}  // namespace

std::unique_ptr<RollbackActionRunner> MakeActionRunner(ActionLimits limits) {
  return std::make_unique<ProcessActionRunner>(limits);
}

std::string_view ActionKindName(const config::RollbackActionConfig& action) {
  return std::holds_alternative<config::RollbackHttpConfig>(action.action) ? "http" : "command";
}

std::string FillTemplate(std::string_view text, const ActionVars& vars,
                         std::string (*encode)(std::string_view)) {
  const std::string id = std::to_string(vars.rollback_id);
  const std::pair<std::string_view, std::string_view> names[] = {
      {"{{version}}", vars.version},
      {"{{environment}}", vars.environment},
      {"{{rollback_id}}", id}};
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    bool replaced = false;
    if (text.compare(i, 2, "{{") == 0) {
      for (const auto& [name, value] : names) {
        if (text.compare(i, name.size(), name) == 0) {
          out += encode != nullptr ? encode(value) : std::string(value);
          i += name.size();
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out += text[i++];
  }
  return out;
}

bool IsTemplateSafe(std::string_view value) {
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\'' || c == '\\' || c == '<' || c == '>' ||
        c == '`') {
      return false;
    }
  }
  return true;
}

}  // namespace opsdeck::release
