// Hands memory the allocator keeps cached back to the operating system, after
// a burst that will not come back soon (loading a large config builds and
// drops a YAML tree of several KiB per catalog entry). A no-op when the
// allocator has no such call (glibc without tcmalloc). Thread-safe.
#pragma once

namespace opsdeck::net {

void ReleaseFreeMemory();

}  // namespace opsdeck::net
