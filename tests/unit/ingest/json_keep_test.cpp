// ParseJsonKept: builds only the listed parts of a document, and accepts or
// refuses exactly the documents ParseJson does, with the same message.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include <string>

#include "ingest/json_reader.h"

namespace opsdeck::ingest {
namespace {

namespace json = boost::json;

std::string Kept(std::string_view text, const JsonKeep& keep) {
  auto v = ParseJsonKept(text, keep);
  if (!v) return "error: " + v.error().message;
  return json::serialize(*v);
}

TEST(JsonKept, BuildsOnlyTheListedParts) {
  const std::string doc = R"({
    "action": "completed",
    "workflow_run": {"id": 9100000000, "name": "Deploy", "pull_requests": [{"id": 1}],
                     "actor": {"login": "alice", "id": 1004, "site_admin": false},
                     "head_commit": {"message": "fix", "author": {"name": "Alice"}}},
    "repository": {"full_name": "acme/shop", "owner": {"login": "acme"}},
    "sender": {"login": "alice"}
  })";
  const JsonKeep keep{{"workflow_run", {{"id", {}}, {"actor", {{"login", {}}}}, {"head_commit", {}}}},
                      {"repository", {{"full_name", {}}}}};
  EXPECT_EQ(Kept(doc, keep),
            R"({"workflow_run":{"id":9100000000,"actor":{"login":"alice"},)"
            R"("head_commit":{"message":"fix","author":{"name":"Alice"}}},)"
            R"("repository":{"full_name":"acme/shop"}})");
  // Everything, as the full parser builds it.
  auto full = ParseJson(doc);
  ASSERT_TRUE(full);
  EXPECT_EQ(Kept(doc, JsonKeep{}), json::serialize(*full));
}

TEST(JsonKept, KeepsWhatAParserMustSeeToReportItsType) {
  // A kept key whose value is not the object the spec expects keeps the
  // value, so the reader can say "must be an object".
  const JsonKeep keep{{"workflow_run", {{"id", {}}}}, {"n", {}}};
  EXPECT_EQ(Kept(R"({"workflow_run": "oops", "n": null, "x": [1, {"y": 2}]})", keep),
            R"({"workflow_run":"oops","n":null})");
  EXPECT_EQ(Kept(R"({"workflow_run": [{"id": 1, "z": 2}, 3]})", keep),
            R"({"workflow_run":[{"id":1},3]})");  // elements get the key's spec
  EXPECT_EQ(Kept(R"([{"n": 1, "m": 2}, true])", keep), R"([{"n":1},true])");
  EXPECT_EQ(Kept(R"("just a string")", keep), R"("just a string")");
}

TEST(JsonKept, EscapesLongStringsAndDuplicateKeys) {
  const std::string long_value(70000, 'v');  // parsed in parts
  const std::string doc = R"({"k\u00e9y": "a\"b\\c\u00e9", "long": ")" + long_value +
                          R"(", "skipped": "\u0041)" + long_value + R"(", "d": 1, "d": 2})";
  const JsonKeep keep{{"k\xc3\xa9y", {}}, {"long", {}}, {"d", {}}};
  auto v = ParseJsonKept(doc, keep);
  ASSERT_TRUE(v) << v.error().message;
  const json::object& o = v->as_object();
  EXPECT_EQ(o.size(), 3u);
  EXPECT_EQ(o.at("k\xc3\xa9y").as_string(), "a\"b\\c\xc3\xa9");
  EXPECT_EQ(o.at("long").as_string().size(), long_value.size());
  EXPECT_EQ(o.at("d").as_int64(), 2);  // the last of duplicates, as boost.json's parser
  EXPECT_FALSE(o.contains("skipped"));
}

TEST(JsonKept, RefusesWhatParseJsonRefusesWithTheSameMessage) {
  const JsonKeep keep{{"a", {}}};
  const std::string deep = std::string(65, '[') + std::string(65, ']');
  for (const std::string& bad :
       {std::string(""), std::string("{"), std::string(R"({"a": 1,)"), std::string(R"({"a": 1} x)"),
        std::string(R"({"a": 1}{})"), std::string(R"({"skipped": [1, 2,, 3], "a": 1})"),
        std::string(R"({"skipped": {"x": tru}})"), std::string(R"({"a": "\x"})"),
        std::string("{\"skipped\": \"\x01\"}"), std::string(R"({"a": 01})"),
        "{\"skipped\": " + deep + "}", std::string(R"({"a": 1)")}) {
    auto full = ParseJson(bad);
    auto kept = ParseJsonKept(bad, keep);
    ASSERT_FALSE(full) << bad;
    ASSERT_FALSE(kept) << bad;
    EXPECT_EQ(kept.error().message, full.error().message) << bad;
    EXPECT_EQ(kept.error().where, "") << bad;
  }
  // Trailing white space is fine for both.
  EXPECT_TRUE(ParseJsonKept("{\"a\": 1}\n  ", keep));
  EXPECT_TRUE(ParseJson("{\"a\": 1}\n  "));
}

}  // namespace
}  // namespace opsdeck::ingest
