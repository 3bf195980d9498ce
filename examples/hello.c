/* hello.c -- the smallest useful libsocialkpi program: record, report, read. */
#include <stdio.h>

#include <socialkpi.h>

/* Every call returns a status: stop at the first one that is not SKPI_OK. */
#define CHECK(call)                                                       \
    do {                                                                  \
        skpi_status st_ = (call);                                         \
        if (st_ != SKPI_OK) {                                             \
            fprintf(stderr, "hello: %s: %s\n", #call, skpi_strerror(st_)); \
            goto done;                                                    \
        }                                                                 \
    } while (0)

int main(void)
{
    skpi_options *opts = NULL;
    skpi_tracker *t = NULL;
    skpi_report *r = NULL;
    int64_t t1, t2, from, to, messages, expected, answered, ratings, satisfied;
    double rate, csat;
    int rc = 1;

    CHECK(skpi_options_new(&opts));
    CHECK(skpi_options_set_zone(opts, "+04:00"));
    CHECK(skpi_tracker_new(opts, &t));

    /* A traffic inquiry on X, answered 25 minutes later and rated 5 ... */
    CHECK(skpi_time_parse("2024-03-05T10:12:00+04:00", &t1));
    CHECK(skpi_time_parse("2024-03-05T10:37:00+04:00", &t2));
    CHECK(skpi_record_message_slug(t, "twitter", "traffic_inquiry", t1));
    CHECK(skpi_record_response_slug(t, "twitter", "traffic_inquiry", t1, t2));
    CHECK(skpi_record_rating_slug(t, "twitter", t2 + 600, 5));
    /* ... an unanswered complaint, and thanks, which expect no answer. */
    CHECK(skpi_record_message(t, SKPI_PLATFORM_FACEBOOK,
                              SKPI_CATEGORY_SERVICE_COMPLAINT, t1 + 3600));
    CHECK(skpi_record_message(t, SKPI_PLATFORM_INSTAGRAM, SKPI_CATEGORY_THANKS, t2));
    CHECK(skpi_record_rating(t, SKPI_PLATFORM_FACEBOOK, t2, 3));

    CHECK(skpi_period_parse(t, "2024-03", &from, &to));
    CHECK(skpi_report_new(t, from, to, NULL, 0, &r));
    CHECK(skpi_report_messages(r, SKPI_ALL, SKPI_ALL, &messages));
    CHECK(skpi_report_responses(r, SKPI_ALL, SKPI_ALL, &expected, &answered, &rate));
    CHECK(skpi_report_csat(r, SKPI_ALL, &ratings, &satisfied, &csat, NULL));
    printf("messages: %lld\n", (long long)messages);
    printf("response rate: %lld / %lld = %.2f\n", (long long)answered,
           (long long)expected, rate);
    printf("CSAT: %lld / %lld = %.2f\n", (long long)satisfied, (long long)ratings, csat);
    rc = 0;
done:
    skpi_report_free(r);
    skpi_tracker_free(t);
    skpi_options_free(opts);
    return rc;
}
