#ifndef SGDFP_CMEMORY_H
#define SGDFP_CMEMORY_H
#if defined(__linux__)
#include <malloc.h>
#endif

// Serve allocations above `bytes` by their own mappings, returned to the system when freed (glibc raises
// this threshold on its own after the first large free otherwise). Returns 0 where not available.
static inline int _sgdfp_set_mmap_threshold(int bytes) {
#if defined(__linux__) && defined(M_MMAP_THRESHOLD)
    return mallopt(M_MMAP_THRESHOLD, bytes);
#else
    (void)bytes;
    return 0;
#endif
}
#endif
