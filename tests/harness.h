/* SPDX-License-Identifier: MIT */
/* Minimal host unit-test harness. Each test binary prints one line per case,
 * `PASS <binary>: <case>` or `FAIL <binary>: <case>: <why>`, and exits 1 if
 * any case failed. tools/run-tests.sh counts the lines. */
#ifndef TESTS_HARNESS_H
#define TESTS_HARNESS_H

#include <stdio.h>
#include <stdlib.h>

extern const char *harness_name;
extern int harness_failed_cases;
extern int harness_case_failed;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            printf("  check failed at %s:%d: %s\n", __FILE__, __LINE__, #cond);                    \
            harness_case_failed = 1;                                                               \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define CHECK_EQ(a, b)                                                                             \
    do {                                                                                           \
        long long _a = (long long)(a), _b = (long long)(b);                                        \
        if (_a != _b) {                                                                            \
            printf("  check failed at %s:%d: %s == %s (%lld != %lld)\n", __FILE__, __LINE__, #a,   \
                   #b, _a, _b);                                                                    \
            harness_case_failed = 1;                                                               \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define RUN(fn)                                                                                    \
    do {                                                                                           \
        harness_case_failed = 0;                                                                   \
        fn();                                                                                      \
        if (harness_case_failed) {                                                                 \
            harness_failed_cases++;                                                                \
            printf("FAIL %s: %s\n", harness_name, #fn);                                            \
        } else {                                                                                   \
            printf("PASS %s: %s\n", harness_name, #fn);                                            \
        }                                                                                          \
        fflush(stdout);                                                                            \
    } while (0)

/* Use once per test binary, at file scope. */
#define HARNESS(name)                                                                              \
    const char *harness_name = name;                                                               \
    int harness_failed_cases;                                                                      \
    int harness_case_failed

#define HARNESS_EXIT() return harness_failed_cases ? 1 : 0

/* Deterministic xorshift64 for randomized tests. harness_seed() takes the
 * seed from $SEED or the default, and prints it so a failure can be rerun. */
static unsigned long long harness_rng_state = 1;

static inline unsigned long long harness_rand(void)
{
    unsigned long long x = harness_rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    harness_rng_state = x;
    return x;
}

static inline void harness_seed(unsigned long long fallback)
{
    const char *env = getenv("SEED");
    unsigned long long seed = env ? strtoull(env, NULL, 0) : fallback;
    harness_rng_state = seed ? seed : 1;
    printf("  seed %llu (override with SEED=)\n", harness_rng_state);
}

#endif
