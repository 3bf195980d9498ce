/*
 * report.c -- the query layer: sums over a range of buckets, and the KPIs.
 *
 * skpi_report_new() reads the store once and keeps, per platform, the sums
 * each KPI needs: a matrix of message cells by category, engagements by
 * kind, posts, rating counts by score, and the follower readings at the two
 * ends of the range.  The getters then only add along the asked dimensions
 * and divide.  Because every cell is non-negative, checking that the grand
 * total of each kind of cell fits in int64_t (done once, at creation)
 * proves that every partial sum a getter forms fits too, so getters cannot
 * overflow.
 *
 * The report copies what it needs of the taxonomy (each category's group
 * and answer flag) and of the configuration, so that it is self-contained
 * and immutable, and may outlive the tracker.
 *
 * Cost.  Everything is read once: each platform's buckets are folded once
 * per series, and every SKPI_ALL row or column is derived from those
 * results (counts add, response-time sketches merge, people unions
 * unite), never by reading the buckets again.  A message series that
 * expects answers is read in one pass from its first page, for its range
 * sums and its backlog together (lib/backlog.c).  People are folded into
 * skpi__hll_union working forms (lib/hll.c) and only their estimates are
 * kept, computed once here, so skpi_report_people() is a lookup.  With
 * ids, folding the daily people sketches is most of a report's time: one
 * visit per id and day (461,000 entries in 1,095 daily sketches for the
 * demo's half year).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct skpi_report {
    int64_t from, to;
    int64_t b0, b1;
    size_t np, ng, nc, nk;   /* taxonomy sizes when the report was made */
    int people_p;            /* precision of the people sketches */
    size_t w_msg, n_scores;
    int rating_lo, rating_satisfied;
    size_t n_sla;
    int64_t sla[SKPI_MAX_SLA];
    bool included[SKPI_MAX_PLATFORMS];
    uint32_t cat_group[SKPI_MAX_CATEGORIES];
    bool cat_expects[SKPI_MAX_CATEGORIES];

    int64_t *msg;     /* [np][nc][w_msg] */
    int64_t *eng;     /* [np][nk] */
    int64_t *posts;   /* [np] */
    int64_t *ratings; /* [np][n_scores] */
    bool has_followers[SKPI_MAX_PLATFORMS];
    int64_t foll_end[SKPI_MAX_PLATFORMS];
    int64_t foll_start[SKPI_MAX_PLATFORMS];
    int64_t *anom;    /* [np][SKPI__ANOM_WIDTH] */

    /*
     * The (np + 1) x (nc + 1) grid below has one more row and column for
     * SKPI_ALL: row np sums the included platforms, column nc the
     * categories that expect an answer (as the response rate does).
     */
    bool business;          /* the tracker has business hours */
    skpi__dds *frt;         /* [grid][SKPI__FRT_WIDTH] */
    int64_t *backlog;       /* [grid] open messages at the end */
    int64_t *oldest;        /* [grid] arrival bucket of the oldest, or -1 */
    int64_t *oldest_age;    /* [grid] seconds, 0 for an empty backlog */
    struct people_est *people; /* [np + 1][SKPI__PEOPLE_WIDTH] */
};

/* A distinct-people figure, estimated once when the report is made. */
struct people_est {
    bool any;         /* some bucket of the range had a sketch */
    bool sparse;      /* the union is in the sparse form (lib/hll.c) */
    int64_t estimate; /* rounded estimate */
};

/* ===================================================================== */
/* Ranges                                                                */
/* ===================================================================== */

/*
 * Validate [from, to) and turn it into bucket indexes [*b0, *b1).  Shared
 * by every range query.
 */
static skpi_status range_buckets(const skpi_tracker *t, int64_t from,
                                 int64_t to, int64_t *b0, int64_t *b1)
{
    if (from >= to)
        return SKPI_ERANGE;
    if (!skpi__range_ok(t, from) || !skpi__range_ok(t, to))
        return SKPI_ETIME;
    int64_t lo = skpi__bucket_of(t, from);
    int64_t hi = skpi__bucket_of(t, to);
    if (skpi__bucket_start(t, lo) != from || skpi__bucket_start(t, hi) != to)
        return SKPI_EALIGN;
    *b0 = lo;
    *b1 = hi;
    return SKPI_OK;
}

/* ===================================================================== */
/* Aggregation                                                           */
/* ===================================================================== */

struct sum_ctx {
    int64_t *into; /* width sums */
    size_t width;
};

/* Add every bucket of a run into ctx->into, refusing to overflow. */
static skpi_status sum_run(const _Atomic int64_t *cells, int64_t first,
                           size_t n, void *vctx)
{
    (void)first;
    struct sum_ctx *ctx = vctx;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < ctx->width; k++) {
            int64_t v = atomic_load_explicit(&cells[i * ctx->width + k],
                                             memory_order_relaxed);
            if (__builtin_add_overflow(ctx->into[k], v, &ctx->into[k]))
                return SKPI_EOVERFLOW;
        }
    }
    return SKPI_OK;
}

static skpi_status sum_series(const skpi_tracker *t, enum skpi__family f,
                              size_t slot, int64_t b0, int64_t b1,
                              int64_t *into)
{
    struct sum_ctx ctx = {into, t->width[f]};
    return skpi__series_visit(t, f, slot, b0, b1, sum_run, &ctx);
}

/* Follower readings at both ends of the range, for one platform. */
static void read_followers(const skpi_tracker *t, skpi_report *r, uint32_t p)
{
    uint64_t packed = 0;
    /* The seeks go no further back than the first page with a reading:
     * bucket indexes count from 1970, and a seek over empty pages still
     * visits each of them. */
    int64_t pg = skpi__page_next(t, SKPI__FAM_FOLLOW, p, 0);
    int64_t first = pg < 0 ? r->b1 : pg << SKPI__PAGE_BITS;
    int64_t lo = first > r->b0 ? first : r->b0;
    if (skpi__gauge_seek(t, p, r->b1 - 1, lo, true, &packed) < 0)
        return;
    r->has_followers[p] = true;
    r->foll_end[p] = (int64_t)(packed & SKPI__GAUGE_TALLY_MASK);
    /* The reading in effect when the range starts, else the first in it. */
    if (skpi__gauge_seek(t, p, r->b0 - 1, first, true, &packed) < 0)
        (void)skpi__gauge_seek(t, p, r->b0, r->b1, false, &packed);
    r->foll_start[p] = (int64_t)(packed & SKPI__GAUGE_TALLY_MASK);
}

/* The sum of `n` values spaced `stride` apart fits in int64_t. */
static bool total_fits(const int64_t *v, size_t n, size_t stride)
{
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (__builtin_add_overflow(sum, v[i * stride], &sum))
            return false;
    }
    return true;
}

/* ===================================================================== */
/* Sketches, backlog and anomalies                                       */
/* ===================================================================== */

static size_t grid_size(const skpi_report *r)
{
    return (r->np + 1) * (r->nc + 1);
}

/* Grid index of (platform or np for all, category or nc for all). */
static size_t grid_at(const skpi_report *r, size_t p, size_t c)
{
    return p * (r->nc + 1) + c;
}

struct frt_ctx {
    skpi__dds *into; /* SKPI__FRT_WIDTH sketches */
    skpi_status st;
};

/* Merge every response-time sketch of a run of buckets into ctx->into. */
static skpi_status merge_frt_run(const _Atomic int64_t *cells, int64_t first,
                                 size_t n, void *vctx)
{
    (void)first;
    struct frt_ctx *ctx = vctx;
    for (size_t i = 0; i < n * SKPI__FRT_WIDTH; i++) {
        skpi__dds_cell *c = skpi__cell_ptr(&cells[i]);
        if (c == NULL)
            continue;
        skpi__spin_lock(&c->lock);
        skpi_status st =
            skpi__dds_merge(&ctx->into[i % SKPI__FRT_WIDTH], &c->dds);
        skpi__spin_unlock(&c->lock);
        if (st != SKPI_OK)
            return st;
    }
    return SKPI_OK;
}

struct people_ctx {
    skpi__hll_union *into; /* SKPI__PEOPLE_WIDTH unions */
};

/* Fold every distinct-people sketch of a run into ctx->into. */
static skpi_status merge_people_run(const _Atomic int64_t *cells,
                                    int64_t first, size_t n, void *vctx)
{
    (void)first;
    struct people_ctx *ctx = vctx;
    for (size_t i = 0; i < n * SKPI__PEOPLE_WIDTH; i++) {
        skpi__hll_cell *c = skpi__cell_ptr(&cells[i]);
        if (c == NULL)
            continue;
        skpi__spin_lock(&c->lock);
        skpi_status st =
            skpi__hll_union_add(&ctx->into[i % SKPI__PEOPLE_WIDTH], c->hll);
        skpi__spin_unlock(&c->lock);
        if (st != SKPI_OK)
            return st;
    }
    return SKPI_OK;
}

/* The figures of a union, which the getter then only reads. */
static void people_estimate(struct people_est *e, const skpi__hll_union *u)
{
    e->any = skpi__hll_union_any(u);
    e->sparse = skpi__hll_union_is_sparse(u);
    e->estimate = e->any ? llround(skpi__hll_union_count(u)) : 0;
}

/* The first of the late entries (sorted by series) of series `slot`. */
static size_t late_slice(const skpi__late_entry *late, size_t n,
                         uint32_t slot)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (late[mid].slot < slot)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Fold sketch set src into dst (SKPI__FRT_WIDTH of each). */
static skpi_status merge_frt_into(skpi__dds *dst, const skpi__dds *src)
{
    for (size_t k = 0; k < SKPI__FRT_WIDTH; k++) {
        skpi_status st = skpi__dds_merge(&dst[k], &src[k]);
        if (st != SKPI_OK)
            return st;
    }
    return SKPI_OK;
}

/* Response times, backlog, anomalies and people of the included platforms,
 * with their SKPI_ALL rows and columns. */
static skpi_status fill_sketches(const skpi_tracker *t, skpi_report *r)
{
    size_t g = grid_size(r);
    r->business = skpi__calendar_is_set(&t->opt.cal);
    r->frt = calloc(g * SKPI__FRT_WIDTH, sizeof *r->frt);
    r->backlog = calloc(g, sizeof *r->backlog);
    r->oldest = malloc(g * sizeof *r->oldest);
    r->oldest_age = calloc(g, sizeof *r->oldest_age);
    r->people = calloc((r->np + 1) * SKPI__PEOPLE_WIDTH, sizeof *r->people);
    r->anom = calloc(r->np * SKPI__ANOM_WIDTH, sizeof *r->anom);
    if (r->frt == NULL || r->backlog == NULL || r->oldest == NULL ||
        r->oldest_age == NULL || r->people == NULL || r->anom == NULL)
        return SKPI_ENOMEM;
    /* Every sketch starts as a copy of one empty sketch: init computes
     * the constants of alpha with libm. */
    skpi__dds empty;
    (void)skpi__dds_init(&empty, t->opt.alpha);
    for (size_t i = 0; i < g * SKPI__FRT_WIDTH; i++)
        r->frt[i] = empty;
    for (size_t i = 0; i < g; i++)
        r->oldest[i] = -1;
    /* Scratch for the backlog's pages, and the late answers of every
     * series, read once (sorted by series, then arrival). */
    _Atomic int64_t *page = malloc(SKPI__PAGE_LEN * r->w_msg * sizeof *page);
    skpi__late_entry *late = NULL;
    size_t n_late = 0;
    skpi_status st = page == NULL ? SKPI_ENOMEM
                                  : skpi__late_collect(&t->late, &late, &n_late);
    if (st != SKPI_OK) {
        free(page);
        return st;
    }

    size_t all_p = r->np, all_c = r->nc;
    /* The unions of one platform, and of all: working forms (lib/hll.c)
     * that only the estimates outlive. */
    skpi__hll_union plat[SKPI__PEOPLE_WIDTH], all[SKPI__PEOPLE_WIDTH];
    for (size_t k = 0; k < SKPI__PEOPLE_WIDTH; k++) {
        (void)skpi__hll_union_init(&plat[k], t->opt.people_p);
        (void)skpi__hll_union_init(&all[k], t->opt.people_p);
    }
    for (uint32_t p = 0; p < r->np && st == SKPI_OK; p++) {
        if (!r->included[p])
            continue;
        for (uint32_t c = 0; c < r->nc && st == SKPI_OK; c++) {
            size_t slot = skpi__slot(SKPI__FAM_MSG, p, c);
            skpi__dds *cell = &r->frt[grid_at(r, p, c) * SKPI__FRT_WIDTH];
            struct frt_ctx ctx = {cell, SKPI_OK};
            st = skpi__series_visit(t, SKPI__FAM_FRT, slot, r->b0, r->b1,
                                    merge_frt_run, &ctx);
            if (st == SKPI_OK)
                st = merge_frt_into(
                    &r->frt[grid_at(r, all_p, c) * SKPI__FRT_WIDTH], cell);
            if (st != SKPI_OK || !r->cat_expects[c])
                continue;
            /* Sums over categories keep to those that expect an answer;
             * the platform's sum joins the grand total below. */
            st = merge_frt_into(&r->frt[grid_at(r, p, all_c) * SKPI__FRT_WIDTH],
                                cell);
            /* The backlog, and the message sums on the way (one pass over
             * the series from its first page). */
            int64_t n = 0, oldest = -1;
            size_t li = late_slice(late, n_late, (uint32_t)slot);
            size_t ln = li;
            while (ln < n_late && late[ln].slot == slot)
                ln++;
            if (st == SKPI_OK)
                st = skpi__backlog(t, p, c, r->b0, r->b1,
                                   late != NULL ? late + li : NULL, ln - li,
                                   page, &r->msg[(p * r->nc + c) * r->w_msg],
                                   &n, &oldest);
            if (st != SKPI_OK)
                break;
            /* Every backlog is at most the messages received, whose total
             * fits: the sums below cannot overflow. */
            const size_t cells[4] = {grid_at(r, p, c), grid_at(r, p, all_c),
                                     grid_at(r, all_p, c),
                                     grid_at(r, all_p, all_c)};
            for (int k = 0; k < 4; k++) {
                r->backlog[cells[k]] += n;
                if (oldest >= 0 &&
                    (r->oldest[cells[k]] < 0 || oldest < r->oldest[cells[k]]))
                    r->oldest[cells[k]] = oldest;
            }
        }
        if (st == SKPI_OK)
            st = merge_frt_into(
                &r->frt[grid_at(r, all_p, all_c) * SKPI__FRT_WIDTH],
                &r->frt[grid_at(r, p, all_c) * SKPI__FRT_WIDTH]);
        if (st == SKPI_OK)
            st = sum_series(t, SKPI__FAM_ANOM, p, r->b0, r->b1,
                            &r->anom[p * SKPI__ANOM_WIDTH]);
        if (st == SKPI_OK) {
            struct people_ctx ctx = {plat};
            st = skpi__series_visit(t, SKPI__FAM_PEOPLE, p, r->b0, r->b1,
                                    merge_people_run, &ctx);
        }
        /* Across platforms: a person on two platforms counts once. */
        for (size_t k = 0; k < SKPI__PEOPLE_WIDTH && st == SKPI_OK; k++) {
            people_estimate(&r->people[p * SKPI__PEOPLE_WIDTH + k], &plat[k]);
            st = skpi__hll_union_merge(&all[k], &plat[k]);
            skpi__hll_union_fini(&plat[k]);
        }
    }
    for (size_t k = 0; k < SKPI__PEOPLE_WIDTH; k++) {
        if (st == SKPI_OK)
            people_estimate(&r->people[all_p * SKPI__PEOPLE_WIDTH + k],
                            &all[k]);
        skpi__hll_union_fini(&plat[k]);
        skpi__hll_union_fini(&all[k]);
    }
    for (size_t i = 0; i < g && st == SKPI_OK; i++) {
        if (r->oldest[i] >= 0)
            r->oldest_age[i] = r->to - skpi__bucket_start(t, r->oldest[i]);
    }
    free(page);
    free(late);
    return st;
}

static skpi_status report_fill(const skpi_tracker *t, skpi_report *r)
{
    skpi_status st = SKPI_OK;
    st = fill_sketches(t, r);
    for (uint32_t p = 0; p < r->np && st == SKPI_OK; p++) {
        if (!r->included[p])
            continue;
        /* Categories that expect an answer were summed with their
         * backlog (fill_sketches). */
        for (uint32_t c = 0; c < r->nc && st == SKPI_OK; c++) {
            if (!r->cat_expects[c])
                st = sum_series(t, SKPI__FAM_MSG,
                                skpi__slot(SKPI__FAM_MSG, p, c), r->b0,
                                r->b1, &r->msg[(p * r->nc + c) * r->w_msg]);
        }
        for (uint32_t k = 0; k < r->nk && st == SKPI_OK; k++)
            st = sum_series(t, SKPI__FAM_ENG, skpi__slot(SKPI__FAM_ENG, p, k),
                            r->b0, r->b1, &r->eng[p * r->nk + k]);
        if (st == SKPI_OK)
            st = sum_series(t, SKPI__FAM_POST, p, r->b0, r->b1, &r->posts[p]);
        if (st == SKPI_OK)
            st = sum_series(t, SKPI__FAM_RATING, p, r->b0, r->b1,
                            &r->ratings[p * r->n_scores]);
        read_followers(t, r, p);
    }
    if (st != SKPI_OK)
        return st;
    /* Grand totals of every kind of cell (see the note at the top). */
    for (size_t k = 0; k < r->w_msg; k++) {
        if (!total_fits(r->msg + k, r->np * r->nc, r->w_msg))
            return SKPI_EOVERFLOW;
    }
    if (!total_fits(r->eng, r->np * r->nk, 1) ||
        !total_fits(r->posts, r->np, 1))
        return SKPI_EOVERFLOW;
    /* All ratings together, which the CSAT getter adds up. */
    if (!total_fits(r->ratings, r->np * r->n_scores, 1))
        return SKPI_EOVERFLOW;
    for (size_t k = 0; k < SKPI__ANOM_WIDTH; k++) {
        if (!total_fits(r->anom + k, r->np, SKPI__ANOM_WIDTH))
            return SKPI_EOVERFLOW;
    }
    return SKPI_OK;
}

/* ===================================================================== */
/* Lifecycle                                                             */
/* ===================================================================== */

void skpi_report_free(skpi_report *r)
{
    if (r == NULL)
        return;
    free(r->msg);
    free(r->eng);
    free(r->posts);
    free(r->ratings);
    free(r->anom);
    if (r->frt != NULL) {
        for (size_t i = 0; i < grid_size(r) * SKPI__FRT_WIDTH; i++)
            skpi__dds_fini(&r->frt[i]);
        free(r->frt);
    }
    free(r->backlog);
    free(r->oldest);
    free(r->oldest_age);
    free(r->people);
    free(r);
}

skpi_status skpi_report_new(const skpi_tracker *t, int64_t from, int64_t to,
                            const uint32_t *platforms, size_t n_platforms,
                            skpi_report **out)
{
    if (t == NULL || out == NULL || (platforms == NULL && n_platforms > 0))
        return SKPI_EINVAL;
    int64_t b0, b1;
    skpi_status st = range_buckets(t, from, to, &b0, &b1);
    if (st != SKPI_OK)
        return st;
    size_t np = skpi__dim_count(&t->dims[SKPI_PLATFORM]);
    for (size_t i = 0; i < n_platforms; i++) {
        if (platforms[i] >= np)
            return SKPI_ENOTFOUND;
    }

    skpi_report *r = calloc(1, sizeof *r);
    if (r == NULL)
        return SKPI_ENOMEM;
    r->from = from;
    r->to = to;
    r->b0 = b0;
    r->b1 = b1;
    r->np = np;
    r->ng = skpi__dim_count(&t->dims[SKPI_GROUP]);
    r->nc = skpi__dim_count(&t->dims[SKPI_CATEGORY]);
    r->nk = skpi__dim_count(&t->dims[SKPI_KIND]);
    r->people_p = t->opt.people_p;
    r->w_msg = t->width[SKPI__FAM_MSG];
    r->n_scores = t->width[SKPI__FAM_RATING];
    r->rating_lo = t->opt.rating_lo;
    r->rating_satisfied = t->opt.rating_satisfied;
    r->n_sla = t->opt.n_sla;
    memcpy(r->sla, t->opt.sla, sizeof r->sla);
    for (size_t p = 0; p < np; p++)
        r->included[p] = n_platforms == 0;
    for (size_t i = 0; i < n_platforms; i++)
        r->included[platforms[i]] = true;
    for (size_t c = 0; c < r->nc; c++) {
        r->cat_group[c] = t->dims[SKPI_CATEGORY].entries[c].group;
        r->cat_expects[c] = t->dims[SKPI_CATEGORY].entries[c].expects_answer;
    }

    r->msg = calloc(np * r->nc * r->w_msg, sizeof(int64_t));
    r->eng = calloc(np * r->nk, sizeof(int64_t));
    r->posts = calloc(np, sizeof(int64_t));
    r->ratings = calloc(np * r->n_scores, sizeof(int64_t));
    if (r->msg == NULL || r->eng == NULL || r->posts == NULL ||
        r->ratings == NULL) {
        skpi_report_free(r);
        return SKPI_ENOMEM;
    }
    st = report_fill(t, r);
    if (st != SKPI_OK) {
        skpi_report_free(r);
        return st;
    }
    *out = r;
    return SKPI_OK;
}

/* ===================================================================== */
/* Getters                                                               */
/* ===================================================================== */

/*
 * Turn an id or SKPI_ALL into the half-open id range [*lo, *hi) of a
 * dimension of size n.  False for an id the report does not know.
 */
static bool id_span(uint32_t id, size_t n, uint32_t *lo, uint32_t *hi)
{
    if (id == SKPI_ALL) {
        *lo = 0;
        *hi = (uint32_t)n;
        return true;
    }
    if (id >= n)
        return false;
    *lo = id;
    *hi = id + 1;
    return true;
}

static double ratio(int64_t num, int64_t den)
{
    return den == 0 ? NAN : (double)num / (double)den;
}

/*
 * Sum message cell `k` over platforms and categories, for categories that
 * pass `keep` (NULL keeps all).
 */
typedef bool (*cat_pred)(const skpi_report *r, uint32_t c, uint32_t arg);

static skpi_status msg_sum(const skpi_report *r, uint32_t platform,
                           uint32_t category, size_t k, cat_pred keep,
                           uint32_t arg, int64_t *out)
{
    uint32_t p0, p1, c0, c1;
    if (!id_span(platform, r->np, &p0, &p1) ||
        !id_span(category, r->nc, &c0, &c1))
        return SKPI_ENOTFOUND;
    int64_t sum = 0;
    for (uint32_t p = p0; p < p1; p++) {
        for (uint32_t c = c0; c < c1; c++) {
            if (keep == NULL || keep(r, c, arg))
                sum += r->msg[(p * r->nc + c) * r->w_msg + k];
        }
    }
    *out = sum;
    return SKPI_OK;
}

static bool in_group(const skpi_report *r, uint32_t c, uint32_t group)
{
    return group == SKPI_ALL || r->cat_group[c] == group;
}

static bool not_appreciation(const skpi_report *r, uint32_t c, uint32_t unused)
{
    (void)unused;
    return r->cat_group[c] != SKPI_GROUP_APPRECIATION;
}

static bool expects_answer(const skpi_report *r, uint32_t c, uint32_t unused)
{
    (void)unused;
    return r->cat_expects[c];
}

size_t skpi_report_taxonomy_count(const skpi_report *r, int dim)
{
    if (r == NULL)
        return 0;
    switch (dim) {
    case SKPI_PLATFORM:
        return r->np;
    case SKPI_GROUP:
        return r->ng;
    case SKPI_CATEGORY:
        return r->nc;
    case SKPI_KIND:
        return r->nk;
    default:
        return 0;
    }
}

skpi_status skpi_report_range(const skpi_report *r, int64_t *from, int64_t *to)
{
    if (r == NULL || from == NULL || to == NULL)
        return SKPI_EINVAL;
    *from = r->from;
    *to = r->to;
    return SKPI_OK;
}

skpi_status skpi_report_messages(const skpi_report *r, uint32_t platform,
                                 uint32_t category, int64_t *count)
{
    if (r == NULL || count == NULL)
        return SKPI_EINVAL;
    return msg_sum(r, platform, category, SKPI__MSG_RECEIVED, NULL, 0, count);
}

skpi_status skpi_report_group_messages(const skpi_report *r, uint32_t platform,
                                       uint32_t group, int64_t *count)
{
    if (r == NULL || count == NULL)
        return SKPI_EINVAL;
    if (group != SKPI_ALL && group >= r->ng)
        return SKPI_ENOTFOUND;
    return msg_sum(r, platform, SKPI_ALL, SKPI__MSG_RECEIVED, in_group, group,
                   count);
}

skpi_status skpi_report_inquiries_and_remarks(const skpi_report *r,
                                              uint32_t platform, int64_t *count)
{
    if (r == NULL || count == NULL)
        return SKPI_EINVAL;
    return msg_sum(r, platform, SKPI_ALL, SKPI__MSG_RECEIVED, not_appreciation,
                   0, count);
}

/*
 * Answers to one category, or to a sum of categories: expected counts only
 * the messages of categories that expect an answer, and so does a sum of
 * answers over categories; a single category that expects none still
 * reports the answers it got (with expected 0 and a NaN rate).  Cell k is
 * ANSWERED or an SLA cell.
 */
static skpi_status answer_sums(const skpi_report *r, uint32_t platform,
                               uint32_t category, size_t k, int64_t *expected,
                               int64_t *answered)
{
    skpi_status st = msg_sum(r, platform, category, SKPI__MSG_RECEIVED,
                             expects_answer, 0, expected);
    if (st != SKPI_OK)
        return st;
    bool own = category != SKPI_ALL && !r->cat_expects[category];
    return msg_sum(r, platform, category, k, own ? NULL : expects_answer, 0,
                   answered);
}

skpi_status skpi_report_responses(const skpi_report *r, uint32_t platform,
                                  uint32_t category, int64_t *expected,
                                  int64_t *answered, double *rate)
{
    if (r == NULL || (expected == NULL && answered == NULL && rate == NULL))
        return SKPI_EINVAL;
    int64_t exp = 0, ans = 0;
    skpi_status st =
        answer_sums(r, platform, category, SKPI__MSG_ANSWERED, &exp, &ans);
    if (st != SKPI_OK)
        return st;
    if (expected != NULL)
        *expected = exp;
    if (answered != NULL)
        *answered = ans;
    if (rate != NULL)
        *rate = ratio(ans, exp);
    return SKPI_OK;
}

skpi_status skpi_report_sla(const skpi_report *r, size_t index,
                            uint32_t platform, uint32_t category,
                            int64_t *seconds, int64_t *within,
                            int64_t *expected, double *rate)
{
    if (r == NULL)
        return SKPI_EINVAL;
    if (index >= r->n_sla)
        return SKPI_ENOTFOUND;
    int64_t exp = 0, win = 0;
    skpi_status st = answer_sums(r, platform, category, SKPI__MSG_SLA0 + index,
                                 &exp, &win);
    if (st != SKPI_OK)
        return st;
    if (seconds != NULL)
        *seconds = r->sla[index];
    if (within != NULL)
        *within = win;
    if (expected != NULL)
        *expected = exp;
    if (rate != NULL)
        *rate = ratio(win, exp);
    return SKPI_OK;
}

skpi_status skpi_report_rating_count(const skpi_report *r, uint32_t platform,
                                     int score, int64_t *count)
{
    if (r == NULL || count == NULL)
        return SKPI_EINVAL;
    uint32_t p0, p1;
    if (!id_span(platform, r->np, &p0, &p1))
        return SKPI_ENOTFOUND;
    if (score < r->rating_lo ||
        (size_t)(score - r->rating_lo) >= r->n_scores)
        return SKPI_ERATING;
    int64_t sum = 0;
    for (uint32_t p = p0; p < p1; p++)
        sum += r->ratings[p * r->n_scores + (size_t)(score - r->rating_lo)];
    *count = sum;
    return SKPI_OK;
}

skpi_status skpi_report_csat(const skpi_report *r, uint32_t platform,
                             int64_t *ratings, int64_t *satisfied, double *rate,
                             double *mean)
{
    if (r == NULL)
        return SKPI_EINVAL;
    uint32_t p0, p1;
    if (!id_span(platform, r->np, &p0, &p1))
        return SKPI_ENOTFOUND;
    int64_t all = 0, sat = 0;
    double weighted = 0.0;
    for (uint32_t p = p0; p < p1; p++) {
        for (size_t k = 0; k < r->n_scores; k++) {
            int64_t n = r->ratings[p * r->n_scores + k];
            int score = r->rating_lo + (int)k;
            all += n;
            if (score >= r->rating_satisfied)
                sat += n;
            weighted += (double)n * score;
        }
    }
    if (ratings != NULL)
        *ratings = all;
    if (satisfied != NULL)
        *satisfied = sat;
    if (rate != NULL)
        *rate = ratio(sat, all);
    if (mean != NULL)
        *mean = all == 0 ? NAN : weighted / (double)all;
    return SKPI_OK;
}

skpi_status skpi_report_engagement(const skpi_report *r, uint32_t platform,
                                   uint32_t kind, int64_t *count)
{
    if (r == NULL || count == NULL)
        return SKPI_EINVAL;
    uint32_t p0, p1, k0, k1;
    if (!id_span(platform, r->np, &p0, &p1) || !id_span(kind, r->nk, &k0, &k1))
        return SKPI_ENOTFOUND;
    int64_t sum = 0;
    for (uint32_t p = p0; p < p1; p++) {
        for (uint32_t k = k0; k < k1; k++)
            sum += r->eng[p * r->nk + k];
    }
    *count = sum;
    return SKPI_OK;
}

skpi_status skpi_report_posts(const skpi_report *r, uint32_t platform,
                              int64_t *posts, double *per_post)
{
    if (r == NULL)
        return SKPI_EINVAL;
    uint32_t p0, p1;
    int64_t eng;
    skpi_status st = skpi_report_engagement(r, platform, SKPI_ALL, &eng);
    if (st != SKPI_OK || !id_span(platform, r->np, &p0, &p1))
        return st != SKPI_OK ? st : SKPI_ENOTFOUND;
    int64_t n = 0;
    for (uint32_t p = p0; p < p1; p++)
        n += r->posts[p];
    if (posts != NULL)
        *posts = n;
    if (per_post != NULL)
        *per_post = ratio(eng, n);
    return SKPI_OK;
}

skpi_status skpi_report_followers(const skpi_report *r, uint32_t platform,
                                  int64_t *end, int64_t *start,
                                  int64_t *change, double *growth)
{
    if (r == NULL)
        return SKPI_EINVAL;
    if (platform >= r->np)
        return SKPI_ENOTFOUND;
    if (!r->has_followers[platform])
        return SKPI_ENODATA;
    int64_t e = r->foll_end[platform], s = r->foll_start[platform];
    if (end != NULL)
        *end = e;
    if (start != NULL)
        *start = s;
    if (change != NULL)
        *change = e - s;
    if (growth != NULL)
        *growth = ratio(e - s, s);
    return SKPI_OK;
}

skpi_status skpi_report_followers_total(const skpi_report *r, int64_t *sum,
                                        int64_t *unique_lo, int64_t *unique_hi,
                                        size_t *platforms_with_data)
{
    if (r == NULL)
        return SKPI_EINVAL;
    int64_t total = 0, most = 0;
    size_t n = 0;
    for (size_t p = 0; p < r->np; p++) {
        if (!r->has_followers[p])
            continue;
        /* Tallies are below 2^46 and platforms at most 32: no overflow. */
        total += r->foll_end[p];
        if (r->foll_end[p] > most)
            most = r->foll_end[p];
        n++;
    }
    if (sum != NULL)
        *sum = total;
    if (unique_lo != NULL)
        *unique_lo = most;
    if (unique_hi != NULL)
        *unique_hi = total;
    if (platforms_with_data != NULL)
        *platforms_with_data = n;
    return SKPI_OK;
}

skpi_status skpi_report_engagement_rate(const skpi_report *r, uint32_t platform,
                                        int64_t *engagements,
                                        int64_t *followers, double *rate)
{
    if (r == NULL)
        return SKPI_EINVAL;
    int64_t eng;
    skpi_status st = skpi_report_engagement(r, platform, SKPI_ALL, &eng);
    if (st != SKPI_OK)
        return st;
    int64_t f = 0;
    if (platform == SKPI_ALL)
        (void)skpi_report_followers_total(r, &f, NULL, NULL, NULL);
    else if (r->has_followers[platform])
        f = r->foll_end[platform];
    if (engagements != NULL)
        *engagements = eng;
    if (followers != NULL)
        *followers = f;
    if (rate != NULL)
        *rate = ratio(eng, f);
    return SKPI_OK;
}

/* ===================================================================== */
/* Getters: response time, backlog, anomalies, people                    */
/* ===================================================================== */

/*
 * The grid cell of (platform, category), either possibly SKPI_ALL.  A
 * single category that expects no answer has its own cell; SKPI_ALL
 * categories means those that expect one.
 */
static skpi_status grid_of(const skpi_report *r, uint32_t platform,
                           uint32_t category, size_t *cell)
{
    if ((platform != SKPI_ALL && platform >= r->np) ||
        (category != SKPI_ALL && category >= r->nc))
        return SKPI_ENOTFOUND;
    size_t p = platform == SKPI_ALL ? r->np : platform;
    size_t c = category == SKPI_ALL ? r->nc : category;
    *cell = grid_at(r, p, c);
    return SKPI_OK;
}

/* The response-time sketch asked for, or an error. */
static skpi_status frt_of(const skpi_report *r, uint32_t platform,
                          uint32_t category, int business,
                          const skpi__dds **out)
{
    if (business != 0 && business != 1)
        return SKPI_EINVAL;
    size_t cell;
    skpi_status st = grid_of(r, platform, category, &cell);
    if (st != SKPI_OK)
        return st;
    if (business == 1 && !r->business)
        return SKPI_ENODATA;
    const skpi__dds *d = &r->frt[cell * SKPI__FRT_WIDTH +
                                 (business ? SKPI__FRT_BUSINESS
                                           : SKPI__FRT_CALENDAR)];
    if (skpi__dds_n(d) == 0)
        return SKPI_ENODATA;
    *out = d;
    return SKPI_OK;
}

skpi_status skpi_report_response_time(const skpi_report *r, uint32_t platform,
                                      uint32_t category, int business,
                                      int64_t *n, double *mean, int64_t *min,
                                      int64_t *max)
{
    if (r == NULL)
        return SKPI_EINVAL;
    const skpi__dds *d;
    skpi_status st = frt_of(r, platform, category, business, &d);
    if (st != SKPI_OK)
        return st;
    if (n != NULL)
        *n = skpi__dds_n(d);
    if (mean != NULL)
        (void)skpi__dds_mean(d, mean);
    if (min != NULL)
        (void)skpi__dds_min(d, min);
    if (max != NULL)
        (void)skpi__dds_max(d, max);
    return SKPI_OK;
}

/* The histogram's _sum (lib/openmetrics.c): the exact sum the sketch keeps,
 * which no public getter returns (the mean is sum / n in double). */
skpi_status skpi__report_response_sum(const skpi_report *r, uint32_t platform,
                                      uint32_t category, int business,
                                      int64_t *sum)
{
    if (r == NULL || sum == NULL)
        return SKPI_EINVAL;
    const skpi__dds *d;
    skpi_status st = frt_of(r, platform, category, business, &d);
    if (st == SKPI_OK)
        *sum = skpi__dds_sum(d);
    return st;
}

skpi_status skpi_report_response_quantile(const skpi_report *r,
                                          uint32_t platform, uint32_t category,
                                          int business, double q,
                                          double *seconds)
{
    if (r == NULL || seconds == NULL || !(q >= 0.0 && q <= 1.0))
        return SKPI_EINVAL;
    const skpi__dds *d;
    skpi_status st = frt_of(r, platform, category, business, &d);
    if (st != SKPI_OK)
        return st;
    return skpi__dds_quantile(d, q, seconds);
}

skpi_status skpi_report_backlog(const skpi_report *r, uint32_t platform,
                                uint32_t category, int64_t *count,
                                int64_t *oldest_age)
{
    if (r == NULL)
        return SKPI_EINVAL;
    size_t cell;
    skpi_status st = grid_of(r, platform, category, &cell);
    if (st != SKPI_OK)
        return st;
    if (count != NULL)
        *count = r->backlog[cell];
    if (oldest_age != NULL)
        *oldest_age = r->oldest_age[cell];
    return SKPI_OK;
}

skpi_status skpi_report_anomalies(const skpi_report *r, uint32_t platform,
                                  int kind, int64_t *count)
{
    if (r == NULL || count == NULL)
        return SKPI_EINVAL;
    if (kind < 0 || kind >= SKPI__ANOM_WIDTH)
        return SKPI_EOPTION;
    uint32_t p0, p1;
    if (!id_span(platform, r->np, &p0, &p1))
        return SKPI_ENOTFOUND;
    int64_t sum = 0;
    for (uint32_t p = p0; p < p1; p++)
        sum += r->anom[p * SKPI__ANOM_WIDTH + (size_t)kind];
    *count = sum;
    return SKPI_OK;
}

skpi_status skpi_report_people(const skpi_report *r, int who,
                               uint32_t platform, int64_t *estimate,
                               double *rel_error)
{
    if (r == NULL)
        return SKPI_EINVAL;
    if (who < 0 || who >= SKPI__PEOPLE_WIDTH)
        return SKPI_EOPTION;
    if (platform != SKPI_ALL && platform >= r->np)
        return SKPI_ENOTFOUND;
    size_t p = platform == SKPI_ALL ? r->np : platform;
    const struct people_est *e = &r->people[p * SKPI__PEOPLE_WIDTH + (size_t)who];
    if (!e->any)
        return SKPI_ENODATA;
    if (estimate != NULL)
        *estimate = e->estimate;
    /* A sparse sketch counts at precision 25 (see lib/hll.c). */
    if (rel_error != NULL)
        *rel_error = e->sparse ? 1.04 / sqrt((double)(INT64_C(1) << 25))
                               : skpi__hll_std_error(r->people_p);
    return SKPI_OK;
}
