// SPDX-License-Identifier: MIT
/* Exception and interrupt dispatch. Kernel faults first look for an entry in
 * the exception-fixup table (user-copy helpers); otherwise they are dumped
 * with registers and a backtrace, and either end the current thread (if it
 * asked for that with THREAD_FAULT_EXITS) or panic. */
#include <abi/errno.h>
#include <arch/x86_64/apic.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/memlayout.h>
#include <arch/x86_64/trap.h>
#include <kernel/log.h>
#include <kernel/proc.h>
#include <kernel/timekeeping.h>
#include <kernel/vm.h>

#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/signal.h>

struct vector_handler {
    irq_handler_fn fn;
    void *ctx;
};

static struct vector_handler vector_handlers[256];
static u64 vector_counts[256];
static u64 irq_total;
static u64 kernel_faults_total;

extern const struct ex_entry __ex_table_start[], __ex_table_end[];

static const char *const exception_names[32] = {
    "divide error",
    "debug",
    "NMI",
    "breakpoint",
    "overflow",
    "bound range exceeded",
    "invalid opcode",
    "device not available",
    "double fault",
    "coprocessor segment overrun",
    "invalid TSS",
    "segment not present",
    "stack-segment fault",
    "general protection fault",
    "page fault",
    "reserved",
    "x87 floating-point error",
    "alignment check",
    "machine check",
    "SIMD floating-point error",
    "virtualization exception",
    "control protection exception",
};

static const char *exception_name(u64 vec)
{
    if (vec < 32 && exception_names[vec]) {
        return exception_names[vec];
    }
    return "reserved exception";
}

void irq_set_vector_handler(u8 vector, irq_handler_fn fn, void *ctx)
{
    vector_handlers[vector].fn = fn;
    vector_handlers[vector].ctx = ctx;
}

u64 irq_count_total(void)
{
    return irq_total;
}

u64 irq_vector_count(u8 vector)
{
    return vector_counts[vector];
}

u64 kernel_fault_count(void)
{
    return kernel_faults_total;
}

static const struct ex_entry *ex_table_find(u64 rip)
{
    for (const struct ex_entry *e = __ex_table_start; e < __ex_table_end; e++) {
        if (e->insn == rip) {
            return e;
        }
    }
    return NULL;
}

void dump_trap_frame(const struct trap_frame *f)
{
    printk(LOG_EMERG, "RIP: %04llx:%016llx RFLAGS: %016llx\n", (unsigned long long)f->cs,
           (unsigned long long)f->rip, (unsigned long long)f->rflags);
    printk(LOG_EMERG, "RSP: %04llx:%016llx CR2: %016llx CR3: %016llx\n", (unsigned long long)f->ss,
           (unsigned long long)f->rsp, (unsigned long long)read_cr2(),
           (unsigned long long)read_cr3());
    printk(LOG_EMERG, "RAX: %016llx RBX: %016llx RCX: %016llx\n", (unsigned long long)f->rax,
           (unsigned long long)f->rbx, (unsigned long long)f->rcx);
    printk(LOG_EMERG, "RDX: %016llx RSI: %016llx RDI: %016llx\n", (unsigned long long)f->rdx,
           (unsigned long long)f->rsi, (unsigned long long)f->rdi);
    printk(LOG_EMERG, "RBP: %016llx R08: %016llx R09: %016llx\n", (unsigned long long)f->rbp,
           (unsigned long long)f->r8, (unsigned long long)f->r9);
    printk(LOG_EMERG, "R10: %016llx R11: %016llx R12: %016llx\n", (unsigned long long)f->r10,
           (unsigned long long)f->r11, (unsigned long long)f->r12);
    printk(LOG_EMERG, "R13: %016llx R14: %016llx R15: %016llx\n", (unsigned long long)f->r13,
           (unsigned long long)f->r14, (unsigned long long)f->r15);
}

static void describe_page_fault(const struct trap_frame *f, u64 cr2)
{
    u64 e = f->error_code;
    printk(LOG_EMERG, "page fault at %016llx: %s %s in %s mode%s%s\n", (unsigned long long)cr2,
           (e & 1) ? "protection violation on" : "not-present page on",
           (e & 16)  ? "instruction fetch"
           : (e & 2) ? "write"
                     : "read",
           (e & 4) ? "user" : "kernel", (e & 8) ? ", reserved bit set" : "",
           (e & 32) ? ", protection key" : "");
}

/* A fault whose address is in the guard area below the current thread's
 * stack is a kernel stack overflow. */
static bool is_stack_overflow(u64 addr)
{
    struct thread *t = current_thread();
    if (!t) {
        return false;
    }
    u64 guard_top = t->kstack_bottom;
    u64 guard_size = t->kstack_slot >= 0 ? KSTACK_SLOT_SIZE - KSTACK_SIZE : 4096;
    return addr < guard_top && addr >= guard_top - guard_size;
}

static void kernel_fault(struct trap_frame *f)
{
    u64 cr2 = read_cr2();
    const struct ex_entry *fix = ex_table_find(f->rip);
    if (fix && f->vector != VEC_DOUBLE_FAULT) {
        f->rip = fix->fixup;
        return;
    }
    kernel_faults_total++;
    struct thread *t = current_thread();
    bool overflow = (f->vector == VEC_PAGE_FAULT || f->vector == VEC_DOUBLE_FAULT) &&
                    (is_stack_overflow(cr2) || is_stack_overflow(f->rsp));

    bool oops = t && (t->flags & THREAD_FAULT_EXITS) && !overflow && f->vector != VEC_DOUBLE_FAULT;
    if (!oops) {
        log_enter_panic_mode();
    }
    printk(LOG_EMERG, "%s: %s (vector %llu, error code %#llx) in thread %u '%s'\n",
           overflow ? "kernel stack overflow" : "kernel fault", exception_name(f->vector),
           (unsigned long long)f->vector, (unsigned long long)f->error_code, t ? t->tid : 0,
           t ? t->name : "?");
    if (f->vector == VEC_PAGE_FAULT) {
        describe_page_fault(f, cr2);
    }
    dump_trap_frame(f);
    backtrace_print(f->rip, f->rbp, f->rsp);

    if (overflow) {
        panic("kernel stack overflow in thread '%s'", t ? t->name : "?");
    }
    if (oops) {
        printk(LOG_EMERG, "Oops: thread '%s' ended by %s\n", t->name, exception_name(f->vector));
        irq_enable();
        thread_exit(-14); /* -EFAULT */
    }
    panic("%s in kernel at %016llx", exception_name(f->vector), (unsigned long long)f->rip);
}

/* The signal a user-mode exception raises. */
static int exception_signal(u64 vec)
{
    switch (vec) {
    case VEC_DIVIDE:
    case 16: /* x87 */
    case 19: /* SIMD */
        return SIGFPE;
    case VEC_DEBUG:
    case VEC_BREAKPOINT:
        return SIGTRAP;
    case VEC_INVALID_OPCODE:
        return SIGILL;
    case 17: /* alignment check */
        return SIGBUS;
    default:
        return SIGSEGV;
    }
}

/* A page fault on a user address: demand paging and copy-on-write, from
 * user mode or from a uaccess helper. Returns true if handled. */
/* -ENXIO from the last user page fault: the page lies beyond the end of a
 * mapped file, which is SIGBUS rather than SIGSEGV (per CPU). */
static int last_fault_error;

static bool user_page_fault(struct trap_frame *f, u64 cr2)
{
    struct process *p = current_process();
    last_fault_error = 0;
    if (!p || !p->mm || cr2 >= USER_SPACE_TOP) {
        return false;
    }
    /* In kernel mode only the uaccess helpers may touch user memory. */
    if (!(f->cs & 3) && !ex_table_find(f->rip)) {
        return false;
    }
    last_fault_error = vm_handle_fault(p->mm, cr2, f->error_code);
    if (last_fault_error == 0) {
        p->min_flt++;
    }
    return last_fault_error == 0;
}

static void user_fault(struct trap_frame *f)
{
    struct process *p = current_process();
    int sig = exception_signal(f->vector);
    bool beyond_eof = f->vector == VEC_PAGE_FAULT && last_fault_error == -ENXIO;
    if (beyond_eof) {
        sig = SIGBUS;
    }
    printk(LOG_DEBUG, "%s[%d]: %s at ip %016llx sp %016llx addr %016llx error %llx\n",
           p ? p->comm : "?", p ? p->pid : 0, exception_name(f->vector), (unsigned long long)f->rip,
           (unsigned long long)f->rsp, (unsigned long long)read_cr2(),
           (unsigned long long)f->error_code);
    if (!p) {
        panic("user-mode %s without a process", exception_name(f->vector));
    }
    /* A fault that cannot be handled (blocked or ignored) kills, as on Linux. */
    struct linux_sigaction *act = &p->sig.actions[sig - 1];
    if ((p->sig.blocked & SIGBIT(sig)) || act->sa_handler == SIG_IGN) {
        act->sa_handler = SIG_DFL;
        p->sig.blocked &= ~SIGBIT(sig);
    }
    struct sig_info info = {0, 0, 0, 0, read_cr2()};
    if (beyond_eof) {
        info.code = BUS_ADRERR;
    } else if (f->vector == VEC_PAGE_FAULT) {
        info.code = (f->error_code & 1) ? SEGV_ACCERR : SEGV_MAPERR;
    } else if (f->vector == VEC_INVALID_OPCODE) {
        info.code = ILL_ILLOPN;
        info.addr = f->rip;
    } else if (f->vector == VEC_DIVIDE) {
        info.code = FPE_INTDIV;
        info.addr = f->rip;
    } else if (f->vector == VEC_BREAKPOINT) {
        info.code = TRAP_BRKPT;
        info.addr = f->rip;
    } else {
        info.code = SI_KERNEL;
        info.addr = 0;
    }
    signal_send(p, sig, &info);
}

void trap_dispatch(struct trap_frame *f)
{
    u64 vec = f->vector;
    if (vec < 32) {
        if (vec == VEC_PAGE_FAULT && user_page_fault(f, read_cr2())) {
            return;
        }
        if (f->cs & 3) {
            current_thread()->user_frame = f;
            user_fault(f);
            signal_deliver(f, false);
            return;
        }
        kernel_fault(f);
        return;
    }
    if (vec == VEC_SPURIOUS) {
        return;
    }
    irq_total++;
    vector_counts[vec & 0xff]++;
    if (vec == VEC_LAPIC_TIMER) {
        time_account_tick(f->cs & 3);
    }
    struct vector_handler *h = &vector_handlers[vec];
    if (h->fn) {
        h->fn(h->ctx);
    }
    lapic_eoi();
    if (f->rflags & RFLAGS_IF) {
        sched_preempt_point();
    }
    if ((f->cs & 3) && current_process() && current_process()->sig.pending) {
        signal_deliver(f, false);
    }
}
