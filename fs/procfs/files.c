/* The text of each /proc file. */
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/trap.h>
#include <fs/fdtable.h>
#include <fs/stat.h>
#include <kernel/errno.h>
#include <kernel/format.h>
#include <kernel/kernel.h>
#include <kernel/kmalloc.h>
#include <kernel/page_alloc.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/timekeeping.h>
#include <kernel/vm.h>

#include "procfs_internal.h"

#define USER_HZ 100

static u64 to_ticks(u64 ns)
{
    return ns / (NSEC_PER_SEC / USER_HZ);
}

static char state_char(const struct process *p)
{
    if (p->state == PROC_ZOMBIE) {
        return 'Z';
    }
    if (p->thread && p->thread->state == THREAD_RUNNABLE) {
        return 'R';
    }
    return 'S';
}

static const char *state_name(const struct process *p)
{
    switch (state_char(p)) {
    case 'Z':
        return "Z (zombie)";
    case 'R':
        return "R (running)";
    default:
        return "S (sleeping)";
    }
}

static u64 vm_size_bytes(const struct process *p)
{
    u64 total = 0;
    if (!p->mm) {
        return 0;
    }
    struct list_head *pos;
    list_for_each(pos, &p->mm->vmas) {
        struct vma *v = list_entry(pos, struct vma, link);
        total += v->end - v->start;
    }
    return total;
}

/* ---- /proc/<pid>/... ---- */

static void show_pid_stat(struct seqbuf *sb, struct process *p)
{
    int ppid = p->parent ? p->parent->pid : 0;
    u64 rss = p->mm ? p->mm->rss_pages : 0;
    seq_printf(sb, "%d (%s) %c %d %d %d 0 -1 4194304 0 0 0 0 %llu %llu %llu %llu 20 0 1 0 %llu %llu %llu ",
               p->pid, p->comm, state_char(p), ppid, p->pgid, p->sid,
               (unsigned long long)to_ticks(p->utime_ns), (unsigned long long)to_ticks(p->stime_ns),
               (unsigned long long)to_ticks(p->cutime_ns),
               (unsigned long long)to_ticks(p->cstime_ns), (unsigned long long)to_ticks(p->start_ns),
               (unsigned long long)vm_size_bytes(p), (unsigned long long)rss);
    seq_printf(sb, "18446744073709551615 0 0 %llu 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
               (unsigned long long)(p->mm ? p->mm->stack_top : 0));
}

static void show_pid_status(struct seqbuf *sb, struct process *p)
{
    const struct cred *c = &p->cred;
    int ppid = p->parent ? p->parent->pid : 0;
    seq_printf(sb, "Name:\t%s\n", p->comm);
    seq_printf(sb, "Umask:\t%04o\n", p->fs ? p->fs->umask : 022);
    seq_printf(sb, "State:\t%s\n", state_name(p));
    seq_printf(sb, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", p->pid, p->pid, ppid);
    seq_printf(sb, "Uid:\t%u\t%u\t%u\t%u\n", c->uid, c->euid, c->suid, c->fsuid);
    seq_printf(sb, "Gid:\t%u\t%u\t%u\t%u\n", c->gid, c->egid, c->sgid, c->fsgid);
    seq_printf(sb, "FDSize:\t%d\nGroups:\t", FD_MAX);
    for (u32 i = 0; i < c->ngroups; i++) {
        seq_printf(sb, "%u ", c->groups[i]);
    }
    u64 vm_kib = vm_size_bytes(p) >> 10;
    u64 rss_kib = p->mm ? p->mm->rss_pages * 4 : 0;
    seq_printf(sb, "\nVmPeak:\t%8llu kB\nVmSize:\t%8llu kB\nVmRSS:\t%8llu kB\n",
               (unsigned long long)vm_kib, (unsigned long long)vm_kib, (unsigned long long)rss_kib);
    seq_printf(sb, "Threads:\t1\nSigQ:\t0/4096\nSigPnd:\t0000000000000000\nShdPnd:\t0000000000000000\n");
    seq_printf(sb, "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\nSigCgt:\t0000000000000000\n");
    seq_printf(sb, "voluntary_ctxt_switches:\t%llu\nnonvoluntary_ctxt_switches:\t0\n",
               (unsigned long long)(p->thread ? p->thread->switches : 0));
}

static void show_strings(struct seqbuf *sb, struct process *p, u64 start, u64 end)
{
    if (!p->mm || end <= start) {
        return;
    }
    size_t len = MIN(end - start, 65536);
    char *tmp = kmalloc(len);
    if (!tmp) {
        sb->failed = true;
        return;
    }
    size_t got = mm_read(p->mm, start, tmp, len);
    seq_write(sb, tmp, got);
    kfree(tmp);
}

static void show_pid_cmdline(struct seqbuf *sb, struct process *p)
{
    if (p->mm) {
        show_strings(sb, p, p->mm->arg_start, p->mm->arg_end);
    }
}

static void show_pid_environ(struct seqbuf *sb, struct process *p)
{
    if (p->mm) {
        show_strings(sb, p, p->mm->env_start, p->mm->env_end);
    }
}

static void show_pid_comm(struct seqbuf *sb, struct process *p)
{
    seq_printf(sb, "%s\n", p->comm);
}

static void show_pid_statm(struct seqbuf *sb, struct process *p)
{
    u64 rss = p->mm ? p->mm->rss_pages : 0;
    seq_printf(sb, "%llu %llu 0 0 0 0 0\n", (unsigned long long)(vm_size_bytes(p) >> 12),
               (unsigned long long)rss);
}

static void show_pid_maps(struct seqbuf *sb, struct process *p)
{
    if (!p->mm) {
        return;
    }
    struct list_head *pos;
    list_for_each(pos, &p->mm->vmas) {
        struct vma *v = list_entry(pos, struct vma, link);
        char path[128] = "";
        if (v->file) {
            vfs_dentry_path(v->file->dentry, path, sizeof(path));
        } else if (v->flags & VMA_STACK) {
            strlcpy(path, "[stack]", sizeof(path));
        } else if (v->flags & VMA_HEAP) {
            strlcpy(path, "[heap]", sizeof(path));
        }
        seq_printf(sb, "%08llx-%08llx %c%c%c%c %08llx 00:00 %llu %s%s\n",
                   (unsigned long long)v->start, (unsigned long long)v->end,
                   (v->prot & PROT_READ) ? 'r' : '-', (v->prot & PROT_WRITE) ? 'w' : '-',
                   (v->prot & PROT_EXEC) ? 'x' : '-', (v->flags & MAP_SHARED) ? 's' : 'p',
                   (unsigned long long)(v->pgoff << 12),
                   (unsigned long long)(v->file ? v->file->inode->ino : 0), path[0] ? "    " : "",
                   path);
    }
}

static int link_path(struct dentry *d, char *buf, size_t len)
{
    if (!d) {
        return -ENOENT;
    }
    return vfs_dentry_path(d, buf, len);
}

static int readlink_exe(struct process *p, char *buf, size_t len)
{
    return link_path(p->mm && p->mm->exe_file ? p->mm->exe_file->dentry : NULL, buf, len);
}

static int readlink_cwd(struct process *p, char *buf, size_t len)
{
    return link_path(p->fs ? p->fs->cwd : NULL, buf, len);
}

static int readlink_root(struct process *p, char *buf, size_t len)
{
    return link_path(p->fs ? p->fs->root : NULL, buf, len);
}

const struct proc_entry proc_pid_entries[] = {
    { "cmdline", S_IFREG | 0444, show_pid_cmdline, NULL },
    { "comm", S_IFREG | 0644, show_pid_comm, NULL },
    { "cwd", S_IFLNK | 0777, NULL, readlink_cwd },
    { "environ", S_IFREG | 0400, show_pid_environ, NULL },
    { "exe", S_IFLNK | 0777, NULL, readlink_exe },
    { "maps", S_IFREG | 0444, show_pid_maps, NULL },
    { "root", S_IFLNK | 0777, NULL, readlink_root },
    { "stat", S_IFREG | 0444, show_pid_stat, NULL },
    { "statm", S_IFREG | 0444, show_pid_statm, NULL },
    { "status", S_IFREG | 0444, show_pid_status, NULL },
};
const size_t proc_pid_entry_count = ARRAY_SIZE(proc_pid_entries);

/* ---- top-level files ---- */

static int readlink_self(struct process *unused, char *buf, size_t len)
{
    (void)unused;
    struct process *p = current_process();
    if (!p) {
        return -ENOENT;
    }
    char tmp[16];
    int n = ksnprintf(tmp, sizeof(tmp), "%d", p->pid);
    size_t copy = MIN((size_t)n, len);
    memcpy(buf, tmp, copy);
    return (int)copy;
}

static void show_meminfo(struct seqbuf *sb, struct process *unused)
{
    (void)unused;
    /* Empty slabs cached by the heap count as free, as Linux counts
     * reclaimable memory as available. */
    kmalloc_shrink();
    struct page_stats ps;
    page_alloc_stats(&ps);
    struct kmalloc_stats ks;
    kmalloc_get_stats(&ks);
    unsigned long long total = ps.total_pages * 4, free = ps.free_pages * 4;
    seq_printf(sb, "MemTotal:       %8llu kB\nMemFree:        %8llu kB\nMemAvailable:   %8llu kB\n",
               total, free, free);
    seq_printf(sb, "Buffers:        %8llu kB\nCached:         %8llu kB\nSwapCached:     %8llu kB\n",
               0ull, 0ull, 0ull);
    seq_printf(sb, "Active:         %8llu kB\nInactive:       %8llu kB\n", 0ull, 0ull);
    seq_printf(sb, "SwapTotal:      %8llu kB\nSwapFree:       %8llu kB\n", 0ull, 0ull);
    seq_printf(sb, "Shmem:          %8llu kB\nSlab:           %8llu kB\n", 0ull,
               (unsigned long long)(ks.pages_in_use * 4));
}

static void show_uptime(struct seqbuf *sb, struct process *unused)
{
    (void)unused;
    u64 ns = clock_monotonic_ns();
    seq_printf(sb, "%llu.%02llu %llu.%02llu\n", (unsigned long long)(ns / NSEC_PER_SEC),
               (unsigned long long)(ns % NSEC_PER_SEC / 10000000), (unsigned long long)(ns / NSEC_PER_SEC),
               (unsigned long long)(ns % NSEC_PER_SEC / 10000000));
}

static void show_version(struct seqbuf *sb, struct process *unused)
{
    (void)unused;
    seq_printf(sb, "Linux version 6.1.0-kiln (kiln@kiln) (gcc) #1 SMP PREEMPT Kiln 0.1.0\n");
}

static void show_cmdline(struct seqbuf *sb, struct process *unused)
{
    (void)unused;
    seq_printf(sb, "%s\n", boot_info.cmdline);
}

static void show_stat(struct seqbuf *sb, struct process *unused)
{
    (void)unused;
    u64 user = 0, sys = 0;
    u64 flags = spin_lock_irqsave(&proc_lock);
    struct list_head *pos;
    list_for_each(pos, &all_processes) {
        struct process *q = list_entry(pos, struct process, all_link);
        user += q->utime_ns;
        sys += q->stime_ns;
    }
    spin_unlock_irqrestore(&proc_lock, flags);
    u64 up = clock_monotonic_ns();
    u64 idle = up > user + sys ? up - user - sys : 0;
    struct sched_stats ss;
    sched_get_stats(&ss);
    struct process_stats ps;
    process_get_stats(&ps);
    u64 sec;
    u32 nsec;
    clock_realtime(&sec, &nsec);
    unsigned long long u = to_ticks(user), s = to_ticks(sys), i = to_ticks(idle);
    seq_printf(sb, "cpu  %llu 0 %llu %llu 0 0 0 0 0 0\ncpu0 %llu 0 %llu %llu 0 0 0 0 0 0\n", u, s,
               i, u, s, i);
    seq_printf(sb, "intr %llu\nctxt %llu\nbtime %llu\nprocesses %llu\n",
               (unsigned long long)irq_count_total(), (unsigned long long)ss.context_switches,
               (unsigned long long)(sec - up / NSEC_PER_SEC), (unsigned long long)ps.forks_total);
    seq_printf(sb, "procs_running %u\nprocs_blocked 0\n", ps.running ? ps.running : 1);
}

static void show_loadavg(struct seqbuf *sb, struct process *unused)
{
    (void)unused;
    struct process_stats ps;
    process_get_stats(&ps);
    seq_printf(sb, "0.00 0.00 0.00 %u/%u %d\n", ps.running ? ps.running : 1, ps.total,
               current_process() ? current_process()->pid : 0);
}

static void show_cpuinfo(struct seqbuf *sb, struct process *unused)
{
    (void)unused;
    const char *brand = cpu_features.brand;
    while (*brand == ' ') {
        brand++;
    }
    unsigned long long mhz = clock_tsc_hz() / 1000000;
    seq_printf(sb, "processor\t: 0\nvendor_id\t: %s\nmodel name\t: %s\ncpu MHz\t\t: %llu.000\n",
               cpu_features.vendor, brand, mhz);
    seq_printf(sb, "flags\t\t: fpu tsc msr pae cx8 apic sep pge cmov fxsr sse sse2 syscall lm%s%s%s\n",
               cpu_features.nx ? " nx" : "", cpu_features.smep ? " smep" : "",
               cpu_features.smap ? " smap" : "");
    seq_printf(sb, "bogomips\t: %llu.00\n\n", mhz * 2);
}

static void show_filesystems(struct seqbuf *sb, struct process *unused)
{
    (void)unused;
    seq_printf(sb, "nodev\ttmpfs\nnodev\tproc\nnodev\tdevtmpfs\n");
}

static void show_mounts(struct seqbuf *sb, struct process *unused)
{
    (void)unused;
    size_t need = vfs_format_mounts(NULL, 0);
    char *tmp = kmalloc(need + 1);
    if (!tmp) {
        sb->failed = true;
        return;
    }
    vfs_format_mounts(tmp, need + 1);
    seq_write(sb, tmp, need);
    kfree(tmp);
}

const struct proc_entry proc_root_entries[] = {
    { "cmdline", S_IFREG | 0444, show_cmdline, NULL },
    { "cpuinfo", S_IFREG | 0444, show_cpuinfo, NULL },
    { "filesystems", S_IFREG | 0444, show_filesystems, NULL },
    { "loadavg", S_IFREG | 0444, show_loadavg, NULL },
    { "meminfo", S_IFREG | 0444, show_meminfo, NULL },
    { "mounts", S_IFREG | 0444, show_mounts, NULL },
    { "self", S_IFLNK | 0777, NULL, readlink_self },
    { "stat", S_IFREG | 0444, show_stat, NULL },
    { "uptime", S_IFREG | 0444, show_uptime, NULL },
    { "version", S_IFREG | 0444, show_version, NULL },
};
const size_t proc_root_entry_count = ARRAY_SIZE(proc_root_entries);
