/*
 * demo.c -- the founding half year, recorded event by event.
 *
 * The figures come from the founding report (seed/FACTS.md): what a police
 * force's social-media desk published about the first half of its year.
 * demo_build() turns them into raw events -- messages with their arrival
 * times, first replies, ratings, daily engagement rows, posts and follower
 * readings -- so that a report over the half year gives the report's
 * figures back exactly, while the days, hours and delays look like a real
 * desk's.
 *
 * How exactness and realism meet: every total is split into parts (over
 * platforms, then kinds, then days) by largest-remainder apportionment with
 * integer weights, so the parts always add up to the total; the weights
 * carry the patterns (the weekend, events, noise).  Which messages stay
 * unanswered and which answers get rated is chosen by selection sampling,
 * which picks exactly k of n.  The randomness is a splitmix64 generator
 * with a fixed seed: the data set is identical on every run.
 *
 * Ids.  Every message has an id ("tw-000123", numbered in order of
 * arrival on its platform) and an author; replies name the message they
 * answer.  The people behind authors, commenters and followers share one
 * numbering, persons 0 .. 2,499,999, written as opaque ids ("u0038472615").
 * What the ids add -- authors, duplicate deliveries, second replies,
 * replies to deleted messages, commenters, follower lists -- draws from
 * generators of its own, so the counts above are the same with or without
 * it, and so are the optional parts (demo_build()'s flags) for the rest.
 */
#include "demo.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ===================================================================== */
/* The figures (seed/FACTS.md), and the choices made around them          */
/* ===================================================================== */

#define DEMO_PERIOD "2024-H1"
#define DEMO_DAYS 182 /* 2024-01-01 .. 2024-06-30: 2024 is a leap year */
#define DEMO_SEED UINT64_C(0x2024A1D0C0FFEE11)
#define DEMO_SEED_IDS UINT64_C(0x1D5A1D0C0FFEE202)    /* authors, anomalies */
#define DEMO_SEED_PEOPLE UINT64_C(0x9E0913D0C0FFEE33) /* commenters */

#define N_CATEGORIES 7
#define N_PLATFORMS 3
#define N_KINDS 3
#define N_SCORES 5

/*
 * Messages by category, from the report: 11,685 inquiries and remarks and
 * 2,710 thanks.  The report gives 95 % answered; 11,101 of 11,685 is 95.0 %.
 * The 584 unanswered are our choice: criminal inquiries are often referred
 * to an emergency number and general complaints to another department, so
 * those two go unanswered more often.  The median first-response delay is
 * ours too (the report only stresses "direct and immediate response").
 */
static const struct demo_category {
    uint32_t id;
    int64_t messages;
    int64_t unanswered;
    int median_minutes; /* of the first-response delay */
} demo_categories[N_CATEGORIES] = {
    /* category                       messages  unanswered  median */
    {SKPI_CATEGORY_GENERAL_INQUIRY, 4210, 200, 40},
    {SKPI_CATEGORY_HELP_REQUEST, 2655, 95, 30},
    {SKPI_CATEGORY_TRAFFIC_INQUIRY, 1870, 90, 35},
    {SKPI_CATEGORY_CRIMINAL_INQUIRY, 1120, 85, 25},
    {SKPI_CATEGORY_SERVICE_COMPLAINT, 1030, 54, 60},
    {SKPI_CATEGORY_GENERAL_COMPLAINT, 800, 60, 55},
    {SKPI_CATEGORY_THANKS, 2710, 0, 0}, /* expects no answer: never answered */
};

/*
 * Platforms: the follower tallies at the end of the period (2024-06-30) are
 * the report's; the January tallies, the shares of messages (50/30/20) and
 * of engagements (55/30/15) and the posting rates are plausible choices.
 *
 * The follower lists of 2024-06-30 are ranges of persons, chosen so that
 * each list is as long as the report's tally and their union is the
 * report's 2.5 million people overall:
 *
 *   person    0         1,000,000  1,600,000  1,635,000  1,700,000  2,500,000
 *   twitter   [=====================================================)
 *   facebook                       [=====================================)
 *   instagram           [=====================)
 *
 * 1,700,000 + 900,000 + 635,000 = 3,235,000 follows by 2,500,000 people:
 * 1,800,000 follow on one platform, 665,000 on two and 35,000 (persons
 * 1.6 M to 1.635 M) on all three.
 */
static const struct demo_platform {
    uint32_t id;
    const char *prefix;        /* of its message ids: "tw-000123" */
    uint64_t message_share;    /* percent of messages */
    uint64_t engagement_share; /* percent of engagements */
    int64_t followers_start;   /* reading of 2024-01-01 */
    int64_t followers_end;     /* reading of 2024-06-30: the report's */
    int64_t posts_min, posts_max; /* posts on a working day */
    uint32_t follow_lo, follow_hi; /* its followers: persons [lo, hi) */
} demo_platforms[N_PLATFORMS] = {
    {SKPI_PLATFORM_TWITTER, "tw", 50, 55, 1552000, 1700000, 3, 7, 0, 1700000},
    {SKPI_PLATFORM_FACEBOOK, "fb", 30, 30, 861500, 900000, 1, 3, 1600000, 2500000},
    {SKPI_PLATFORM_INSTAGRAM, "ig", 20, 15, 571000, 635000, 1, 2, 1000000, 1635000},
};

/* Everyone the demo knows: persons 0 .. DEMO_PERSONS - 1. */
#define DEMO_PERSONS UINT32_C(2500000)

/*
 * Message authors: a few write often, most once.  An author's rank is
 * floor(AUTHOR_POOL * u^2) for a uniform u, so rank k writes in proportion
 * to about 1 / sqrt(k): the most active of the 14,395 messages' authors
 * writes some 140 of them, the tenth some 20, and about 7,100 people write
 * at all (demo_truth.authors has the exact count).
 */
#define AUTHOR_POOL 11000

/*
 * Commenters: comments on a platform come from a fifth of its followers,
 * by rank floor(pool * u^2) as for authors, so the keenest fans comment
 * hundreds of times in the half year and most commenters a few times.
 */
#define COMMENTER_SHARE 5 /* one follower in 5 is in the commenting pool */

/*
 * What goes wrong, as it does with real feeds: the platform delivers a few
 * messages twice; some answers get a second reply (a follow-up); and a few
 * replies answer messages whose authors deleted them before the desk's
 * feed read them, so the reply names an id the tracker never saw.
 */
#define DEMO_DUPLICATES INT64_C(7)    /* messages delivered twice */
#define DEMO_LATER_REPLIES INT64_C(222) /* 2 % of the 11,101 answered */
#define DEMO_DELETED 12                 /* replies to deleted messages */

/*
 * The desk's office hours, for business time: Sunday to Thursday
 * 07:30-14:30 at UTC+04:00, closed on public holidays.  The holidays are
 * the demo's choice: the UAE public holidays of the first half of 2024 as
 * announced for the federal government -- New Year's Day, the Eid al-Fitr
 * break (Ramadan 29 to Shawwal 3, 8 to 12 April) and Arafat Day with Eid
 * al-Adha (15 to 18 June).
 */
static const char *const demo_holidays[] = {
    "2024-01-01",                                                     /* New Year */
    "2024-04-08", "2024-04-09", "2024-04-10", "2024-04-11", "2024-04-12", /* Eid al-Fitr */
    "2024-06-15", "2024-06-16", "2024-06-17", "2024-06-18", /* Arafat Day, Eid al-Adha */
};
#define N_HOLIDAYS (sizeof demo_holidays / sizeof demo_holidays[0])

/* Engagements with the desk's posts: the report's 4,829,520, by kind. */
#define DEMO_ENGAGEMENTS INT64_C(4829520)
static const struct demo_kind {
    uint32_t id;
    uint64_t share; /* percent */
} demo_kinds[N_KINDS] = {
    {SKPI_KIND_LIKE, 70},
    {SKPI_KIND_SHARE, 18},
    {SKPI_KIND_COMMENT, 12},
};

/*
 * Ratings on the default scale 1..5: 2,400 ratings, 2,184 of them 4 or 5,
 * so CSAT = 2,184 / 2,400 = 0.91 exactly, the report's 91 %; mean 4.48.
 */
static const int64_t demo_ratings[N_SCORES] = {
    72,   /* score 1 */
    48,   /* score 2 */
    96,   /* score 3 */
    624,  /* score 4 */
    1560, /* score 5 */
};
#define DEMO_RATINGS INT64_C(2400)

/*
 * The desk's week: Friday and Saturday are its weekend, Sunday brings what
 * waited.  Percent of a usual day's messages, Monday first (2024-01-01 is
 * a Monday).
 */
static const uint64_t demo_weekday[7] = {100, 100, 100, 100, 60, 70, 105};

/* Messages by local hour: quiet nights, a mid-morning and an evening peak. */
static const uint64_t demo_hours[24] = {
    3, 2, 1, 1, 1, 1, 2, 4, 6, 8, 9, 8, /* 00..11 */
    6, 5, 5, 5, 5, 5, 6, 7, 8, 8, 6, 4, /* 12..23 */
};

/*
 * Days that were not like the others.  `percent` scales the messages of
 * each category (in the order of demo_categories), `engagement` the
 * engagement with that day's posts.
 */
static const struct demo_event {
    const char *what;
    int month, day, days;
    uint64_t percent[N_CATEGORIES];
    uint64_t engagement;
} demo_events[] = {
    {"Eid al-Fitr", 4, 10, 3, {70, 80, 90, 80, 80, 80, 250}, 150},
    {"the April storm", 4, 16, 3, {150, 350, 400, 100, 120, 110, 100}, 400},
    {"thanks after the storm", 4, 19, 3, {110, 150, 150, 100, 100, 100, 260}, 200},
    {"Eid al-Adha", 6, 16, 3, {70, 80, 90, 80, 80, 80, 200}, 150},
};
#define N_EVENTS (sizeof demo_events / sizeof demo_events[0])

/* First day of each month of 2024-H1, counted from 2024-01-01. */
static const int demo_month_start[6] = {0, 31, 60, 91, 121, 152};

/* ===================================================================== */
/* Deterministic randomness: splitmix64                                   */
/* ===================================================================== */

/* Steele, Lea and Flood, "Fast splittable pseudorandom number generators"
 * (OOPSLA 2014); the constants are those of Java's SplittableRandom. */
typedef struct demo_rng {
    uint64_t state;
} demo_rng;

static uint64_t rng_next(demo_rng *g)
{
    uint64_t z = (g->state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* A uniform integer in [lo, hi]; the modulo bias is below 2^-40 here. */
static int64_t rng_range(demo_rng *g, int64_t lo, int64_t hi)
{
    uint64_t span = (uint64_t)(hi - lo) + 1u;
    return lo + (int64_t)(rng_next(g) % span);
}

/* A uniform double in [0, 1), from the top 53 bits. */
static double rng_unit(demo_rng *g)
{
    return (double)(rng_next(g) >> 11) * 0x1.0p-53;
}

/* A standard normal deviate (Box-Muller; the second deviate is dropped so
 * that the generator carries no hidden state). */
static double rng_normal(demo_rng *g)
{
    double u1 = 1.0 - rng_unit(g); /* (0, 1]: log() stays finite */
    double u2 = rng_unit(g);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* An index drawn with probability proportional to weights[i]. */
static size_t rng_pick(demo_rng *g, const uint64_t *weights, size_t n)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += weights[i];
    int64_t x = rng_range(g, 0, (int64_t)sum - 1);
    for (size_t i = 0; i < n; i++) {
        if (x < (int64_t)weights[i])
            return i;
        x -= (int64_t)weights[i];
    }
    return n - 1;
}

/* Selection sampling (Knuth, TAOCP vol. 2, 3.4.2, algorithm S): called
 * once for each of n items in turn, it says yes to exactly k of them. */
static int rng_select(demo_rng *g, int64_t *k_left, int64_t *n_left)
{
    int yes = rng_range(g, 0, *n_left - 1) < *k_left;
    if (yes)
        (*k_left)--;
    (*n_left)--;
    return yes;
}

/* ===================================================================== */
/* Largest-remainder apportionment                                        */
/* ===================================================================== */

#define APPORTION_MAX 256

/*
 * Split `total` into n parts proportional to `weights` (the largest
 * remainder, or Hamilton, method): each part gets the floor of its exact
 * quota total * w / W, and the units still missing go one each to the
 * parts with the largest remainders, the lower index first on ties.  Only
 * integers are involved, so the split is the same on every machine, and
 * the parts always add up to `total`.  Requires 0 <= total, 1 <= n <=
 * APPORTION_MAX, some weight > 0, and total * weight within uint64_t.
 */
static skpi_status apportion(int64_t total, const uint64_t *weights, size_t n,
                             int64_t *parts)
{
    uint64_t rem[APPORTION_MAX];
    unsigned char done[APPORTION_MAX] = {0};
    uint64_t wsum = 0;
    int64_t given = 0;

    if (total < 0 || n == 0 || n > APPORTION_MAX)
        return SKPI_EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (total > 0 && weights[i] > UINT64_MAX / (uint64_t)total)
            return SKPI_EOVERFLOW;
        if (weights[i] > UINT64_MAX - wsum)
            return SKPI_EOVERFLOW;
        wsum += weights[i];
    }
    if (wsum == 0)
        return SKPI_EINVAL;
    for (size_t i = 0; i < n; i++) {
        uint64_t exact = (uint64_t)total * weights[i];
        parts[i] = (int64_t)(exact / wsum);
        rem[i] = exact % wsum;
        given += parts[i];
    }
    /* Fewer than n units are left over: each goes to a different part. */
    for (int64_t left = total - given; left > 0; left--) {
        size_t best = n;
        for (size_t i = 0; i < n; i++)
            if (!done[i] && (best == n || rem[i] > rem[best]))
                best = i;
        done[best] = 1;
        parts[best]++;
    }
    return SKPI_OK;
}

/* ===================================================================== */
/* The plan: every count, day by day, before anything is recorded         */
/* ===================================================================== */

/* One message, as generated. */
typedef struct demo_message {
    int64_t received;
    int64_t replied; /* -1: never answered */
    int64_t rated;   /* time of its rating, if score > 0 */
    int64_t again;   /* time of a second reply, or -1 */
    uint32_t platform;
    uint32_t category;
    uint32_t author; /* rank among authors (see AUTHOR_POOL) */
    uint32_t number; /* its id's number on its platform */
    int score;       /* 0: not rated */
    int duplicate;   /* 1: the platform delivers it twice */
} demo_message;

typedef struct demo_plan {
    int64_t from, to;          /* the period */
    int64_t day[DEMO_DAYS + 1]; /* local midnights; day[DEMO_DAYS] == to */
    int weekday[DEMO_DAYS];    /* 0 = Monday */
    int64_t messages[N_CATEGORIES][N_PLATFORMS][DEMO_DAYS];
    int64_t posts[N_PLATFORMS][DEMO_DAYS];
    int64_t engagement[N_PLATFORMS][N_KINDS][DEMO_DAYS];
    int64_t followers[N_PLATFORMS][DEMO_DAYS];
    uint64_t buzz[N_PLATFORMS][DEMO_DAYS]; /* how well that day's posts did */
    demo_message *msg;
    size_t n_msg;
    demo_message deleted[DEMO_DELETED]; /* answered, never recorded */
} demo_plan;

/* Percent that events scale category c (or engagement, c < 0) on day d. */
static uint64_t event_percent(int d, int c)
{
    uint64_t pct = 100;
    for (size_t e = 0; e < N_EVENTS; e++) {
        int first = demo_month_start[demo_events[e].month - 1] + demo_events[e].day - 1;
        if (d >= first && d < first + demo_events[e].days)
            pct = pct * (c < 0 ? demo_events[e].engagement
                               : demo_events[e].percent[c]) / 100;
    }
    return pct;
}

/* The local midnights of the period, from the tracker's own calendar. */
static skpi_status plan_days(const skpi_tracker *t, demo_plan *p)
{
    skpi_status st = skpi_period_parse(t, DEMO_PERIOD, &p->from, &p->to);
    if (st != SKPI_OK)
        return st;
    for (int m = 0, d = 0; m < 6; m++) {
        int len = (m == 5 ? DEMO_DAYS : demo_month_start[m + 1]) - demo_month_start[m];
        for (int dd = 1; dd <= len; dd++, d++) {
            char text[32];
            int64_t to;
            snprintf(text, sizeof text, "2024-%02d-%02d", m + 1, dd);
            st = skpi_period_parse(t, text, &p->day[d], &to);
            if (st != SKPI_OK)
                return st;
            p->weekday[d] = d % 7; /* 2024-01-01 is a Monday */
        }
    }
    p->day[DEMO_DAYS] = p->to;
    return p->day[0] == p->from ? SKPI_OK : SKPI_EINVAL;
}

/* Posts, how well they did, and engagement split down to the day. */
static skpi_status plan_engagement(demo_plan *p, demo_rng *g)
{
    uint64_t w[APPORTION_MAX];
    int64_t by_platform[N_PLATFORMS], by_kind[N_KINDS];
    skpi_status st;

    for (int pl = 0; pl < N_PLATFORMS; pl++) {
        const struct demo_platform *dp = &demo_platforms[pl];
        for (int d = 0; d < DEMO_DAYS; d++) {
            int weekend = p->weekday[d] == 4 || p->weekday[d] == 5;
            int64_t hi = weekend ? (dp->posts_min + dp->posts_max) / 2 : dp->posts_max;
            p->posts[pl][d] = rng_range(g, dp->posts_min, hi);
            /* Most days a post does as usual; some days one goes viral. */
            uint64_t buzz = (uint64_t)rng_range(g, 70, 130);
            if (rng_range(g, 0, 99) < 5)
                buzz = buzz * (uint64_t)rng_range(g, 300, 800) / 100;
            p->buzz[pl][d] = buzz * event_percent(d, -1) / 100;
        }
    }

    for (int pl = 0; pl < N_PLATFORMS; pl++)
        w[pl] = demo_platforms[pl].engagement_share;
    if ((st = apportion(DEMO_ENGAGEMENTS, w, N_PLATFORMS, by_platform)) != SKPI_OK)
        return st;
    for (int pl = 0; pl < N_PLATFORMS; pl++) {
        for (int k = 0; k < N_KINDS; k++)
            w[k] = demo_kinds[k].share;
        if ((st = apportion(by_platform[pl], w, N_KINDS, by_kind)) != SKPI_OK)
            return st;
        for (int k = 0; k < N_KINDS; k++) {
            for (int d = 0; d < DEMO_DAYS; d++)
                w[d] = (uint64_t)p->posts[pl][d] * p->buzz[pl][d] *
                       (uint64_t)rng_range(g, 90, 110);
            if ((st = apportion(by_kind[k], w, DEMO_DAYS, p->engagement[pl][k])) != SKPI_OK)
                return st;
        }
    }
    return SKPI_OK;
}

/* Follower tallies: a smooth climb to the report's end values, a little
 * steeper on the days a post went viral. */
static skpi_status plan_followers(demo_plan *p, demo_rng *g)
{
    uint64_t w[APPORTION_MAX];
    int64_t gain[APPORTION_MAX];

    for (int pl = 0; pl < N_PLATFORMS; pl++) {
        const struct demo_platform *dp = &demo_platforms[pl];
        for (int d = 1; d < DEMO_DAYS; d++)
            w[d - 1] = (uint64_t)rng_range(g, 80, 120) + p->buzz[pl][d];
        skpi_status st = apportion(dp->followers_end - dp->followers_start, w,
                                   DEMO_DAYS - 1, gain);
        if (st != SKPI_OK)
            return st;
        p->followers[pl][0] = dp->followers_start;
        for (int d = 1; d < DEMO_DAYS; d++)
            p->followers[pl][d] = p->followers[pl][d - 1] + gain[d - 1];
    }
    return SKPI_OK;
}

/* How many messages of each category arrive on each platform each day. */
static skpi_status plan_message_counts(demo_plan *p, demo_rng *g)
{
    uint64_t w[APPORTION_MAX];
    int64_t by_platform[N_PLATFORMS];
    skpi_status st;

    for (int c = 0; c < N_CATEGORIES; c++) {
        uint64_t base[DEMO_DAYS];
        for (int d = 0; d < DEMO_DAYS; d++)
            base[d] = demo_weekday[p->weekday[d]] * (uint64_t)rng_range(g, 85, 115) *
                      event_percent(d, c);
        for (int pl = 0; pl < N_PLATFORMS; pl++)
            w[pl] = demo_platforms[pl].message_share;
        if ((st = apportion(demo_categories[c].messages, w, N_PLATFORMS, by_platform)) != SKPI_OK)
            return st;
        for (int pl = 0; pl < N_PLATFORMS; pl++) {
            for (int d = 0; d < DEMO_DAYS; d++)
                w[d] = base[d] * (uint64_t)rng_range(g, 90, 110);
            if ((st = apportion(by_platform[pl], w, DEMO_DAYS, p->messages[c][pl])) != SKPI_OK)
                return st;
        }
    }
    return SKPI_OK;
}

/* A first-response delay in seconds: log-normal around the category's
 * median (sigma 1.25, so about 0.2 % of answers take over a day). */
static int64_t response_delay(demo_rng *g, int median_minutes)
{
    double s = (double)median_minutes * 60.0 * exp(1.25 * rng_normal(g));
    if (s < 20.0)
        s = 20.0; /* someone has to read the message first */
    if (s > 7.0 * 86400.0)
        s = 7.0 * 86400.0;
    return (int64_t)s;
}

/* Every message: its time, whether and when it was answered, its rating. */
static skpi_status plan_messages(demo_plan *p, demo_rng *g)
{
    int64_t n_left[N_CATEGORIES][N_PLATFORMS], k_left[N_CATEGORIES][N_PLATFORMS];
    int64_t deck[DEMO_RATINGS];
    size_t total = 0, m = 0;
    skpi_status st;

    /* The unanswered messages of a category, split like its messages. */
    for (int c = 0; c < N_CATEGORIES; c++) {
        uint64_t w[N_PLATFORMS];
        for (int pl = 0; pl < N_PLATFORMS; pl++) {
            n_left[c][pl] = 0;
            for (int d = 0; d < DEMO_DAYS; d++)
                n_left[c][pl] += p->messages[c][pl][d];
            w[pl] = (uint64_t)n_left[c][pl];
            total += (size_t)n_left[c][pl];
        }
        if ((st = apportion(demo_categories[c].unanswered, w, N_PLATFORMS, k_left[c])) != SKPI_OK)
            return st;
    }

    p->msg = calloc(total, sizeof *p->msg);
    if (p->msg == NULL)
        return SKPI_ENOMEM;
    p->n_msg = total;

    for (int d = 0; d < DEMO_DAYS; d++) {
        int64_t day_len = p->day[d + 1] - p->day[d];
        for (int c = 0; c < N_CATEGORIES; c++) {
            const struct demo_category *dc = &demo_categories[c];
            int answers = dc->id != SKPI_CATEGORY_THANKS;
            for (int pl = 0; pl < N_PLATFORMS; pl++) {
                for (int64_t i = 0; i < p->messages[c][pl][d]; i++) {
                    demo_message *msg = &p->msg[m++];
                    int64_t hour = (int64_t)rng_pick(g, demo_hours, 24);
                    int64_t sec = hour * 3600 + rng_range(g, 0, 3599);
                    msg->received = p->day[d] + sec % day_len;
                    msg->platform = demo_platforms[pl].id;
                    msg->category = dc->id;
                    msg->replied = -1;
                    if (answers && !rng_select(g, &k_left[c][pl], &n_left[c][pl]))
                        msg->replied = msg->received + response_delay(g, dc->median_minutes);
                }
            }
        }
    }

    /* Ratings: a shuffled deck of the scores, dealt to answered messages
     * whose rating (minutes to hours after the answer) falls in the period. */
    int64_t eligible = 0;
    for (size_t i = 0; i < p->n_msg; i++) {
        demo_message *msg = &p->msg[i];
        if (msg->replied < 0)
            continue;
        msg->rated = msg->replied + rng_range(g, 120, 3 * 3600);
        if (msg->rated < p->to)
            eligible++;
    }
    for (int s = 0, j = 0; s < N_SCORES; s++)
        for (int64_t i = 0; i < demo_ratings[s]; i++)
            deck[j++] = s + 1;
    for (int64_t i = DEMO_RATINGS - 1; i > 0; i--) { /* Fisher-Yates */
        int64_t j = rng_range(g, 0, i), tmp = deck[i];
        deck[i] = deck[j];
        deck[j] = tmp;
    }
    int64_t to_deal = DEMO_RATINGS, dealt = 0;
    if (eligible < to_deal)
        return SKPI_EINVAL; /* cannot happen with the figures above */
    for (size_t i = 0; i < p->n_msg; i++) {
        demo_message *msg = &p->msg[i];
        if (msg->replied >= 0 && msg->rated < p->to &&
            rng_select(g, &to_deal, &eligible))
            msg->score = (int)deck[dealt++];
    }
    return SKPI_OK;
}

/* ===================================================================== */
/* Ids: authors, numbers, and what goes wrong                             */
/* ===================================================================== */

/*
 * A person's id: "u" and ten digits, an affine map of the person number
 * modulo 10^10 (its multiplier is prime to 10, so no two persons share an
 * id), which looks like a platform's user id and says nothing about the
 * demo's numbering.
 */
#define PERSON_ID_SIZE 12
static void person_id(uint32_t person, char id[PERSON_ID_SIZE])
{
    uint64_t v = ((uint64_t)person * UINT64_C(2718281) + UINT64_C(3141592653)) %
                 UINT64_C(10000000000);
    id[0] = 'u';
    for (int i = 10; i >= 1; i--) {
        id[i] = (char)('0' + (int)(v % 10u));
        v /= 10u;
    }
    id[11] = '\0';
}

/* A message's id: its platform's prefix and its number, "tw-000123". */
#define MESSAGE_ID_SIZE 24
static void message_id(const demo_message *m, char id[MESSAGE_ID_SIZE])
{
    const char *prefix = "xx";
    for (int pl = 0; pl < N_PLATFORMS; pl++)
        if (demo_platforms[pl].id == m->platform)
            prefix = demo_platforms[pl].prefix;
    snprintf(id, MESSAGE_ID_SIZE, "%s-%06lu", prefix, (unsigned long)m->number);
}

/* The author of a message, as a rank: floor(AUTHOR_POOL * u^2). */
static uint32_t draw_author(demo_rng *g)
{
    double u = rng_unit(g);
    return (uint32_t)((double)AUTHOR_POOL * u * u);
}

/* The person of author `rank`: the ranks spread over the persons by a
 * bijection modulo DEMO_PERSONS (1,299,709 is prime to it). */
static uint32_t author_person(uint32_t rank)
{
    return (uint32_t)(((uint64_t)rank * UINT64_C(1299709) + UINT64_C(104729)) %
                      DEMO_PERSONS);
}

/* For numbering: messages by platform, then time of arrival. */
typedef struct demo_arrival {
    int64_t received;
    uint32_t platform;
    size_t index; /* into msg, or n_msg + k for deleted[k] */
} demo_arrival;

static int by_arrival(const void *a, const void *b)
{
    const demo_arrival *x = a, *y = b;
    if (x->platform != y->platform)
        return x->platform < y->platform ? -1 : 1;
    if (x->received != y->received)
        return x->received < y->received ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

/* Authors, duplicates, second replies, deleted messages and the numbers
 * of the ids, from the generator `g` of their own. */
static skpi_status plan_ids(demo_plan *p, demo_rng *g)
{
    uint64_t shares[N_PLATFORMS];
    int64_t answered = 0, n_left, k_left;
    size_t n_all = p->n_msg + DEMO_DELETED;

    for (size_t i = 0; i < p->n_msg; i++) {
        demo_message *msg = &p->msg[i];
        msg->author = draw_author(g);
        msg->again = -1;
        answered += msg->replied >= 0;
    }

    /* Exactly DEMO_DUPLICATES messages come twice. */
    n_left = (int64_t)p->n_msg;
    k_left = DEMO_DUPLICATES;
    for (size_t i = 0; i < p->n_msg; i++)
        p->msg[i].duplicate = rng_select(g, &k_left, &n_left);

    /* Exactly DEMO_LATER_REPLIES answers are followed up, ten minutes to
     * two days after the first reply. */
    n_left = answered;
    k_left = DEMO_LATER_REPLIES;
    for (size_t i = 0; i < p->n_msg; i++) {
        demo_message *msg = &p->msg[i];
        if (msg->replied >= 0 && rng_select(g, &k_left, &n_left))
            msg->again = msg->replied + rng_range(g, 10 * 60, 48 * 3600);
    }

    /* Deleted messages: each took an id and got its reply, by 24 June. */
    for (int pl = 0; pl < N_PLATFORMS; pl++)
        shares[pl] = demo_platforms[pl].message_share;
    for (int k = 0; k < DEMO_DELETED; k++) {
        demo_message *msg = &p->deleted[k];
        size_t pl = rng_pick(g, shares, N_PLATFORMS);
        int64_t d = rng_range(g, 0, DEMO_DAYS - 8);
        int64_t day_len = p->day[d + 1] - p->day[d];
        int64_t hour = (int64_t)rng_pick(g, demo_hours, 24);
        memset(msg, 0, sizeof *msg);
        msg->platform = demo_platforms[pl].id;
        msg->category = SKPI_CATEGORY_GENERAL_INQUIRY;
        msg->received = p->day[d] + (hour * 3600 + rng_range(g, 0, 3599)) % day_len;
        msg->replied = msg->received + rng_range(g, 5 * 60, 4 * 3600);
        msg->again = -1;
    }

    /* Ids are numbered in order of arrival on each platform, deleted
     * messages included (their numbers are the gaps a feed would see). */
    demo_arrival *a = malloc(n_all * sizeof *a);
    if (a == NULL)
        return SKPI_ENOMEM;
    for (size_t i = 0; i < n_all; i++) {
        const demo_message *msg = i < p->n_msg ? &p->msg[i] : &p->deleted[i - p->n_msg];
        a[i] = (demo_arrival){msg->received, msg->platform, i};
    }
    qsort(a, n_all, sizeof *a, by_arrival);
    uint32_t number = 0;
    for (size_t i = 0; i < n_all; i++) {
        if (i == 0 || a[i].platform != a[i - 1].platform)
            number = 0;
        demo_message *msg = a[i].index < p->n_msg ? &p->msg[a[i].index]
                                                  : &p->deleted[a[i].index - p->n_msg];
        msg->number = ++number;
    }
    free(a);
    return SKPI_OK;
}

/* ===================================================================== */
/* The truth: who was seen, exactly                                       */
/* ===================================================================== */

/*
 * Who was seen where: one byte for each member of a population (author
 * ranks, or persons), bit pl set once seen on platform pl, and the distinct
 * counts kept up as marks come in.
 */
typedef struct demo_seen {
    uint8_t *on; /* NULL: nobody is counting */
    size_t size;
    int64_t all, by_platform[N_PLATFORMS];
} demo_seen;

static skpi_status seen_init(demo_seen *s, int counting, size_t size)
{
    memset(s, 0, sizeof *s);
    if (!counting)
        return SKPI_OK;
    s->on = calloc(size, 1);
    s->size = size;
    return s->on != NULL ? SKPI_OK : SKPI_ENOMEM;
}

static void seen_mark(demo_seen *s, int pl, uint32_t who)
{
    if (s->on == NULL)
        return;
    uint8_t bit = (uint8_t)(1u << pl), was = s->on[who];
    if (was & bit)
        return;
    s->on[who] = (uint8_t)(was | bit);
    s->all += was == 0;
    s->by_platform[pl]++;
}

/* Hand over the counts, and start counting afresh. */
static void seen_take(demo_seen *s, int64_t *all, int64_t by_platform[N_PLATFORMS])
{
    if (s->on == NULL)
        return;
    *all = s->all;
    for (int pl = 0; pl < N_PLATFORMS; pl++)
        by_platform[pl] = s->by_platform[pl];
    memset(s->on, 0, s->size);
    s->all = 0;
    memset(s->by_platform, 0, sizeof s->by_platform);
}

static int by_value(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The value at rank floor(q (n - 1)) of sorted v, as the library ranks. */
static int64_t at_rank(const int64_t *v, size_t n, double q)
{
    return v[(size_t)floor(q * (double)(n - 1))];
}

/* Everything about the messages that the generator knows exactly. */
static skpi_status truth_messages(const demo_plan *p, demo_truth *tr)
{
    int64_t *delay = malloc((p->n_msg > 0 ? p->n_msg : 1) * sizeof *delay);
    size_t n = 0;
    int64_t sum = 0, oldest = -1;

    if (delay == NULL)
        return SKPI_ENOMEM;
    tr->from = p->from;
    tr->to = p->to;
    tr->messages = (int64_t)p->n_msg;
    for (size_t i = 0; i < p->n_msg; i++) {
        const demo_message *msg = &p->msg[i];
        if (msg->replied >= 0) {
            delay[n++] = msg->replied - msg->received;
            sum += msg->replied - msg->received;
            tr->answered_late += msg->replied >= p->to;
        }
        if (msg->category != SKPI_CATEGORY_THANKS &&
            (msg->replied < 0 || msg->replied >= p->to)) {
            tr->backlog++;
            if (oldest < 0 || msg->received < oldest)
                oldest = msg->received;
        }
        if (msg->again >= 0) {
            tr->later_replies_all++;
            tr->later_replies += msg->again >= p->from && msg->again < p->to;
        }
        tr->duplicate_messages += msg->duplicate;
    }
    for (int k = 0; k < DEMO_DELETED; k++)
        tr->unmatched_replies +=
            p->deleted[k].replied >= p->from && p->deleted[k].replied < p->to;
    for (int d = 0; d < DEMO_DAYS && oldest >= 0; d++)
        if (p->day[d] <= oldest && oldest < p->day[d + 1])
            tr->backlog_oldest = p->day[d];
    tr->answered = (int64_t)n;
    if (n > 0) {
        qsort(delay, n, sizeof *delay, by_value);
        tr->frt_min = delay[0];
        tr->frt_max = delay[n - 1];
        tr->frt_mean = (double)sum / (double)n;
        tr->frt_p50 = at_rank(delay, n, 0.5);
        tr->frt_p90 = at_rank(delay, n, 0.9);
        tr->frt_p95 = at_rank(delay, n, 0.95);
        tr->frt_p99 = at_rank(delay, n, 0.99);
    }
    free(delay);
    return SKPI_OK;
}

/* ===================================================================== */
/* Recording                                                              */
/* ===================================================================== */

#define TRY(call)                         \
    do {                                  \
        skpi_status try_st_ = (call);     \
        if (try_st_ != SKPI_OK)           \
            return try_st_;               \
    } while (0)

/* A call that must give `want` (a refused event that is counted): any
 * other status is an error, and SKPI_OK then means the library accepted
 * what it should not have. */
static skpi_status expect(skpi_status got, skpi_status want)
{
    if (got == want)
        return SKPI_OK;
    return got != SKPI_OK ? got : SKPI_EINVAL;
}

/*
 * Where the plan goes: recorded into a tracker, or written as a CSV event
 * log (doc/csv-events.md) that gives the same tracker when ingested.  In
 * CSV mode `t` only names things (slugs) and writes times in its zone.
 * Each put_* returns what the recording call returns, and takes the status
 * a refused-but-counted event must give (`want`).
 */
typedef struct demo_sink {
    skpi_tracker *t;
    FILE *csv; /* NULL: record into t */
} demo_sink;

/* One CSV row; the text fields (slugs and the demo's ids) need no quoting. */
static skpi_status put_row(const demo_sink *s, uint32_t platform, int64_t time,
                           const char *event, const char *sub, int64_t count,
                           const char *actor, const char *ref, int64_t value)
{
    char when[SKPI_TIME_BUFSIZE], num[24] = "", val[24] = "";
    skpi_status st = skpi_time_format(s->t, time, when, sizeof when);
    if (st != SKPI_OK)
        return st;
    if (count != 1)
        snprintf(num, sizeof num, "%lld", (long long)count);
    if (value >= 0)
        snprintf(val, sizeof val, "%lld", (long long)value);
    if (fprintf(s->csv, "%s,%s,%s,%s,%s,%s,%s,%s\n", when,
                skpi_taxonomy_slug(s->t, SKPI_PLATFORM, platform), event,
                sub != NULL ? sub : "", num, actor != NULL ? actor : "",
                ref != NULL ? ref : "", val) < 0)
        return SKPI_EIO;
    return SKPI_OK;
}

static skpi_status put_message_id(const demo_sink *s, uint32_t platform,
                                  uint32_t category, int64_t time, const char *id,
                                  const char *author, skpi_status want)
{
    if (s->csv != NULL)
        return put_row(s, platform, time, "message",
                       skpi_taxonomy_slug(s->t, SKPI_CATEGORY, category), 1, author,
                       id, -1);
    return expect(skpi_record_message_id(s->t, platform, category, time, id, author),
                  want);
}

static skpi_status put_reply(const demo_sink *s, uint32_t platform, const char *id,
                             int64_t time, skpi_status want)
{
    if (s->csv != NULL)
        return put_row(s, platform, time, "reply", NULL, 1, NULL, id, -1);
    return expect(skpi_record_reply(s->t, platform, id, time), want);
}

static skpi_status put_rating(const demo_sink *s, uint32_t platform, int64_t time,
                              int score)
{
    if (s->csv != NULL)
        return put_row(s, platform, time, "rating", NULL, 1, NULL, NULL, score);
    return skpi_record_rating(s->t, platform, time, score);
}

/* Engagements of `kind`, by `person` when not NULL. */
static skpi_status put_engagement(const demo_sink *s, uint32_t platform, uint32_t kind,
                                  int64_t time, int64_t count, const char *person)
{
    if (s->csv != NULL)
        return put_row(s, platform, time, "engagement",
                       skpi_taxonomy_slug(s->t, SKPI_KIND, kind), count, person, NULL,
                       -1);
    if (person != NULL)
        return skpi_record_engagement_by(s->t, platform, kind, time, count, person);
    return skpi_record_engagement(s->t, platform, kind, time, count);
}

static skpi_status put_posts(const demo_sink *s, uint32_t platform, int64_t time,
                             int64_t count)
{
    if (s->csv != NULL)
        return put_row(s, platform, time, "post", NULL, count, NULL, NULL, -1);
    return skpi_record_posts(s->t, platform, time, count);
}

static skpi_status put_followers(const demo_sink *s, uint32_t platform, int64_t time,
                                 int64_t tally)
{
    if (s->csv != NULL)
        return put_row(s, platform, time, "followers", NULL, 1, NULL, NULL, tally);
    return skpi_record_followers(s->t, platform, time, tally);
}

static skpi_status put_follower(const demo_sink *s, uint32_t platform, int64_t time,
                                const char *person)
{
    if (s->csv != NULL)
        return put_row(s, platform, time, "follower", NULL, 1, person, NULL, -1);
    return skpi_record_follower(s->t, platform, time, person);
}

static skpi_status record_messages(const demo_sink *s, const demo_plan *p,
                                   demo_seen *authors)
{
    char id[MESSAGE_ID_SIZE], who[PERSON_ID_SIZE];
    for (size_t i = 0; i < p->n_msg; i++) {
        const demo_message *msg = &p->msg[i];
        message_id(msg, id);
        person_id(author_person(msg->author), who);
        TRY(put_message_id(s, msg->platform, msg->category, msg->received, id, who,
                           SKPI_OK));
        seen_mark(authors, (int)msg->platform, msg->author);
        if (msg->duplicate)
            TRY(put_message_id(s, msg->platform, msg->category, msg->received, id,
                               who, SKPI_EDUPLICATE));
        if (msg->replied >= 0)
            TRY(put_reply(s, msg->platform, id, msg->replied, SKPI_OK));
        if (msg->again >= 0) /* counted as a later reply */
            TRY(put_reply(s, msg->platform, id, msg->again, SKPI_OK));
        if (msg->score > 0)
            TRY(put_rating(s, msg->platform, msg->rated, msg->score));
    }
    for (int k = 0; k < DEMO_DELETED; k++) {
        message_id(&p->deleted[k], id);
        TRY(put_reply(s, p->deleted[k].platform, id, p->deleted[k].replied,
                      SKPI_EUNMATCHED));
    }
    return SKPI_OK;
}

static int by_person(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The `n` comments of platform pl on day d, one row per commenter: who
 * comments is drawn for each comment, and a commenter's comments of the
 * day make one row.  `buf` holds n persons. */
static skpi_status record_commenters(const demo_sink *s, const demo_plan *p, int pl, int d,
                                     int64_t n, demo_rng *g, uint32_t *buf,
                                     demo_seen *seen, int64_t *rows)
{
    const struct demo_platform *dp = &demo_platforms[pl];
    uint32_t len = dp->follow_hi - dp->follow_lo;
    double pool = (double)(len / COMMENTER_SHARE);
    char who[PERSON_ID_SIZE];

    for (int64_t i = 0; i < n; i++) {
        double u = rng_unit(g);
        uint64_t rank = (uint64_t)(pool * u * u);
        /* 999,983 is a prime that divides no platform's length. */
        buf[i] = dp->follow_lo + (uint32_t)(rank * UINT64_C(999983) % len);
    }
    qsort(buf, (size_t)n, sizeof *buf, by_person);
    for (int64_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && buf[j] == buf[i]; j++) {
        }
        person_id(buf[i], who);
        TRY(put_engagement(s, dp->id, SKPI_KIND_COMMENT, p->day[d] + 12 * 3600, j - i,
                           who));
        seen_mark(seen, pl, buf[i]);
        (*rows)++;
    }
    return SKPI_OK;
}

/* Posts, engagement and follower tallies, day by day; with `g` (the
 * DEMO_ENGAGER_IDS generator) comments by commenter. */
static skpi_status record_days(const demo_sink *s, const demo_plan *p, demo_rng *g,
                               demo_seen *engagers, int64_t *rows)
{
    uint32_t *buf = NULL;
    skpi_status st = SKPI_OK;

    if (g != NULL) {
        int64_t most = 1;
        for (int pl = 0; pl < N_PLATFORMS; pl++)
            for (int k = 0; k < N_KINDS; k++)
                for (int d = 0; d < DEMO_DAYS; d++)
                    if (p->engagement[pl][k][d] > most)
                        most = p->engagement[pl][k][d];
        buf = malloc((size_t)most * sizeof *buf);
        if (buf == NULL)
            return SKPI_ENOMEM;
    }
    for (int d = 0; d < DEMO_DAYS && st == SKPI_OK; d++) {
        for (int pl = 0; pl < N_PLATFORMS && st == SKPI_OK; pl++) {
            uint32_t id = demo_platforms[pl].id;
            /* Posts go out in the morning; engagement is one aggregated
             * row per kind and day (comments, with g, one per commenter);
             * followers are read late at night. */
            st = put_posts(s, id, p->day[d] + 9 * 3600, p->posts[pl][d]);
            for (int k = 0; k < N_KINDS && st == SKPI_OK; k++) {
                int64_t n = p->engagement[pl][k][d];
                if (n == 0)
                    continue;
                if (g != NULL && demo_kinds[k].id == SKPI_KIND_COMMENT)
                    st = record_commenters(s, p, pl, d, n, g, buf, engagers, rows);
                else
                    st = put_engagement(s, id, demo_kinds[k].id,
                                        p->day[d] + 12 * 3600, n, NULL);
            }
            if (st == SKPI_OK)
                st = put_followers(s, id, p->day[d + 1] - 1800,
                                   p->followers[pl][d]);
        }
    }
    free(buf);
    return st;
}

/* The follower lists of the last day, read with the last tallies: every
 * person of a platform's range, once. */
static skpi_status record_follower_lists(const demo_sink *s, const demo_plan *p,
                                         demo_seen *seen)
{
    char who[PERSON_ID_SIZE];
    int64_t at = p->day[DEMO_DAYS] - 1800;
    for (int pl = 0; pl < N_PLATFORMS; pl++) {
        const struct demo_platform *dp = &demo_platforms[pl];
        for (uint32_t person = dp->follow_lo; person < dp->follow_hi; person++) {
            person_id(person, who);
            TRY(put_follower(s, dp->id, at, who));
            seen_mark(seen, pl, person);
        }
    }
    return SKPI_OK;
}

static skpi_status record_plan(const demo_sink *s, const demo_plan *p, unsigned flags,
                               demo_truth *tr)
{
    demo_rng g_people = {DEMO_SEED_PEOPLE};
    demo_seen authors, seen;
    skpi_status st;

    /* Authors are counted by rank, commenters and followers by person
     * (only when recorded: a byte for each of 2.5 million persons). */
    if ((st = seen_init(&authors, tr != NULL, AUTHOR_POOL)) != SKPI_OK)
        return st;
    if ((st = seen_init(&seen, tr != NULL && (flags & DEMO_ALL) != 0, DEMO_PERSONS)) !=
        SKPI_OK) {
        free(authors.on);
        return st;
    }
    st = record_messages(s, p, &authors);
    if (tr != NULL)
        seen_take(&authors, &tr->authors, tr->authors_by_platform);
    if (st == SKPI_OK) {
        int64_t rows = 0;
        st = record_days(s, p, (flags & DEMO_ENGAGER_IDS) ? &g_people : NULL, &seen,
                         &rows);
        if (tr != NULL) {
            seen_take(&seen, &tr->engagers, tr->engagers_by_platform);
            tr->engager_rows = rows;
        }
    }
    if (st == SKPI_OK && (flags & DEMO_FOLLOWER_IDS)) {
        st = record_follower_lists(s, p, &seen);
        if (tr != NULL)
            seen_take(&seen, &tr->followers, tr->followers_by_platform);
    }
    free(authors.on);
    free(seen.on);
    return st;
}

/* ===================================================================== */
/* Public entry points                                                    */
/* ===================================================================== */

const char *demo_holiday(size_t i)
{
    return i < N_HOLIDAYS ? demo_holidays[i] : NULL;
}

const char *demo_period(void)
{
    return DEMO_PERIOD;
}

skpi_status demo_options(skpi_options *o)
{
    static const int open_days[] = {SKPI_SUNDAY, SKPI_MONDAY, SKPI_TUESDAY,
                                    SKPI_WEDNESDAY, SKPI_THURSDAY};
    if (o == NULL)
        return SKPI_EINVAL;
    TRY(skpi_options_set_zone(o, "+04:00"));
    for (size_t i = 0; i < sizeof open_days / sizeof open_days[0]; i++)
        TRY(skpi_options_add_business_hours(o, open_days[i], "07:30", "14:30"));
    for (size_t i = 0; i < N_HOLIDAYS; i++)
        TRY(skpi_options_add_holiday(o, demo_holidays[i]));
    return SKPI_OK;
}

/* Plan the half year and send it to `s` (see demo_build_truth()). */
static skpi_status demo_run(const demo_sink *s, unsigned flags, demo_truth *truth)
{
    skpi_tracker *t = s->t;
    demo_rng g = {DEMO_SEED}, g_ids = {DEMO_SEED_IDS};
    demo_truth tr;
    demo_plan *p;
    int lo, hi, satisfied;
    skpi_status st;

    if (t == NULL)
        return SKPI_EINVAL;
    if ((flags & ~DEMO_ALL) != 0)
        return SKPI_EOPTION;
    if ((st = skpi_tracker_rating_scale(t, &lo, &hi, &satisfied)) != SKPI_OK)
        return st;
    if (lo != 1 || hi != N_SCORES || satisfied != 4)
        return SKPI_EOPTION;

    p = calloc(1, sizeof *p);
    if (p == NULL)
        return SKPI_ENOMEM;
    memset(&tr, 0, sizeof tr);
    st = plan_days(t, p);
    if (st == SKPI_OK)
        st = plan_engagement(p, &g);
    if (st == SKPI_OK)
        st = plan_followers(p, &g);
    if (st == SKPI_OK)
        st = plan_message_counts(p, &g);
    if (st == SKPI_OK)
        st = plan_messages(p, &g);
    if (st == SKPI_OK)
        st = plan_ids(p, &g_ids);
    if (st == SKPI_OK)
        st = record_plan(s, p, flags, truth != NULL ? &tr : NULL);
    if (st == SKPI_OK && truth != NULL)
        st = truth_messages(p, &tr);
    if (st == SKPI_OK && truth != NULL)
        *truth = tr;
    free(p->msg);
    free(p);
    return st;
}

skpi_status demo_build_truth(skpi_tracker *t, unsigned flags, demo_truth *truth)
{
    demo_sink s = {t, NULL};
    return demo_run(&s, flags, truth);
}

skpi_status demo_write_csv(skpi_tracker *t, FILE *out, unsigned flags)
{
    demo_sink s = {t, out};
    if (t == NULL || out == NULL)
        return SKPI_EINVAL;
    if (fputs("time,platform,event,category,count,actor,ref,value\n", out) < 0)
        return SKPI_EIO;
    return demo_run(&s, flags, NULL);
}

skpi_status demo_build(skpi_tracker *t, unsigned flags)
{
    return demo_build_truth(t, flags, NULL);
}
