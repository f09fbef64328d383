// SPDX-License-Identifier: MIT
/* Load-average arithmetic: the decay constants against exp(), each step
 * against exact rounding, the averages against the closed form
 * avg(t) = n (1 - e^(-t/T)), and the read-time scales (hundredths as
 * /proc/loadavg shows them, SI_LOAD_SHIFT for sysinfo(2)). */
#include <kernel/loadavg.h>
#include <math.h>

#include "harness.h"

HARNESS("test_loadavg");

static const double windows[3] = {60, 300, 900};

static double as_double(u64 v)
{
    return (double)v / (double)LOADAVG_ONE;
}

/* The constants are exp(-5 s / window) rounded to the nearest 2^-32 (so
 * also within the 1-ulp tolerance of the fraction). */
static void test_decay_constants(void)
{
    const u32 decay[3] = {LOADAVG_DECAY_1, LOADAVG_DECAY_5, LOADAVG_DECAY_15};

    CHECK_EQ(LOADAVG_PERIOD_S, 5);
    for (int i = 0; i < 3; i++) {
        double exact = exp(-(double)LOADAVG_PERIOD_S / windows[i]) * (double)LOADAVG_ONE;
        double err = fabs((double)decay[i] - exact);

        CHECK(err <= 1.0);
        CHECK(err <= 0.5);
    }
}

/* Each fold is avg * e + n * (1 - e) rounded to nearest, computed here in
 * 128 bits for random averages and counts. */
static void test_step_rounding(void)
{
    const u32 decay[3] = {LOADAVG_DECAY_1, LOADAVG_DECAY_5, LOADAVG_DECAY_15};

    harness_seed(0x10ad);
    for (int it = 0; it < 200000; it++) {
        unsigned n = harness_rand() % (it % 2 ? 8 : 100000);
        u64 avg[3];

        for (int i = 0; i < 3; i++) {
            /* Up to about 2n + 1: rising and falling alike. */
            avg[i] = harness_rand() % ((2 * (u64)n + 2) << LOADAVG_FRAC_BITS);
        }
        u64 before[3] = {avg[0], avg[1], avg[2]};
        loadavg_fold(avg, n);
        for (int i = 0; i < 3; i++) {
            unsigned __int128 num =
                (unsigned __int128)before[i] * decay[i] +
                ((unsigned __int128)n << LOADAVG_FRAC_BITS) * (LOADAVG_ONE - decay[i]);
            u64 want = (u64)((num + (LOADAVG_ONE >> 1)) >> LOADAVG_FRAC_BITS);

            if (avg[i] != want) {
                printf("  avg %llu n %u window %d: got %llu want %llu\n",
                       (unsigned long long)before[i], n, i, (unsigned long long)avg[i],
                       (unsigned long long)want);
                CHECK(false);
            }
        }
    }
}

/* One runnable thread for a minute: the 1-minute average reaches
 * 1 - e^-1 (0.63), the longer ones less; then it decays back. */
static void test_rise_and_decay(void)
{
    u64 avg[3] = {0, 0, 0};

    for (int i = 0; i < 12; i++) {
        loadavg_fold(avg, 1);
    }
    for (int i = 0; i < 3; i++) {
        double want = 1 - exp(-60.0 / windows[i]);
        CHECK(fabs(as_double(avg[i]) - want) < 1e-6);
    }
    CHECK(avg[0] > avg[1] && avg[1] > avg[2]);
    for (int i = 0; i < 12 * 10; i++) {
        loadavg_fold(avg, 0);
    }
    CHECK(as_double(avg[0]) < 0.01);
    CHECK(avg[2] > avg[0]);
}

/* A changing load follows the closed form of its piecewise-constant input
 * to within the rounding of each step. */
static void test_follows_closed_form(void)
{
    u64 avg[3] = {0, 0, 0};
    double exact[3] = {0, 0, 0};

    harness_seed(0x5eed);
    for (int step = 0; step < 5000; step++) {
        unsigned n = harness_rand() % 16;

        loadavg_fold(avg, n);
        for (int i = 0; i < 3; i++) {
            double e = exp(-(double)LOADAVG_PERIOD_S / windows[i]);
            exact[i] = exact[i] * e + n * (1 - e);
            CHECK(fabs(as_double(avg[i]) - exact[i]) < 1e-6);
        }
    }
}

/* A steady load of 3 shows 3.00 after two hours (the 15-minute average is
 * then 3 (1 - e^-8) = 2.999). After a day it is exactly 3 at the exported
 * scale too; the 32.32 value keeps a residue of at most 0.5 / (1 - e)
 * units (under 2^7), far below what a reader sees. Load 0 brings all three
 * back to 0.00 the same way. */
static void fold_for(u64 avg[3], unsigned n, int minutes)
{
    for (int i = 0; i < minutes * 60 / LOADAVG_PERIOD_S; i++) {
        loadavg_fold(avg, n);
    }
}

static bool shows(u64 avg, unsigned want_whole, unsigned want_hundredths)
{
    unsigned w, h;

    loadavg_split(loadavg_export(avg), &w, &h);
    return w == want_whole && h == want_hundredths;
}

static void test_steady_load_converges(void)
{
    const u64 three = 3 * LOADAVG_ONE;
    u64 avg[3] = {0, 0, 0};

    fold_for(avg, 3, 120);
    for (int i = 0; i < 3; i++) {
        CHECK(shows(avg[i], 3, 0));
    }
    fold_for(avg, 3, 24 * 60);
    for (int i = 0; i < 3; i++) {
        CHECK((avg[i] > three ? avg[i] - three : three - avg[i]) < 128);
        CHECK_EQ(loadavg_export(avg[i]), 3 << 16); /* SI_LOAD_SHIFT */
    }
    fold_for(avg, 0, 120);
    for (int i = 0; i < 3; i++) {
        CHECK(shows(avg[i], 0, 0));
    }
    CHECK_EQ(loadavg_export(avg[0]), 0);
    fold_for(avg, 0, 24 * 60);
    for (int i = 0; i < 3; i++) {
        CHECK(avg[i] < 128);
        CHECK_EQ(loadavg_export(avg[i]), 0);
    }
}

static void test_export_rounding(void)
{
    const u64 unit = LOADAVG_ONE >> LOADAVG_FSHIFT; /* one exported ulp */

    CHECK_EQ(LOADAVG_FIXED_1, 1 << 16); /* sysinfo's SI_LOAD_SHIFT */
    CHECK_EQ(loadavg_export(0), 0);
    CHECK_EQ(loadavg_export(unit / 2 - 1), 0);
    CHECK_EQ(loadavg_export(unit / 2), 1);
    CHECK_EQ(loadavg_export(unit + unit / 2 - 1), 1);
    CHECK_EQ(loadavg_export(LOADAVG_ONE - 1), LOADAVG_FIXED_1);
    CHECK_EQ(loadavg_export(7 * LOADAVG_ONE + LOADAVG_ONE / 4), 7 * LOADAVG_FIXED_1 + 16384);
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
    /* 0.996 shows as 1.00: rounded, not truncated. */
    loadavg_split(LOADAVG_FIXED_1 * 996 / 1000, &w, &h);
    CHECK(w == 1 && h == 0);
    loadavg_split(LOADAVG_FIXED_1 * 2 - 1, &w, &h);
    CHECK(w == 2 && h == 0);
    loadavg_split(LOADAVG_FIXED_1 * 4 / 1000, &w, &h);
    CHECK(w == 0 && h == 0);
    loadavg_split(LOADAVG_FIXED_1 * 6 / 1000, &w, &h);
    CHECK(w == 0 && h == 1);
    loadavg_split(LOADAVG_FIXED_1 * 12345 / 100, &w, &h);
    CHECK(w == 123 && h == 45);
    /* Every hundredth shows as itself. */
    for (unsigned c = 0; c < 100000; c++) {
        loadavg_split((unsigned long)llround(c / 100.0 * LOADAVG_FIXED_1), &w, &h);
        CHECK_EQ(w * 100 + h, c);
    }
}

/* The kernel's copy: sampled like the tick does, read as the callers do. */
static void test_sample_and_get(void)
{
    unsigned long avg[3];
    unsigned w, h;

    loadavg_get(avg);
    CHECK(avg[0] == 0 && avg[1] == 0 && avg[2] == 0);
    for (int i = 0; i < 12 * 200; i++) {
        loadavg_sample(2);
    }
    loadavg_get(avg);
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(avg[i], 2 * LOADAVG_FIXED_1);
        loadavg_split(avg[i], &w, &h);
        CHECK(w == 2 && h == 0);
    }
    loadavg_sample(0);
    loadavg_get(avg);
    CHECK(avg[0] < avg[1] && avg[1] < avg[2] && avg[2] < 2 * LOADAVG_FIXED_1);
}

int main(void)
{
    RUN(test_decay_constants);
    RUN(test_step_rounding);
    RUN(test_rise_and_decay);
    RUN(test_follows_closed_form);
    RUN(test_steady_load_converges);
    RUN(test_export_rounding);
    RUN(test_split_rounding);
    RUN(test_sample_and_get);
    HARNESS_EXIT();
}
