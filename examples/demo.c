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
 */
#include "demo.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* ===================================================================== */
/* The figures (seed/FACTS.md), and the choices made around them          */
/* ===================================================================== */

#define DEMO_PERIOD "2024-H1"
#define DEMO_DAYS 182 /* 2024-01-01 .. 2024-06-30: 2024 is a leap year */
#define DEMO_SEED UINT64_C(0x2024A1D0C0FFEE11)

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
 */
static const struct demo_platform {
    uint32_t id;
    uint64_t message_share;    /* percent of messages */
    uint64_t engagement_share; /* percent of engagements */
    int64_t followers_start;   /* reading of 2024-01-01 */
    int64_t followers_end;     /* reading of 2024-06-30: the report's */
    int64_t posts_min, posts_max; /* posts on a working day */
} demo_platforms[N_PLATFORMS] = {
    {SKPI_PLATFORM_TWITTER, 50, 55, 1552000, 1700000, 3, 7},
    {SKPI_PLATFORM_FACEBOOK, 30, 30, 861500, 900000, 1, 3},
    {SKPI_PLATFORM_INSTAGRAM, 20, 15, 571000, 635000, 1, 2},
};

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
    uint32_t platform;
    uint32_t category;
    int score; /* 0: not rated */
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
/* Recording                                                              */
/* ===================================================================== */

#define TRY(call)                         \
    do {                                  \
        skpi_status try_st_ = (call);     \
        if (try_st_ != SKPI_OK)           \
            return try_st_;               \
    } while (0)

static skpi_status record_plan(skpi_tracker *t, const demo_plan *p)
{
    for (size_t i = 0; i < p->n_msg; i++) {
        const demo_message *msg = &p->msg[i];
        TRY(skpi_record_message(t, msg->platform, msg->category, msg->received));
        if (msg->replied >= 0)
            TRY(skpi_record_response(t, msg->platform, msg->category,
                                     msg->received, msg->replied));
        if (msg->score > 0)
            TRY(skpi_record_rating(t, msg->platform, msg->rated, msg->score));
    }
    for (int d = 0; d < DEMO_DAYS; d++) {
        for (int pl = 0; pl < N_PLATFORMS; pl++) {
            uint32_t id = demo_platforms[pl].id;
            /* Posts go out in the morning; engagement is one aggregated
             * row per kind and day; followers are read late at night. */
            TRY(skpi_record_posts(t, id, p->day[d] + 9 * 3600, p->posts[pl][d]));
            for (int k = 0; k < N_KINDS; k++)
                if (p->engagement[pl][k][d] > 0)
                    TRY(skpi_record_engagement(t, id, demo_kinds[k].id,
                                               p->day[d] + 12 * 3600,
                                               p->engagement[pl][k][d]));
            TRY(skpi_record_followers(t, id, p->day[d + 1] - 1800,
                                      p->followers[pl][d]));
        }
    }
    return SKPI_OK;
}

/* ===================================================================== */
/* Public entry points                                                    */
/* ===================================================================== */

const char *demo_period(void)
{
    return DEMO_PERIOD;
}

skpi_status demo_build(skpi_tracker *t)
{
    demo_rng g = {DEMO_SEED};
    demo_plan *p;
    int lo, hi, satisfied;
    skpi_status st;

    if (t == NULL)
        return SKPI_EINVAL;
    if ((st = skpi_tracker_rating_scale(t, &lo, &hi, &satisfied)) != SKPI_OK)
        return st;
    if (lo != 1 || hi != N_SCORES || satisfied != 4)
        return SKPI_EOPTION;

    p = calloc(1, sizeof *p);
    if (p == NULL)
        return SKPI_ENOMEM;
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
        st = record_plan(t, p);
    free(p->msg);
    free(p);
    return st;
}
