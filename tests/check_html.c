/*
 * check_html.c -- the HTML report: the figures of a small known tracker in
 * its tiles and tables, escaping, right-to-left labels, no URL and no
 * script, how the range is cut into slices (days, hours across daylight
 * saving time, months, years), the change against the previous period,
 * flags, errors, determinism, and the founding half year.
 *
 * `check_html --print FILE` writes the page of the founding half year (with
 * a previous half year and Arabic labels added, see rich_tracker()) to
 * FILE, for tests/test-html.sh to render in a browser.
 */
#include <ctype.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "demo.h"
#include "testutil.h"

#define NBSP "\xC2\xA0"
#define MINUS "\xE2\x88\x92"
#define NDASH "\xE2\x80\x93"
#define UP "<span aria-hidden=\"true\">\xE2\x96\xB2</span> "
#define DOWN "<span aria-hidden=\"true\">\xE2\x96\xBC</span> "
#define FSI "\xE2\x81\xA8"
#define PDI "\xE2\x81\xA9"
#define WHATSAPP_AR "\xD9\x88\xD8\xA7\xD8\xAA\xD8\xB3\xD8\xA7\xD8\xA8" /* واتساب */
#define PRAISE_AR "\xD8\xAB\xD9\x86\xD8\xA7\xD8\xA1"                    /* ثناء */

/* ===================================================================== */
/* Helpers                                                               */
/* ===================================================================== */

/* Render a page that must succeed; its length must match. */
static char *render(const skpi_tracker *t, int64_t from, int64_t to,
                    const uint32_t *platforms, size_t n, unsigned flags)
{
    char *html = NULL;
    size_t len = 0;
    ck_assert_status(skpi_report_html(t, from, to, platforms, n, flags, &html, &len),
                     SKPI_OK);
    ck_assert_ptr_nonnull(html);
    ck_assert_uint_eq(len, strlen(html));
    return html;
}

#define has(html, needle) \
    ck_assert_msg(strstr((html), (needle)) != NULL, "missing: %s", (needle))
#define lacks(html, needle) \
    ck_assert_msg(strstr((html), (needle)) == NULL, "present: %s", (needle))

/* How many times needle occurs in s. */
static size_t count(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(s, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* The value of the tile titled `title` (what its <p class="v"> holds). */
static const char *tile_value(const char *html, const char *title)
{
    static char value[128];
    char key[128];
    snprintf(key, sizeof key, "<h3>%s</h3><p class=\"v\">", title);
    const char *p = strstr(html, key);
    ck_assert_msg(p != NULL, "no tile %s", title);
    p += strlen(key);
    size_t n = (size_t)(strstr(p, "</p>") - p);
    ck_assert_uint_lt(n, sizeof value);
    memcpy(value, p, n);
    value[n] = '\0';
    return value;
}

/* The detail line (<p class="d">) of the tile titled `title`. */
static const char *tile_detail(const char *html, const char *title)
{
    static char detail[256];
    char key[128];
    snprintf(key, sizeof key, "<h3>%s</h3>", title);
    const char *p = strstr(html, key);
    ck_assert_msg(p != NULL, "no tile %s", title);
    p = strstr(p, "<p class=\"d\">") + strlen("<p class=\"d\">");
    size_t n = (size_t)(strstr(p, "</p>") - p);
    ck_assert_uint_lt(n, sizeof detail);
    memcpy(detail, p, n);
    detail[n] = '\0';
    return detail;
}

/* The change line of the tile titled `title`, or "" if it has none. */
static const char *tile_change(const char *html, const char *title)
{
    static char change[256];
    char key[128];
    snprintf(key, sizeof key, "<h3>%s</h3>", title);
    const char *p = strstr(html, key);
    ck_assert_msg(p != NULL, "no tile %s", title);
    const char *end = strstr(p, "</div>");
    p = strstr(p, "<p class=\"c\">");
    if (p == NULL || p > end)
        return "";
    p += strlen("<p class=\"c\">");
    size_t n = (size_t)(strstr(p, "</p>") - p);
    ck_assert_uint_lt(n, sizeof change);
    memcpy(change, p, n);
    change[n] = '\0';
    return change;
}

/* Whether s contains needle, ignoring ASCII case. */
static bool has_nocase(const char *s, const char *needle)
{
    size_t n = strlen(needle);
    for (; *s != '\0'; s++) {
        size_t i = 0;
        while (i < n && s[i] != '\0' &&
               tolower((unsigned char)s[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return true;
    }
    return false;
}

/*
 * What every page must satisfy: nothing that could fetch or run anything,
 * every '<' opening a tag and every '&' a character reference (so no label
 * leaked unescaped), every chart an image with a name, and every section
 * holding a chart also holding a table with its figures.
 */
static void check_page(const char *html)
{
    static const char *const banned[] = {"http://", "https://", "<script",
                                         "javascript:", "src=", "href=",
                                         "url(", "@import", "<link",
                                         "<iframe", "<img", "<object"};
    for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++)
        ck_assert_msg(!has_nocase(html, banned[i]), "page holds %s", banned[i]);
    ck_assert(strncmp(html, "<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\">", 41) == 0);
    has(html, "<meta charset=\"utf-8\">");
    has(html, "content=\"default-src 'none'; style-src 'unsafe-inline'\"");

    for (const char *p = html; *p != '\0'; p++) {
        if (*p == '<')
            ck_assert_msg(isalpha((unsigned char)p[1]) || p[1] == '/' || p[1] == '!',
                          "stray '<' at offset %td", p - html);
        if (*p == '&') {
            size_t n = strspn(p + 1, "abcdefghijklmnopqrstuvwxyz0123456789#");
            ck_assert_msg(n > 0 && p[1 + n] == ';', "stray '&' at offset %td",
                          p - html);
        }
    }
    ck_assert_uint_eq(count(html, "<svg "), count(html, "role=\"img\" aria-label=\""));
    for (const char *s = strstr(html, "<section"); s != NULL;
         s = strstr(s + 1, "<section")) {
        const char *end = strstr(s, "</section>");
        ck_assert_ptr_nonnull(end);
        const char *svg = strstr(s, "<svg");
        if (svg != NULL && svg < end) {
            const char *table = strstr(s, "<table>");
            ck_assert_msg(table != NULL && table < end, "a chart without a table");
        }
    }
    ck_assert(strcmp(html + strlen(html) - 16, "</body>\n</html>\n") == 0);
}

/* The row of a table headed by `name`, through its end. */
static const char *row(const char *html, const char *name)
{
    static char text[1024];
    char key[96];
    snprintf(key, sizeof key, "<tr><th scope=\"row\">%s</th>", name);
    const char *p = strstr(html, key);
    ck_assert_msg(p != NULL, "no row %s", name);
    size_t n = (size_t)(strstr(p, "</tr>") + 5 - p);
    ck_assert_uint_lt(n, sizeof text);
    memcpy(text, p, n);
    text[n] = '\0';
    return text;
}

/* ===================================================================== */
/* A small known tracker                                                 */
/* ===================================================================== */

static skpi_tracker *t;
static int64_t day0, day1;

/*
 * One day, 2024-03-10 (UTC): three inquiries and remarks and one thanks,
 * two of the three answered (after 10 min and 2 h), two ratings (5 and 3),
 * 235,567 engagements on 3 posts, and two follower tallies.
 */
static void setup(void)
{
    t = tracker_in("Z", SKPI_BUCKET_DAY);
    day0 = at("2024-03-10T00:00:00Z");
    day1 = at("2024-03-11T00:00:00Z");
    int64_t ten = at("2024-03-10T10:00:00Z"), noon = at("2024-03-10T12:00:00Z");
    ck_assert_status(skpi_record_message(t, 0, 0, ten), SKPI_OK);
    ck_assert_status(skpi_record_message(t, 0, 0, ten), SKPI_OK);
    ck_assert_status(skpi_record_response(t, 0, 0, ten, ten + 600), SKPI_OK);
    ck_assert_status(skpi_record_message(t, 1, SKPI_CATEGORY_SERVICE_COMPLAINT, noon), SKPI_OK);
    ck_assert_status(skpi_record_response(t, 1, SKPI_CATEGORY_SERVICE_COMPLAINT, noon, noon + 7200), SKPI_OK);
    ck_assert_status(skpi_record_message(t, 1, SKPI_CATEGORY_THANKS, noon + 3600), SKPI_OK);
    ck_assert_status(skpi_record_rating(t, 0, ten, 5), SKPI_OK);
    ck_assert_status(skpi_record_rating(t, 1, noon, 3), SKPI_OK);
    ck_assert_status(skpi_record_engagement(t, 0, SKPI_KIND_LIKE, ten, 1000), SKPI_OK);
    ck_assert_status(skpi_record_engagement(t, 1, SKPI_KIND_SHARE, noon, 234567), SKPI_OK);
    ck_assert_status(skpi_record_posts(t, 0, ten, 2), SKPI_OK);
    ck_assert_status(skpi_record_posts(t, 1, noon, 1), SKPI_OK);
    ck_assert_status(skpi_record_followers(t, 0, ten, 1234567), SKPI_OK);
    ck_assert_status(skpi_record_followers(t, 1, ten + 3600, 89012), SKPI_OK);
}

static void teardown(void)
{
    skpi_tracker_free(t);
    t = NULL;
}

START_TEST(test_tiles)
{
    char *html = render(t, day0, day1, NULL, 0, 0);
    check_page(html);
    ck_assert_str_eq(tile_value(html, "Inquiries and remarks"), "3");
    ck_assert_str_eq(tile_detail(html, "Inquiries and remarks"),
                     "4 messages in all, 1 of them appreciation");
    ck_assert_str_eq(tile_value(html, "Response rate"), "66.7" NBSP "%");
    ck_assert_str_eq(tile_detail(html, "Response rate"),
                     "2 answered of 3 expecting an answer");
    /* Both percentiles sit at rank 0 of {600, 7200}: 600 s within 1 %. */
    ck_assert_str_eq(tile_value(html, "First response, median"), "10" NBSP "min");
    ck_assert_str_eq(tile_value(html, "First response, p90"), "10" NBSP "min");
    ck_assert_str_eq(tile_detail(html, "First response, median"),
                     "half of 2 answers came within this; mean 1.1" NBSP "h");
    ck_assert_str_eq(tile_value(html, "CSAT (top-2-box)"), "50.0" NBSP "%");
    ck_assert_str_eq(tile_detail(html, "CSAT (top-2-box)"),
                     "1 satisfied of 2 ratings; mean 4.00");
    ck_assert_str_eq(tile_value(html, "Engagements"), "235,567");
    ck_assert_str_eq(tile_detail(html, "Engagements"), "on 3 posts, 78,522 per post");
    ck_assert_str_eq(tile_value(html, "Followers, sum"), "1,323,579");
    ck_assert_str_eq(tile_detail(html, "Followers, sum"),
                     "end tallies of 2 platforms: follows, not people");
    /* Without follower ids, the tallies bound the audience. */
    ck_assert_str_eq(tile_value(html, "Unique audience"),
                     "1,234,567" NBSP NDASH NBSP "1,323,579");
    ck_assert_str_eq(tile_change(html, "Unique audience"), "");
    /* The day before holds nothing: no change can be computed. */
    ck_assert_str_eq(tile_change(html, "Inquiries and remarks"),
                     "<span class=\"na\">n/a</span> vs previous period");
    has(html, "<b>Period</b> 2024-03-10 (1 day) &middot; <b>Zone</b> UTC &middot; day buckets");
    has(html, "Range [2024-03-10T00:00:00Z, 2024-03-11T00:00:00Z).");
    has(html, "Changes compare with the previous period of equal length, 2024-03-09 (1 day).");
    skpi_free(html);
}
END_TEST

START_TEST(test_tables)
{
    char *page = render(t, day0, day1, NULL, 0, 0);
    const char *html = page;
    /* Messages: the categories that received anything, and the total. */
    has(html, "<caption>Messages by day and category</caption>");
    ck_assert_str_eq(row(html, "2024-03-10"),
                     "<tr><th scope=\"row\">2024-03-10</th><td class=\"n\">2</td>"
                     "<td class=\"n\">1</td><td class=\"n\">1</td><td class=\"n\">4</td></tr>");
    has(html, "<th scope=\"col\" class=\"n\"><bdi>General inquiries</bdi></th>"
              "<th scope=\"col\" class=\"n\"><bdi>Service complaints</bdi></th>"
              "<th scope=\"col\" class=\"n\"><bdi>Thanks</bdi></th>");
    lacks(html, "<bdi>Help requests</bdi>");
    /* Followers, start to end, and the series. */
    has(html, "<tr><th scope=\"row\"><bdi>X / Twitter</bdi></th><td class=\"n\">1,234,567</td>"
              "<td class=\"n\">1,234,567</td><td class=\"n\">0</td><td class=\"n\">0.0" NBSP "%</td></tr>");
    has(html, "<tfoot><tr><th scope=\"row\">Sum</th><td class=\"n\">1,323,579</td>"
              "<td class=\"n\">1,323,579</td>");
    /* Response time, SLA, backlog. */
    ck_assert_str_eq(row(html, "Answered"),
                     "<tr><th scope=\"row\">Answered</th><td class=\"n\">2</td></tr>");
    ck_assert_str_eq(row(html, "Shortest"),
                     "<tr><th scope=\"row\">Shortest</th><td class=\"n\">10" NBSP "min</td></tr>");
    ck_assert_str_eq(row(html, "Longest"),
                     "<tr><th scope=\"row\">Longest</th><td class=\"n\">2.0" NBSP "h</td></tr>");
    ck_assert_str_eq(row(html, "1" NBSP "h"),
                     "<tr><th scope=\"row\">1" NBSP "h</th><td class=\"n\">1</td>"
                     "<td class=\"n\">3</td><td class=\"n\">33.3" NBSP "%</td></tr>");
    ck_assert_str_eq(row(html, "1" NBSP "d"),
                     "<tr><th scope=\"row\">1" NBSP "d</th><td class=\"n\">2</td>"
                     "<td class=\"n\">3</td><td class=\"n\">66.7" NBSP "%</td></tr>");
    has(html, "Backlog at the end of the period: 1 message waiting for a first reply, "
              "the oldest for 1.0" NBSP "d.");
    /* Satisfaction. */
    has(html, "<p class=\"big\">50.0" NBSP "%</p>");
    ck_assert_str_eq(row(html, "3"), "<tr><th scope=\"row\">3</th><td class=\"n\">1</td>"
                                     "<td class=\"n\">50.0" NBSP "%</td></tr>");
    ck_assert_str_eq(row(html, "2"), "<tr><th scope=\"row\">2</th><td class=\"n\">0</td>"
                                     "<td class=\"n\">0.0" NBSP "%</td></tr>");
    /* By platform, with the total row. */
    html = strstr(html, "<section id=\"platforms\">");
    ck_assert_str_eq(row(html, "<bdi>Facebook</bdi>"),
                     "<tr><th scope=\"row\"><bdi>Facebook</bdi></th><td class=\"n\">2</td>"
                     "<td class=\"n\">1</td><td class=\"n\">1</td><td class=\"n\">100.0" NBSP "%</td>"
                     "<td class=\"n\">0.0" NBSP "%</td><td class=\"n\">234,567</td>"
                     "<td class=\"n\">1</td><td class=\"n\">89,012</td></tr>");
    ck_assert_str_eq(row(html, "<bdi>Instagram</bdi>"),
                     "<tr><th scope=\"row\"><bdi>Instagram</bdi></th><td class=\"n\">0</td>"
                     "<td class=\"n\">0</td><td class=\"n\">0</td><td class=\"n\">n/a</td>"
                     "<td class=\"n\">n/a</td><td class=\"n\">0</td>"
                     "<td class=\"n\">0</td><td class=\"n\">n/a</td></tr>");
    ck_assert_str_eq(row(html, "All"),
                     "<tr><th scope=\"row\">All</th><td class=\"n\">4</td>"
                     "<td class=\"n\">3</td><td class=\"n\">2</td><td class=\"n\">66.7" NBSP "%</td>"
                     "<td class=\"n\">50.0" NBSP "%</td><td class=\"n\">235,567</td>"
                     "<td class=\"n\">3</td><td class=\"n\">1,323,579</td></tr>");
    skpi_free(page);
}
END_TEST

START_TEST(test_change)
{
    /* The day before: one inquiry answered in 5 min, a rating of 5, one
     * tally; nothing a year before. */
    int64_t prev = at("2024-03-09T09:00:00Z");
    ck_assert_status(skpi_record_message(t, 0, 0, prev), SKPI_OK);
    ck_assert_status(skpi_record_response(t, 0, 0, prev, prev + 300), SKPI_OK);
    ck_assert_status(skpi_record_rating(t, 0, prev, 5), SKPI_OK);
    ck_assert_status(skpi_record_followers(t, 0, prev, 1000000), SKPI_OK);
    char *html = render(t, day0, day1, NULL, 0, 0);
    check_page(html);
    /* Counts change in percent, rates in points; colour only where a
     * direction is good or bad. */
    ck_assert_str_eq(tile_change(html, "Inquiries and remarks"),
                     "<span class=\"ch\">" UP "+200.0" NBSP "%</span> vs previous period");
    ck_assert_str_eq(tile_change(html, "Response rate"),
                     "<span class=\"ch bad\">" DOWN MINUS "33.3" NBSP "pt</span> vs previous period");
    ck_assert_str_eq(tile_change(html, "CSAT (top-2-box)"),
                     "<span class=\"ch bad\">" DOWN MINUS "50.0" NBSP "pt</span> vs previous period");
    ck_assert_str_eq(tile_change(html, "Followers, sum"),
                     "<span class=\"ch good\">" UP "+32.4" NBSP "%</span> vs previous period");
    ck_assert_str_eq(tile_change(html, "Engagements"),
                     "<span class=\"na\">n/a</span> vs previous period");
    /* Slower answers are bad news: 600 s against 300 s, each within 1 %. */
    has(tile_change(html, "First response, median"), "<span class=\"ch bad\">" UP "+");
    /* The start of the period is now the tally before it. */
    has(html, "<tr><th scope=\"row\"><bdi>X / Twitter</bdi></th><td class=\"n\">1,000,000</td>"
              "<td class=\"n\">1,234,567</td><td class=\"n\">+234,567</td>"
              "<td class=\"n\">+23.5" NBSP "%</td></tr>");
    /* The change table: both earlier periods. */
    has(html, "Previous period: 2024-03-09 (1 day); a year earlier: 2023-03-10 (1 day).");
    ck_assert_str_eq(row(html, "Inquiries and remarks"),
                     "<tr><th scope=\"row\">Inquiries and remarks</th><td class=\"n\">3</td>"
                     "<td class=\"n\">1</td><td class=\"n\"><span class=\"ch\">" UP "+200.0" NBSP "%</span></td>"
                     "<td class=\"n\">0</td><td class=\"n\"><span class=\"na\">n/a</span></td></tr>");
    ck_assert_str_eq(row(html, "Response rate"),
                     "<tr><th scope=\"row\">Response rate</th><td class=\"n\">66.7" NBSP "%</td>"
                     "<td class=\"n\">100.0" NBSP "%</td><td class=\"n\"><span class=\"ch bad\">" DOWN MINUS "33.3" NBSP "pt</span></td>"
                     "<td class=\"n\">n/a</td><td class=\"n\"><span class=\"na\">n/a</span></td></tr>");
    skpi_free(html);

    /* Unchanged figures say so. */
    skpi_tracker *same = tracker_in("Z", SKPI_BUCKET_DAY);
    ck_assert_status(skpi_record_message(same, 0, 0, prev), SKPI_OK);
    ck_assert_status(skpi_record_message(same, 0, 0, prev + 86400), SKPI_OK);
    html = render(same, day0, day1, NULL, 0, 0);
    ck_assert_str_eq(tile_change(html, "Inquiries and remarks"),
                     "<span class=\"ch\">no change</span> vs previous period");
    skpi_free(html);
    skpi_tracker_free(same);
}
END_TEST

START_TEST(test_no_change_flag)
{
    char *with = render(t, day0, day1, NULL, 0, 0);
    char *without = render(t, day0, day1, NULL, 0, SKPI_HTML_NO_CHANGE);
    check_page(without);
    has(with, "vs previous period");
    has(with, "<section id=\"change\">");
    lacks(without, "vs previous period");
    lacks(without, "<section id=\"change\">");
    lacks(without, "Changes compare");
    /* Everything else is the same page. */
    ck_assert_str_eq(tile_value(without, "Engagements"), "235,567");
    ck_assert_str_eq(row(without, "2024-03-10"), row(with, "2024-03-10"));
    skpi_free(with);
    skpi_free(without);
}
END_TEST

START_TEST(test_escaping)
{
    uint32_t acme, odd, ctl;
    ck_assert_status(skpi_taxonomy_add(t, SKPI_PLATFORM, "acme", "<b>\"A&B\"</b> 'x'", &acme), SKPI_OK);
    ck_assert_status(skpi_category_add(t, "odd", "x<y & \"z\"", SKPI_GROUP_INQUIRY, 1, &odd), SKPI_OK);
    ck_assert_status(skpi_category_add(t, "ctl", "tab\tline\x01" "end\x7f", SKPI_GROUP_INQUIRY, 1, &ctl), SKPI_OK);
    int64_t ten = at("2024-03-10T10:00:00Z");
    ck_assert_status(skpi_record_message(t, acme, odd, ten), SKPI_OK);
    ck_assert_status(skpi_record_message(t, acme, ctl, ten), SKPI_OK);
    ck_assert_status(skpi_record_followers(t, acme, ten, 7), SKPI_OK);
    char *html = render(t, day0, day1, NULL, 0, 0);
    check_page(html);
    has(html, "<bdi>&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt; &#39;x&#39;</bdi>");
    has(html, "<bdi>x&lt;y &amp; &quot;z&quot;</bdi>");
    has(html, "<bdi>tab\tline\xEF\xBF\xBD" "end\xEF\xBF\xBD</bdi>");
    /* In tooltips, plain text, isolated by FSI .. PDI. */
    has(html, "<title>2024-03-10: " FSI "x&lt;y &amp; &quot;z&quot;" PDI ": 1</title>");
    has(html, "<title>2024-03-10: " FSI "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt; &#39;x&#39;" PDI ": 7</title>");
    lacks(html, "<b>\"A&B\"");
    lacks(html, "x<y");
    lacks(html, "\x01");
    skpi_free(html);
}
END_TEST

START_TEST(test_arabic_labels)
{
    uint32_t wa, praise;
    ck_assert_status(skpi_taxonomy_add(t, SKPI_PLATFORM, "whatsapp", WHATSAPP_AR, &wa), SKPI_OK);
    ck_assert_status(skpi_category_add(t, "praise", PRAISE_AR, SKPI_GROUP_APPRECIATION, 0, &praise), SKPI_OK);
    int64_t ten = at("2024-03-10T10:00:00Z");
    ck_assert_status(skpi_record_message(t, wa, praise, ten), SKPI_OK);
    ck_assert_status(skpi_record_message(t, wa, 0, ten), SKPI_OK);
    ck_assert_status(skpi_record_followers(t, wa, ten, 5000), SKPI_OK);
    char *html = render(t, day0, day1, NULL, 0, 0);
    check_page(html);
    /* The page is left to right; each Arabic label is isolated, so it
     * reads right to left and the numbers beside it keep their order. */
    has(html, "<bdi>" WHATSAPP_AR "</bdi>");
    has(html, "<bdi>" PRAISE_AR "</bdi>");
    has(html, "<tr><th scope=\"row\"><bdi>" WHATSAPP_AR "</bdi></th><td class=\"n\">2</td>");
    has(html, "<th scope=\"col\" class=\"n\"><bdi>" WHATSAPP_AR "</bdi></th>");
    has(html, "<title>2024-03-10: " FSI PRAISE_AR PDI ": 1</title>");
    has(html, "<title>2024-03-10: " FSI WHATSAPP_AR PDI ": 5,000</title>");
    const char *const labels[] = {WHATSAPP_AR, PRAISE_AR};
    for (size_t k = 0; k < 2; k++) {
        size_t n = 0, len = strlen(labels[k]);
        for (const char *p = strstr(html, labels[k]); p != NULL;
             p = strstr(p + 1, labels[k]), n++) {
            bool bdi = p - html >= 5 && strncmp(p - 5, "<bdi>", 5) == 0 &&
                       strncmp(p + len, "</bdi>", 6) == 0;
            bool iso = p - html >= 3 && strncmp(p - 3, FSI, 3) == 0 &&
                       strncmp(p + len, PDI, 3) == 0;
            ck_assert_msg(bdi || iso, "label not isolated at offset %td", p - html);
        }
        ck_assert_uint_ge(n, 3);
    }
    skpi_free(html);
}
END_TEST

START_TEST(test_filter)
{
    const uint32_t only[] = {SKPI_PLATFORM_FACEBOOK};
    char *html = render(t, day0, day1, only, 1, 0);
    check_page(html);
    has(html, "<b>Platforms</b> <bdi>Facebook</bdi></p>");
    ck_assert_str_eq(tile_value(html, "Inquiries and remarks"), "1");
    ck_assert_str_eq(tile_value(html, "Engagements"), "234,567");
    ck_assert_str_eq(tile_value(html, "Followers, sum"), "89,012");
    lacks(html, "<bdi>X / Twitter</bdi>");
    skpi_free(html);

    html = render(t, day0, day1, NULL, 0, 0);
    has(html, "<b>Platforms</b> <bdi>X / Twitter</bdi>, <bdi>Facebook</bdi>, "
              "<bdi>Instagram</bdi> (all)</p>");
    skpi_free(html);
}
END_TEST

START_TEST(test_empty)
{
    skpi_tracker *e = tracker_in("+04:00", SKPI_BUCKET_DAY);
    int64_t from = at("2024-03-10T00:00:00+04:00");
    char *html = render(e, from, from + 86400, NULL, 0, 0);
    check_page(html);
    ck_assert_str_eq(tile_value(html, "Inquiries and remarks"), "0");
    ck_assert_str_eq(tile_value(html, "Response rate"), "n/a");
    ck_assert_str_eq(tile_value(html, "First response, median"), "n/a");
    ck_assert_str_eq(tile_value(html, "CSAT (top-2-box)"), "n/a");
    ck_assert_str_eq(tile_value(html, "Followers, sum"), "n/a");
    ck_assert_str_eq(tile_value(html, "Unique audience"), "n/a");
    has(html, "No messages in this period.");
    has(html, "No follower tallies were recorded in this period.");
    has(html, "No message of this period was answered.");
    has(html, "No ratings in this period.");
    has(html, "<b>Zone</b> UTC+04:00");
    lacks(html, "<svg");
    skpi_free(html);
    skpi_tracker_free(e);
}
END_TEST

START_TEST(test_follower_ids)
{
    int64_t ten = at("2024-03-10T10:00:00Z");
    ck_assert_status(skpi_record_follower(t, 0, ten, "ann"), SKPI_OK);
    ck_assert_status(skpi_record_follower(t, 1, ten, "ann"), SKPI_OK);
    ck_assert_status(skpi_record_follower(t, 1, ten, "bob"), SKPI_OK);
    char *html = render(t, day0, day1, NULL, 0, 0);
    ck_assert_str_eq(tile_value(html, "Unique audience"), "2");
    ck_assert_str_eq(tile_detail(html, "Unique audience"),
                     "distinct people, estimated from follower ids (&plusmn;&lt;0.1" NBSP "%)");
    ck_assert_str_eq(tile_change(html, "Unique audience"),
                     "<span class=\"na\">n/a</span> vs previous period");
    skpi_free(html);
}
END_TEST

/* ===================================================================== */
/* Slices of the time series                                             */
/* ===================================================================== */

/* Rows of the messages table (its tbody), counted. */
static size_t message_rows(const char *html)
{
    const char *p = strstr(html, "<caption>Messages by");
    ck_assert_ptr_nonnull(p);
    const char *end = strstr(p, "</tbody>");
    size_t n = 0;
    for (p = strstr(p, "<tr><th scope=\"row\">"); p != NULL && p < end;
         p = strstr(p + 1, "<tr><th scope=\"row\">"))
        n++;
    return n;
}

START_TEST(test_slices_days)
{
    char *html = render(t, at("2024-03-09T00:00:00Z"), at("2024-03-12T00:00:00Z"), NULL, 0, 0);
    check_page(html);
    ck_assert_uint_eq(message_rows(html), 3);
    has(row(html, "2024-03-09"), "<td class=\"n\">0</td></tr>");
    has(row(html, "2024-03-10"), "<td class=\"n\">4</td></tr>");
    has(row(html, "2024-03-11"), "<td class=\"n\">0</td></tr>");
    /* Tick labels: the day of the month, and the month once. */
    has(html, ">9</text>");
    has(html, ">Mar 2024</text>");
    skpi_free(html);
}
END_TEST

START_TEST(test_slices_months)
{
    /* 86 days from mid-January: month slices, the first and last cut to
     * the range; local months in +04:00. */
    skpi_tracker *m = tracker_in("+04:00", SKPI_BUCKET_DAY);
    ck_assert_status(skpi_record_message(m, 0, 0, at("2024-01-10T12:00:00+04:00")), SKPI_OK);
    ck_assert_status(skpi_record_message(m, 0, 0, at("2024-01-20T12:00:00+04:00")), SKPI_OK);
    ck_assert_status(skpi_record_message(m, 0, 0, at("2024-03-31T23:30:00+04:00")), SKPI_OK);
    ck_assert_status(skpi_record_message(m, 0, 0, at("2024-04-01T00:30:00+04:00")), SKPI_OK);
    ck_assert_status(skpi_record_message(m, 0, 0, at("2024-04-09T23:59:59+04:00")), SKPI_OK);
    ck_assert_status(skpi_record_message(m, 0, 0, at("2024-04-10T00:00:00+04:00")), SKPI_OK);
    ck_assert_status(skpi_record_followers(m, 0, at("2024-01-20T12:00:00+04:00"), 1500), SKPI_OK);
    ck_assert_status(skpi_record_followers(m, 0, at("2024-03-02T12:00:00+04:00"), 1700), SKPI_OK);
    ck_assert_status(skpi_record_followers(m, 0, at("2024-03-03T12:00:00+04:00"), 1750), SKPI_OK);
    int64_t from, to;
    ck_assert_status(skpi_period_parse(m, "2024-01-15/2024-04-10", &from, &to), SKPI_OK);
    char *html = render(m, from, to, NULL, 0, 0);
    check_page(html);
    has(html, "<caption>Messages by month and category</caption>");
    ck_assert_uint_eq(message_rows(html), 4);
    ck_assert_str_eq(row(html, "2024-01"), "<tr><th scope=\"row\">2024-01</th>"
                                           "<td class=\"n\">1</td><td class=\"n\">1</td></tr>");
    ck_assert_str_eq(row(html, "2024-02"), "<tr><th scope=\"row\">2024-02</th>"
                                           "<td class=\"n\">0</td><td class=\"n\">0</td></tr>");
    has(row(html, "2024-03"), "<td class=\"n\">1</td></tr>");
    has(row(html, "2024-04"), "<td class=\"n\">2</td></tr>");
    /* Followers: the month's latest tally, a dash where there is none. */
    has(html, "<caption>Latest tally of each month</caption>");
    const char *series = strstr(html, "<caption>Latest tally of each month</caption>");
    ck_assert_str_eq(row(series, "2024-02"), "<tr><th scope=\"row\">2024-02</th>"
                                             "<td class=\"n\">" NDASH "</td></tr>");
    ck_assert_str_eq(row(series, "2024-03"), "<tr><th scope=\"row\">2024-03</th>"
                                             "<td class=\"n\">1,750</td></tr>");
    /* The line breaks at the gap: two runs, three points. */
    const char *path = strstr(html, "<path ");
    ck_assert_ptr_nonnull(path);
    const char *d = strstr(path, " d=\"") + 4;
    ck_assert_int_eq(d[0], 'M');
    ck_assert_ptr_nonnull(strchr(d + 1, 'M'));
    ck_assert_uint_eq(count(html, "<circle "), 2);
    has(html, ">Jan</text>");
    has(html, "Previous period: 2023-10-21 to 2024-01-14 (86 days)");
    skpi_free(html);
    skpi_tracker_free(m);
}
END_TEST

START_TEST(test_slices_years)
{
    skpi_tracker *y = tracker_in("Z", SKPI_BUCKET_DAY);
    ck_assert_status(skpi_record_message(y, 0, 0, at("2021-06-01T00:00:00Z")), SKPI_OK);
    ck_assert_status(skpi_record_message(y, 0, 0, at("2023-12-31T23:59:59Z")), SKPI_OK);
    int64_t from, to;
    ck_assert_status(skpi_period_parse(y, "2020-01-01/2024-01-01", &from, &to), SKPI_OK);
    char *html = render(y, from, to, NULL, 0, 0);
    check_page(html);
    has(html, "<caption>Messages by year and category</caption>");
    ck_assert_uint_eq(message_rows(html), 4);
    has(row(html, "2020"), "<td class=\"n\">0</td></tr>");
    has(row(html, "2021"), "<td class=\"n\">1</td></tr>");
    has(row(html, "2023"), "<td class=\"n\">1</td></tr>");
    skpi_free(html);

    /* The whole reportable span: 230 years, still one page. */
    ck_assert_status(skpi_period_parse(y, "1970-01-01/2200-01-01", &from, &to), SKPI_OK);
    html = render(y, from, to, NULL, 0, 0);
    check_page(html);
    ck_assert_uint_eq(message_rows(html), 230);
    has(html, "Changes compare with the previous period of equal length (none can be formed).");
    skpi_free(html);
    skpi_tracker_free(y);
}
END_TEST

START_TEST(test_slices_hours)
{
    skpi_tracker *h = tracker_in("Z", SKPI_BUCKET_HOUR);
    ck_assert_status(skpi_record_message(h, 0, 0, at("2024-03-10T14:59:59Z")), SKPI_OK);
    char *html = render(h, at("2024-03-10T00:00:00Z"), at("2024-03-11T00:00:00Z"), NULL, 0, 0);
    check_page(html);
    has(html, "<caption>Messages by hour and category</caption>");
    ck_assert_uint_eq(message_rows(html), 24);
    has(row(html, "2024-03-10 14:00"), "<td class=\"n\">1</td></tr>");
    has(row(html, "2024-03-10 23:00"), "<td class=\"n\">0</td></tr>");
    lacks(html, "2024-03-11 00:00</th>");
    skpi_free(html);

    /* Longer than 72 hours: days again, each of 24 hour buckets. */
    html = render(h, at("2024-03-08T00:00:00Z"), at("2024-03-12T00:00:00Z"), NULL, 0, 0);
    ck_assert_uint_eq(message_rows(html), 4);
    has(row(html, "2024-03-10"), "<td class=\"n\">1</td></tr>");
    skpi_free(html);

    /* A range of clock times. */
    html = render(h, at("2024-03-10T13:00:00Z"), at("2024-03-10T16:00:00Z"), NULL, 0, 0);
    has(html, "<b>Period</b> 2024-03-10 13:00 to 2024-03-10 16:00 &middot;");
    ck_assert_uint_eq(message_rows(html), 3);
    skpi_free(html);
    skpi_tracker_free(h);
}
END_TEST

START_TEST(test_slices_daylight_saving)
{
    /* London springs forward on 2024-03-31 (no 01:00) and falls back on
     * 2024-10-27 (01:00 twice, one bucket of two hours). */
    skpi_tracker *h = tracker_in("Europe/London", SKPI_BUCKET_HOUR);
    int64_t from, to;
    ck_assert_status(skpi_record_message(h, 0, 0, at("2024-03-31T12:00:00Z")), SKPI_OK);
    ck_assert_status(skpi_period_parse(h, "2024-03-31", &from, &to), SKPI_OK);
    char *html = render(h, from, to, NULL, 0, 0);
    check_page(html);
    ck_assert_uint_eq(message_rows(html), 23);
    lacks(html, "2024-03-31 01:00</th>");
    has(html, "2024-03-31 02:00</th>");
    has(html, "<b>Zone</b> Europe/London");
    skpi_free(html);

    ck_assert_status(skpi_record_message(h, 0, 0, at("2024-10-27T00:30:00Z")), SKPI_OK);
    ck_assert_status(skpi_record_message(h, 0, 0, at("2024-10-27T01:30:00Z")), SKPI_OK);
    ck_assert_status(skpi_period_parse(h, "2024-10-27", &from, &to), SKPI_OK);
    html = render(h, from, to, NULL, 0, 0);
    ck_assert_uint_eq(message_rows(html), 24);
    ck_assert_uint_eq(count(html, "2024-10-27 01:00</th>"), 1);
    has(row(html, "2024-10-27 01:00"), "<td class=\"n\">2</td></tr>");
    skpi_free(html);
    skpi_tracker_free(h);

    /* Samoa skipped 2011-12-30 whole: no empty slice for it. */
    skpi_tracker *d = tracker_in("Pacific/Apia", SKPI_BUCKET_DAY);
    ck_assert_status(skpi_record_message(d, 0, 0, at("2011-12-31T12:00:00+14:00")), SKPI_OK);
    ck_assert_status(skpi_period_parse(d, "2011-12-28/2012-01-02", &from, &to), SKPI_OK);
    html = render(d, from, to, NULL, 0, 0);
    check_page(html);
    ck_assert_uint_eq(message_rows(html), 4);
    lacks(html, "2011-12-30</th>");
    has(html, "2011-12-31</th>");
    skpi_free(html);
    skpi_tracker_free(d);
}
END_TEST

/* ===================================================================== */
/* Flags, errors, determinism                                            */
/* ===================================================================== */

START_TEST(test_errors)
{
    char *html = (char *)"untouched";
    size_t len = 77;
    ck_assert_status(skpi_report_html(NULL, day0, day1, NULL, 0, 0, &html, &len), SKPI_EINVAL);
    ck_assert_status(skpi_report_html(t, day0, day1, NULL, 0, 0, NULL, &len), SKPI_EINVAL);
    ck_assert_status(skpi_report_html(t, day0, day1, NULL, 1, 0, &html, &len), SKPI_EINVAL);
    ck_assert_status(skpi_report_html(t, day0, day1, NULL, 0, 2u, &html, &len), SKPI_EOPTION);
    ck_assert_status(skpi_report_html(t, day0, day1, NULL, 0, 0x80000000u, &html, &len), SKPI_EOPTION);
    ck_assert_status(skpi_report_html(t, day1, day0, NULL, 0, 0, &html, &len), SKPI_ERANGE);
    ck_assert_status(skpi_report_html(t, day0, day0, NULL, 0, 0, &html, &len), SKPI_ERANGE);
    ck_assert_status(skpi_report_html(t, day0 + 1, day1, NULL, 0, 0, &html, &len), SKPI_EALIGN);
    ck_assert_status(skpi_report_html(t, -2 * 86400, day1, NULL, 0, 0, &html, &len), SKPI_ETIME);
    const uint32_t bad[] = {7};
    ck_assert_status(skpi_report_html(t, day0, day1, bad, 1, 0, &html, &len), SKPI_ENOTFOUND);
    /* Two counters near INT64_MAX: their sum overflows the report. */
    ck_assert_status(skpi_record_engagement(t, 2, 0, day0, INT64_MAX - 10), SKPI_OK);
    ck_assert_status(skpi_report_html(t, day0, day1, NULL, 0, 0, &html, &len), SKPI_EOVERFLOW);
    ck_assert_str_eq(html, "untouched");
    ck_assert_uint_eq(len, 77);
    /* A filter that leaves the overflow out succeeds. */
    const uint32_t two[] = {0, 1};
    char *ok = render(t, day0, day1, two, 2, 0);
    skpi_free(ok);
    /* len may be NULL. */
    ck_assert_status(skpi_report_html(t, day0, day1, two, 2, 0, &html, NULL), SKPI_OK);
    skpi_free(html);
}
END_TEST

START_TEST(test_deterministic)
{
    char *a = render(t, day0, day1, NULL, 0, 0);
    char *b = render(t, day0, day1, NULL, 0, 0);
    ck_assert_str_eq(a, b);
    skpi_free(b);
    /* The same state through a snapshot gives the same bytes. */
    char *snap = NULL;
    size_t n = 0;
    skpi_tracker *copy = NULL;
    ck_assert_status(skpi_tracker_to_bytes(t, &snap, &n), SKPI_OK);
    ck_assert_status(skpi_tracker_from_bytes(snap, n, &copy, NULL), SKPI_OK);
    skpi_free(snap);
    b = render(copy, day0, day1, NULL, 0, 0);
    ck_assert_str_eq(a, b);
    skpi_free(b);
    skpi_tracker_free(copy);
    /* A host program's locale changes nothing: no "66,7", no U+066B. */
    static const char *const locales[] = {"de_DE.UTF-8", "ps_AF.UTF-8"};
    for (size_t i = 0; i < sizeof locales / sizeof locales[0]; i++) {
        if (setlocale(LC_ALL, locales[i]) == NULL) {
            fprintf(stderr, "note: locale %s not installed, skipped\n", locales[i]);
            continue;
        }
        b = render(t, day0, day1, NULL, 0, 0);
        setlocale(LC_ALL, "C");
        ck_assert_str_eq(a, b);
        skpi_free(b);
    }
    skpi_free(a);
}
END_TEST

/* ===================================================================== */
/* The founding half year                                                */
/* ===================================================================== */

/* Messages a day in the half year before the demo's, by category (in the
 * order of the built-in ids): 59 inquiries and remarks and 13 thanks. */
static const int prev_daily[7] = {20, 13, 9, 6, 6, 5, 13};
#define PREV_DAYS 184 /* 2023-07-01 .. 2023-12-31 */
#define PREV_INQUIRIES (59 * PREV_DAYS) /* 10,856 */

/*
 * The founding half year of examples/demo.c with follower ids (so that the
 * unique audience is estimated), and around it what makes the page show
 * everything it can:
 *  - the half year before, 2023-H2, recorded day by day from fixed
 *    patterns (no randomness): 59 inquiries and remarks and 13 thanks a
 *    day, every 25th message that expects an answer left unanswered (these
 *    stay in the backlog), the others answered after delays from 4 min to
 *    8 h; 12 ratings a day, 88 % satisfied; 22,000 engagements and 7 posts a
 *    day; follower tallies at each month's end that reach the demo's
 *    starting tallies on 2023-12-31;
 *  - a platform "whatsapp" labelled in Arabic (واتساب) with monthly
 *    tallies, 100,000 to 185,000, and a category "praise" in the
 *    appreciation group, labelled ثناء, with 2 messages a day in 2023-H2
 *    and 3 a day in 2024-H1 on whatsapp.
 * The demo's figures for 2024-H1 stay as they are, except those the
 * additions enter: messages in all and appreciation (+546 praise), the
 * follower sum (+185,000) and the backlog (+ the unanswered of 2023-H2).
 * Returns the first failing status; the caller frees *out.
 */
static skpi_status rich_tracker(skpi_tracker **out)
{
    static const int64_t delays[10] = {240, 600, 1200, 1800, 2700, 3600, 5400,
                                       9000, 14400, 28800};
    static const int scores[25] = {5, 5, 4, 5, 4, 5, 5, 4, 5, 3, 5, 4, 5,
                                   5, 4, 5, 2, 5, 4, 5, 5, 4, 5, 1, 5};
    static const int64_t fol_start[3] = {1460000, 840000, 540000};
    static const int64_t fol_end[3] = {1552000, 861500, 571000}; /* demo.c */
    skpi_options *o = NULL;
    skpi_tracker *rt = NULL;
    uint32_t wa = 0, praise = 0;
    int64_t from, to, serial = 0, rating = 0;
    skpi_status st = skpi_options_new(&o);
    if (st == SKPI_OK)
        st = demo_options(o);
    if (st == SKPI_OK)
        st = skpi_tracker_new(o, &rt);
    skpi_options_free(o);
    if (st == SKPI_OK)
        st = demo_build(rt, DEMO_FOLLOWER_IDS);
    if (st == SKPI_OK)
        st = skpi_taxonomy_add(rt, SKPI_PLATFORM, "whatsapp", WHATSAPP_AR, &wa);
    if (st == SKPI_OK)
        st = skpi_category_add(rt, "praise", PRAISE_AR, SKPI_GROUP_APPRECIATION, 0, &praise);
    if (st == SKPI_OK)
        st = skpi_period_parse(rt, "2023-H2", &from, &to);

    /* 2023-H2, day by day (the zone is +04:00: days are 86,400 s). */
    for (int64_t day = 0; st == SKPI_OK && day < PREV_DAYS; day++) {
        int64_t base = from + day * 86400;
        int k = 0;
        for (uint32_t c = 0; c < 7; c++) {
            for (int i = 0; i < prev_daily[c] && st == SKPI_OK; i++, k++) {
                uint32_t p = k % 10 < 5 ? 0 : k % 10 < 8 ? 1 : 2;
                int64_t when = base + 7 * 3600 + (int64_t)k * 15 * 3600 / 72;
                st = skpi_record_message(rt, p, c, when);
                if (st == SKPI_OK && c != SKPI_CATEGORY_THANKS && serial++ % 25 != 24)
                    st = skpi_record_response(rt, p, c, when, when + delays[serial % 10]);
            }
        }
        for (int i = 0; i < 2 && st == SKPI_OK; i++)
            st = skpi_record_message(rt, wa, praise, base + (9 + 6 * i) * 3600);
        for (int i = 0; i < 12 && st == SKPI_OK; i++, rating++)
            st = skpi_record_rating(rt, (uint32_t)(rating % 3), base + 8 * 3600 + i * 3600,
                                    scores[rating % 25]);
        static const int64_t share[3] = {55, 30, 15}, kind[3] = {70, 18, 12};
        for (uint32_t p = 0; p < 3 && st == SKPI_OK; p++)
            for (uint32_t q = 0; q < 3 && st == SKPI_OK; q++)
                st = skpi_record_engagement(rt, p, q, base + 12 * 3600,
                                            22000 * share[p] * kind[q] / 10000);
        for (uint32_t p = 0; p < 3 && st == SKPI_OK; p++)
            st = skpi_record_posts(rt, p, base + 10 * 3600, p == 0 ? 4 : p == 1 ? 2 : 1);
    }
    /* Tallies at 23:00 on the last day of each month, 2023-07 .. 2024-06. */
    static const int month_end[12] = {31, 31, 30, 31, 30, 31, 31, 29, 31, 30, 31, 30};
    for (int m = 0; m < 12 && st == SKPI_OK; m++) {
        char when[40];
        int64_t utc;
        snprintf(when, sizeof when, "%04d-%02d-%02dT23:00:00+04:00", m < 6 ? 2023 : 2024,
                 m < 6 ? m + 7 : m - 5, month_end[m]);
        st = skpi_time_parse(when, &utc);
        for (uint32_t p = 0; m < 6 && p < 3 && st == SKPI_OK; p++)
            st = skpi_record_followers(rt, p, utc,
                                       fol_start[p] + (fol_end[p] - fol_start[p]) * (m + 1) / 6);
        if (st == SKPI_OK)
            st = skpi_record_followers(rt, wa, utc, m < 6 ? 100000 + 3000 * m
                                                          : 120000 + 13000 * (m - 6));
    }
    /* 2024-H1: praise on whatsapp, 3 a day. */
    if (st == SKPI_OK)
        st = skpi_period_parse(rt, demo_period(), &from, &to);
    for (int64_t when = from + 10 * 3600; st == SKPI_OK && when < to; when += 86400)
        for (int i = 0; i < 3 && st == SKPI_OK; i++)
            st = skpi_record_message(rt, wa, praise, when + i * 4 * 3600);
    if (st != SKPI_OK) {
        skpi_tracker_free(rt);
        return st;
    }
    *out = rt;
    return SKPI_OK;
}

START_TEST(test_founding_half_year)
{
    skpi_tracker *rt = NULL;
    int64_t from, to;
    ck_assert_status(rich_tracker(&rt), SKPI_OK);
    ck_assert_status(skpi_period_parse(rt, demo_period(), &from, &to), SKPI_OK);
    char *html = render(rt, from, to, NULL, 0, 0);
    check_page(html);
    /* Small enough to mail: well under 200 KB. */
    ck_assert_uint_lt(strlen(html), 100 * 1024);

    /* The founding report's figures (seed/FACTS.md). */
    ck_assert_str_eq(tile_value(html, "Inquiries and remarks"), "11,685");
    ck_assert_str_eq(tile_value(html, "Response rate"), "95.0" NBSP "%");
    ck_assert_str_eq(tile_detail(html, "Response rate"),
                     "11,101 answered of 11,685 expecting an answer");
    ck_assert_str_eq(tile_value(html, "CSAT (top-2-box)"), "91.0" NBSP "%");
    ck_assert_str_eq(tile_detail(html, "CSAT (top-2-box)"),
                     "2,184 satisfied of 2,400 ratings; mean 4.48");
    ck_assert_str_eq(tile_value(html, "Engagements"), "4,829,520");
    ck_assert_str_eq(tile_value(html, "Followers, sum"), "3,420,000");
    has(tile_detail(html, "Unique audience"), "estimated from follower ids");
    /* 14,395 demo messages and 182 days of 3 praise messages. */
    ck_assert_str_eq(tile_detail(html, "Inquiries and remarks"),
                     "14,941 messages in all, 3,256 of them appreciation");
    has(html, "<tfoot><tr><th scope=\"row\">Period</th><td class=\"n\">4,210</td>");
    has(html, "<td class=\"n\">2,710</td><td class=\"n\">546</td><td class=\"n\">14,941</td></tr></tfoot>");
    has(html, "<td class=\"n\">1,700,000</td>");
    has(html, "<td class=\"n\">900,000</td>");
    has(html, "<td class=\"n\">635,000</td>");
    has(html, "<tr><th scope=\"row\"><bdi>X / Twitter</bdi></th><td class=\"n\">1,552,000</td>"
              "<td class=\"n\">1,700,000</td><td class=\"n\">+148,000</td>"
              "<td class=\"n\">+9.5" NBSP "%</td></tr>");
    ck_assert_uint_eq(message_rows(html), 6);

    /* Against 2023-H2: 11,685 / 10,856 - 1 = +7.6 %. */
    ck_assert_str_eq(tile_change(html, "Inquiries and remarks"),
                     "<span class=\"ch\">" UP "+7.6" NBSP "%</span> vs previous period");
    has(html, "Changes compare with the previous period of equal length, "
              "2023-07-01 to 2023-12-31 (184 days).");
    has(html, "<bdi>" WHATSAPP_AR "</bdi>");
    has(html, "<bdi>" PRAISE_AR "</bdi>");

    char *again = render(rt, from, to, NULL, 0, 0);
    ck_assert_str_eq(html, again);
    skpi_free(again);
    skpi_free(html);
    skpi_tracker_free(rt);
}
END_TEST

static Suite *html_suite(void)
{
    Suite *s = suite_create("html");
    TCase *core = tcase_create("core");
    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_test(core, test_tiles);
    tcase_add_test(core, test_tables);
    tcase_add_test(core, test_change);
    tcase_add_test(core, test_no_change_flag);
    tcase_add_test(core, test_escaping);
    tcase_add_test(core, test_arabic_labels);
    tcase_add_test(core, test_filter);
    tcase_add_test(core, test_empty);
    tcase_add_test(core, test_follower_ids);
    suite_add_tcase(s, core);
    TCase *slices = tcase_create("slices");
    tcase_add_checked_fixture(slices, setup, teardown);
    tcase_add_test(slices, test_slices_days);
    tcase_add_test(slices, test_slices_months);
    tcase_add_test(slices, test_slices_years);
    tcase_add_test(slices, test_slices_hours);
    tcase_add_test(slices, test_slices_daylight_saving);
    suite_add_tcase(s, slices);
    TCase *errors = tcase_create("errors");
    tcase_add_checked_fixture(errors, setup, teardown);
    tcase_add_test(errors, test_errors);
    tcase_add_test(errors, test_deterministic);
    suite_add_tcase(s, errors);
    TCase *demo = tcase_create("demo");
    tcase_add_test(demo, test_founding_half_year);
    suite_add_tcase(s, demo);
    return s;
}

/* Write the rich page to `path` (for test-html.sh). */
static int print_page(const char *path)
{
    skpi_tracker *rt = NULL;
    int64_t from, to;
    char *html = NULL;
    size_t len = 0;
    skpi_status st = rich_tracker(&rt);
    if (st == SKPI_OK)
        st = skpi_period_parse(rt, demo_period(), &from, &to);
    if (st == SKPI_OK)
        st = skpi_report_html(rt, from, to, NULL, 0, 0, &html, &len);
    skpi_tracker_free(rt);
    if (st != SKPI_OK) {
        fprintf(stderr, "check_html: %s\n", skpi_status_name(st));
        return EXIT_FAILURE;
    }
    FILE *f = fopen(path, "wb");
    int ok = f != NULL && fwrite(html, 1, len, f) == len;
    if (f != NULL && fclose(f) != 0)
        ok = 0;
    skpi_free(html);
    if (!ok) {
        perror(path);
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--print") == 0)
        return print_page(argv[2]);
    if (argc != 1) {
        fprintf(stderr, "usage: check_html [--print FILE]\n");
        return 2;
    }
    SRunner *sr = srunner_create(html_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
