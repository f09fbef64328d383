// SPDX-License-Identifier: MIT
#include <kernel/crash.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/string.h>

/* The volatile limit hides from the compiler that the recursion never ends. */
static volatile int recursion_limit = 1 << 30;

__attribute__((noinline)) static int recurse(int depth)
{
    volatile char pad[256];
    pad[0] = (char)depth;
    if (depth >= recursion_limit) {
        return 0;
    }
    return recurse(depth + 1) + pad[0];
}

static int stack_overflow_thread(void *arg)
{
    (void)arg;
    return recurse(0);
}

__attribute__((noinline)) static void write_to_unmapped(void)
{
    *(volatile u64 *)0xdead000 = 42;
}

void crash_on_purpose(const char *kind)
{
    printk(LOG_NOTICE, "crash: deliberately causing '%s'\n", kind);
    if (strcmp(kind, "pagefault") == 0) {
        write_to_unmapped();
    } else if (strcmp(kind, "stackoverflow") == 0) {
        struct thread *t = thread_create(stack_overflow_thread, NULL, "overflow", 0);
        if (t) {
            thread_join(t);
        }
    } else if (strcmp(kind, "gpf") == 0) {
        /* A non-canonical address. */
        *(volatile u64 *)0x8000000000000000ull = 1;
    } else if (strcmp(kind, "divide") == 0) {
        /* In assembly: gcc computes 1/x without dividing. */
        __asm__ __volatile__("xorl %%ecx, %%ecx; divl %%ecx" ::: "eax", "ecx", "edx");
    } else if (strcmp(kind, "ud") == 0) {
        __asm__ __volatile__("ud2");
    } else if (strcmp(kind, "panic") == 0) {
        panic("deliberate panic from crash=panic");
    }
    pr_warn("crash: unknown kind '%s', or it did not crash\n", kind);
}
