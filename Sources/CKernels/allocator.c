// glibc's allocator settings (malloc.h is not part of Swift's Glibc module).

#include "CKernels.h"
#include <stdlib.h> // defines __GLIBC__ under glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

int inductive_retain_freed_memory(int mmap_threshold, int trim_threshold) {
#if defined(__GLIBC__)
    return mallopt(M_MMAP_THRESHOLD, mmap_threshold) == 1 && mallopt(M_TRIM_THRESHOLD, trim_threshold) == 1;
#else
    (void)mmap_threshold;
    (void)trim_threshold;
    return 0;
#endif
}

int inductive_set_mmap_max(int max_mappings) {
#if defined(__GLIBC__)
    return mallopt(M_MMAP_MAX, max_mappings) == 1;
#else
    (void)max_mappings;
    return 0;
#endif
}

int inductive_release_freed_memory(void) {
#if defined(__GLIBC__)
    return malloc_trim(0);
#else
    return 0;
#endif
}
