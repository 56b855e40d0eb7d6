// The sign-in page and the account part of the shell: the form's fields,
// escaping of hostile user names, errors, `next` values and CSRF tokens, the
// logout form, the csrf-token <meta>, and the CSP rules.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "html_scan.h"
#include "http/ui/pages.h"
#include "page_checks.h"

namespace opsdeck::http::ui {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using html_scan::ScanTags;
using html_scan::Tag;
using page_checks::ExpectIconsDefinedAndIdsUnique;
using page_checks::ExpectNoInlineScriptOrStyle;

constexpr const char* kScript = "<script>alert(1)</script>";
constexpr const char* kAttribute = "\"><img src=x onerror=alert(1)>";
constexpr const char* kMustache = "{{shell_csrf}}{{> shell_icons}}";

ShellModel SignedIn(std::string name, std::string role, std::string csrf) {
  ShellModel shell;
  shell.product_version = "0.1.0";
  shell.signed_in = true;
  shell.user_name = std::move(name);
  shell.user_role = std::move(role);
  shell.csrf_token = std::move(csrf);
  return shell;
}

std::vector<Tag> TagsNamed(const std::string& html, std::string_view name) {
  std::vector<Tag> found;
  for (Tag& tag : ScanTags(html)) {
    if (tag.name == name) found.push_back(std::move(tag));
  }
  return found;
}

// The first <input name="NAME">; fails the test when there is none.
Tag Input(const std::string& html, std::string_view name) {
  for (const Tag& tag : TagsNamed(html, "input")) {
    if (tag.Get("name") == name) return tag;
  }
  ADD_FAILURE() << "no <input name=\"" << name << "\">";
  return {};
}

std::vector<Tag> FormsPostingTo(const std::string& html, std::string_view action) {
  std::vector<Tag> forms;
  for (const Tag& tag : TagsNamed(html, "form")) {
    if (tag.Get("action") == action && tag.Get("method") == "post") forms.push_back(tag);
  }
  return forms;
}

// ---- the sign-in page ----

TEST(RenderLogin, IsABareDocumentWithoutNavigation) {
  const std::string html = RenderLogin({});
  EXPECT_TRUE(html.starts_with("<!doctype html>\n<html lang=\"en\">"));
  EXPECT_THAT(html, HasSubstr("<title>Sign in · opsdeck</title>"));
  EXPECT_THAT(html, HasSubstr("class=\"app app--bare\""));
  EXPECT_THAT(html, Not(HasSubstr("<nav")));
  EXPECT_THAT(html, Not(HasSubstr("class=\"topbar\"")));
  EXPECT_THAT(html, HasSubstr("<h1 class=\"login__title\" id=\"login-title\">Sign in</h1>"));
  EXPECT_THAT(html, HasSubstr("class=\"login__product\">opsdeck</span>"));
  // Neither a link to itself nor a logout form.
  EXPECT_THAT(html, Not(HasSubstr("data-sign-in")));
  EXPECT_TRUE(FormsPostingTo(html, "/logout").empty());
  EXPECT_THAT(html, HasSubstr("</html>"));
}

TEST(RenderLogin, HasTheFormFields) {
  LoginModel model;
  model.next = "/releases";
  const std::string html = RenderLogin(model);
  ASSERT_EQ(FormsPostingTo(html, "/login").size(), 1u);
  EXPECT_EQ(TagsNamed(html, "form").size(), 1u);

  const Tag username = Input(html, "username");
  EXPECT_EQ(username.Get("type"), "text");
  EXPECT_EQ(username.Get("autocomplete"), "username");
  EXPECT_TRUE(username.Has("required"));
  EXPECT_TRUE(username.Has("autofocus"));

  const Tag password = Input(html, "password");
  EXPECT_EQ(password.Get("type"), "password");
  EXPECT_EQ(password.Get("autocomplete"), "current-password");
  EXPECT_TRUE(password.Has("required"));
  EXPECT_FALSE(password.Has("value")) << "a password is never echoed";

  const Tag next = Input(html, "next");
  EXPECT_EQ(next.Get("type"), "hidden");
  EXPECT_EQ(next.Get("value"), "/releases");

  // Each field has a label.
  for (const Tag& label : TagsNamed(html, "label")) {
    EXPECT_TRUE(label.Get("for") == username.Get("id") || label.Get("for") == password.Get("id"));
  }
  EXPECT_EQ(TagsNamed(html, "label").size(), 2u);

  int submits = 0;
  for (const Tag& button : TagsNamed(html, "button")) submits += button.Get("type") == "submit";
  EXPECT_EQ(submits, 1);
  EXPECT_THAT(html, Not(HasSubstr("role=\"alert\"")));
  EXPECT_THAT(html, Not(HasSubstr("name=\"csrf_token\"")));
}

TEST(RenderLogin, ShowsTheErrorInAnAlertAndRefillsTheUsername) {
  LoginModel model;
  model.error = "Wrong username or password.";
  model.username = "alice";
  model.next = "/";
  const std::string html = RenderLogin(model);
  std::vector<Tag> alerts;
  for (const Tag& tag : ScanTags(html)) {
    if (tag.Get("role") == "alert") alerts.push_back(tag);
  }
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_THAT(std::string(html_scan::Body(html, alerts[0])),
              HasSubstr("Wrong username or password."));
  EXPECT_EQ(Input(html, "username").Get("value"), "alice");
  // The username is known: the cursor goes to the password, which the error
  // describes.
  EXPECT_FALSE(Input(html, "username").Has("autofocus"));
  const Tag password = Input(html, "password");
  EXPECT_TRUE(password.Has("autofocus"));
  EXPECT_EQ(password.Get("aria-invalid"), "true");
  EXPECT_EQ(password.Get("aria-describedby"), alerts[0].Get("id"));
}

TEST(RenderLogin, EscapesHostileUsernameErrorAndNext) {
  LoginModel model;
  model.username = kAttribute;
  model.error = std::string(kScript) + kMustache;
  model.next = std::string("\"/><script>alert(2)</script>") + kMustache;
  const std::string html = RenderLogin(model);

  EXPECT_THAT(html, Not(HasSubstr("<script>alert")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr(kAttribute)));
  EXPECT_EQ(Input(html, "username").Get("value"), "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
  EXPECT_EQ(Input(html, "next").Get("value"),
            "&quot;/&gt;&lt;script&gt;alert(2)&lt;/script&gt;{{shell_csrf}}{{&gt; shell_icons}}");
  // Outside text is never rendered as a template.
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;{{shell_csrf}}{{&gt; "
                              "shell_icons}}</span>"));
  ExpectNoInlineScriptOrStyle(html);
  ExpectIconsDefinedAndIdsUnique(html);
}

TEST(RenderLogin, NeedsNoInlineScriptOrStyle) {
  ExpectNoInlineScriptOrStyle(RenderLogin({}));
  LoginModel failed;
  failed.error = "Wrong username or password.";
  failed.username = "alice";
  ExpectNoInlineScriptOrStyle(RenderLogin(failed));
  ExpectIconsDefinedAndIdsUnique(RenderLogin(failed));
}

TEST(RenderLogin, CarriesAPreSessionCsrfTokenWhenGiven) {
  LoginModel model;
  model.shell.csrf_token = "pre\"<token>";
  const std::string html = RenderLogin(model);
  EXPECT_EQ(Input(html, "csrf_token").Get("value"), "pre&quot;&lt;token&gt;");
  EXPECT_THAT(html, HasSubstr("<meta name=\"csrf-token\" content=\"pre&quot;&lt;token&gt;\">"));
  EXPECT_THAT(html, Not(HasSubstr("<token>")));
}

// ---- the account in the shell ----

TEST(ShellAccount, SignedInShowsNameRoleAndALogoutFormWithTheToken) {
  OverviewModel model;
  model.shell = SignedIn("alice", "admin", "tok-123");
  const std::string html = RenderOverview(model);
  EXPECT_THAT(html, HasSubstr("<span class=\"account__name\" data-user-name>alice</span>"
                              "<span class=\"account__sep\" aria-hidden=\"true\"> · </span>"
                              "<span class=\"account__role\" data-user-role>admin</span>"));

  const std::vector<Tag> forms = FormsPostingTo(html, "/logout");
  ASSERT_EQ(forms.size(), 1u);
  const std::string form_body(html_scan::Body(html, forms[0]));
  const Tag csrf = Input(form_body, "csrf_token");
  EXPECT_EQ(csrf.Get("type"), "hidden");
  EXPECT_EQ(csrf.Get("value"), "tok-123");
  EXPECT_THAT(form_body, HasSubstr(">Sign out</span></button>"));
  // Inside the top bar.
  EXPECT_LT(html.find("class=\"topbar\""), forms[0].begin);
  EXPECT_GT(html.find("</header>"), forms[0].begin);

  int metas = 0;
  for (const Tag& meta : TagsNamed(html, "meta")) {
    if (meta.Get("name") != "csrf-token") continue;
    ++metas;
    EXPECT_EQ(meta.Get("content"), "tok-123");
  }
  EXPECT_EQ(metas, 1);
  EXPECT_THAT(html, Not(HasSubstr("data-sign-in")));
  ExpectNoInlineScriptOrStyle(html);
}

TEST(ShellAccount, EscapesHostileNameRoleAndToken) {
  OverviewModel model;
  model.shell = SignedIn(kScript, kAttribute, std::string("\"><b>t</b>") + kMustache);
  const std::string html = RenderOverview(model);
  EXPECT_THAT(html, Not(HasSubstr(kScript)));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("<b>")));
  EXPECT_THAT(html, HasSubstr("data-user-name>&lt;script&gt;alert(1)&lt;/script&gt;</span>"));
  EXPECT_THAT(html, HasSubstr("title=\"Signed in as &lt;script&gt;alert(1)&lt;/script&gt;\""));
  EXPECT_THAT(html,
              HasSubstr("data-user-role>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</span>"));
  const std::vector<Tag> forms = FormsPostingTo(html, "/logout");
  ASSERT_EQ(forms.size(), 1u);
  EXPECT_EQ(Input(std::string(html_scan::Body(html, forms[0])), "csrf_token").Get("value"),
            "&quot;&gt;&lt;b&gt;t&lt;/b&gt;{{shell_csrf}}{{&gt; shell_icons}}");
  ExpectNoInlineScriptOrStyle(html);
  ExpectIconsDefinedAndIdsUnique(html);
}

TEST(ShellAccount, SignedInWithoutASessionHasNoSignOut) {
  // A trusted-proxy user: no cookie session, so no token and nothing to end.
  const std::string html = RenderNotFound("/x", SignedIn("bob", "viewer", ""));
  EXPECT_THAT(html, HasSubstr("data-user-name>bob</span>"));
  EXPECT_TRUE(FormsPostingTo(html, "/logout").empty());
  EXPECT_THAT(html, Not(HasSubstr("csrf")));
  EXPECT_THAT(html, Not(HasSubstr("data-sign-in")));
}

TEST(ShellAccount, SignedOutLinksToTheLoginPage) {
  for (const std::string& html : {RenderOverview({}), RenderNotFound("/x")}) {
    std::vector<Tag> sign_in;
    for (const Tag& tag : TagsNamed(html, "a")) {
      if (tag.Has("data-sign-in")) sign_in.push_back(tag);
    }
    ASSERT_EQ(sign_in.size(), 1u);
    EXPECT_EQ(sign_in[0].Get("href"), "/login");
    EXPECT_THAT(std::string(html_scan::Body(html, sign_in[0])), HasSubstr("Sign in"));
    EXPECT_THAT(html, Not(HasSubstr("data-account")));
    EXPECT_TRUE(FormsPostingTo(html, "/logout").empty());
    EXPECT_THAT(html, Not(HasSubstr("csrf")));
    // The full frame, unlike the login page.
    EXPECT_THAT(html, HasSubstr("<nav class=\"sidenav\""));
    EXPECT_THAT(html, Not(HasSubstr("app--bare")));
  }
}

}  // namespace
}  // namespace opsdeck::http::ui
