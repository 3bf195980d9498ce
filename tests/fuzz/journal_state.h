/*
 * journal_state.h -- the durable state behind the journal fuzz target.
 *
 * fuzz_journal.c puts its inputs beside a snapshot made by these functions,
 * and gen_corpus.c makes the target's seed journals with them, so that the
 * seeds continue that very snapshot: the same options and the same first
 * records (js_prefix()), whose sequence numbers the snapshot covers.
 * Public API only; header-only (static inline: each includer uses a
 * part), for tests/fuzz.
 */
#ifndef SKPI_JOURNAL_STATE_H
#define SKPI_JOURNAL_STATE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "socialkpi.h"

#define JS_D0 INT64_C(1709251200) /* 2024-03-01T00:00:00Z */
#define JS_PREFIX 4               /* records js_prefix() journals */

/* Input flags: the first byte of a fuzz input. */
#define JS_SNAPSHOT 1u  /* the snapshot of js_snapshot() beside the journal */
#define JS_REPAIR 2u    /* open with SKPI_JOURNAL_REPAIR */
#define JS_CUSTOM 4u    /* without a snapshot: js_options(1), else defaults */
#define JS_NO_FILE 8u   /* no journal file at all (the rest is ignored) */

static inline void js_must(skpi_status st, skpi_status want, const char *what)
{
    if (st != want) {
        fprintf(stderr, "journal_state: %s: %s, not %s\n", what,
                skpi_status_name(st), skpi_status_name(want));
        abort();
    }
}

/* Custom options (another zone, a 0..8 rating scale) or NULL. */
static inline skpi_options *js_options(int custom)
{
    if (!custom)
        return NULL;
    skpi_options *o = NULL;
    js_must(skpi_options_new(&o), SKPI_OK, "options");
    js_must(skpi_options_set_zone(o, "+04:00"), SKPI_OK, "zone");
    js_must(skpi_options_set_rating_scale(o, 0, 8, 7), SKPI_OK, "scale");
    return o;
}

/* The first JS_PREFIX records of every seed: a platform, a message, its
 * reply, a rating. */
static inline void js_prefix(skpi_tracker *t)
{
    uint32_t id;
    js_must(skpi_taxonomy_add(t, SKPI_PLATFORM, "tiktok", "TikTok", &id), SKPI_OK,
            "platform");
    js_must(skpi_record_message_id(t, id, 1, JS_D0 + 60, "p0", "ann"), SKPI_OK,
            "message");
    js_must(skpi_record_reply(t, id, "p0", JS_D0 + 900), SKPI_OK, "reply");
    js_must(skpi_record_rating(t, 0, JS_D0 + 99, 4), SKPI_OK, "rating");
}

/*
 * One change of every journalled kind when `kind` is 0, else only kind k
 * (1..15: the record types of lib/internal.h, then the refusals that are
 * journalled: a duplicate id, an unmatched reply, a reply before its
 * message).
 */
static inline void js_events(skpi_tracker *t, int kind, int custom)
{
    int64_t at = JS_D0 + 86400 * 3;
    for (int k = 1; k <= 15; k++) {
        if (kind != 0 && k != kind)
            continue;
        skpi_status st;
        switch (k) {
        case 1: st = skpi_record_message(t, 1, 2, at); break;
        case 2: st = skpi_record_response(t, 2, 3, at, at + 4000); break;
        case 3: st = skpi_record_engagement(t, 0, 1, at, 12); break;
        case 4: st = skpi_record_posts(t, 1, at, 2); break;
        case 5: st = skpi_record_followers(t, 2, at, 1700000); break;
        case 6: st = skpi_record_rating(t, 1, at, custom ? 0 : 5); break;
        case 7: st = skpi_record_message_id(t, 0, 4, at, "m1", "bob"); break;
        case 8:
            (void)skpi_record_message_id(t, 0, 4, at, "m2", NULL);
            st = skpi_record_reply(t, 0, "m2", at + 86400 * 12);
            break;
        case 9: st = skpi_record_engagement_by(t, 1, 2, at, 3, "carol"); break;
        case 10: st = skpi_record_follower(t, 0, at, "dave"); break;
        case 11: st = skpi_taxonomy_add(t, SKPI_KIND, "save", "Saves \xe2\x9c\x93", NULL); break;
        case 12: st = skpi_category_add(t, "refund", "Refunds", SKPI_GROUP_COMPLAINT, 1, NULL); break;
        case 13:
            (void)skpi_record_message_id(t, 0, 0, at, "dup", NULL);
            st = skpi_record_message_id(t, 0, 0, at + 5, "dup", NULL) == SKPI_EDUPLICATE
                     ? SKPI_OK : SKPI_EINVAL;
            break;
        case 14:
            st = skpi_record_reply(t, 0, "nobody", at) == SKPI_EUNMATCHED ? SKPI_OK
                                                                          : SKPI_EINVAL;
            break;
        default:
            (void)skpi_record_message_id(t, 1, 0, at + 600, "late", NULL);
            st = skpi_record_reply(t, 1, "late", at) == SKPI_EORDER ? SKPI_OK : SKPI_EINVAL;
        }
        js_must(st, SKPI_OK, "event");
    }
}

#endif /* SKPI_JOURNAL_STATE_H */
