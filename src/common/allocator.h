#pragma once
// What the process does about the heap it no longer uses. The release binary runs on jemalloc
// (linked statically, see src/cli/CMakeLists.txt and src/cli/jemalloc_conf.cc); test builds,
// the sanitizer ones included, run on glibc's malloc. These functions work on either.
#include <string_view>

namespace pennant {

// "jemalloc" or "glibc".
std::string_view allocatorName();
// glibc: at most two arenas (one per thread fragments the heap); jemalloc: configured at link
// time, nothing to do.
void limitAllocatorArenas();
// Returns free heap pages to the kernel: jemalloc purges every arena's dirty pages, glibc trims.
void releaseFreeMemory();

}  // namespace pennant
