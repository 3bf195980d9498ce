/*
 * naive.c -- a mutex and a string-keyed hash map: the baseline counter.
 * See naive.h for what it stands for.
 */
#include "naive.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Histogram bounds in seconds, as a desk would configure them. */
static const int64_t bounds[] = {60,    300,   900,    1800,   3600,
                                 7200,  14400, 28800,  43200,  86400,
                                 172800, 604800};
#define NBOUNDS (sizeof bounds / sizeof bounds[0])

typedef struct entry {
    char *key;      /* owned; NULL for an empty slot */
    uint64_t hash;
    int64_t count;  /* counter, or observations */
    int64_t sum;    /* histogram: sum of observations */
    int64_t buckets[NBOUNDS + 1];
} entry;

struct naive {
    pthread_mutex_t lock;
    entry *slots;
    size_t cap, used; /* cap a power of two; used <= cap / 2 */
};

/* FNV-1a: what a hand-written map typically uses. */
static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

naive *naive_new(void)
{
    naive *n = calloc(1, sizeof *n);
    if (n == NULL)
        return NULL;
    n->cap = 64;
    n->slots = calloc(n->cap, sizeof *n->slots);
    if (n->slots == NULL || pthread_mutex_init(&n->lock, NULL) != 0) {
        free(n->slots);
        free(n);
        return NULL;
    }
    return n;
}

void naive_free(naive *n)
{
    if (n == NULL)
        return;
    for (size_t i = 0; i < n->cap; i++)
        free(n->slots[i].key);
    free(n->slots);
    pthread_mutex_destroy(&n->lock);
    free(n);
}

static int grow(naive *n)
{
    size_t cap = n->cap * 2;
    entry *s = calloc(cap, sizeof *s);
    if (s == NULL)
        return -1;
    for (size_t i = 0; i < n->cap; i++) {
        if (n->slots[i].key == NULL)
            continue;
        size_t j = (size_t)n->slots[i].hash & (cap - 1);
        while (s[j].key != NULL)
            j = (j + 1) & (cap - 1);
        s[j] = n->slots[i];
    }
    free(n->slots);
    n->slots = s;
    n->cap = cap;
    return 0;
}

/* The entry of key k (length len), created if missing; called locked. */
static entry *find(naive *n, const char *k, size_t len, uint64_t h)
{
    size_t j = (size_t)h & (n->cap - 1);
    while (n->slots[j].key != NULL) {
        if (n->slots[j].hash == h && strcmp(n->slots[j].key, k) == 0)
            return &n->slots[j];
        j = (j + 1) & (n->cap - 1);
    }
    if ((n->used + 1) * 2 > n->cap) {
        if (grow(n) != 0)
            return NULL;
        return find(n, k, len, h);
    }
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return NULL;
    memcpy(copy, k, len + 1);
    n->slots[j].key = copy;
    n->slots[j].hash = h;
    n->used++;
    return &n->slots[j];
}

/* Join a and b with '/' into buf (which holds 128 bytes); the length. */
static size_t join(char *buf, const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63)
        la = 63;
    if (lb > 63)
        lb = 63;
    memcpy(buf, a, la);
    buf[la] = '/';
    memcpy(buf + la + 1, b, lb);
    buf[la + 1 + lb] = '\0';
    return la + 1 + lb;
}

int naive_add(naive *n, const char *a, const char *b, int64_t by)
{
    char key[128];
    size_t len = join(key, a, b);
    uint64_t h = fnv1a(key, len);
    pthread_mutex_lock(&n->lock);
    entry *e = find(n, key, len, h);
    if (e != NULL)
        e->count += by;
    pthread_mutex_unlock(&n->lock);
    return e == NULL ? -1 : 0;
}

int naive_observe(naive *n, const char *a, const char *b, int64_t seconds)
{
    char key[128];
    size_t len = join(key, a, b);
    uint64_t h = fnv1a(key, len);
    pthread_mutex_lock(&n->lock);
    entry *e = find(n, key, len, h);
    if (e != NULL) {
        size_t i = 0;
        while (i < NBOUNDS && seconds > bounds[i])
            i++;
        e->buckets[i]++;
        e->count++;
        e->sum += seconds;
    }
    pthread_mutex_unlock(&n->lock);
    return e == NULL ? -1 : 0;
}

int naive_set_add(naive *n, const char *a, const char *id)
{
    char key[128];
    size_t len = join(key, a, id);
    uint64_t h = fnv1a(key, len);
    pthread_mutex_lock(&n->lock);
    size_t before = n->used;
    entry *e = find(n, key, len, h);
    int fresh = n->used != before;
    pthread_mutex_unlock(&n->lock);
    return e == NULL ? -1 : fresh;
}

size_t naive_size(naive *n)
{
    pthread_mutex_lock(&n->lock);
    size_t u = n->used;
    pthread_mutex_unlock(&n->lock);
    return u;
}

int64_t naive_total(naive *n)
{
    int64_t sum = 0;
    pthread_mutex_lock(&n->lock);
    for (size_t i = 0; i < n->cap; i++)
        if (n->slots[i].key != NULL)
            sum += n->slots[i].count;
    pthread_mutex_unlock(&n->lock);
    return sum;
}
