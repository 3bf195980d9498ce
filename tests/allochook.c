/*
 * allochook.c -- malloc, calloc, realloc and free, interposed (see
 * allochook.h for why and how).
 *
 * The next definitions are looked up with dlsym(RTLD_NEXT) by a
 * constructor.  Allocations made before it runs (the dynamic linker and
 * sanitizer runtimes allocate while starting up, sometimes from inside the
 * dynamic linker, where calling dlsym() would deadlock or crash) and while
 * it runs are served from a static arena; free() ignores pointers into it.
 */
#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "allochook.h"

typedef void *(*malloc_fn)(size_t);
typedef void *(*calloc_fn)(size_t, size_t);
typedef void *(*realloc_fn)(void *, size_t);
typedef void (*free_fn)(void *);

static malloc_fn real_malloc;
static calloc_fn real_calloc;
static realloc_fn real_realloc;
static free_fn real_free;
static int ready;

/* ===== Bootstrap arena ===== */

static _Alignas(max_align_t) unsigned char arena[65536];
static size_t arena_used;

static void *arena_alloc(size_t n)
{
    size_t a = (n + 15) & ~(size_t)15;
    if (a < n || a > sizeof arena - arena_used)
        return NULL;
    void *p = arena + arena_used; /* static storage: already zero */
    arena_used += a;
    return p;
}

static int in_arena(const void *p)
{
    uintptr_t u = (uintptr_t)p, a = (uintptr_t)arena;
    return u >= a && u < a + sizeof arena;
}

#if defined(__SANITIZE_ADDRESS__)
#define ALLOCHOOK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ALLOCHOOK_ASAN 1
#endif
#endif

#ifdef ALLOCHOOK_ASAN
/*
 * Under AddressSanitizer the allocator is ASan's.  Its runtime is a shared
 * library with GCC but linked into the executable with clang, where
 * RTLD_NEXT would skip it and find glibc's; both export the interceptors
 * under these names, so they are called directly.
 */
void *__interceptor_malloc(size_t n);
void *__interceptor_calloc(size_t n, size_t size);
void *__interceptor_realloc(void *p, size_t n);
void __interceptor_free(void *p);

__attribute__((constructor(101))) static void resolve(void)
{
    real_malloc = __interceptor_malloc;
    real_calloc = __interceptor_calloc;
    real_realloc = __interceptor_realloc;
    real_free = __interceptor_free;
    ready = 1;
}
#else
/* dlsym returns an object pointer; copying its bytes is the POSIX way to
 * turn it into a function pointer without a cast ISO C forbids. */
static void lookup(const char *name, void *fn, size_t size)
{
    void *p = dlsym(RTLD_NEXT, name);
    if (p == NULL)
        abort();
    memcpy(fn, &p, size);
}

__attribute__((constructor(101))) static void resolve(void)
{
    lookup("malloc", &real_malloc, sizeof real_malloc);
    lookup("calloc", &real_calloc, sizeof real_calloc);
    lookup("realloc", &real_realloc, sizeof real_realloc);
    lookup("free", &real_free, sizeof real_free);
    ready = 1;
}
#endif

/* ===== Hook state ===== */

static unsigned long fail_n; /* 0: disarmed */
static unsigned long seen;
static int fired;

static int tracking;
static size_t live, peak, total;
static unsigned long tracked;

void allochook_fail_at(unsigned long n)
{
    fail_n = n;
    seen = 0;
    fired = 0;
}

unsigned long allochook_disarm(void)
{
    fail_n = 0;
    return seen;
}

int allochook_fired(void)
{
    return fired;
}

void allochook_track(void)
{
    live = peak = total = 0;
    tracked = 0;
    tracking = 1;
}

unsigned long allochook_untrack(size_t *peak_out, size_t *total_out)
{
    tracking = 0;
    if (peak_out != NULL)
        *peak_out = peak;
    if (total_out != NULL)
        *total_out = total;
    return tracked;
}

/* Whether this allocation is the one to fail. */
static int should_fail(void)
{
    if (fail_n == 0)
        return 0;
    if (++seen != fail_n)
        return 0;
    fired = 1;
    return 1;
}

static void note_alloc(void *p, size_t requested)
{
    if (!tracking || p == NULL)
        return;
    tracked++;
    total += requested;
    live += malloc_usable_size(p);
    if (live > peak)
        peak = live;
}

static void note_free(void *p)
{
    if (!tracking || p == NULL)
        return;
    size_t n = malloc_usable_size(p);
    /* Blocks allocated before tracking started may be freed meanwhile. */
    live = n < live ? live - n : 0;
}

/* ===== The interposed functions ===== */

void *malloc(size_t n)
{
    if (!ready)
        return arena_alloc(n);
    if (should_fail())
        return NULL;
    void *p = real_malloc(n);
    note_alloc(p, n);
    return p;
}

void *calloc(size_t n, size_t size)
{
    if (!ready)
        return size != 0 && n > SIZE_MAX / size ? NULL : arena_alloc(n * size);
    if (should_fail())
        return NULL;
    void *p = real_calloc(n, size);
    note_alloc(p, n * size);
    return p;
}

void *realloc(void *old, size_t n)
{
    if (!ready || in_arena(old)) {
        /* Rare: a block from the bootstrap arena grows.  Copy what can be
         * copied; the arena block is never reused. */
        void *p = malloc(n);
        if (p != NULL && old != NULL) {
            size_t room = (size_t)(arena + sizeof arena - (unsigned char *)old);
            memcpy(p, old, n < room ? n : room);
        }
        return p;
    }
    if (should_fail())
        return NULL;
    size_t before = old != NULL && tracking ? malloc_usable_size(old) : 0;
    void *p = real_realloc(old, n);
    if (p != NULL && tracking) {
        live = before < live ? live - before : 0;
        note_alloc(p, n);
    }
    return p;
}

void free(void *p)
{
    if (p == NULL || in_arena(p) || !ready)
        return;
    note_free(p);
    real_free(p);
}
