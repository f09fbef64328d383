// SPDX-License-Identifier: MIT
/* From the syscall entry to the handler in the table, with tracing. */
#include <abi/errno.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/gdt.h>
#include <arch/x86_64/trap.h>
#include <kernel/format.h>
#include <kernel/log.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/syscall.h>

#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_SFMASK 0xc0000084
#define EFER_SCE 1ull
#define RFLAGS_DF (1ul << 10)
#define RFLAGS_NT (1ul << 14)

extern char syscall_entry[];

static u64 reported_unimplemented[(SYSCALL_COUNT + 63) / 64];
static u64 syscalls_total;

u64 syscall_count_total(void)
{
    return syscalls_total;
}

void syscall_init(void)
{
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    /* sysret loads CS = STAR[63:48] + 16 and SS = STAR[63:48] + 8. */
    wrmsr(MSR_STAR, ((u64)(USER32_CS & ~3) << 48) | ((u64)KERNEL_CS << 32));
    wrmsr(MSR_LSTAR, (u64)syscall_entry);
    wrmsr(MSR_SFMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC | RFLAGS_NT);
}

static void report_unimplemented(u64 nr)
{
    if (nr < SYSCALL_COUNT) {
        if (reported_unimplemented[nr / 64] & (1ull << (nr % 64))) {
            return;
        }
        reported_unimplemented[nr / 64] |= 1ull << (nr % 64);
    }
    const char *name = nr < SYSCALL_COUNT && syscall_table[nr].name ? syscall_table[nr].name : "?";
    struct process *p = current_process();
    pr_warn("syscall %llu (%s) is not implemented: -ENOSYS (first call by %s)\n",
            (unsigned long long)nr, name, p ? p->comm : "?");
}

static void trace(u64 nr, const u64 *args, long ret)
{
    char line[320];
    struct process *p = current_process();
    int n = 0;
    if (nr < SYSCALL_COUNT && syscall_table[nr].name) {
        n = syscall_format_trace(line, sizeof(line), &syscall_table[nr], args, ret);
    } else {
        n = ksnprintf(line, sizeof(line), "syscall_%llu(...) = %ld", (unsigned long long)nr, ret);
    }
    (void)n;
    printk(LOG_TRACE, "[%d:%s] %s\n", p ? p->pid : 0, p ? p->comm : "?", line);
}

void syscall_dispatch(struct trap_frame *f)
{
    struct thread *t = current_thread();
    t->user_frame = f;
    irq_enable();
    syscalls_total++;
    u64 nr = f->vector;
    u64 args[SYSCALL_MAX_ARGS] = {f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9};
    long ret;
    syscall_fn fn = nr < SYSCALL_COUNT ? syscall_table[nr].fn : NULL;
    if (fn) {
        ret = fn(args);
    } else {
        report_unimplemented(nr);
        ret = -ENOSYS;
    }
    /* execve and rt_sigreturn replace the whole frame and return it as is. */
    if (ret != SYSCALL_FRAME_REPLACED) {
        f->rax = (u64)ret;
    }
    if (log_console_level() >= LOG_TRACE) {
        trace(nr, args, ret == SYSCALL_FRAME_REPLACED ? 0 : ret);
    }
    struct process *p = t->process;
    /* ERESTART* codes never reach user space: signal_deliver turns them
     * into EINTR or a restart even when no signal is left to take. */
    if (p && (p->sig.pending || IS_ERESTART(ret) || p->sig.restore_mask)) {
        signal_deliver(f, ret != SYSCALL_FRAME_REPLACED);
    }
}
