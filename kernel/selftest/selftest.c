// SPDX-License-Identifier: MIT
#include <kernel/printk.h>
#include <kernel/selftest.h>
#include <kernel/string.h>

extern const struct selftest *const __selftests_start[], *const __selftests_end[];

int selftest_run_all(const char *only, int *passed)
{
    int failed = 0;
    *passed = 0;
    for (const struct selftest *const *p = __selftests_start; p < __selftests_end; p++) {
        const struct selftest *t = *p;
        if (only && strcmp(only, t->name) != 0) {
            continue;
        }
        struct selftest_result r = {{0}};
        printk(LOG_INFO, "selftest: running %s\n", t->name);
        if (t->fn(&r) == 0) {
            printk(LOG_NOTICE, "SELFTEST PASS %s\n", t->name);
            (*passed)++;
        } else {
            printk(LOG_NOTICE, "SELFTEST FAIL %s: %s\n", t->name, r.why[0] ? r.why : "failed");
            failed++;
        }
    }
    if (only && *passed + failed == 0) {
        printk(LOG_NOTICE, "SELFTEST FAIL %s: no such self-test\n", only);
        failed++;
    }
    return failed;
}
