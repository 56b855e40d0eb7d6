// YamlTree, the compact tree the config loader reads: kinds, scalars and
// their plain/quoted flag, marks, aliases, documents and syntax errors, each
// checked against what yaml-cpp's own YAML::Node tree (YAML::LoadAll) gives
// for the same text, since the loader's messages were built on that tree.
#include "config/internal/yaml_tree.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "config_test_support.h"

namespace opsdeck::config::internal {
namespace {

using NodeId = YamlTree::NodeId;

YamlTree Tree(std::string_view text) {
  YamlParse parsed = YamlTree::Parse(text);
  EXPECT_FALSE(parsed.error) << parsed.error->message;
  return parsed.tree ? std::move(*parsed.tree) : YamlTree::Parse("").tree.value();
}

// The value of `key` in `map` (the first one), or kEmptyMap when absent.
NodeId Get(const YamlTree& tree, NodeId map, std::string_view key) {
  for (size_t i = 0; i < tree.size(map); ++i) {
    if (tree.scalar(tree.key(map, i)) == key) return tree.value(map, i);
  }
  ADD_FAILURE() << "no key " << key;
  return YamlTree::kEmptyMap;
}

YamlKind KindOf(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return YamlKind::kScalar;
    case YAML::NodeType::Sequence:
      return YamlKind::kSequence;
    case YAML::NodeType::Map:
      return YamlKind::kMap;
    default:
      return YamlKind::kNull;
  }
}

// Walks a yaml-cpp tree and a YamlTree side by side. A node shared in one
// (an alias) must be shared in the other, at the same places.
class SameTree {
 public:
  SameTree(const YamlTree& tree, std::string text) : tree_(tree), text_(std::move(text)) {}

  void Compare(const YAML::Node& node, NodeId id, const std::string& where) {
    for (const auto& [seen, seen_id] : seen_) {
      if (seen.is(node) || seen_id == id) {
        EXPECT_TRUE(seen.is(node) && seen_id == id) << "sharing differs at " << where;
        return;  // compared already (and an anchor may contain its own alias)
      }
    }
    seen_.emplace_back(node, id);
    SCOPED_TRACE(text_ + " at " + where);
    ASSERT_EQ(tree_.kind(id), KindOf(node));
    EXPECT_EQ(tree_.line(id), node.Mark().line + 1);
    EXPECT_EQ(tree_.column(id), node.Mark().column + 1);
    if (node.IsScalar()) {
      EXPECT_EQ(tree_.scalar(id), node.Scalar());
      EXPECT_EQ(tree_.plain(id), node.Tag() == "?") << "tag " << node.Tag();
    }
    if (node.IsSequence()) {
      ASSERT_EQ(tree_.size(id), node.size());
      for (size_t i = 0; i < node.size(); ++i) {
        Compare(node[i], tree_.item(id, i), where + "[" + std::to_string(i) + "]");
      }
    }
    if (node.IsMap()) {
      ASSERT_EQ(tree_.size(id), node.size());
      size_t i = 0;
      for (const auto& pair : node) {
        Compare(pair.first, tree_.key(id, i), where + ".key" + std::to_string(i));
        Compare(pair.second, tree_.value(id, i), where + ".value" + std::to_string(i));
        ++i;
      }
    }
  }

 private:
  const YamlTree& tree_;
  std::string text_;
  std::vector<std::pair<YAML::Node, NodeId>> seen_;
};

void ExpectAsYamlCpp(const std::string& text) {
  SCOPED_TRACE(text);
  std::vector<YAML::Node> documents;
  std::string yaml_cpp_error;
  YAML::Mark error_mark = YAML::Mark::null_mark();
  try {
    documents = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    yaml_cpp_error = e.msg;
    error_mark = e.mark;
  }
  YamlParse parsed = YamlTree::Parse(text);
  if (!yaml_cpp_error.empty()) {
    ASSERT_TRUE(parsed.error.has_value());
    EXPECT_FALSE(parsed.tree.has_value());
    EXPECT_EQ(parsed.error->message, yaml_cpp_error);
    EXPECT_EQ(parsed.error->line, error_mark.is_null() ? 0 : error_mark.line + 1);
    EXPECT_EQ(parsed.error->column, error_mark.is_null() ? 0 : error_mark.column + 1);
    return;
  }
  ASSERT_FALSE(parsed.error.has_value()) << parsed.error->message;
  const YamlTree& tree = *parsed.tree;
  ASSERT_EQ(tree.document_count(), documents.size());
  for (size_t i = 0; i < documents.size(); ++i) {
    SameTree(tree, text).Compare(documents[i], tree.root(i), "doc" + std::to_string(i));
  }
}

TEST(YamlTree, SameTreeAsYamlCppForEveryForm) {
  const char* cases[] = {
      // empty streams and empty documents
      "",
      "# only a comment\n",
      "---\n",
      "---\n...\n",
      "~\n",
      "null\n",
      "--- \n--- \n",
      // block and flow maps and sequences, nested
      "a: 1\nb: two\nc:\n  d: [x, y, {z: w}]\n  e:\n    - 1\n    - - nested\n      - list\n",
      "{a: 1, b: [x, y], c: {d: e}}\n",
      "- a\n- {b: c}\n- [d, e]\n-\n  - f\n",
      "[a, [b, [c, [d]]], {e: [f, {g: h}]}]\n",
      "services:\n  - {name: t1, environment: bench, component: backend, checks: [{type: http, "
      "url: \"http://127.0.0.1:58963/health?o=1\"}]}\n",
      // every null form: ~, null, Null, NULL, an empty value, an empty item
      "a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: nil\n",
      "- \n- ~\n-\n- x\n",
      "{a: , b: ~, c}\n",
      "[a, ~, null]\n",
      "? just a key\n",
      ": no key\n",
      "[a: 1, : b, c]\n",
      // quoted, tagged and plain scalars
      "a: true\nb: \"true\"\nc: 'true'\nd: !!str true\ne: !!bool yes\nf: ! plain\ng: !x y\n",
      "a: \"null\"\nb: '~'\nc: !!str null\nd: !!null ~\ne: !!str\nf: \"\"\ng: ''\n",
      "a: \"esc\\taped \\u00e9 \\\"q\\\"\"\nb: 'it''s'\nc: plain # comment\n",
      "a: |\n  literal\n   text\nb: >\n  folded\n  text\n\nc: |-\n  strip\nd: >+\n  keep\n\n",
      "a: plain\n  continued\n  lines\nb: \"double\n  quoted\"\n",
      "\"quoted key\": 1\n'single': 2\n? complex\n: 3\n[x, y]: 4\n{m: n}: 5\n",
      // anchors and aliases: scalars, maps, sequences, keys, re-anchored names
      "base: &b {x: 1, y: [2, 3]}\nuse: *b\nagain: *b\n",
      "- &s text\n- *s\n- &l [a, *s]\n- *l\n",
      "&k key: value\nother: *k\n*k : x\n",
      "a: &n\nb: *n\n",
      "a: &x 1\nb: &x 2\nc: *x\n",
      "a: &r [b, *r]\n",
      "m: &m {self: *m}\n",
      "defaults: &d {interval: 10s}\ncheck:\n  <<: *d\n  url: x\n",
      // duplicate keys are kept in file order (the reader reports them)
      "a: 1\na: 2\nb: 3\n",
      // several documents, directives, document ends
      "log: {}\n---\nlog: {}\n",
      "a: 1\n---\n",
      "--- a\n--- b\n... \n--- c\n",
      "%YAML 1.2\n---\na: 1\n",
      "---\n&a x\n---\n&a y\n---\n[*a]\n",
      // line endings, a byte order mark, indentation, unicode
      "a: 1\r\nb:\r\n  c: 2\r\n",
      "\xEF\xBB\xBF"
      "a: 1\n",
      "  a: 1\n  b:\n      - x\n",
      "k\xC3\xA9y: v\xC3\xA4lue\n",
      // syntax errors: their message and position
      "server:\n  listen: [127.0.0.1\nlog: {}\n",
      "a: [1, 2\n",
      "a: {b: c\n",
      "a: b: c\n",
      "a:\n  - x\n  y: z\n",
      "a: *nope\n",
      "a: &x &y z\n",
      "a: !x !y z\n",
      "\ta: 1\n",
      "a: 'unterminated\n",
      "a: \"bad \\q escape\"\n",
      "- a\nb: c\n",
      "a: 1\n b: 2\n",
      "---\na: 1\n---\n[x\n",
      "%YAML 1.2\n%YAML 1.2\n---\na\n",
      "key: |\n text\n  bad: x\n y\n",
  };
  for (const char* text : cases) ExpectAsYamlCpp(text);
}

TEST(YamlTree, SameTreeAsYamlCppForTheFixtureConfigs) {
  for (const char* dir : {"good", "bad"}) {
    for (const auto& entry :
         std::filesystem::directory_iterator(testing::FixtureDir() + "/" + dir)) {
      // yaml-cpp alone never returns on the stray comma (see below).
      if (entry.path().filename() == "stray-comma.yaml") continue;
      if (entry.path().extension() == ".yaml") ExpectAsYamlCpp(testing::ReadText(entry.path()));
    }
  }
}

TEST(YamlTree, NullFormsAreNullButQuotedOrTaggedOnesAreStrings) {
  YamlTree tree =
      Tree("a: ~\nb: null\nc: NULL\nd:\ne: \"null\"\nf: '~'\ng: !!str null\nh: [x, ~]\n");
  NodeId root = tree.root(0);
  for (const char* key : {"a", "b", "c", "d"}) {
    EXPECT_EQ(tree.kind(Get(tree, root, key)), YamlKind::kNull) << key;
  }
  EXPECT_EQ(tree.scalar(Get(tree, root, "e")), "null");
  EXPECT_EQ(tree.scalar(Get(tree, root, "f")), "~");
  EXPECT_EQ(tree.scalar(Get(tree, root, "g")), "null");
  EXPECT_EQ(tree.kind(tree.item(Get(tree, root, "h"), 1)), YamlKind::kNull);
  EXPECT_EQ(tree.scalar(Get(tree, root, "a")), "");  // as YAML::Node::Scalar() of a null
}

TEST(YamlTree, QuotedScalarsKeepTheirTextAndAreNotPlain) {
  YamlTree tree = Tree("a: true\nb: \"true\"\nc: 'true'\nd: !!str true\ne: 8080\n");
  NodeId root = tree.root(0);
  EXPECT_TRUE(tree.plain(Get(tree, root, "a")));
  for (const char* key : {"b", "c", "d"}) {
    EXPECT_EQ(tree.scalar(Get(tree, root, key)), "true") << key;
    EXPECT_FALSE(tree.plain(Get(tree, root, key))) << key;
  }
  EXPECT_EQ(tree.kind(Get(tree, root, "e")), YamlKind::kScalar);
  EXPECT_EQ(tree.scalar(Get(tree, root, "e")), "8080");
}

TEST(YamlTree, FlowAndBlockStylesGiveTheSameShape) {
  YamlTree flow = Tree("{a: 1, b: [x, {c: d}]}\n");
  YamlTree block = Tree("a: 1\nb:\n  - x\n  - c: d\n");
  for (const YamlTree* tree : {&flow, &block}) {
    NodeId root = tree->root(0);
    ASSERT_EQ(tree->kind(root), YamlKind::kMap);
    ASSERT_EQ(tree->size(root), 2u);
    EXPECT_EQ(tree->scalar(tree->key(root, 1)), "b");
    NodeId list = tree->value(root, 1);
    ASSERT_EQ(tree->size(list), 2u);
    EXPECT_EQ(tree->scalar(tree->item(list, 0)), "x");
    EXPECT_EQ(tree->scalar(Get(*tree, tree->item(list, 1), "c")), "d");
  }
}

TEST(YamlTree, MarksOfKeysAndValuesAreOneBased) {
  YamlTree tree = Tree("server:\n  listen: 127.0.0.1:8080\nlist: [a, {k: v}]\n");
  NodeId root = tree.root(0);
  EXPECT_EQ(std::pair(tree.line(root), tree.column(root)), std::pair(1, 1));
  NodeId server = Get(tree, root, "server");
  EXPECT_EQ(std::pair(tree.line(server), tree.column(server)), std::pair(2, 3));
  EXPECT_EQ(std::pair(tree.line(tree.key(server, 0)), tree.column(tree.key(server, 0))),
            std::pair(2, 3));
  NodeId listen = tree.value(server, 0);
  EXPECT_EQ(std::pair(tree.line(listen), tree.column(listen)), std::pair(2, 11));
  NodeId inner = tree.item(Get(tree, root, "list"), 1);
  EXPECT_EQ(std::pair(tree.line(inner), tree.column(inner)), std::pair(3, 11));
  EXPECT_EQ(std::pair(tree.line(tree.value(inner, 0)), tree.column(tree.value(inner, 0))),
            std::pair(3, 15));
  EXPECT_EQ(tree.line(YamlTree::kEmptyMap), 0);
}

TEST(YamlTree, AnAliasIsTheAnchoredNodeNotACopy) {
  YamlTree tree = Tree("base: &b {x: 1}\nuse: *b\nlist: [*b, *b]\n");
  NodeId root = tree.root(0);
  NodeId base = Get(tree, root, "base");
  EXPECT_EQ(Get(tree, root, "use"), base);
  EXPECT_EQ(tree.item(Get(tree, root, "list"), 0), base);
  EXPECT_EQ(tree.item(Get(tree, root, "list"), 1), base);
  EXPECT_EQ(tree.line(Get(tree, root, "use")), 1);  // where the anchored node is
  size_t nodes_without_aliases = Tree("base: &b {x: 1}\nuse: x\nlist: [x, x]\n").node_count();
  EXPECT_EQ(tree.node_count(), nodes_without_aliases - 3);
}

TEST(YamlTree, EveryDocumentHasARoot) {
  YamlTree tree = Tree("log: {}\n---\nlog: {level: debug}\n--- x\n");
  ASSERT_EQ(tree.document_count(), 3u);
  EXPECT_EQ(tree.line(tree.root(1)), 3);
  EXPECT_EQ(tree.scalar(tree.root(2)), "x");
  EXPECT_EQ(Tree("# nothing\n").document_count(), 0u);
  YamlTree empty = Tree("---\n");
  ASSERT_EQ(empty.document_count(), 1u);
  EXPECT_EQ(empty.kind(empty.root(0)), YamlKind::kNull);
}

TEST(YamlTree, SyntaxErrorIsYamlCppsMessageAndPosition) {
  YamlParse parsed = YamlTree::Parse("server:\n  listen: [127.0.0.1\nlog: {}\n");
  ASSERT_TRUE(parsed.error.has_value());
  EXPECT_EQ(parsed.error->message, "end of sequence flow not found");
  EXPECT_EQ(std::pair(parsed.error->line, parsed.error->column), std::pair(3, 4));
  YamlParse alias = YamlTree::Parse("a: *nope\n");
  ASSERT_TRUE(alias.error.has_value());
  EXPECT_EQ(alias.error->message, "the referenced anchor is not defined");
  EXPECT_EQ(std::pair(alias.error->line, alias.error->column), std::pair(1, 4));
}

// yaml-cpp 0.7 alone starts an empty document at a stray ',' forever
// (YAML::LoadAll never returns); the tree reports it where it stands.
TEST(YamlTree, AStrayCommaIsASyntaxErrorNotEndlessDocuments) {
  for (const char* text : {",", "- a\n,\n", "a: 1\n...\n,\n", "\xEF\xBB\xBF,"}) {
    YamlParse parsed = YamlTree::Parse(text);
    ASSERT_TRUE(parsed.error.has_value()) << text;
    EXPECT_EQ(parsed.error->column, 1) << text;
  }
  YamlParse parsed = YamlTree::Parse("log: {}\n---\nlog: {}\n---\n,\n");
  ASSERT_TRUE(parsed.error.has_value());
  EXPECT_EQ(parsed.error->message, "unexpected ','");
  EXPECT_EQ(std::pair(parsed.error->line, parsed.error->column), std::pair(5, 1));
}

// The goal behind the tree (bench/probes.sh): the config load's peak, which
// YAML::Node set at ~7 KiB per catalog entry, is at most 2.5 KiB per target.
TEST(YamlTree, ABenchCatalogEntryCostsUnder600Bytes) {
  std::string text = "catalog:\n  services:\n";
  for (int i = 1; i <= 1000; ++i) {
    text += "    - {name: t" + std::to_string(i) +
            ", environment: bench, component: backend, checks: [{type: http, url: "
            "\"http://127.0.0.1:58963/health?o=" +
            std::to_string(i) + "\"}]}\n";
  }
  YamlTree tree = Tree(text);
  EXPECT_EQ(tree.size(Get(tree, Get(tree, tree.root(0), "catalog"), "services")), 1000u);
  EXPECT_LT(tree.memory_bytes() / 1000, 600u);
}

TEST(YamlTree, ReadsTextThatIsNotNulTerminated) {
  std::string text = "a: 1\nb: 2";
  YamlTree tree = Tree(std::string_view(text).substr(0, 4));  // "a: 1"
  ASSERT_EQ(tree.size(tree.root(0)), 1u);
  EXPECT_EQ(tree.scalar(tree.value(tree.root(0), 0)), "1");
}

}  // namespace
}  // namespace opsdeck::config::internal
