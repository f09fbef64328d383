// SPDX-License-Identifier: MIT
/* arch_prctl: the FS and GS bases of the calling thread. */
#include <abi/errno.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/uaccess.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

static bool canonical_user(u64 a)
{
    return a < 0x0000800000000000ull;
}

SYSCALL_DEFINE2(arch_prctl, int, code, u64, addr)
{
    struct thread *t = current_thread();
    switch (code) {
    case ARCH_SET_FS:
        if (!canonical_user(addr)) {
            return -EPERM;
        }
        t->fs_base = addr;
        wrmsr(MSR_FS_BASE, addr);
        return 0;
    case ARCH_GET_FS:
        return copy_to_user(uptr(addr), &t->fs_base, sizeof(u64));
    case ARCH_SET_GS:
        if (!canonical_user(addr)) {
            return -EPERM;
        }
        /* The user GS base lives in KERNEL_GS_BASE while we are in the kernel. */
        t->gs_base = addr;
        wrmsr(MSR_KERNEL_GS_BASE, addr);
        return 0;
    case ARCH_GET_GS:
        return copy_to_user(uptr(addr), &t->gs_base, sizeof(u64));
    default:
        return -EINVAL;
    }
}
