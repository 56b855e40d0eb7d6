#include "net/memory.h"

#include <malloc.h>

// gperftools' C entry point; weak, so a build or run without tcmalloc
// resolves it to null.
extern "C" void MallocExtension_ReleaseFreeMemory(void) __attribute__((weak));

namespace opsdeck::net {

void ReleaseFreeMemory() {
  if (MallocExtension_ReleaseFreeMemory != nullptr) {
    MallocExtension_ReleaseFreeMemory();
  } else {
    malloc_trim(0);
  }
}

}  // namespace opsdeck::net
