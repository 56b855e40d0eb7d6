#include "net/memory.h"

#include <malloc.h>

#include <cstdlib>

// gperftools' C entry point; weak, so a build or run without tcmalloc
// resolves it to null.
extern "C" void MallocExtension_ReleaseFreeMemory(void) __attribute__((weak));
extern "C" int MallocExtension_SetNumericProperty(const char* property, size_t value) __attribute__((weak));

namespace opsdeck::net {

void ConfigureAllocator() {
  if (MallocExtension_SetNumericProperty == nullptr) return;
  // The operator's own TCMALLOC_* settings win.
  if (std::getenv("TCMALLOC_AGGRESSIVE_DECOMMIT") == nullptr) {
    MallocExtension_SetNumericProperty("tcmalloc.aggressive_memory_decommit", 1);
  }
  if (std::getenv("TCMALLOC_MAX_TOTAL_THREAD_CACHE_BYTES") == nullptr) {
    MallocExtension_SetNumericProperty("tcmalloc.max_total_thread_cache_bytes", kThreadCacheBytes);
  }
}

void ReleaseFreeMemory() {
  if (MallocExtension_ReleaseFreeMemory != nullptr) {
    MallocExtension_ReleaseFreeMemory();
  } else {
    malloc_trim(0);
  }
}

}  // namespace opsdeck::net
