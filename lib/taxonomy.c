/*
 * taxonomy.c -- platforms, groups, categories and engagement kinds.
 *
 * Each dimension is an array of fixed capacity, allocated with the tracker,
 * whose first `count` entries are published.  A writer (serialised by the
 * tracker's mutex) fills entry `count` completely and then stores count + 1
 * with release order; readers load `count` with acquire order and may then
 * read entries below it without a lock.  Entries never change or move once
 * published, which is what makes borrowed slug and label pointers safe for
 * the tracker's lifetime, and lets the recording path check an id with one
 * atomic load.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ===================================================================== */
/* Validation                                                            */
/* ===================================================================== */

bool skpi__slug_valid(const char *slug)
{
    size_t n = 0;
    for (; slug[n] != '\0'; n++) {
        char c = slug[n];
        if (n >= SKPI_SLUG_MAX)
            return false;
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    }
    return n > 0;
}

/*
 * Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above
 * U+10FFFF, and no NUL inside the given length.
 */
bool skpi__utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned char c = p[i];
        size_t len;
        uint32_t cp;
        if (c == 0)
            return false;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (n - i < len)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
            (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

/* ===================================================================== */
/* Registration                                                          */
/* ===================================================================== */

static const size_t skpi__caps[SKPI__NDIMS] = {
    SKPI_MAX_PLATFORMS, SKPI_MAX_GROUPS, SKPI_MAX_CATEGORIES, SKPI_MAX_KINDS};

static bool dim_ok(int dim)
{
    return dim >= 0 && dim < SKPI__NDIMS;
}

static const skpi__entry *dim_find(const skpi__dim *d, const char *slug,
                                   uint32_t *id)
{
    size_t n = skpi__dim_count(d);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(d->entries[i].slug, slug) == 0) {
            if (id != NULL)
                *id = (uint32_t)i;
            return &d->entries[i];
        }
    }
    return NULL;
}

/*
 * The one registration path.  Validates everything, allocates the label,
 * then publishes under the lock; on any error nothing is visible.
 */
static skpi_status entry_add(skpi_tracker *t, int dim, const char *slug,
                             const char *label, uint32_t group,
                             bool expects_answer, uint32_t *id)
{
    if (!skpi__slug_valid(slug))
        return SKPI_ESLUG;
    if (label == NULL)
        label = slug;
    size_t label_len = strlen(label);
    if (label_len > SKPI_LABEL_MAX || !skpi__utf8_valid(label, label_len))
        return SKPI_ELABEL;
    char *copy = malloc(label_len + 1);
    if (copy == NULL)
        return SKPI_ENOMEM;
    memcpy(copy, label, label_len + 1);

    skpi__dim *d = &t->dims[dim];
    skpi_status st = SKPI_OK;
    pthread_mutex_lock(&t->lock);
    size_t n = atomic_load_explicit(&d->count, memory_order_relaxed);
    if (dim == SKPI_CATEGORY && !skpi__id_ok(t, SKPI_GROUP, group)) {
        st = SKPI_ENOTFOUND;
    } else if (dim_find(d, slug, NULL) != NULL) {
        st = SKPI_EEXIST;
    } else if (n >= d->cap) {
        st = SKPI_ELIMIT;
    } else {
        skpi__entry *e = &d->entries[n];
        memcpy(e->slug, slug, strlen(slug) + 1);
        e->label = copy;
        e->group = group;
        e->expects_answer = expects_answer;
        atomic_store_explicit(&d->count, n + 1, memory_order_release);
        if (id != NULL)
            *id = (uint32_t)n;
    }
    pthread_mutex_unlock(&t->lock);
    if (st != SKPI_OK)
        free(copy);
    return st;
}

skpi_status skpi__taxonomy_add_impl(skpi_tracker *t, int dim,
                                    const char *slug, const char *label,
                                    uint32_t *id)
{
    if (t == NULL || slug == NULL || !dim_ok(dim) || dim == SKPI_CATEGORY)
        return SKPI_EINVAL;
    return entry_add(t, dim, slug, label, 0, false, id);
}

skpi_status skpi__category_add_impl(skpi_tracker *t, const char *slug,
                                    const char *label, uint32_t group,
                                    int expects_answer, uint32_t *id)
{
    if (t == NULL || slug == NULL ||
        (expects_answer != 0 && expects_answer != 1))
        return SKPI_EINVAL;
    return entry_add(t, SKPI_CATEGORY, slug, label, group, expects_answer == 1,
                     id);
}

/* A registration is a change of the tracker like an event: journalled. */
skpi_status skpi_taxonomy_add(skpi_tracker *t, int dim, const char *slug,
                              const char *label, uint32_t *id)
{
    if (!skpi__journaled(t))
        return skpi__taxonomy_add_impl(t, dim, slug, label, id);
    skpi__rec r = {SKPI__REC_TAXONOMY, 0, (uint32_t)dim, 0, 0, 0, slug,
                   label != NULL ? label : slug};
    skpi_status st = skpi__journal_record(t, &r);
    if (st == SKPI_OK && id != NULL)
        (void)skpi_taxonomy_find(t, dim, slug, id);
    return st;
}

skpi_status skpi_category_add(skpi_tracker *t, const char *slug,
                              const char *label, uint32_t group,
                              int expects_answer, uint32_t *id)
{
    if (!skpi__journaled(t))
        return skpi__category_add_impl(t, slug, label, group, expects_answer,
                                       id);
    skpi__rec r = {SKPI__REC_CATEGORY, 0, group, 0, 0, expects_answer, slug,
                   label != NULL ? label : slug};
    skpi_status st = skpi__journal_record(t, &r);
    if (st == SKPI_OK && id != NULL)
        (void)skpi_taxonomy_find(t, SKPI_CATEGORY, slug, id);
    return st;
}

/* ===================================================================== */
/* Lookup                                                                */
/* ===================================================================== */

skpi_status skpi_taxonomy_find(const skpi_tracker *t, int dim, const char *slug,
                               uint32_t *id)
{
    if (t == NULL || slug == NULL || id == NULL || !dim_ok(dim))
        return SKPI_EINVAL;
    return dim_find(&t->dims[dim], slug, id) != NULL ? SKPI_OK
                                                     : SKPI_ENOTFOUND;
}

size_t skpi_taxonomy_count(const skpi_tracker *t, int dim)
{
    if (t == NULL || !dim_ok(dim))
        return 0;
    return skpi__dim_count(&t->dims[dim]);
}

static const skpi__entry *entry_get(const skpi_tracker *t, int dim,
                                    uint32_t id)
{
    if (t == NULL || !dim_ok(dim) || id >= skpi__dim_count(&t->dims[dim]))
        return NULL;
    return &t->dims[dim].entries[id];
}

const char *skpi_taxonomy_slug(const skpi_tracker *t, int dim, uint32_t id)
{
    const skpi__entry *e = entry_get(t, dim, id);
    return e == NULL ? NULL : e->slug;
}

const char *skpi_taxonomy_label(const skpi_tracker *t, int dim, uint32_t id)
{
    const skpi__entry *e = entry_get(t, dim, id);
    return e == NULL ? NULL : e->label;
}

skpi_status skpi_category_info(const skpi_tracker *t, uint32_t category,
                               uint32_t *group, int *expects_answer)
{
    if (t == NULL)
        return SKPI_EINVAL;
    const skpi__entry *e = entry_get(t, SKPI_CATEGORY, category);
    if (e == NULL)
        return SKPI_ENOTFOUND;
    if (group != NULL)
        *group = e->group;
    if (expects_answer != NULL)
        *expects_answer = e->expects_answer ? 1 : 0;
    return SKPI_OK;
}

/* ===================================================================== */
/* Built-in taxonomy                                                     */
/* ===================================================================== */

struct skpi__builtin {
    int dim;
    const char *slug;
    const char *label;
    uint32_t group;
    bool expects_answer;
};

/* Order fixes the ids promised in socialkpi.h. */
static const struct skpi__builtin skpi__builtins[] = {
    {SKPI_PLATFORM, "twitter", "X / Twitter", 0, false},
    {SKPI_PLATFORM, "facebook", "Facebook", 0, false},
    {SKPI_PLATFORM, "instagram", "Instagram", 0, false},
    {SKPI_GROUP, "inquiry", "Inquiries", 0, false},
    {SKPI_GROUP, "complaint", "Complaints", 0, false},
    {SKPI_GROUP, "appreciation", "Appreciation", 0, false},
    {SKPI_CATEGORY, "general_inquiry", "General inquiries", SKPI_GROUP_INQUIRY, true},
    {SKPI_CATEGORY, "help_request", "Help requests", SKPI_GROUP_INQUIRY, true},
    {SKPI_CATEGORY, "traffic_inquiry", "Traffic inquiries", SKPI_GROUP_INQUIRY, true},
    {SKPI_CATEGORY, "criminal_inquiry", "Criminal inquiries", SKPI_GROUP_INQUIRY, true},
    {SKPI_CATEGORY, "service_complaint", "Service complaints", SKPI_GROUP_COMPLAINT, true},
    {SKPI_CATEGORY, "general_complaint", "General complaints", SKPI_GROUP_COMPLAINT, true},
    {SKPI_CATEGORY, "thanks", "Thanks", SKPI_GROUP_APPRECIATION, false},
    {SKPI_KIND, "like", "Likes", 0, false},
    {SKPI_KIND, "share", "Shares", 0, false},
    {SKPI_KIND, "comment", "Comments", 0, false},
};

skpi_status skpi__taxonomy_init(skpi_tracker *t)
{
    for (int i = 0; i < SKPI__NDIMS; i++) {
        t->dims[i].cap = skpi__caps[i];
        t->dims[i].entries = calloc(skpi__caps[i], sizeof(skpi__entry));
        atomic_init(&t->dims[i].count, 0);
        if (t->dims[i].entries == NULL)
            return SKPI_ENOMEM;
    }
    size_t n = sizeof skpi__builtins / sizeof skpi__builtins[0];
    for (size_t i = 0; i < n; i++) {
        const struct skpi__builtin *b = &skpi__builtins[i];
        skpi_status st = entry_add(t, b->dim, b->slug, b->label, b->group,
                                   b->expects_answer, NULL);
        if (st != SKPI_OK)
            return st;
    }
    return SKPI_OK;
}

void skpi__taxonomy_free(skpi_tracker *t)
{
    for (int i = 0; i < SKPI__NDIMS; i++) {
        skpi__dim *d = &t->dims[i];
        if (d->entries == NULL)
            continue;
        size_t n = atomic_load_explicit(&d->count, memory_order_relaxed);
        for (size_t k = 0; k < n; k++)
            free(d->entries[k].label);
        free(d->entries);
        d->entries = NULL;
    }
}
