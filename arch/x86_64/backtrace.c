// SPDX-License-Identifier: MIT
/* Frame-pointer backtrace (the kernel is built with -fno-omit-frame-pointer).
 * Each frame pointer is checked to lie in the current thread's stack before
 * it is followed, so a corrupt chain ends the walk instead of faulting. */
#include <arch/x86_64/trap.h>
#include <kernel/ksyms.h>
#include <kernel/printk.h>
#include <kernel/sched.h>

#define BACKTRACE_MAX_DEPTH 32

static bool frame_ok(u64 rbp)
{
    struct thread *t = current_thread();
    if (rbp & 7) {
        return false;
    }
    if (t && rbp >= t->kstack_bottom && rbp + 16 <= t->kstack_top) {
        return true;
    }
    return stack_is_ist(rbp) && stack_is_ist(rbp + 15);
}

static void print_frame(int depth, u64 addr)
{
    u64 off = 0;
    const char *name = ksym_lookup(addr, &off);
    if (name) {
        printk(LOG_EMERG, "  #%d %016llx %s+%#llx\n", depth, (unsigned long long)addr, name,
               (unsigned long long)off);
    } else {
        printk(LOG_EMERG, "  #%d %016llx ?\n", depth, (unsigned long long)addr);
    }
}

void backtrace_print(u64 rip, u64 rbp, u64 rsp)
{
    printk(LOG_EMERG, "Backtrace:\n");
    print_frame(0, rip);
    int depth = 1;
    u64 off = 1;
    /* Stopped on a function's first instruction: its frame is not set up
     * yet and the caller's return address is on top of the stack. */
    if (ksym_lookup(rip, &off) && off == 0 && frame_ok(rsp)) {
        print_frame(depth++, *(u64 *)rsp - 1);
    }
    for (; depth < BACKTRACE_MAX_DEPTH && frame_ok(rbp); depth++) {
        u64 *frame = (u64 *)rbp;
        u64 ret = frame[1];
        if (ret == 0) {
            break;
        }
        /* Return addresses point after the call; show the call itself. */
        print_frame(depth, ret - 1);
        if (frame[0] <= rbp) {
            break; /* frames must move up the stack */
        }
        rbp = frame[0];
    }
}
