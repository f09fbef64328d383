// SPDX-License-Identifier: MIT
/* The top-level files of /proc and /proc/sys (formats of Linux 6.1; see
 * proc(5)). */
#include <abi/errno.h>
#include <abi/stat.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/memlayout.h>
#include <arch/x86_64/trap.h>
#include <kernel/format.h>
#include <kernel/kernel.h>
#include <kernel/kmalloc.h>
#include <kernel/loadavg.h>
#include <kernel/metrics.h>
#include <kernel/page_alloc.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/timekeeping.h>

#include "procfs_internal.h"

#define USER_HZ 100
#define HOSTNAME_MAX 64

static unsigned long long to_ticks(u64 ns)
{
    return ns / (NSEC_PER_SEC / USER_HZ);
}

/* ---- CPU time: /proc/stat and /proc/uptime ---- */

struct cpu_times {
    u64 user, system, idle; /* ns */
};

/* User and system time of every process that ever ran: each live or
 * zombie process's own time plus what it collected from the children it
 * reaped. Time outside processes (kernel threads, idle) counts as idle.
 * Kept monotonic (children reaped by nobody would make it drop), as
 * top computes percentages from differences. */
static void cpu_times(struct cpu_times *t)
{
    static u64 last_user, last_system, last_idle;
    u64 user = 0, system = 0;
    u64 flags = spin_lock_irqsave(&proc_lock);
    struct list_head *pos;
    list_for_each(pos, &all_processes)
    {
        struct process *q = list_entry(pos, struct process, all_link);
        user += q->utime_ns + q->cutime_ns;
        system += q->stime_ns + q->cstime_ns;
    }
    u64 up = clock_monotonic_ns();
    last_user = MAX(last_user, user);
    last_system = MAX(last_system, system);
    u64 busy = last_user + last_system;
    last_idle = MAX(last_idle, up > busy ? up - busy : 0);
    t->user = last_user;
    t->system = last_system;
    t->idle = last_idle;
    spin_unlock_irqrestore(&proc_lock, flags);
}

static void show_uptime(struct seq_buf *sb, struct process *p, const struct proc_inode *pi)
{
    (void)p;
    (void)pi;
    struct cpu_times t;
    cpu_times(&t);
    u64 up = clock_monotonic_ns();
    seq_buf_printf(sb, "%llu.%02llu %llu.%02llu\n", (unsigned long long)(up / NSEC_PER_SEC),
                   (unsigned long long)(up % NSEC_PER_SEC / 10000000),
                   (unsigned long long)(t.idle / NSEC_PER_SEC),
                   (unsigned long long)(t.idle % NSEC_PER_SEC / 10000000));
}

static void show_stat(struct seq_buf *sb, struct process *p, const struct proc_inode *pi)
{
    (void)p;
    (void)pi;
    struct cpu_times t;
    cpu_times(&t);
    struct sched_stats ss;
    sched_get_stats(&ss);
    struct process_stats ps;
    process_get_stats(&ps);
    u64 sec;
    u32 nsec;
    clock_realtime(&sec, &nsec);
    u64 up = clock_monotonic_ns() / NSEC_PER_SEC;
    unsigned long long u = to_ticks(t.user), s = to_ticks(t.system), i = to_ticks(t.idle);
    /* user nice system idle iowait irq softirq steal guest guest_nice */
    seq_buf_printf(sb, "cpu  %llu 0 %llu %llu 0 0 0 0 0 0\ncpu0 %llu 0 %llu %llu 0 0 0 0 0 0\n", u,
                   s, i, u, s, i);
    /* Per-IRQ counts are not kept: the total only. */
    seq_buf_printf(sb, "intr %llu\nctxt %llu\nbtime %llu\nprocesses %llu\n",
                   (unsigned long long)irq_count_total(), (unsigned long long)ss.context_switches,
                   (unsigned long long)(sec - up), (unsigned long long)ps.forks_total);
    seq_buf_printf(sb, "procs_running %u\nprocs_blocked 0\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n",
                   ps.running ? ps.running : 1);
}

/* The highest pid in use (Linux shows the last one handed out). */
static int last_pid(void)
{
    int best = 0;
    u64 flags = spin_lock_irqsave(&proc_lock);
    struct list_head *pos;
    list_for_each(pos, &all_processes)
    {
        struct process *q = list_entry(pos, struct process, all_link);
        best = MAX(best, q->pid);
    }
    spin_unlock_irqrestore(&proc_lock, flags);
    return best;
}

static void show_loadavg(struct seq_buf *sb, struct process *p, const struct proc_inode *pi)
{
    (void)p;
    (void)pi;
    struct process_stats ps;
    process_get_stats(&ps);
    unsigned long avg[3];
    unsigned w[3], h[3];
    loadavg_get(avg);
    for (int i = 0; i < 3; i++) {
        loadavg_split(avg[i], &w[i], &h[i]);
    }
    seq_buf_printf(sb, "%u.%02u %u.%02u %u.%02u %u/%u %d\n", w[0], h[0], w[1], h[1], w[2], h[2],
                   ps.running ? ps.running : 1, ps.total, last_pid());
}

/* ---- memory ---- */

static void meminfo_kb(struct seq_buf *sb, const char *name, u64 kb)
{
    /* Linux: the name padded to 16 columns, the value to 8. */
    seq_buf_printf(sb, "%-16s%8llu kB\n", name, (unsigned long long)kb);
}

static void show_meminfo(struct seq_buf *sb, struct process *p, const struct proc_inode *pi)
{
    (void)p;
    (void)pi;
    /* Empty slabs cached by the heap count as free, as Linux counts
     * reclaimable memory as available. */
    kmalloc_shrink();
    struct page_stats ps;
    page_alloc_stats(&ps);
    struct kmalloc_stats ks;
    kmalloc_get_stats(&ks);
    struct sched_stats ss;
    sched_get_stats(&ss);
    u64 total = ps.total_pages * 4, free = ps.free_pages * 4, slab = ks.pages_in_use * 4;
    /* What Kiln does not track (page cache, LRU lists, page tables)
     * shows as 0. */
    static const char *const zero_block1[] = {
        "Buffers:",      "Cached:",         "SwapCached:",   "Active:",         "Inactive:",
        "Active(anon):", "Inactive(anon):", "Active(file):", "Inactive(file):", "Unevictable:",
        "Mlocked:",      "SwapTotal:",      "SwapFree:",     "Dirty:",          "Writeback:",
        "AnonPages:",    "Mapped:",         "Shmem:",        "KReclaimable:",
    };
    static const char *const zero_block2[] = {
        "PageTables:",
        "NFS_Unstable:",
        "Bounce:",
        "WritebackTmp:",
    };
    static const char *const zero_block3[] = {"VmallocUsed:", "VmallocChunk:", "Percpu:"};
    static const char *const zero_block4[] = {
        "AnonHugePages:", "ShmemHugePages:", "ShmemPmdMapped:", "FileHugePages:", "FilePmdMapped:"};
    meminfo_kb(sb, "MemTotal:", total);
    meminfo_kb(sb, "MemFree:", free);
    meminfo_kb(sb, "MemAvailable:", free);
    for (size_t k = 0; k < ARRAY_SIZE(zero_block1); k++) {
        meminfo_kb(sb, zero_block1[k], 0);
    }
    meminfo_kb(sb, "Slab:", slab);
    meminfo_kb(sb, "SReclaimable:", 0);
    meminfo_kb(sb, "SUnreclaim:", slab);
    meminfo_kb(sb, "KernelStack:", ss.threads_alive * (KSTACK_SIZE / 1024));
    for (size_t k = 0; k < ARRAY_SIZE(zero_block2); k++) {
        meminfo_kb(sb, zero_block2[k], 0);
    }
    /* No swap, overcommit_ratio 50. */
    meminfo_kb(sb, "CommitLimit:", total / 2);
    meminfo_kb(sb, "Committed_AS:", 0);
    meminfo_kb(sb, "VmallocTotal:", 34359738367ull);
    for (size_t k = 0; k < ARRAY_SIZE(zero_block3); k++) {
        meminfo_kb(sb, zero_block3[k], 0);
    }
    seq_buf_puts(sb, "HardwareCorrupted:     0 kB\n"); /* Linux: "%5lu kB" */
    for (size_t k = 0; k < ARRAY_SIZE(zero_block4); k++) {
        meminfo_kb(sb, zero_block4[k], 0);
    }
    seq_buf_puts(sb, "HugePages_Total:       0\nHugePages_Free:        0\n"
                     "HugePages_Rsvd:        0\nHugePages_Surp:        0\n");
    meminfo_kb(sb, "Hugepagesize:", 2048);
    meminfo_kb(sb, "Hugetlb:", 0);
}

/* ---- system ---- */

static void show_version(struct seq_buf *sb, struct process *p, const struct proc_inode *pi)
{
    (void)p;
    (void)pi;
    seq_buf_puts(sb, "Linux version 6.1.0-kiln (kiln@kiln) (gcc version " __VERSION__
                     ") #1 SMP PREEMPT Kiln 0.1.0\n");
}

static void show_cmdline(struct seq_buf *sb, struct process *p, const struct proc_inode *pi)
{
    (void)p;
    (void)pi;
    seq_buf_printf(sb, "%s\n", boot_info.cmdline);
}

/* CPUID feature bits under their /proc/cpuinfo names (a common subset). */
struct cpu_flag {
    u32 leaf; /* 1, 7 or 0x80000001 */
    u8 reg; /* 0 ebx, 1 ecx, 2 edx */
    u8 bit;
    const char *name;
};

static const struct cpu_flag cpu_flags[] = {
    {1, 2, 0, "fpu"},
    {1, 2, 1, "vme"},
    {1, 2, 2, "de"},
    {1, 2, 3, "pse"},
    {1, 2, 4, "tsc"},
    {1, 2, 5, "msr"},
    {1, 2, 6, "pae"},
    {1, 2, 7, "mce"},
    {1, 2, 8, "cx8"},
    {1, 2, 9, "apic"},
    {1, 2, 11, "sep"},
    {1, 2, 12, "mtrr"},
    {1, 2, 13, "pge"},
    {1, 2, 14, "mca"},
    {1, 2, 15, "cmov"},
    {1, 2, 16, "pat"},
    {1, 2, 17, "pse36"},
    {1, 2, 19, "clflush"},
    {1, 2, 23, "mmx"},
    {1, 2, 24, "fxsr"},
    {1, 2, 25, "sse"},
    {1, 2, 26, "sse2"},
    {1, 2, 28, "ht"},
    {0x80000001, 2, 11, "syscall"},
    {0x80000001, 2, 20, "nx"},
    {0x80000001, 2, 26, "pdpe1gb"},
    {0x80000001, 2, 27, "rdtscp"},
    {0x80000001, 2, 29, "lm"},
    {1, 1, 0, "pni"},
    {1, 1, 1, "pclmulqdq"},
    {1, 1, 9, "ssse3"},
    {1, 1, 12, "fma"},
    {1, 1, 13, "cx16"},
    {1, 1, 19, "sse4_1"},
    {1, 1, 20, "sse4_2"},
    {1, 1, 21, "x2apic"},
    {1, 1, 22, "movbe"},
    {1, 1, 23, "popcnt"},
    {1, 1, 24, "tsc_deadline_timer"},
    {1, 1, 25, "aes"},
    {1, 1, 26, "xsave"},
    {1, 1, 28, "avx"},
    {1, 1, 29, "f16c"},
    {1, 1, 30, "rdrand"},
    {1, 1, 31, "hypervisor"},
    {0x80000001, 1, 0, "lahf_lm"},
    {0x80000001, 1, 5, "abm"},
    {7, 0, 0, "fsgsbase"},
    {7, 0, 3, "bmi1"},
    {7, 0, 5, "avx2"},
    {7, 0, 7, "smep"},
    {7, 0, 8, "bmi2"},
    {7, 0, 9, "erms"},
    {7, 0, 10, "invpcid"},
    {7, 0, 18, "rdseed"},
    {7, 0, 19, "adx"},
    {7, 0, 20, "smap"},
    {7, 0, 23, "clflushopt"},
    {7, 0, 29, "sha_ni"},
    {7, 1, 2, "umip"},
    {7, 1, 22, "rdpid"},
};

static void show_cpuinfo(struct seq_buf *sb, struct process *p, const struct proc_inode *pi)
{
    (void)p;
    (void)pi;
    u32 regs[3][3]; /* leaf 1, 7, 0x80000001: ebx, ecx, edx */
    u32 a, b, c, d, max_leaf, max_ext;
    cpuid(0, 0, &max_leaf, &b, &c, &d);
    cpuid(0x80000000, 0, &max_ext, &b, &c, &d);
    cpuid(1, 0, &a, &regs[0][0], &regs[0][1], &regs[0][2]);
    u32 sig = a;
    memset(regs[1], 0, sizeof(regs[1]));
    memset(regs[2], 0, sizeof(regs[2]));
    if (max_leaf >= 7) {
        cpuid(7, 0, &a, &regs[1][0], &regs[1][1], &regs[1][2]);
    }
    if (max_ext >= 0x80000001) {
        cpuid(0x80000001, 0, &a, &regs[2][0], &regs[2][1], &regs[2][2]);
    }
    u32 family = (sig >> 8) & 0xf, model = (sig >> 4) & 0xf;
    if (family == 0xf) {
        family += (sig >> 20) & 0xff;
    }
    if (family >= 6) {
        model |= ((sig >> 16) & 0xf) << 4;
    }
    const char *brand = cpu_features.brand;
    while (*brand == ' ') {
        brand++;
    }
    u64 khz = clock_tsc_hz() / 1000;
    seq_buf_printf(sb, "processor\t: 0\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n",
                   cpu_features.vendor, family, model);
    seq_buf_printf(sb, "model name\t: %s\nstepping\t: %u\n", brand, sig & 0xf);
    seq_buf_printf(sb, "cpu MHz\t\t: %llu.%03llu\n", (unsigned long long)(khz / 1000),
                   (unsigned long long)(khz % 1000));
    seq_buf_puts(sb, "physical id\t: 0\nsiblings\t: 1\ncore id\t\t: 0\ncpu cores\t: 1\n"
                     "apicid\t\t: 0\ninitial apicid\t: 0\nfpu\t\t: yes\nfpu_exception\t: yes\n");
    seq_buf_printf(sb, "cpuid level\t: %u\nwp\t\t: yes\nflags\t\t:", max_leaf);
    for (size_t k = 0; k < ARRAY_SIZE(cpu_flags); k++) {
        const struct cpu_flag *f = &cpu_flags[k];
        int row = f->leaf == 1 ? 0 : f->leaf == 7 ? 1 : 2;
        if (regs[row][f->reg] & (1u << f->bit)) {
            seq_buf_printf(sb, " %s", f->name);
        }
    }
    /* bogomips: Linux reports twice the clock in MHz. */
    seq_buf_printf(sb, "\nbogomips\t: %llu.%02llu\nclflush size\t: 64\ncache_alignment\t: 64\n",
                   (unsigned long long)(khz * 2 / 1000), (unsigned long long)(khz * 2 % 1000 / 10));
    seq_buf_puts(sb, "address sizes\t: 48 bits physical, 48 bits virtual\npower management:\n\n");
}

static void show_filesystems(struct seq_buf *sb, struct process *p, const struct proc_inode *pi)
{
    (void)p;
    (void)pi;
    seq_buf_puts(sb, "nodev\tsysfs\nnodev\ttmpfs\nnodev\tproc\nnodev\tdevtmpfs\n");
}

/* No block devices yet: Linux's text for none. */

static void show_metrics_write(void *ctx, const char *text, size_t len)
{
    seq_buf_write(ctx, text, len);
}

static void show_metrics(struct seq_buf *sb, struct process *p, const struct proc_inode *pi)
{
    (void)p;
    (void)pi;
    struct metrics_out out = {show_metrics_write, sb};
    metrics_collect(&out);
}

/* ---- symlinks ---- */

static int copy_link(char *buf, size_t len, const char *text, int n)
{
    size_t copy = MIN((size_t)n, len);
    memcpy(buf, text, copy);
    return (int)copy;
}

static int readlink_self(struct process *unused, const struct proc_inode *pi, char *buf, size_t len)
{
    (void)unused;
    (void)pi;
    struct process *p = current_process();
    if (!p) {
        return -ENOENT;
    }
    char tmp[16];
    return copy_link(buf, len, tmp, ksnprintf(tmp, sizeof(tmp), "%d", p->pid));
}

static int readlink_thread_self(struct process *unused, const struct proc_inode *pi, char *buf,
                                size_t len)
{
    (void)unused;
    (void)pi;
    struct process *p = current_process();
    if (!p) {
        return -ENOENT;
    }
    char tmp[32];
    return copy_link(buf, len, tmp, ksnprintf(tmp, sizeof(tmp), "%d/task/%d", p->pid, p->pid));
}

static int readlink_mounts(struct process *unused, const struct proc_inode *pi, char *buf,
                           size_t len)
{
    (void)unused;
    (void)pi;
    return copy_link(buf, len, "self/mounts", 11);
}

/* ---- /proc/sys ---- */

static void show_hostname(struct seq_buf *sb, struct process *p, const struct proc_inode *pi)
{
    (void)p;
    (void)pi;
    seq_buf_printf(sb, "%s\n", kernel_hostname());
}

/* As Linux's /proc/sys string files behave (strict mode): a write at pos
 * keeps the first pos bytes and replaces the rest with the text up to a
 * newline or NUL, silently cut at 64 bytes; a write past the end is
 * ignored. */
static long write_hostname(struct process *p, const char *buf, size_t len, u64 pos)
{
    (void)p;
    char name[HOSTNAME_MAX + 1];
    size_t n = strlcpy(name, kernel_hostname(), sizeof(name));
    if (pos > n) {
        return 0;
    }
    n = (size_t)pos;
    for (size_t i = 0; i < len && n < HOSTNAME_MAX && buf[i] && buf[i] != '\n'; i++) {
        name[n++] = buf[i];
    }
    int r = kernel_set_hostname(name, n);
    return r < 0 ? r : (long)len;
}

static void show_pid_max(struct seq_buf *sb, struct process *p, const struct proc_inode *pi)
{
    (void)p;
    (void)pi;
    seq_buf_printf(sb, "%d\n", PID_MAX);
}

static const struct proc_entry sys_kernel_entries[] = {
    {.name = "hostname", .mode = S_IFREG | 0644, .show = show_hostname, .write = write_hostname},
    {.name = "pid_max", .mode = S_IFREG | 0444, .show = show_pid_max},
};
static const struct proc_table sys_kernel_table = {sys_kernel_entries,
                                                   ARRAY_SIZE(sys_kernel_entries), PT_SYS_KERNEL};

static const struct proc_entry sys_entries[] = {
    {.name = "kernel", .mode = S_IFDIR | 0555, .kind = PK_DIR, .table = &sys_kernel_table},
};
static const struct proc_table sys_table = {sys_entries, ARRAY_SIZE(sys_entries), PT_SYS};

static const struct proc_entry root_entries[] = {
    {.name = "bus", .mode = S_IFDIR | 0555, .kind = PK_DIR, .table = &proc_bus_table},
    {.name = "cmdline", .mode = S_IFREG | 0444, .show = show_cmdline},
    {.name = "cpuinfo", .mode = S_IFREG | 0444, .show = show_cpuinfo},
    {.name = "diskstats", .mode = S_IFREG | 0444, .show = proc_show_diskstats},
    {.name = "filesystems", .mode = S_IFREG | 0444, .show = show_filesystems},
    {.name = "interrupts", .mode = S_IFREG | 0444, .show = proc_show_interrupts},
    {.name = "loadavg", .mode = S_IFREG | 0444, .show = show_loadavg},
    {.name = "meminfo", .mode = S_IFREG | 0444, .show = show_meminfo},
    {.name = "metrics", .mode = S_IFREG | 0444, .show = show_metrics},
    {.name = "mounts", .mode = S_IFLNK | 0777, .readlink = readlink_mounts},
    {.name = "net", .mode = S_IFDIR | 0555, .kind = PK_DIR, .table = &proc_net_table},
    {.name = "partitions", .mode = S_IFREG | 0444, .show = proc_show_partitions},
    {.name = "self", .mode = S_IFLNK | 0777, .readlink = readlink_self},
    {.name = "stat", .mode = S_IFREG | 0444, .show = show_stat},
    {.name = "sys", .mode = S_IFDIR | 0555, .kind = PK_DIR, .table = &sys_table},
    {.name = "thread-self", .mode = S_IFLNK | 0777, .readlink = readlink_thread_self},
    {.name = "uptime", .mode = S_IFREG | 0444, .show = show_uptime},
    {.name = "version", .mode = S_IFREG | 0444, .show = show_version},
};

const struct proc_table proc_root_table = {root_entries, ARRAY_SIZE(root_entries), PT_ROOT};
