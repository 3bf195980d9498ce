/*
 * allochook.h -- an allocator hook for the reliability suites.
 *
 * tests/allochook.c defines malloc, calloc, realloc and free in the test
 * executable itself.  The library is a shared object, and the dynamic
 * linker resolves its calls to these functions to the first definition in
 * the lookup order, which is the executable's: so every allocation the
 * library makes passes through the hook (and so do libc's own, e.g. in
 * qsort(); the suites arm the hook only around one library call).  The
 * hook forwards to the next definition, found with dlsym(RTLD_NEXT): glibc's
 * allocator normally, AddressSanitizer's under ASan, and under valgrind
 * glibc's, which valgrind has replaced -- so leak and error checking keep
 * working in every CI run.  (Forwarding to glibc's __libc_malloc would
 * bypass ASan's allocator, whose free() then refuses the pointer.)
 *
 * Two uses:
 *  - failure injection: allochook_fail_at(n) makes the n-th allocation
 *    from now return NULL (realloc: NULL, the old block untouched), once;
 *  - measurement: allochook_track() starts counting the bytes requested
 *    and the peak of the bytes live (by malloc_usable_size) since.
 *
 * Not thread-safe: the suites call the library from one thread (Check
 * runs each test in its own process, or in the main one with CK_FORK=no).
 */
#ifndef SKPI_ALLOCHOOK_H
#define SKPI_ALLOCHOOK_H

#include <stddef.h>

/* Make the n-th allocation (malloc, calloc or realloc) from now fail;
 * n >= 1.  Resets the count of allocations seen. */
void allochook_fail_at(unsigned long n);

/* Disarm; return the number of allocations seen since allochook_fail_at()
 * (the failed one included). */
unsigned long allochook_disarm(void);

/* Whether the armed failure happened (an allocation returned NULL). */
int allochook_fired(void);

/* Start measuring: from now on, the bytes live above the current level
 * and their peak, and the total requested. */
void allochook_track(void);

/* Stop measuring; *peak receives the peak of bytes live above the level
 * at allochook_track(), *total the bytes requested (either may be NULL);
 * returns the number of allocations. */
unsigned long allochook_untrack(size_t *peak, size_t *total);

#endif /* SKPI_ALLOCHOOK_H */
