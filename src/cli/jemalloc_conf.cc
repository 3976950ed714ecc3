// jemalloc's settings for the controller, read by jemalloc at its first allocation (it looks up
// the global `malloc_conf`; linked only into the release binary, with jemalloc itself).
//  - narenas:2 and no thread caches: an I/O-bound process with ~20 threads gains nothing from an
//    arena and a cache per thread, and each would hold freed memory of its own;
//  - dirty pages go back to the kernel after 1 s (muzzy ones at once); the Manager also purges
//    every 10 s, so an idle controller gives back what its last burst of watch events used.
// MALLOC_CONF in the environment still overrides these.
extern "C" {
const char* malloc_conf = "narenas:2,tcache:false,dirty_decay_ms:1000,muzzy_decay_ms:0";
}
