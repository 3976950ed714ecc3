// jemalloc's settings for the controller, read by jemalloc at its first allocation (it looks up
// the global `malloc_conf`; linked only into the release binary, with jemalloc itself).
//  - one arena and no thread caches: an I/O-bound process with ~20 threads and a few reconcile
//    workers gains nothing from an arena or a cache per thread, and each would hold freed memory
//    of its own;
//  - freed pages go back to the kernel at once (dirty and muzzy decay 0): the controller's churn
//    is decoded watch events and reconcile-local JSON, a few MB/s at most, and the Manager also
//    purges every 10 s. docs/benchmarks.md ("Scale run", fixes 11 and 14) has the figures.
// MALLOC_CONF in the environment still overrides these.
extern "C" {
const char* malloc_conf = "narenas:1,tcache:false,dirty_decay_ms:0,muzzy_decay_ms:0";
}
