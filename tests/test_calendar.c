// SPDX-License-Identifier: MIT
/* Calendar conversion against the C library's timegm/gmtime_r: chosen dates
 * (negative epochs, leap days, century years, 1970, 2000, 2038, 9999),
 * every day of 1899-2101, random instants in 1900-2400 and in years
 * -10000..12000, and the ends of the s64 range. */
#define _GNU_SOURCE
#include <kernel/calendar.h>
#include <time.h>

#include "harness.h"

HARNESS("test_calendar");

static long long epoch_of(struct civil_time t)
{
    s64 e = 0x7fff;
    if (civil_to_epoch(&t, &e) != 0) {
        return 0x7fff0000;
    }
    return e;
}

static void test_known_dates(void)
{
    CHECK_EQ(epoch_of((struct civil_time){1970, 1, 1, 0, 0, 0}), 0);
    CHECK_EQ(epoch_of((struct civil_time){2000, 2, 29, 12, 0, 0}), 951825600);
    CHECK_EQ(epoch_of((struct civil_time){2038, 1, 19, 3, 14, 8}), 2147483648ll);
    CHECK_EQ(epoch_of((struct civil_time){1969, 12, 31, 23, 59, 59}), -1);
}

static void test_rejects_bad_fields(void)
{
    struct civil_time bad[] = {
        {2023, 2, 29, 0, 0, 0}, {2100, 2, 29, 0, 0, 0}, {2024, 13, 1, 0, 0, 0},
        {2024, 0, 1, 0, 0, 0},  {2024, 4, 31, 0, 0, 0}, {2024, 1, 0, 0, 0, 0},
        {2024, 1, 1, 24, 0, 0}, {2024, 1, 1, 0, 60, 0}, {2024, 1, 1, 0, 0, 61},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        s64 e;
        CHECK_EQ(civil_to_epoch(&bad[i], &e), -22);
    }
    CHECK(epoch_of((struct civil_time){2000, 2, 29, 0, 0, 0}) > 0);
}

static void test_against_libc(void)
{
    unsigned long long x = 88172645463325252ull;
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        /* 1900 .. 2400 */
        long long epoch = (long long)(x % 15778800000ull) - 2208988800ll;
        time_t tt = (time_t)epoch;
        struct tm tm;
        CHECK(gmtime_r(&tt, &tm) != NULL);
        struct civil_time c;
        epoch_to_civil(epoch, &c);
        CHECK_EQ(c.year, tm.tm_year + 1900);
        CHECK_EQ(c.month, tm.tm_mon + 1);
        CHECK_EQ(c.day, tm.tm_mday);
        CHECK_EQ(c.hour, tm.tm_hour);
        CHECK_EQ(c.minute, tm.tm_min);
        CHECK_EQ(c.second, tm.tm_sec);
        CHECK_EQ(epoch_of(c), epoch);
    }
}

/* Both directions for one instant against gmtime_r and timegm. */
static bool matches_libc(long long epoch)
{
    time_t tt = (time_t)epoch;
    struct tm tm;
    struct civil_time c;

    if (!gmtime_r(&tt, &tm)) {
        printf("  gmtime_r failed for %lld\n", epoch);
        return false;
    }
    epoch_to_civil(epoch, &c);
    if (c.year != tm.tm_year + 1900LL || c.month != (u32)tm.tm_mon + 1 ||
        c.day != (u32)tm.tm_mday || c.hour != (u32)tm.tm_hour || c.minute != (u32)tm.tm_min ||
        c.second != (u32)tm.tm_sec) {
        printf("  %lld: got %lld-%02u-%02u %02u:%02u:%02u, libc %lld-%02d-%02d %02d:%02d:%02d\n",
               epoch, (long long)c.year, c.month, c.day, c.hour, c.minute, c.second,
               tm.tm_year + 1900LL, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        return false;
    }
    if (epoch_of(c) != epoch || (long long)timegm(&tm) != epoch) {
        printf("  %lld: civil_to_epoch %lld, timegm %lld\n", epoch, epoch_of(c),
               (long long)timegm(&tm));
        return false;
    }
    return true;
}

/* The 1st, 15th, 28th and last day of every month of years around the
 * leap rules' edges, at two times of day: civil_to_epoch against timegm
 * and back. Year 0 is 1 BC (proleptic Gregorian, astronomical numbering). */
static void test_chosen_dates(void)
{
    static const long long years[] = {
        -10000, -401, -400, -1,   0,    1,    4,    100,  1582, 1600, 1700, 1800,
        1899,   1900, 1901, 1969, 1970, 1971, 1972, 1999, 2000, 2001, 2004, 2037,
        2038,   2039, 2096, 2099, 2100, 2101, 2400, 2401, 3000, 4000, 9999, 10000,
    };
    static const u8 month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int compared = 0;

    for (size_t i = 0; i < sizeof(years) / sizeof(years[0]); i++) {
        long long y = years[i];
        bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

        for (u32 m = 1; m <= 12; m++) {
            u32 last = month_days[m - 1] + (m == 2 && leap);
            u32 days[4] = {1, 15, 28, last};

            for (int k = 0; k < 4; k++) {
                struct civil_time c = {
                    y, m, days[k], k % 2 ? 23 : 0, k % 2 ? 59 : 0, k % 2 ? 59 : 0};
                struct tm tm = {0};
                tm.tm_year = (int)(y - 1900);
                tm.tm_mon = (int)m - 1;
                tm.tm_mday = (int)days[k];
                tm.tm_hour = (int)c.hour;
                tm.tm_min = (int)c.minute;
                tm.tm_sec = (int)c.second;
                long long want = (long long)timegm(&tm);

                if (epoch_of(c) != want) {
                    printf("  %lld-%02u-%02u: got %lld, timegm %lld\n", y, m, days[k], epoch_of(c),
                           want);
                    CHECK(false);
                }
                CHECK(matches_libc(want));
                compared++;
            }
        }
        /* The leap day exists exactly in leap years. */
        struct civil_time feb29 = {y, 2, 29, 0, 0, 0};
        s64 e;
        CHECK_EQ(civil_to_epoch(&feb29, &e), leap ? 0 : -22);
    }
    CHECK(compared > 1000);
    CHECK_EQ(epoch_of((struct civil_time){1, 1, 1, 0, 0, 0}), -62135596800ll);
    CHECK_EQ(epoch_of((struct civil_time){9999, 12, 31, 23, 59, 59}), 253402300799ll);
    CHECK_EQ(epoch_of((struct civil_time){2100, 3, 1, 0, 0, 0}), 4107542400ll);
    CHECK_EQ(epoch_of((struct civil_time){1900, 3, 1, 0, 0, 0}), -2203891200ll);
}

/* Every day from 1899 to 2101 at noon: consecutive days, each as libc says. */
static void test_every_day(void)
{
    struct civil_time prev;
    long long start = -2240524800ll; /* 1899-01-01 */

    epoch_to_civil(start + 43200, &prev);
    CHECK(prev.year == 1899 && prev.month == 1 && prev.day == 1 && prev.hour == 12);
    for (long long d = 1; d < 74144; d++) { /* to 2101-12-31 */
        long long epoch = start + d * 86400 + 43200;
        struct civil_time c;

        epoch_to_civil(epoch, &c);
        bool next_day = c.year == prev.year && c.month == prev.month && c.day == prev.day + 1;
        bool next_month = c.year == prev.year && c.month == prev.month + 1 && c.day == 1;
        bool next_year = c.year == prev.year + 1 && c.month == 1 && c.day == 1 && prev.month == 12;
        CHECK(next_day || next_month || next_year);
        CHECK(matches_libc(epoch));
        prev = c;
    }
    CHECK(prev.year == 2101 && prev.month == 12 && prev.day == 31);
}

/* Random instants across 22000 years, most of them before 1970. */
static void test_wide_range(void)
{
    const long long lo = -377736739200ll; /* -10000-01-01 */
    const long long span = 694252944000ll; /* 55 cycles, to 12000-01-01 */

    harness_seed(0xca1e);
    for (int i = 0; i < 50000; i++) {
        long long epoch = lo + (long long)(harness_rand() % (unsigned long long)span);
        CHECK(matches_libc(epoch));
    }
    CHECK(matches_libc(lo) && matches_libc(lo + span - 1));
    CHECK_EQ(epoch_of((struct civil_time){-10000, 1, 1, 0, 0, 0}), lo);
    CHECK_EQ(epoch_of((struct civil_time){12000, 1, 1, 0, 0, 0}), lo + span);
}

/* The whole s64 range converts without overflow (values from the 400-year
 * periodicity, worked out independently). */
static void test_s64_ends(void)
{
    struct civil_time c;

    epoch_to_civil(0x7fffffffffffffffll, &c);
    CHECK(c.year == 292277026596ll && c.month == 12 && c.day == 4);
    CHECK(c.hour == 15 && c.minute == 30 && c.second == 7);
    epoch_to_civil(-0x7fffffffffffffffll - 1, &c);
    CHECK(c.year == -292277022657ll && c.month == 1 && c.day == 27);
    CHECK(c.hour == 8 && c.minute == 29 && c.second == 52);
    epoch_to_civil(-1, &c);
    CHECK(c.year == 1969 && c.month == 12 && c.day == 31);
    CHECK(c.hour == 23 && c.minute == 59 && c.second == 59);
}

/* Second 60 is accepted and lands on the next minute. */
static void test_leap_second(void)
{
    CHECK_EQ(epoch_of((struct civil_time){2016, 12, 31, 23, 59, 60}), 1483228800ll);
    CHECK_EQ(epoch_of((struct civil_time){2017, 1, 1, 0, 0, 0}), 1483228800ll);
}

int main(void)
{
    RUN(test_known_dates);
    RUN(test_rejects_bad_fields);
    RUN(test_against_libc);
    RUN(test_chosen_dates);
    RUN(test_every_day);
    RUN(test_wide_range);
    RUN(test_s64_ends);
    RUN(test_leap_second);
    HARNESS_EXIT();
}
