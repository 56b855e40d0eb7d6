// YamlTree: built from yaml-cpp's parser events (see internal/yaml_tree.h).
// The builder mirrors YAML::NodeBuilder, which YAML::LoadAll uses, so the
// tree has the same shape, kinds and marks as the YAML::Node tree had.
#include "config/internal/yaml_tree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <istream>
#include <limits>
#include <stdexcept>
#include <streambuf>

namespace opsdeck::config::internal {
namespace {

constexpr size_t kMaxIndex = std::numeric_limits<uint32_t>::max();
constexpr size_t kFileBytesPerNode = 8;  // a little denser than the densest real config

// Lets yaml-cpp read the caller's text in place: an istringstream would copy
// the whole file once more, at the moment the tree is growing.
class ViewBuffer : public std::streambuf {
 public:
  explicit ViewBuffer(std::string_view text) {
    // The get area is only read (no putback of a different character).
    char* begin = const_cast<char*>(text.data());  // NOLINT(cppcoreguidelines-pro-type-const-cast)
    setg(begin, begin, begin + text.size());
  }
};

}  // namespace

// Collections are open between their Start and End events; their finished
// children wait in `pending_` (innermost collection last) and are copied to
// one contiguous range of children_ when the collection ends.
class YamlTreeBuilder : public YAML::EventHandler {
 public:
  YamlTreeBuilder(YamlTree* tree, std::string_view text) : tree_(tree), text_(text) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    // yaml-cpp 0.7 neither consumes nor rejects a ',' outside a flow
    // collection: it starts an empty document at that token again and again,
    // forever (YAML::LoadAll hangs and grows). A document that starts where
    // the previous one did has consumed nothing; report the token instead.
    if (previous_start_ == mark.pos) {
      // pos counts bytes after a byte order mark, if any; name the token
      // only when it is certainly the comma.
      auto at = static_cast<size_t>(mark.pos);
      bool comma = at < text_.size() && text_[at] == ',';
      throw YAML::ParserException(mark, comma ? "unexpected ','" : "unexpected token");
    }
    previous_start_ = mark.pos;
    anchors_.assign(1, YamlTree::kEmptyMap);  // anchor ids start at 1 in every document
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Finish(Add(YamlKind::kNull, mark, anchor, true));
  }

  // Like YAML::NodeBuilder: the alias is the anchored node itself, shared.
  void OnAlias(const YAML::Mark& /*mark*/, YAML::anchor_t anchor) override {
    Finish(anchors_.at(anchor));
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    if (tree_->text_.size() + value.size() > kMaxIndex)
      throw std::length_error("YAML text too large");
    YamlTree::NodeId id = Add(YamlKind::kScalar, mark, anchor, tag == "?");
    YamlTree::Node& node = tree_->nodes_[id];
    node.begin = static_cast<uint32_t>(tree_->text_.size());
    node.count = static_cast<uint32_t>(value.size());
    tree_->text_ += value;
    Finish(id);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value /*style*/) override {
    Open(Add(YamlKind::kSequence, mark, anchor, tag == "?"));
  }
  void OnSequenceEnd() override { Close(1); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value /*style*/) override {
    Open(Add(YamlKind::kMap, mark, anchor, tag == "?"));
  }
  void OnMapEnd() override { Close(2); }

 private:
  struct OpenCollection {
    YamlTree::NodeId node;
    size_t first_pending;
  };

  YamlTree::NodeId Add(YamlKind kind, const YAML::Mark& mark, YAML::anchor_t anchor, bool plain) {
    if (tree_->nodes_.size() >= kMaxIndex) throw std::length_error("YAML has too many nodes");
    auto id = static_cast<YamlTree::NodeId>(tree_->nodes_.size());
    YamlTree::Node node;
    node.kind = kind;
    node.plain = plain;
    if (!mark.is_null()) {
      node.line = static_cast<uint32_t>(mark.line) + 1;
      node.column = static_cast<uint32_t>(mark.column) + 1;
    }
    tree_->nodes_.push_back(node);
    if (anchor != YAML::NullAnchor) {
      if (anchor >= anchors_.size()) anchors_.resize(anchor + 1, YamlTree::kEmptyMap);
      anchors_[anchor] = id;
    }
    return id;
  }

  void Open(YamlTree::NodeId id) { open_.push_back(OpenCollection{id, pending_.size()}); }

  // `width` is 1 for a sequence (items) and 2 for a map (key, value pairs).
  void Close(size_t width) {
    OpenCollection collection = open_.back();
    open_.pop_back();
    auto first = pending_.begin() + static_cast<std::ptrdiff_t>(collection.first_pending);
    size_t count = static_cast<size_t>(pending_.end() - first) / width;
    auto& children = tree_->children_;
    if (children.size() + count * width > kMaxIndex) throw std::length_error("YAML too large");
    YamlTree::Node& node = tree_->nodes_[collection.node];
    node.begin = static_cast<uint32_t>(children.size());
    node.count = static_cast<uint32_t>(count);
    children.insert(children.end(), first, first + static_cast<std::ptrdiff_t>(count * width));
    pending_.erase(first, pending_.end());
    Finish(collection.node);
  }

  // A node is complete: it is a child of the innermost open collection, or a
  // document's root.
  void Finish(YamlTree::NodeId id) {
    if (open_.empty()) {
      tree_->roots_.push_back(id);
    } else {
      pending_.push_back(id);
    }
  }

  YamlTree* tree_;
  std::string_view text_;
  int previous_start_ = -1;  // Mark::pos of the previous document's first token
  std::vector<OpenCollection> open_;
  std::vector<YamlTree::NodeId> pending_;
  std::vector<YamlTree::NodeId> anchors_;  // node of each anchor id of this document
};

YamlTree::YamlTree() {
  Node empty_map;
  empty_map.kind = YamlKind::kMap;
  nodes_.push_back(empty_map);  // kEmptyMap
}

std::string_view YamlTree::scalar(NodeId id) const {
  const Node& node = nodes_[id];
  if (node.kind != YamlKind::kScalar) return {};
  return std::string_view(text_).substr(node.begin, node.count);
}

size_t YamlTree::size(NodeId id) const {
  const Node& node = nodes_[id];
  return node.kind == YamlKind::kSequence || node.kind == YamlKind::kMap ? node.count : 0;
}

YamlParse YamlTree::Parse(std::string_view text) {
  YamlParse result;
  YamlTree tree;
  // Sized from the text up front: grown by doubling, each outgrown copy would
  // stay with the allocator (tcmalloc keeps freed spans), and this peak is
  // what a large catalog costs. A flow-style catalog entry is ~9 bytes of file
  // per node (block style more), and scalars are never longer than their
  // source; room never written is never touched, so it is address space only.
  tree.nodes_.reserve(text.size() / kFileBytesPerNode + 1);
  tree.children_.reserve(text.size() / kFileBytesPerNode + 1);
  tree.text_.reserve(text.size());
  try {
    ViewBuffer buffer(text);
    std::istream input(&buffer);
    YAML::Parser parser(input);
    YamlTreeBuilder builder(&tree, text);
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (const YAML::Exception& e) {
    YamlSyntaxError error;
    error.message = e.msg;
    if (!e.mark.is_null()) {
      error.line = e.mark.line + 1;
      error.column = e.mark.column + 1;
    }
    result.error = std::move(error);
    return result;
  }
  result.tree = std::move(tree);
  return result;
}

}  // namespace opsdeck::config::internal
