// SPDX-License-Identifier: MIT
/* Calendar conversion against the C library's timegm/gmtime_r. */
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

int main(void)
{
    RUN(test_known_dates);
    RUN(test_rejects_bad_fields);
    RUN(test_against_libc);
    HARNESS_EXIT();
}
