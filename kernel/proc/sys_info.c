// SPDX-License-Identifier: MIT
/* uname, sysinfo, times, resource limits, reboot and other small calls. */
#include <abi/errno.h>
#include <abi/sys.h>
#include <arch/x86_64/uaccess.h>
#include <kernel/kmalloc.h>
#include <kernel/loadavg.h>
#include <kernel/page_alloc.h>
#include <kernel/power.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/timespec.h>
#include <kernel/vm.h>

#define HZ_USER 100 /* clock ticks as user space sees them (AT_CLKTCK) */

static char hostname[UTS_LEN] = "kiln";
static char domainname[UTS_LEN] = "(none)";

SYSCALL_DEFINE1(uname, uptr_t, buf)
{
    struct linux_utsname u;
    memset(&u, 0, sizeof(u));
    strlcpy(u.sysname, "Linux", UTS_LEN);
    strlcpy(u.nodename, hostname, UTS_LEN);
    /* A Linux-like release so that libc feature checks pass. */
    strlcpy(u.release, "6.1.0-kiln", UTS_LEN);
    strlcpy(u.version, "#1 SMP PREEMPT Kiln 0.1.0", UTS_LEN);
    strlcpy(u.machine, "x86_64", UTS_LEN);
    strlcpy(u.domainname, domainname, UTS_LEN);
    return copy_to_user(buf, &u, sizeof(u));
}

static long set_name(char *dst, uptr_t name, int len)
{
    if (current_process()->cred.euid != 0) {
        return -EPERM;
    }
    if (len < 0 || len >= UTS_LEN) {
        return -EINVAL;
    }
    char tmp[UTS_LEN];
    if (copy_from_user(tmp, name, (size_t)len) < 0) {
        return -EFAULT;
    }
    tmp[len] = 0;
    memcpy(dst, tmp, (size_t)len + 1);
    return 0;
}

SYSCALL_DEFINE2(sethostname, uptr_t, name, int, len)
{
    return set_name(hostname, name, len);
}

const char *kernel_hostname(void)
{
    return hostname;
}

int kernel_set_hostname(const char *name, size_t len)
{
    if (len >= UTS_LEN) {
        return -EINVAL;
    }
    char tmp[UTS_LEN];
    memcpy(tmp, name, len);
    tmp[len] = '\0';
    memcpy(hostname, tmp, len + 1);
    return 0;
}

SYSCALL_DEFINE2(setdomainname, uptr_t, name, int, len)
{
    return set_name(domainname, name, len);
}

SYSCALL_DEFINE1(sysinfo, uptr_t, info)
{
    struct linux_sysinfo si;
    memset(&si, 0, sizeof(si));
    struct page_stats ps;
    page_alloc_stats(&ps);
    struct process_stats st;
    process_get_stats(&st);
    si.uptime = (s64)(clock_monotonic_ns() / NSEC_PER_SEC);
    si.totalram = ps.total_pages * PAGE_SIZE;
    si.freeram = ps.free_pages * PAGE_SIZE;
    si.procs = (u16)st.total;
    unsigned long avg[3];
    loadavg_get(avg);
    for (int i = 0; i < 3; i++) {
        si.loads[i] = avg[i] << (SI_LOAD_SHIFT - LOADAVG_FSHIFT);
    }
    si.mem_unit = 1;
    return copy_to_user(info, &si, sizeof(si));
}

static s64 ns_to_clock_t(u64 ns)
{
    return (s64)(ns / (NSEC_PER_SEC / HZ_USER));
}

SYSCALL_DEFINE1(times, uptr_t, buf)
{
    struct process *p = current_process();
    struct linux_tms t = {ns_to_clock_t(p->utime_ns), ns_to_clock_t(p->stime_ns),
                          ns_to_clock_t(p->cutime_ns), ns_to_clock_t(p->cstime_ns)};
    if (!uptr_is_null(buf) && copy_to_user(buf, &t, sizeof(t)) < 0) {
        return -EFAULT;
    }
    return ns_to_clock_t(clock_monotonic_ns()) + 1;
}

void process_note_rss_peak(struct process *p, const struct mm *mm)
{
    if (mm && mm->rss_peak > p->maxrss_pages) {
        p->maxrss_pages = mm->rss_peak;
    }
}

void process_rusage(struct process *p, bool children, struct rusage_info *out)
{
    if (children) {
        out->utime_ns = p->cutime_ns;
        out->stime_ns = p->cstime_ns;
        out->maxrss_pages = p->cmaxrss_pages;
        out->min_flt = p->cmin_flt;
        return;
    }
    out->utime_ns = p->utime_ns;
    out->stime_ns = p->stime_ns;
    out->maxrss_pages = p->maxrss_pages;
    if (p->mm && p->mm->rss_peak > out->maxrss_pages) {
        out->maxrss_pages = p->mm->rss_peak;
    }
    out->min_flt = p->min_flt;
}

long rusage_put(uptr_t usage, const struct rusage_info *info)
{
    struct linux_rusage r;
    memset(&r, 0, sizeof(r));
    r.ru_utime = ns_to_timeval(info->utime_ns);
    r.ru_stime = ns_to_timeval(info->stime_ns);
    r.ru_maxrss = (s64)(info->maxrss_pages * (PAGE_SIZE / 1024));
    r.ru_minflt = (s64)info->min_flt;
    return copy_to_user(usage, &r, sizeof(r));
}

SYSCALL_DEFINE2(getrusage, int, who, uptr_t, usage)
{
    struct rusage_info info;
    if (who == RUSAGE_SELF || who == RUSAGE_THREAD) {
        process_rusage(current_process(), false, &info);
    } else if (who == RUSAGE_CHILDREN) {
        process_rusage(current_process(), true, &info);
    } else {
        return -EINVAL;
    }
    return rusage_put(usage, &info);
}

static long do_prlimit(struct process *p, unsigned resource, uptr_t new_lim, uptr_t old_lim)
{
    if (resource >= RLIM_NLIMITS) {
        return -EINVAL;
    }
    struct linux_rlimit n;
    if (!uptr_is_null(new_lim)) {
        if (copy_from_user(&n, new_lim, sizeof(n)) < 0) {
            return -EFAULT;
        }
        if (n.rlim_cur > n.rlim_max) {
            return -EINVAL;
        }
        if (n.rlim_max > p->rlimits[resource].rlim_max && current_process()->cred.euid != 0) {
            return -EPERM;
        }
    }
    if (!uptr_is_null(old_lim) && copy_to_user(old_lim, &p->rlimits[resource], sizeof(n)) < 0) {
        return -EFAULT;
    }
    if (!uptr_is_null(new_lim)) {
        p->rlimits[resource] = n;
    }
    return 0;
}

SYSCALL_DEFINE2(getrlimit, unsigned, resource, uptr_t, rlim)
{
    if (resource >= RLIM_NLIMITS) {
        return -EINVAL;
    }
    return copy_to_user(rlim, &current_process()->rlimits[resource], sizeof(struct linux_rlimit));
}

SYSCALL_DEFINE2(setrlimit, unsigned, resource, uptr_t, rlim)
{
    if (uptr_is_null(rlim)) {
        return -EFAULT;
    }
    return do_prlimit(current_process(), resource, rlim, uptr(0));
}

SYSCALL_DEFINE4(prlimit64, int, pid, unsigned, resource, uptr_t, new_lim, uptr_t, old_lim)
{
    struct process *p = pid == 0 ? current_process() : process_find(pid);
    if (!p) {
        return -ESRCH;
    }
    return do_prlimit(p, resource, new_lim, old_lim);
}

SYSCALL_DEFINE0(sched_yield)
{
    yield();
    return 0;
}

SYSCALL_DEFINE3(sched_getaffinity, int, pid, u32, len, uptr_t, mask)
{
    if (pid != 0 && !process_find(pid)) {
        return -ESRCH;
    }
    if (len < sizeof(u64) || (len & (sizeof(u64) - 1))) {
        return -EINVAL;
    }
    u64 one_cpu = 1;
    if (copy_to_user(mask, &one_cpu, sizeof(one_cpu)) < 0) {
        return -EFAULT;
    }
    return sizeof(u64);
}

SYSCALL_DEFINE3(getcpu, uptr_t, cpu, uptr_t, node, uptr_t, unused)
{
    u32 zero = 0;
    if ((!uptr_is_null(cpu) && put_user(&zero, cpu) < 0) ||
        (!uptr_is_null(node) && put_user(&zero, node) < 0)) {
        return -EFAULT;
    }
    return 0;
}

SYSCALL_DEFINE1(set_tid_address, uptr_t, tidptr)
{
    struct process *p = current_process();
    p->clear_child_tid = tidptr.addr;
    return p->pid;
}

#define LINUX_REBOOT_MAGIC1 0xfee1dead
#define LINUX_REBOOT_MAGIC2 672274793
#define LINUX_REBOOT_MAGIC2A 85072278
#define LINUX_REBOOT_MAGIC2B 369367448
#define LINUX_REBOOT_MAGIC2C 537993216
#define LINUX_REBOOT_CMD_RESTART 0x01234567
#define LINUX_REBOOT_CMD_HALT 0xcdef0123
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321fedc
#define LINUX_REBOOT_CMD_CAD_ON 0x89abcdef
#define LINUX_REBOOT_CMD_CAD_OFF 0x00000000

SYSCALL_DEFINE4(reboot, u32, magic1, u32, magic2, u32, cmd, uptr_t, arg)
{
    if (current_process()->cred.euid != 0) {
        return -EPERM;
    }
    if (magic1 != LINUX_REBOOT_MAGIC1 ||
        (magic2 != LINUX_REBOOT_MAGIC2 && magic2 != LINUX_REBOOT_MAGIC2A &&
         magic2 != LINUX_REBOOT_MAGIC2B && magic2 != LINUX_REBOOT_MAGIC2C)) {
        return -EINVAL;
    }
    switch (cmd) {
    case LINUX_REBOOT_CMD_RESTART:
        machine_reboot();
    case LINUX_REBOOT_CMD_POWER_OFF:
        machine_poweroff();
    case LINUX_REBOOT_CMD_HALT:
        printk(LOG_NOTICE, "power: system halted\n");
        machine_halt();
    case LINUX_REBOOT_CMD_CAD_ON:
    case LINUX_REBOOT_CMD_CAD_OFF:
        return 0;
    default:
        return -EINVAL;
    }
}
