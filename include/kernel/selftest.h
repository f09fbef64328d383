/* SPDX-License-Identifier: MIT */
/* In-kernel self-tests, run when the command line has `test`
 * (kernel/selftest/). Each prints `SELFTEST PASS <name>` or
 * `SELFTEST FAIL <name>: <why>`; selftest=<name> runs only one. */
#ifndef KERNEL_SELFTEST_H
#define KERNEL_SELFTEST_H

#include <kernel/compiler.h>
#include <kernel/format.h>
#include <kernel/types.h>

struct selftest_result {
    char why[160];
};

struct selftest {
    const char *name;
    int (*fn)(struct selftest_result *r); /* 0 = pass */
};

/* Registers a test in the .selftests section (an array of pointers). */
#define SELFTEST(name_)                                                                            \
    static int selftest_fn_##name_(struct selftest_result *r);                                     \
    static const struct selftest selftest_desc_##name_ = {#name_, selftest_fn_##name_};            \
    static const struct selftest *const selftest_ptr_##name_                                       \
        __attribute__((used, section(".selftests"))) = &selftest_desc_##name_;                     \
    static int selftest_fn_##name_(struct selftest_result *r)

/* Fails the test with a formatted reason unless cond holds. */
#define ST_CHECK(cond, ...)                                                                        \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            ksnprintf(r->why, sizeof(r->why), __VA_ARGS__);                                        \
            return -1;                                                                             \
        }                                                                                          \
    } while (0)

/* Runs every test (or only the one named); returns the number failed. */
int selftest_run_all(const char *only, int *passed);

#endif
