// SPDX-License-Identifier: MIT
/* Signal handler frames in the Linux x86_64 layout (struct
 * linux_rt_sigframe, include/abi/signal.h), and rt_sigreturn, which
 * restores every register from one. */
#include <abi/errno.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/fpu.h>
#include <arch/x86_64/memlayout.h>
#include <arch/x86_64/gdt.h>
#include <arch/x86_64/trap.h>
#include <arch/x86_64/uaccess.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>

#define RED_ZONE 128
#define NR_RESTART_SYSCALL 219
/* Flags user code may change through rt_sigreturn: CF PF AF ZF SF TF DF OF
 * NT RF AC ID (the flags Linux lets sigreturn restore). */
#define RFLAGS_USER_MASK 0x254dd5ul

/* Builds the frame on the user (or alternate) stack and points the
 * registers at the handler. Returns false if the stack is unusable or the
 * handler lies outside user space (rt_sigaction stores any value, as on
 * Linux; returning to a non-canonical rip would fault in the kernel's
 * iretq, so the process gets SIGSEGV instead). */
static bool setup_frame(struct trap_frame *f, int sig, const struct linux_sigaction *act,
                        const struct sig_info *info, struct signal_state *s, u64 old_mask)
{
    if (act->sa_handler >= USER_SPACE_TOP) {
        return false;
    }
    u64 sp = f->rsp;
    /* Already on the alternate stack (a nested signal): stay below the
     * frames there, even when SS_AUTODISARM re-armed it meanwhile. */
    bool use_alt =
        (act->sa_flags & SA_ONSTACK) && s->altstack.size && !altstack_contains(&s->altstack, sp);
    if (use_alt) {
        sp = s->altstack.base + s->altstack.size;
    } else {
        sp -= RED_ZONE;
    }
    struct thread *t = current_thread();
    sp = ALIGN_DOWN(sp - FPU_STATE_SIZE, 64);
    u64 fpstate = sp;
    fpu_save(t->fpu);
    if (copy_to_user(uptr(fpstate), t->fpu, FPU_STATE_SIZE) < 0) {
        return false;
    }
    sp = ALIGN_DOWN(sp - sizeof(struct linux_rt_sigframe), 16) - 8;

    struct linux_rt_sigframe fr;
    memset(&fr, 0, sizeof(fr));
    fr.pretcode = act->sa_restorer;
    /* uc_stack: the alternate stack as sigaltstack() set it (not whether
     * we run on it); rt_sigreturn reinstates it (SS_AUTODISARM disarms
     * the stack meanwhile). */
    fr.uc.uc_stack = altstack_save(&s->altstack);
    struct linux_sigcontext *mc = &fr.uc.uc_mcontext;
    mc->r8 = f->r8;
    mc->r9 = f->r9;
    mc->r10 = f->r10;
    mc->r11 = f->r11;
    mc->r12 = f->r12;
    mc->r13 = f->r13;
    mc->r14 = f->r14;
    mc->r15 = f->r15;
    mc->rdi = f->rdi;
    mc->rsi = f->rsi;
    mc->rbp = f->rbp;
    mc->rbx = f->rbx;
    mc->rdx = f->rdx;
    mc->rax = f->rax;
    mc->rcx = f->rcx;
    mc->rsp = f->rsp;
    mc->rip = f->rip;
    mc->eflags = f->rflags;
    mc->cs = USER_CS;
    mc->ss = USER_DS;
    mc->err = f->error_code;
    mc->trapno = f->vector;
    mc->oldmask = old_mask;
    mc->cr2 = info->addr;
    mc->fpstate = fpstate;
    fr.uc.uc_sigmask = old_mask;
    signal_fill_siginfo(&fr.info, sig, info);
    if (copy_to_user(uptr(sp), &fr, sizeof(fr)) < 0) {
        return false;
    }
    /* Linux disarms on any delivery, on the alternate stack or not. */
    if (s->altstack.flags & SS_AUTODISARM) {
        s->altstack = (struct altstack){0, 0, 0};
    }

    f->rsp = sp;
    f->rip = act->sa_handler;
    f->rdi = (u64)sig;
    f->rsi = sp + __builtin_offsetof(struct linux_rt_sigframe, info);
    f->rdx = sp + __builtin_offsetof(struct linux_rt_sigframe, uc);
    f->rax = 0;
    f->rflags &= ~(RFLAGS_TF | (1ul << 10)); /* no trap flag, DF clear as the ABI wants */
    f->cs = USER_CS;
    f->ss = USER_DS;
    fpu_state_init(t->fpu);
    fpu_restore(t->fpu);
    return true;
}

/* An interrupted syscall resumes (restart) or fails with EINTR. */
static void fix_syscall_return(struct trap_frame *f, const struct linux_sigaction *act,
                               bool handler)
{
    long ret = (long)f->rax;
    bool restart = false;
    if (ret == -ERESTARTSYS) {
        restart = !handler || (act->sa_flags & SA_RESTART);
    } else if (ret == -ERESTARTNOHAND || ret == -ERESTART_RESTARTBLOCK) {
        restart = !handler;
    } else if (ret == -ERESTARTNOINTR) {
        restart = true;
    } else {
        return;
    }
    if (restart) {
        /* Back onto the syscall instruction, with orig_rax (the syscall
         * number) or restart_syscall in rax. */
        f->rax = ret == -ERESTART_RESTARTBLOCK ? NR_RESTART_SYSCALL : f->vector;
        f->rip -= 2;
    } else {
        f->rax = (u64)-EINTR;
    }
}

void signal_deliver(struct trap_frame *f, bool from_syscall)
{
    struct process *p = current_process();
    if (!p) {
        return;
    }
    struct signal_state *s = &p->sig;
    struct linux_sigaction ka;
    struct sig_info info;
    /* Like Linux, every signal the mask lets through gets its frame now,
     * each on top of the previous one: the last one's handler runs first
     * and returns into the one before. */
    bool handled = false;
    int sig;
    while ((sig = signal_get(&ka, &info)) != 0) {
        if (from_syscall && !handled) {
            fix_syscall_return(f, &ka, true);
        }
        handled = true;
        /* After sigsuspend/ppoll the handler returns to the old mask. */
        u64 old_mask = s->restore_mask ? s->saved_mask : s->blocked;
        s->restore_mask = false;
        if (!setup_frame(f, sig, &ka, &info, s, old_mask)) {
            /* No room for the frame, or no handler to run: the process
             * dies of SIGSEGV. */
            process_exit(SIGSEGV | 0x80);
        }
        signal_handler_done(sig, &ka, old_mask);
    }
    if (handled) {
        return;
    }
    if (from_syscall) {
        fix_syscall_return(f, NULL, false);
    }
    if (s->restore_mask) {
        s->restore_mask = false;
        s->blocked = s->saved_mask & ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
    }
}

#define KERNEL_HALF 0xffff800000000000ull

static bool canonical_user(u64 a)
{
    return a < 0x0000800000000000ull;
}

/* A frame rt_sigreturn cannot use: SIGSEGV (or sig), registers left as
 * they are. */
static long bad_frame_sig(int sig)
{
    struct sig_info info = {SI_KERNEL, 0, 0, 0, 0};
    signal_force(sig, &info);
    return 0;
}

static long bad_frame(void)
{
    return bad_frame_sig(SIGSEGV);
}

SYSCALL_DEFINE0(rt_sigreturn)
{
    struct thread *t = current_thread();
    struct trap_frame *f = t->user_frame;
    struct process *p = current_process();
    u64 addr = f->rsp - 8; /* the handler's ret popped pretcode */
    struct linux_rt_sigframe fr;
    signal_restart_reset();
    if (copy_from_user(&fr, uptr(addr), sizeof(fr)) < 0) {
        return bad_frame();
    }
    struct linux_sigcontext *mc = &fr.uc.uc_mcontext;
    /* A forged frame may not leave user mode: kernel or other selectors
     * (Linux's iret would fault on them), kernel or non-canonical
     * addresses. */
    if ((mc->cs | 3) != USER_CS || !canonical_user(mc->rip) || mc->rsp >= KERNEL_HALF) {
        return bad_frame();
    }
    /* On Linux a non-canonical stack pointer faults at the first push
     * (#SS), which is SIGBUS. */
    if (!canonical_user(mc->rsp)) {
        return bad_frame_sig(SIGBUS);
    }
    if (mc->fpstate) {
        struct fpu_state st;
        if (copy_from_user(&st, uptr(mc->fpstate), sizeof(st)) < 0) {
            return bad_frame();
        }
        u32 mxcsr = *(u32 *)(st.fxsave + 24);
        if (mxcsr & 0xffff0000u) {
            return bad_frame(); /* fxrstor would fault on reserved bits */
        }
        *t->fpu = st;
        fpu_restore(t->fpu);
    }
    f->r8 = mc->r8;
    f->r9 = mc->r9;
    f->r10 = mc->r10;
    f->r11 = mc->r11;
    f->r12 = mc->r12;
    f->r13 = mc->r13;
    f->r14 = mc->r14;
    f->r15 = mc->r15;
    f->rdi = mc->rdi;
    f->rsi = mc->rsi;
    f->rbp = mc->rbp;
    f->rbx = mc->rbx;
    f->rdx = mc->rdx;
    f->rax = mc->rax;
    f->rcx = mc->rcx;
    f->rsp = mc->rsp;
    f->rip = mc->rip;
    f->rflags = (f->rflags & ~RFLAGS_USER_MASK) | (mc->eflags & RFLAGS_USER_MASK) | RFLAGS_IF;
    f->cs = USER_CS;
    f->ss = USER_DS;
    f->vector = (u64)-1; /* not a syscall any more: no restart */
    u64 flags = spin_lock_irqsave(&proc_lock);
    p->sig.blocked = fr.uc.uc_sigmask & ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
    spin_unlock_irqrestore(&proc_lock, flags);
    /* The alternate stack as it was, checked as sigaltstack() would be at
     * the stack pointer of this call. A rejected one changes nothing, as
     * on Linux: a handler still on the alternate stack that set it up
     * again (without SS_AUTODISARM) keeps its own settings. */
    struct altstack back;
    if (altstack_validate(&p->sig.altstack, addr + 8, &fr.uc.uc_stack, &back) == 0) {
        p->sig.altstack = back;
    }
    return SYSCALL_FRAME_REPLACED;
}
