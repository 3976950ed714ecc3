#include "common/allocator.h"

#include <malloc.h>

#include <cstddef>

// jemalloc's control interface, present only when jemalloc is linked in; weak so that a glibc
// build links without it and sees a null pointer.
extern "C" int mallctl(const char* name, void* oldp, size_t* oldlenp, void* newp, size_t newlen) __attribute__((weak));

namespace pennant {

std::string_view allocatorName() { return mallctl != nullptr ? "jemalloc" : "glibc"; }

void limitAllocatorArenas() {
  if (mallctl == nullptr) mallopt(M_ARENA_MAX, 2);
}

void releaseFreeMemory() {
  if (mallctl != nullptr) {
    // 4096 = MALLCTL_ARENAS_ALL: every arena.
    mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0);
  } else {
    malloc_trim(0);
  }
}

}  // namespace pennant
