// Hands memory the allocator keeps cached back to the operating system, after
// a burst that will not come back soon (loading a large config builds and
// drops its YAML tree and the readers' paths, ~1.5 KiB per catalog entry).
// With glibc it trims the heap (malloc_trim). Thread-safe.
#pragma once

#include <cstddef>

namespace opsdeck::net {

// tcmalloc's caches, set once at start (tcmalloc only; a no-op otherwise):
// freed spans go back to the system at once (aggressive decommit), and the
// per-thread caches hold 2 MiB in all instead of 32. The monitor's steady
// churn (a result batch a second, 1,000 probes' buffers) otherwise left
// freed memory resident: at 10,000 targets the resident size crept from
// 63 to 73 MB in two minutes; with these it stays at ~62 MB. Intake and
// probe CPU measured the same (bench/intake.sh, bench/probes.sh).
inline constexpr size_t kThreadCacheBytes = 2 * 1024 * 1024;
void ConfigureAllocator();

void ReleaseFreeMemory();

}  // namespace opsdeck::net
