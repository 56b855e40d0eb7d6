// The layout around every page: navigation table, asset URLs, the partials
// the layout pulls in, and the CSP <meta> backstop.
#include "http/ui/shell.h"

#include <cassert>
#include <utility>

#include "http/ui/assets.h"

namespace opsdeck::http::ui::internal {
namespace {

using kainjow::mustache::data;
using kainjow::mustache::mustache;
using kainjow::mustache::partial;

struct NavEntry {
  Page page;
  std::string_view group;
  std::string_view label;
  std::string_view href;
  std::string_view icon;  // a symbol in templates/icons.mustache, without "i-"
  bool built;             // false: shown disabled, marked "soon"
};

constexpr NavEntry kNavigation[] = {
    {Page::kOverview, "Delivery", "Overview", "/", "overview", true},
    {Page::kPipelines, "Delivery", "Pipelines", "/pipelines", "pipeline", true},
    {Page::kDeployments, "Delivery", "Deployments", "/deployments", "deploy", true},
    {Page::kUnmatched, "Delivery", "Unmatched", "/unmatched", "unmatched", true},
    {Page::kReleases, "Delivery", "Releases", "/releases", "release", true},
    {Page::kWindows, "Delivery", "Windows", "/windows", "calendar", true},
    {Page::kRollbacks, "Delivery", "Rollbacks", "/rollbacks", "deploy", true},
    {Page::kServices, "Operations", "Services & servers", "/targets", "server", true},
    {Page::kIncidents, "Operations", "Incidents", "/incidents", "incident", true},
    {Page::kNotifications, "Records", "Notifications", "/notifications", "bell", true},
    {Page::kDocsAudit, "Records", "Docs audit", "/docs-audit", "docs", true},
    {Page::kAuditLog, "Records", "Audit log", "/audit", "audit", true},
};

// The policy minus frame-ancestors, which browsers ignore (with a console
// error) when it comes in a <meta>.
std::string MetaPolicy() {
  constexpr std::string_view kIgnoredInMeta = "; frame-ancestors 'none'";
  std::string policy(kContentSecurityPolicy);
  if (const std::size_t at = policy.find(kIgnoredInMeta); at != std::string::npos) {
    policy.erase(at, kIgnoredInMeta.size());
  }
  return policy;
}

data NavigationGroups(Page active) {
  data groups{data::type::list};
  std::string_view current_group;
  data group;
  data items{data::type::list};
  auto flush = [&] {
    if (current_group.empty()) return;
    group.set("group_items", items);
    groups.push_back(group);
  };
  for (const NavEntry& entry : kNavigation) {
    if (entry.group != current_group) {
      flush();
      current_group = entry.group;
      group = data{data::type::object};
      group.set("group_label", std::string(entry.group));
      items = data{data::type::list};
    }
    data item{data::type::object};
    item.set("item_label", std::string(entry.label));
    item.set("item_href", std::string(entry.href));
    item.set("item_icon", std::string(entry.icon));
    item.set("item_built", entry.built);
    item.set("item_active", entry.page == active);
    items.push_back(item);
  }
  flush();
  return groups;
}

}  // namespace

std::string RenderPage(Page active, std::string_view title, const ShellModel& shell,
                       std::string_view page_template, data page_data) {
  page_data.set("shell_title", std::string(title));
  page_data.set("shell_csp", MetaPolicy());
  page_data.set("shell_css_url", std::string(StaticUrl("/static/app.css")));
  page_data.set("shell_js_url", std::string(StaticUrl("/static/app.js")));
  page_data.set("shell_favicon_url", std::string(StaticUrl("/static/favicon.svg")));
  page_data.set("shell_has_stream", !shell.stream_url.empty());
  page_data.set("shell_stream_url", shell.stream_url);
  page_data.set("shell_has_storage", !shell.storage_backend.empty());
  page_data.set("shell_storage", shell.storage_backend);
  page_data.set("shell_has_version", !shell.product_version.empty());
  page_data.set("shell_version", shell.product_version);
  page_data.set("shell_product", shell.product_version.empty()
                                     ? std::string("opsdeck")
                                     : "opsdeck " + shell.product_version);
  // The login page is bare: no top bar, no navigation, a centred card.
  const bool bare = active == Page::kLogin;
  page_data.set("shell_bare", bare);
  page_data.set("shell_signed_in", shell.signed_in);
  page_data.set("shell_user_name", shell.user_name);
  page_data.set("shell_user_role", shell.user_role);
  page_data.set("shell_has_role", !shell.user_role.empty());
  page_data.set("shell_has_csrf", !shell.csrf_token.empty());
  page_data.set("shell_csrf", shell.csrf_token);
  page_data.set("shell_can_sign_out", shell.signed_in && !shell.csrf_token.empty());
  page_data.set("shell_show_sign_in", !shell.signed_in && !bare);
  page_data.set("shell_nav_groups", NavigationGroups(active));
  // Partials are templates of ours, never outside text: these two names are
  // looked up at the layout's top level only, where the context is this object.
  page_data.set("shell_icons", partial([] { return std::string(Template("icons")); }));
  const std::string page_text(Template(page_template));
  page_data.set("shell_page", partial([&page_text] { return page_text; }));

  mustache layout{std::string(Template("layout"))};
  std::string html = layout.render(page_data);
  if (!layout.is_valid()) {
    // Only a broken template gets here, and the unit tests render every page.
    assert(false && "invalid template");
    return "<!doctype html><title>opsdeck</title><p>Template error.</p>";
  }
  return html;
}

std::string HumanUtc(std::string_view rfc3339) {
  // "YYYY-MM-DDTHH:MM:SS" plus optional fraction, then "Z".
  constexpr std::size_t kSeconds = 19;
  if (rfc3339.size() <= kSeconds || rfc3339[10] != 'T' || rfc3339.back() != 'Z') {
    return std::string(rfc3339);
  }
  std::string text(rfc3339.substr(0, kSeconds));
  text[10] = ' ';
  return text + " UTC";
}

}  // namespace opsdeck::http::ui::internal
