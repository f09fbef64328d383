// SPDX-License-Identifier: MIT
/* kernel/time/timespec.c: Linux's validity rules for timespec and timeval
 * durations, and saturation instead of wrap-around for huge ones (a
 * nanosleep of INT64_MAX seconds must not become a deadline in the past). */
#include <abi/errno.h>
#include <kernel/time.h>
#include <kernel/timespec.h>

#include "harness.h"

HARNESS("test_timespec");

static void test_timespec_rules(void)
{
    u64 ns = 7;
    struct linux_timespec ok = {3, 999999999};
    CHECK_EQ(timespec_to_ns(&ok, &ns), 0);
    CHECK_EQ(ns, 3999999999ull);
    struct linux_timespec zero = {0, 0};
    CHECK_EQ(timespec_to_ns(&zero, &ns), 0);
    CHECK_EQ(ns, 0);
    const struct linux_timespec bad[] = {
        {-1, 0}, {0, -1}, {0, 1000000000}, {INT64_MIN, 0}, {0, INT64_MAX}};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ns = 7;
        CHECK_EQ(timespec_to_ns(&bad[i], &ns), -EINVAL);
        CHECK_EQ(ns, 7);
    }
}

static void test_saturation(void)
{
    u64 ns;
    struct linux_timespec huge = {INT64_MAX, 999999999};
    CHECK_EQ(timespec_to_ns(&huge, &ns), 0);
    CHECK_EQ(ns, TIME_NS_MAX);
    /* The largest exact value and the first that saturates. */
    struct linux_timespec edge = {(s64)(TIME_NS_MAX / NSEC_PER_SEC) - 1, 999999999};
    CHECK_EQ(timespec_to_ns(&edge, &ns), 0);
    CHECK_EQ(ns, (TIME_NS_MAX / NSEC_PER_SEC) * NSEC_PER_SEC - 1);
    CHECK_EQ(time_add_sat(TIME_NS_MAX - 5, 4), TIME_NS_MAX - 1);
    CHECK_EQ(time_add_sat(TIME_NS_MAX - 5, 5), TIME_NS_MAX);
    CHECK_EQ(time_add_sat(TIME_NS_MAX - 5, ~0ull), TIME_NS_MAX);
    CHECK_EQ(time_add_sat(~0ull, 0), TIME_NS_MAX);
    CHECK_EQ(time_add_sat(1, 2), 3);
}

static void test_timeval_rules(void)
{
    u64 ns;
    struct linux_timeval tv = {2, 500000};
    CHECK_EQ(timeval_to_ns(&tv, &ns), 0);
    CHECK_EQ(ns, 2500000000ull);
    struct linux_timeval bad_usec = {0, 1000000}, neg = {-1, 0};
    CHECK_EQ(timeval_to_ns(&bad_usec, &ns), -EINVAL);
    CHECK_EQ(timeval_to_ns(&neg, &ns), -EINVAL);
    struct linux_timeval huge = {INT64_MAX, 999999};
    CHECK_EQ(timeval_to_ns(&huge, &ns), 0);
    CHECK_EQ(ns, TIME_NS_MAX);
}

static void test_back_to_user_layout(void)
{
    struct linux_timespec ts = ns_to_timespec(5000000123ull);
    CHECK_EQ(ts.tv_sec, 5);
    CHECK_EQ(ts.tv_nsec, 123);
    struct linux_timeval tv = ns_to_timeval(5000001999ull);
    CHECK_EQ(tv.tv_sec, 5);
    CHECK_EQ(tv.tv_usec, 1);
    ts = ns_to_timespec(TIME_NS_MAX);
    CHECK(ts.tv_sec > 0 && ts.tv_nsec >= 0 && ts.tv_nsec < (s64)NSEC_PER_SEC);
}

int main(void)
{
    RUN(test_timespec_rules);
    RUN(test_saturation);
    RUN(test_timeval_rules);
    RUN(test_back_to_user_layout);
    HARNESS_EXIT();
}
