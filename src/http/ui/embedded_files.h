// The table of files embedded from web/ (generated into embedded_files.cpp by
// embed_assets.cmake). Internal to http/ui; use assets.h. Immutable static data.
#pragma once

#include <cstddef>

#include "http/ui/assets.h"

namespace opsdeck::http::ui::internal {

enum class EmbeddedKind { kStatic, kTemplate };

// For a template, asset.path is its name ("layout") and asset.url is empty.
struct EmbeddedFile {
  EmbeddedKind kind;
  Asset asset;
};

extern const EmbeddedFile kEmbeddedFiles[];
extern const std::size_t kEmbeddedFileCount;

}  // namespace opsdeck::http::ui::internal
