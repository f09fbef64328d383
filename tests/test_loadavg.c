// SPDX-License-Identifier: MIT
/* Load-average arithmetic against the closed form avg(t) = n (1 - e^(-t/T))
 * and Linux's display rounding. */
#include <kernel/loadavg.h>
#include <math.h>

#include "harness.h"

HARNESS("test_loadavg");

static double as_double(unsigned long v)
{
    return (double)v / LOADAVG_FIXED_1;
}

/* One runnable thread for a minute: the 1-minute average reaches
 * 1 - e^-1 (0.63), the longer ones less; then it decays back. */
static void test_rise_and_decay(void)
{
    unsigned long avg[3] = {0, 0, 0};
    const double periods[3] = {60, 300, 900};
    for (int i = 0; i < 12; i++) {
        loadavg_fold(avg, 1);
    }
    for (int i = 0; i < 3; i++) {
        double want = 1 - exp(-60.0 / periods[i]);
        CHECK(fabs(as_double(avg[i]) - want) < 0.01);
    }
    CHECK(avg[0] > avg[1] && avg[1] > avg[2]);
    for (int i = 0; i < 12 * 10; i++) {
        loadavg_fold(avg, 0);
    }
    CHECK(as_double(avg[0]) < 0.01);
    CHECK(avg[2] > avg[0]);
}

/* A steady load converges to exactly n (Linux rounds up while rising). */
static void test_steady_load_converges(void)
{
    unsigned long avg[3] = {0, 0, 0};
    for (int i = 0; i < 12 * 120; i++) {
        loadavg_fold(avg, 3);
    }
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(avg[i], 3 * LOADAVG_FIXED_1);
    }
    for (int i = 0; i < 12 * 120; i++) {
        loadavg_fold(avg, 0);
    }
    CHECK_EQ(avg[0], 0);
}

static void test_split_rounding(void)
{
    unsigned w, h;
    loadavg_split(0, &w, &h);
    CHECK(w == 0 && h == 0);
    loadavg_split(LOADAVG_FIXED_1, &w, &h);
    CHECK(w == 1 && h == 0);
    loadavg_split(LOADAVG_FIXED_1 * 3 / 2, &w, &h);
    CHECK(w == 1 && h == 50);
    /* 0.996 shows as 1.00, as Linux's FIXED_1/200 rounding does. */
    loadavg_split(LOADAVG_FIXED_1 * 996 / 1000, &w, &h);
    CHECK(w == 1 && h == 0);
    loadavg_split(LOADAVG_FIXED_1 * 2 - 1, &w, &h);
    CHECK(w == 2 && h == 0);
}

int main(void)
{
    RUN(test_rise_and_decay);
    RUN(test_steady_load_converges);
    RUN(test_split_rounding);
    HARNESS_EXIT();
}
