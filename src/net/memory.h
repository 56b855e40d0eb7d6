// Hands memory the allocator keeps cached back to the operating system, after
// a burst that will not come back soon (loading a large config builds and
// drops its YAML tree and the readers' paths, ~1.5 KiB per catalog entry).
// With glibc it trims the heap (malloc_trim). Thread-safe.
#pragma once

namespace opsdeck::net {

void ReleaseFreeMemory();

}  // namespace opsdeck::net
