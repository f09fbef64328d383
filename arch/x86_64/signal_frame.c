/* Signal handler frames in the Linux x86_64 layout (struct rt_sigframe),
 * and rt_sigreturn, which restores every register from one. */
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/fpu.h>
#include <arch/x86_64/gdt.h>
#include <arch/x86_64/trap.h>
#include <arch/x86_64/uaccess.h>
#include <kernel/errno.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>

#define RED_ZONE 128
#define UC_FP_XSTATE 0x1
#define SS_ONSTACK 1
#define SS_DISABLE 2
/* Flags user code may change through rt_sigreturn: CF PF AF ZF SF TF DF OF
 * NT RF AC ID (like Linux's FIX_EFLAGS). */
#define RFLAGS_USER_MASK 0x254dd5ul

struct sigcontext_k {
    u64 r8, r9, r10, r11, r12, r13, r14, r15;
    u64 rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
    u16 cs, gs, fs, ss;
    u64 err, trapno, oldmask, cr2;
    u64 fpstate;
    u64 reserved[8];
};

struct ucontext_k {
    u64 uc_flags;
    u64 uc_link;
    u64 ss_sp;
    s32 ss_flags;
    s32 pad;
    u64 ss_size;
    struct sigcontext_k mcontext;
    u64 sigmask;
};

struct siginfo_k {
    s32 si_signo, si_errno, si_code, pad;
    union {
        struct {
            s32 pid;
            u32 uid;
            s32 status;
        } kill;
        u64 addr;
        u8 bytes[112];
    } u;
};

struct rt_sigframe {
    u64 pretcode;
    struct ucontext_k uc;
    struct siginfo_k info;
};

_Static_assert(sizeof(struct sigcontext_k) == 256, "sigcontext is 256 bytes");
_Static_assert(sizeof(struct siginfo_k) == 128, "siginfo is 128 bytes");

int signal_default(struct process *p, int sig);

static bool on_altstack(const struct signal_state *s, u64 sp)
{
    return s->altstack_size && sp > s->altstack_sp && sp <= s->altstack_sp + s->altstack_size;
}

static void fill_siginfo(struct siginfo_k *si, int sig, const struct sig_info *in)
{
    memset(si, 0, sizeof(*si));
    si->si_signo = sig;
    si->si_code = in->code;
    if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP) {
        si->u.addr = in->addr;
    } else {
        si->u.kill.pid = in->pid;
        si->u.kill.uid = in->uid;
        si->u.kill.status = in->status;
    }
}

/* Builds the frame on the user (or alternate) stack and points the
 * registers at the handler. Returns false if the stack is unusable. */
static bool setup_frame(struct trap_frame *f, int sig, const struct k_sigaction *act,
                        struct signal_state *s, u64 old_mask)
{
    u64 sp = f->rsp;
    bool use_alt = (act->flags & SA_ONSTACK) && s->altstack_size && !on_altstack(s, sp);
    if (use_alt) {
        sp = s->altstack_sp + s->altstack_size;
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
    sp = ALIGN_DOWN(sp - sizeof(struct rt_sigframe), 16) - 8;

    struct rt_sigframe fr;
    memset(&fr, 0, sizeof(fr));
    fr.pretcode = act->restorer;
    fr.uc.ss_sp = s->altstack_sp;
    fr.uc.ss_size = s->altstack_size;
    fr.uc.ss_flags = s->altstack_size ? (on_altstack(s, f->rsp) ? SS_ONSTACK : 0) : SS_DISABLE;
    struct sigcontext_k *mc = &fr.uc.mcontext;
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
    mc->cr2 = s->info[sig - 1].addr;
    mc->fpstate = fpstate;
    fr.uc.sigmask = old_mask;
    fill_siginfo(&fr.info, sig, &s->info[sig - 1]);
    if (copy_to_user(uptr(sp), &fr, sizeof(fr)) < 0) {
        return false;
    }

    f->rsp = sp;
    f->rip = act->handler;
    f->rdi = (u64)sig;
    f->rsi = sp + __builtin_offsetof(struct rt_sigframe, info);
    f->rdx = sp + __builtin_offsetof(struct rt_sigframe, uc);
    f->rax = 0;
    f->rflags &= ~(RFLAGS_TF | (1ul << 10)); /* no trap flag, DF clear as the ABI wants */
    f->cs = USER_CS;
    f->ss = USER_DS;
    fpu_state_init(t->fpu);
    fpu_restore(t->fpu);
    return true;
}

/* Takes the lowest unblocked pending signal (SIGKILL first). */
static int dequeue(struct signal_state *s)
{
    u64 ready = s->pending & (~s->blocked | SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
    if (!ready) {
        return 0;
    }
    int sig = (ready & SIGBIT(SIGKILL)) ? SIGKILL : __builtin_ctzll(ready) + 1;
    s->pending &= ~SIGBIT(sig);
    return sig;
}

/* An interrupted syscall resumes (restart) or fails with EINTR. */
static void fix_syscall_return(struct trap_frame *f, const struct k_sigaction *act, bool handler)
{
    long ret = (long)f->rax;
    bool restart = false;
    if (ret == -ERESTARTSYS) {
        restart = !handler || (act->flags & SA_RESTART);
    } else if (ret == -ERESTARTNOHAND) {
        restart = !handler;
    } else {
        return;
    }
    if (restart) {
        f->rax = f->vector; /* orig_rax: the syscall number */
        f->rip -= 2;        /* back onto the syscall instruction */
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
    for (;;) {
        int sig = dequeue(s);
        if (!sig) {
            break;
        }
        struct k_sigaction *act = &s->actions[sig - 1];
        if (sig == SIGKILL || act->handler == SIG_DFL) {
            signal_default(p, sig);
            continue;
        }
        if (act->handler == SIG_IGN) {
            continue;
        }
        if (from_syscall) {
            fix_syscall_return(f, act, true);
            from_syscall = false;
        }
        u64 old_mask = s->in_sigsuspend ? s->saved_mask : s->blocked;
        s->in_sigsuspend = false;
        struct k_sigaction copy = *act;
        if (act->flags & SA_RESETHAND) {
            act->handler = SIG_DFL;
            act->flags &= ~SA_SIGINFO;
        }
        if (!setup_frame(f, sig, &copy, s, old_mask)) {
            /* No room for the frame: the process dies of SIGSEGV. */
            process_exit(SIGSEGV | 0x80);
        }
        u64 block = copy.mask | ((copy.flags & SA_NODEFER) ? 0 : SIGBIT(sig));
        s->blocked = (old_mask | block) & ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
        return;
    }
    if (from_syscall) {
        fix_syscall_return(f, NULL, false);
    }
    if (s->in_sigsuspend) {
        s->blocked = s->saved_mask;
        s->in_sigsuspend = false;
    }
}

static bool canonical_user(u64 a)
{
    return a < 0x0000800000000000ull;
}

SYSCALL_DEFINE0(rt_sigreturn)
{
    struct thread *t = current_thread();
    struct trap_frame *f = t->user_frame;
    struct process *p = current_process();
    u64 addr = f->rsp - 8; /* the handler's ret popped pretcode */
    struct rt_sigframe fr;
    if (copy_from_user(&fr, uptr(addr), sizeof(fr)) < 0) {
        process_exit(SIGSEGV | 0x80);
    }
    struct sigcontext_k *mc = &fr.uc.mcontext;
    /* A forged frame may not leave user mode's code and stack. */
    if (!canonical_user(mc->rip) || !canonical_user(mc->rsp)) {
        process_exit(SIGSEGV | 0x80);
    }
    if (mc->fpstate) {
        struct fpu_state st;
        if (copy_from_user(&st, uptr(mc->fpstate), sizeof(st)) < 0) {
            process_exit(SIGSEGV | 0x80);
        }
        u32 mxcsr = *(u32 *)(st.fxsave + 24);
        if (mxcsr & 0xffff0000u) {
            process_exit(SIGSEGV | 0x80); /* fxrstor would fault on reserved bits */
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
    f->cs = USER_CS; /* whatever the frame says: user selectors only */
    f->ss = USER_DS;
    f->vector = (u64)-1; /* not a syscall any more: no restart */
    p->sig.blocked = fr.uc.sigmask & ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
    return SYSCALL_FRAME_REPLACED;
}
