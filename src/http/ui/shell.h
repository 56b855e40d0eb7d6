// The frame every page shares: the layout template (header, navigation,
// footer, icon sprite) around one page template. Internal to http/ui; pages
// call RenderPage. Thread-safety: pure functions over immutable embedded
// templates, safe on any thread.
#pragma once

#include <kainjow/mustache.hpp>

#include <string>
#include <string_view>

#include "http/ui/pages.h"

namespace opsdeck::http::ui::internal {

// The pages of the navigation. Later pages flip `built` in shell.cpp's table.
enum class Page {
  kNone,
  kOverview,
  kPipelines,
  kDeployments,
  kUnmatched,
  kReleases,
  kWindows,
  kRollbacks,
  kServices,
  kIncidents,
  kDocsAudit,
  kAuditLog,
  kNotifications,
  kLogin,  // not in the navigation; rendered without the top bar and sidebar
};

// Renders the page template `page_template` (a name for ui::Template) with
// `page_data` inside the layout. The layout's own keys start with "shell_";
// page templates must not use that prefix. Outside text in `page_data` is
// escaped by the templates ({{x}}); no template uses {{{x}}} or {{&x}}.
std::string RenderPage(Page active, std::string_view title, const ShellModel& shell,
                       std::string_view page_template, kainjow::mustache::data page_data);

// "2026-03-10T14:02:11.123Z" -> "2026-03-10 14:02:11 UTC", the text a <time>
// shows until app.js rewrites it in the viewer's zone. Other input is returned
// as it is.
std::string HumanUtc(std::string_view rfc3339);

}  // namespace opsdeck::http::ui::internal
