#include "app/demo_overrides.h"

#include "app/demo_config_text.h"

namespace opsdeck::app {
namespace {

// The addresses examples/opsdeck.yaml is written with.
constexpr std::string_view kServerAddress = "127.0.0.1:8080";
constexpr std::string_view kServerPortLine = "port: 8080}";
constexpr std::string_view kTargetsAddress = "127.0.0.1:8091";
constexpr std::string_view kTargetsPortLine = "port: 8091}";
constexpr std::string_view kStorageLine = "path: ./data/opsdeck.db";
constexpr std::string_view kPaceKey = "  pace: ";

int ReplaceAll(std::string& text, std::string_view from, std::string_view to) {
  int n = 0;
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
    ++n;
  }
  return n;
}

// A YAML double-quoted scalar; `${` doubled so the loader does not read it
// as a variable.
std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '"' || c == '\\') out += '\\';
    if (c == '$' && i + 1 < s.size() && s[i + 1] == '{') out += '$';
    out += c;
  }
  return out + "\"";
}

std::string PortOf(const std::string& listen) {
  auto colon = listen.rfind(':');
  return colon == std::string::npos ? "" : listen.substr(colon + 1);
}

core::Result<void> Replace(std::string& text, std::string_view from, const std::string& to,
                           const char* what) {
  if (ReplaceAll(text, from, to) == 0) {
    return core::Error::InvalidArgument(std::string("the built-in config has no ") + what +
                                        " to replace (\"" + std::string(from) + "\")");
  }
  return core::Ok();
}

}  // namespace

std::string_view BuiltInDemoConfig() { return kDemoConfigYaml; }

core::Result<std::string> ApplyDemoOverrides(std::string_view config_text, const DemoOverrides& o) {
  std::string text(config_text);
  if (auto r = Replace(text, kStorageLine, "path: " + Quote(o.storage_path), "storage path"); !r) {
    return r.error();
  }
  if (!o.listen.empty()) {
    if (auto r = Replace(text, kServerAddress, o.listen, "server address"); !r) return r.error();
    if (auto r = Replace(text, kServerPortLine, "port: " + PortOf(o.listen) + "}", "server tcp check"); !r) {
      return r.error();
    }
  }
  if (!o.targets_listen.empty()) {
    if (auto r = Replace(text, kTargetsAddress, o.targets_listen, "demo targets address"); !r) {
      return r.error();
    }
    if (auto r = Replace(text, kTargetsPortLine, "port: " + PortOf(o.targets_listen) + "}",
                         "demo host tcp check");
        !r) {
      return r.error();
    }
  }
  if (!o.pace.empty()) {
    auto at = text.find(kPaceKey);
    if (at == std::string::npos) return core::Error::InvalidArgument("the built-in config has no demo pace");
    auto end = text.find_first_of("#\n", at);
    text.replace(at, end - at, std::string(kPaceKey) + Quote(o.pace) + " ");
  }
  return text;
}

}  // namespace opsdeck::app
