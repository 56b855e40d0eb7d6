// The overview, login and not-found pages: model -> mustache data -> HTML.
#include "http/ui/pages.h"

#include <algorithm>
#include <cstddef>

#include "http/ui/shell.h"

namespace opsdeck::http::ui {
namespace {

using kainjow::mustache::data;
using internal::HumanUtc;
using internal::Page;
using internal::RenderPage;

// A long path is shortened before it is echoed into the 404 page.
constexpr std::size_t kMaxEchoedPath = 200;

struct LegendEntry {
  std::string_view state;  // the CSS modifier and icon name
  std::string_view label;
  std::string_view description;
};

// The target states of PRODUCT.md ("Target state is one of ...").
constexpr LegendEntry kLegend[] = {
    {"up", "Up", "All checks pass"},
    {"degraded", "Degraded", "Some checks fail or respond slowly"},
    {"down", "Down", "Checks fail past their threshold"},
    {"unknown", "Unknown", "No result yet"},
    {"maintenance", "Maintenance", "In a maintenance window; alerts are silenced"},
};

data Legend() {
  data list{data::type::list};
  for (const LegendEntry& entry : kLegend) {
    data item{data::type::object};
    item.set("state", std::string(entry.state));
    item.set("label", std::string(entry.label));
    item.set("description", std::string(entry.description));
    list.push_back(item);
  }
  return list;
}

data EnvironmentList(std::vector<EnvironmentCard> cards) {
  std::stable_sort(cards.begin(), cards.end(),
                   [](const EnvironmentCard& a, const EnvironmentCard& b) {
                     return a.position < b.position;
                   });
  data list{data::type::list};
  for (std::size_t i = 0; i < cards.size(); ++i) {
    const bool has_next = i + 1 < cards.size();
    data env{data::type::object};
    env.set("env_name", cards[i].name);
    env.set("env_index", std::to_string(i));
    env.set("env_step", std::to_string(i + 1));
    env.set("env_protected", cards[i].is_protected);
    env.set("env_has_next", has_next);
    env.set("env_next_name", has_next ? cards[i + 1].name : std::string());
    list.push_back(env);
  }
  return list;
}

// Cuts at a UTF-8 character boundary, so the echo stays valid text.
std::string Shorten(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "…";
}

}  // namespace

std::vector<EnvironmentCard> EnvironmentCards(const std::vector<core::Environment>& environments) {
  std::vector<EnvironmentCard> cards;
  cards.reserve(environments.size());
  for (const core::Environment& env : environments) {
    cards.push_back(EnvironmentCard{env.name, env.is_protected, env.position});
  }
  return cards;
}

std::string RenderOverview(const OverviewModel& model) {
  const std::size_t count = model.environments.size();
  data page{data::type::object};
  page.set("has_environments", count > 0);
  page.set("environment_count", std::to_string(count));
  page.set("environment_count_label",
           std::to_string(count) + (count == 1 ? " environment" : " environments"));
  page.set("has_now", !model.now_rfc3339.empty());
  page.set("now", model.now_rfc3339);
  page.set("now_human", HumanUtc(model.now_rfc3339));
  page.set("legend", Legend());
  page.set("environments", EnvironmentList(model.environments));
  return RenderPage(Page::kOverview, "Overview", model.shell, "overview", std::move(page));
}

std::string RenderLogin(const LoginModel& model) {
  data page{data::type::object};
  page.set("has_error", !model.error.empty());
  page.set("error", model.error);
  page.set("has_username", !model.username.empty());
  page.set("username", model.username);
  page.set("next", model.next);
  page.set("has_csrf", !model.shell.csrf_token.empty());
  page.set("csrf", model.shell.csrf_token);
  return RenderPage(Page::kLogin, "Sign in", model.shell, "login", std::move(page));
}

std::string RenderNotFound(std::string_view path, const ShellModel& shell) {
  data page{data::type::object};
  page.set("path", Shorten(path, kMaxEchoedPath));
  return RenderPage(Page::kNone, "Not found", shell, "not_found", std::move(page));
}

}  // namespace opsdeck::http::ui
