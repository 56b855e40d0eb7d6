// Checks every rendered page must pass, shared by the page tests: nothing a
// Content-Security-Policy without 'unsafe-inline' would block, and a
// self-consistent document (icons defined, ids unique).
#pragma once

#include <string>

namespace opsdeck::http::ui::page_checks {

// No <style>, no style= or on*= attributes, no javascript: URLs, exactly one
// <script> and it has a /static/ src and no body; stylesheets from /static/.
void ExpectNoInlineScriptOrStyle(const std::string& html);

// Every <use href="#x"> names an element id in the page; no id twice.
void ExpectIconsDefinedAndIdsUnique(const std::string& html);

}  // namespace opsdeck::http::ui::page_checks
