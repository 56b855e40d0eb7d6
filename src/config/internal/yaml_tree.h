// Internal to config/: a compact, read-only tree of a YAML stream, built from
// yaml-cpp's parser events. yaml-cpp stays the scanner (syntax errors, their
// messages and marks are its own), but a node costs 20 bytes plus its text
// instead of a YAML::Node's several hundred, which set the config load's
// memory peak. Immutable once parsed; concurrent reads are safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace opsdeck::config::internal {

// What YAML::Node::Type() says of the same node.
enum class YamlKind : uint8_t { kNull, kScalar, kSequence, kMap };

struct YamlSyntaxError {
  std::string message;  // yaml-cpp's own text (Exception::msg)
  int line = 0;         // 1-based; 0 when yaml-cpp gave no position
  int column = 0;
};

struct YamlParse;

class YamlTree {
 public:
  using NodeId = uint32_t;
  // An empty map with no position: stands for the root of a file that holds
  // no document, or only a null one.
  static constexpr NodeId kEmptyMap = 0;

  // Parses every document of `text`, as YAML::LoadAll would. A syntax error
  // is returned, never thrown; other exceptions (bad_alloc) pass through.
  static YamlParse Parse(std::string_view text);

  size_t document_count() const { return roots_.size(); }
  NodeId root(size_t document) const { return roots_.at(document); }

  YamlKind kind(NodeId id) const { return nodes_[id].kind; }
  // Written without quotes or tag (yaml-cpp's tag "?"): `true` is plain,
  // `"true"` and `!!str true` are not.
  bool plain(NodeId id) const { return nodes_[id].plain; }
  // The scalar's text; empty for any other kind, as YAML::Node::Scalar().
  std::string_view scalar(NodeId id) const;
  // 1-based position of the node's first token (yaml-cpp's Mark + 1); 0 when
  // the node has none. An alias has the position of the node it names.
  int line(NodeId id) const { return static_cast<int>(nodes_[id].line); }
  int column(NodeId id) const { return static_cast<int>(nodes_[id].column); }

  // Items of a sequence or pairs of a map, in file order; 0 for the others.
  size_t size(NodeId id) const;
  NodeId item(NodeId sequence, size_t i) const { return children_[nodes_[sequence].begin + i]; }
  NodeId key(NodeId map, size_t i) const { return children_[nodes_[map].begin + 2 * i]; }
  NodeId value(NodeId map, size_t i) const { return children_[nodes_[map].begin + 2 * i + 1]; }

  size_t node_count() const { return nodes_.size(); }
  // Heap bytes held (capacities), for tests that keep the tree small.
  size_t memory_bytes() const {
    return nodes_.capacity() * sizeof(Node) + children_.capacity() * sizeof(NodeId) +
           text_.capacity() + roots_.capacity() * sizeof(NodeId);
  }

 private:
  friend class YamlTreeBuilder;

  struct Node {
    YamlKind kind = YamlKind::kNull;
    bool plain = true;
    uint32_t line = 0;
    uint32_t column = 0;
    // Scalar: its text is text_[begin, begin + count). Sequence: its items are
    // children_[begin, begin + count). Map: children_ from begin holds count
    // key, value pairs.
    uint32_t begin = 0;
    uint32_t count = 0;
  };
  static_assert(sizeof(Node) == 20, "a node stays small: it is the config load's peak");

  YamlTree();

  std::vector<Node> nodes_;
  std::vector<NodeId> children_;  // an alias is a second edge to one node
  std::string text_;              // every scalar, back to back
  std::vector<NodeId> roots_;     // one per document
};

struct YamlParse {
  std::optional<YamlTree> tree;  // set unless there was a syntax error
  std::optional<YamlSyntaxError> error;
};

}  // namespace opsdeck::config::internal
