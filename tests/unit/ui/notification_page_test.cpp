// The notification delivery log page: each state in words and icon (never
// colour alone), a failed entry's error and a pending one's attempts and next
// attempt, run subjects linked to their run, hostile text escaped, the
// filters and pager, the empty state, and the CSP rules.
#include "http/ui/notification_page.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "html_scan.h"
#include "page_checks.h"

namespace opsdeck::http::ui {
namespace {

using html_scan::Body;
using html_scan::ScanTags;
using html_scan::Tag;
using page_checks::ExpectIconsDefinedAndIdsUnique;
using page_checks::ExpectNoInlineScriptOrStyle;
using ::testing::HasSubstr;
using ::testing::Not;

core::TimePoint At(int seconds) {
  // 2026-11-20T10:00:00Z
  return core::FromUnixMillis(1'795'168'800'000 + int64_t{seconds} * 1000);
}

NotificationRow Failed() {
  NotificationRow row;
  row.id = 3;
  row.channel = "ops-webhook";
  row.kind = "pipeline.failed";
  row.subject = "run:12";
  row.title = "dashboard-production #p-2 failed";
  row.state = NotificationDelivery::kFailed;
  row.attempts = 1;
  row.last_error = "webhook: HTTP 400: <script>alert(1)</script>";
  row.created_at = At(0);
  return row;
}

NotificationRow Pending() {
  NotificationRow row;
  row.id = 4;
  row.channel = "pipeline-notifications";
  row.kind = "pipeline.running";
  row.subject = "run:7";
  row.title = "<img src=x onerror=alert(2)> running";
  row.state = NotificationDelivery::kPending;
  row.attempts = 3;
  row.last_error = "discord: connection refused";
  row.created_at = At(10);
  row.next_attempt_at = At(14);
  return row;
}

NotificationsModel Model() {
  NotificationsModel model;
  model.shell.signed_in = true;
  model.shell.user_name = "alice";
  model.shell.user_role = "viewer";
  model.filters = {{"channel", "Channel", "", {"ops-webhook", "pipeline-notifications"}},
                   {"state", "State", "", {"pending", "sent", "failed", "superseded"}}};
  model.notifications = {Pending(), Failed()};
  return model;
}

// The <tr data-notification="id"> and its HTML up to the next row's start.
std::string RowHtml(const std::string& html, int64_t id) {
  const std::string open = "<tr data-notification=\"" + std::to_string(id) + "\"";
  const std::size_t at = html.find(open);
  if (at == std::string::npos) return {};
  return html.substr(at, html.find("</tr>", at) - at);
}

TEST(RenderNotifications, AFailedEntryShowsItsStateInWordsAndItsErrorEscaped) {
  const std::string html = RenderNotifications(Model());
  const std::string row = RowHtml(html, 3);
  ASSERT_FALSE(row.empty()) << html;
  EXPECT_THAT(row, HasSubstr("data-state=\"failed\""));
  EXPECT_THAT(row, HasSubstr("<span class=\"status status--compact status--failed\" "
                             "data-delivery-state=\"failed\"><svg class=\"icon\" "
                             "aria-hidden=\"true\" focusable=\"false\"><use "
                             "href=\"#i-down\"></use></svg>Failed</span>"));
  EXPECT_THAT(row, HasSubstr("webhook: HTTP 400: &lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("<script>alert(1)")));
  EXPECT_THAT(row, Not(HasSubstr("Next attempt")));
  EXPECT_THAT(row, HasSubstr("<td data-label=\"Channel\" class=\"nowrap\">ops-webhook</td>"));
  EXPECT_THAT(row, HasSubstr("<td data-label=\"Kind\" class=\"mono\">pipeline.failed</td>"));
  EXPECT_THAT(row, HasSubstr("dashboard-production #p-2 failed"));
  EXPECT_THAT(row, HasSubstr("<td data-label=\"Attempts\" class=\"nowrap\">1</td>"));
}

TEST(RenderNotifications, APendingEntryShowsItsAttemptsNextAttemptAndLastError) {
  const std::string html = RenderNotifications(Model());
  const std::string row = RowHtml(html, 4);
  ASSERT_FALSE(row.empty()) << html;
  EXPECT_THAT(row, HasSubstr("data-state=\"pending\""));
  EXPECT_THAT(row, HasSubstr("status--queued\" data-delivery-state=\"pending\">"));
  EXPECT_THAT(row, HasSubstr("<use href=\"#i-clock\"></use></svg>Pending</span>"));
  EXPECT_THAT(row, HasSubstr("Next attempt <time datetime=\"2026-11-20T10:00:14.000Z\" "
                             "data-format=\"time\">2026-11-20 10:00:14 UTC</time>"));
  EXPECT_THAT(row, HasSubstr("Last error: discord: connection refused"));
  EXPECT_THAT(row, HasSubstr("<td data-label=\"Attempts\" class=\"nowrap\">3</td>"));
  // The created time like the other lists: UTC until app.js localises it.
  EXPECT_THAT(row, HasSubstr("<time datetime=\"2026-11-20T10:00:10.000Z\" "
                             "data-format=\"short\">2026-11-20 10:00:10 UTC</time>"));
  // A hostile title is text.
  EXPECT_THAT(row, HasSubstr("&lt;img src=x onerror=alert(2)&gt; running"));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
}

TEST(RenderNotifications, APendingEntryNotTriedYetIsWaiting) {
  NotificationsModel model = Model();
  NotificationRow row = Pending();
  row.attempts = 0;
  row.last_error.clear();
  row.next_attempt_at.reset();
  model.notifications = {row};
  const std::string html = RenderNotifications(model);
  EXPECT_THAT(html, HasSubstr("Pending</span><span class=\"delivery-note\">Waiting to be sent</span></td>"));
  EXPECT_THAT(html, Not(HasSubstr("Last error")));
}

TEST(RenderNotifications, SentAndSupersededEntriesShowNoError) {
  NotificationsModel model = Model();
  NotificationRow sent = Failed();
  sent.id = 5;
  sent.state = NotificationDelivery::kSent;
  sent.sent_at = At(1);
  NotificationRow superseded = Pending();
  superseded.id = 6;
  superseded.state = NotificationDelivery::kSuperseded;
  model.notifications = {superseded, sent};
  const std::string html = RenderNotifications(model);
  const std::string sent_row = RowHtml(html, 5);
  EXPECT_THAT(sent_row, HasSubstr("status--succeeded\" data-delivery-state=\"sent\">"));
  EXPECT_THAT(sent_row, HasSubstr("#i-up\"></use></svg>Sent</span>"));
  EXPECT_THAT(sent_row, HasSubstr("<time datetime=\"2026-11-20T10:00:01.000Z\""));
  EXPECT_THAT(sent_row, Not(HasSubstr("HTTP 400")));
  const std::string superseded_row = RowHtml(html, 6);
  EXPECT_THAT(superseded_row, HasSubstr("#i-superseded\"></use></svg>Superseded</span>"));
  EXPECT_THAT(superseded_row, Not(HasSubstr("Next attempt")));
  EXPECT_THAT(superseded_row, Not(HasSubstr("connection refused")));
}

TEST(RenderNotifications, RunSubjectsLinkToTheirRun) {
  const std::string html = RenderNotifications(Model());
  EXPECT_THAT(RowHtml(html, 3),
              HasSubstr("<td data-label=\"Subject\" class=\"mono\"><a href=\"/runs/12\">run:12</a></td>"));
  EXPECT_THAT(RowHtml(html, 4), HasSubstr("<a href=\"/runs/7\">run:7</a>"));

  NotificationsModel model = Model();
  model.notifications[0].subject = "deployment:web:<b>:1";
  const std::string other = RowHtml(RenderNotifications(model), 4);
  EXPECT_THAT(other, HasSubstr("<td data-label=\"Subject\" class=\"mono\">deployment:web:&lt;b&gt;:1</td>"));
  EXPECT_THAT(other, Not(HasSubstr("href=\"/runs/")));
}

TEST(SubjectHref, OnlyAPositiveRunIdIsLinked) {
  EXPECT_EQ(internal::SubjectHref("run:12"), "/runs/12");
  EXPECT_EQ(internal::SubjectHref("run:0"), "");
  EXPECT_EQ(internal::SubjectHref("run:-3"), "");
  EXPECT_EQ(internal::SubjectHref("run:12x"), "");
  EXPECT_EQ(internal::SubjectHref("run:"), "");
  EXPECT_EQ(internal::SubjectHref("run:99999999999999999999"), "");
  EXPECT_EQ(internal::SubjectHref("test:2026"), "");
  EXPECT_EQ(internal::SubjectHref("xrun:12"), "");
}

TEST(RenderNotifications, HasTheTableOfTheOtherListsWithScopedHeaders) {
  const std::string html = RenderNotifications(Model());
  const std::vector<Tag> tags = ScanTags(html);
  std::vector<std::string> headers;
  for (const Tag& t : tags) {
    if (t.name == "th") {
      EXPECT_EQ(t.Get("scope"), "col");
      headers.emplace_back(Body(html, t));
    }
  }
  EXPECT_EQ(headers, (std::vector<std::string>{"Created", "Channel", "Kind", "Subject", "Title",
                                               "State", "Attempts"}));
  EXPECT_THAT(html, HasSubstr("<table class=\"table table--stack\" data-table=\"notifications\">"));
  // Newest first: the order given.
  EXPECT_LT(html.find("data-notification=\"4\""), html.find("data-notification=\"3\""));
  // Every select has a label.
  for (const Tag& t : tags) {
    if (t.name == "select") {
      EXPECT_THAT(html, HasSubstr("<label class=\"filter__label\" for=\"" + t.Get("id") + "\">"));
    }
  }
  EXPECT_THAT(html, HasSubstr("<title>Notifications · opsdeck</title>"));
  EXPECT_THAT(html, HasSubstr("href=\"/notifications\" aria-current=\"page\""));
  ExpectNoInlineScriptOrStyle(html);
  ExpectIconsDefinedAndIdsUnique(html);
}

TEST(RenderNotifications, FiltersKeepTheirSelectionAndThePagerItsLinks) {
  NotificationsModel model = Model();
  model.filters[0].selected = "gone-channel";  // not configured any more
  model.filters[1].selected = "failed";
  model.filtered = true;
  model.pager.newest_href = "/notifications?state=failed#log";
  model.pager.older_href = "/notifications?state=failed&cursor=abc#log";
  const std::string html = RenderNotifications(model);
  EXPECT_THAT(html, HasSubstr("<option value=\"gone-channel\" selected>gone-channel</option>"));
  EXPECT_THAT(html, HasSubstr("<option value=\"failed\" selected>failed</option>"));
  EXPECT_THAT(html, HasSubstr("<a class=\"filters__clear\" href=\"/notifications\">Clear filters</a>"));
  EXPECT_THAT(html, HasSubstr("<a class=\"button\" href=\"/notifications?state=failed#log\">Newest</a>"));
  EXPECT_THAT(html, HasSubstr("href=\"/notifications?state=failed&amp;cursor=abc#log\" rel=\"next\" data-older>"));
}

TEST(RenderNotifications, EmptyExplainsThePageAndPointsAtTheDocs) {
  NotificationsModel model;
  const std::string html = RenderNotifications(model);
  EXPECT_THAT(html, Not(HasSubstr("<table")));
  EXPECT_THAT(html, HasSubstr("No notifications yet."));
  EXPECT_THAT(html, HasSubstr("<code>docs/notifications.md</code>"));
  EXPECT_THAT(html, Not(HasSubstr("class=\"pager\"")));
  EXPECT_THAT(html, Not(HasSubstr("role=\"alert\"")));
  ExpectNoInlineScriptOrStyle(html);
  ExpectIconsDefinedAndIdsUnique(html);

  model.filtered = true;
  EXPECT_THAT(RenderNotifications(model), HasSubstr("No notifications match these filters."));
}

TEST(RenderNotifications, AnErrorIsAnAlertInsteadOfTheEmptyText) {
  NotificationsModel model;
  model.error = "state must be one of pending, sent, failed, superseded <x>";
  const std::string html = RenderNotifications(model);
  EXPECT_THAT(html, HasSubstr("role=\"alert\""));
  EXPECT_THAT(html, HasSubstr("superseded &lt;x&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("No notifications")));
}

}  // namespace
}  // namespace opsdeck::http::ui
