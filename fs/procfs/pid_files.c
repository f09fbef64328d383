// SPDX-License-Identifier: MIT
/* The files of /proc/<pid>/ (formats of Linux 6.1, fs/proc/array.c and
 * fs/proc/base.c; see proc(5)). Fields Kiln does not track show what
 * Linux shows for a process that never used the feature (mostly 0). */
#include <abi/errno.h>
#include <abi/stat.h>
#include <arch/x86_64/memlayout.h>
#include <drivers/tty.h>
#include <fs/fdtable.h>
#include <kernel/format.h>
#include <kernel/kmalloc.h>
#include <kernel/page_alloc.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/vm.h>

#include "procfs_internal.h"

#define USER_HZ 100
#define PAGE_KB 4
#define PF_RANDOMIZE 0x00400000 /* what Linux shows for every user process */
#define PF_EXITING 0x00000004
#define CAP_FULL 0x000001ffffffffffull /* CAP_LAST_CAP 40 (Linux 6.1) */
#define MAPS_NAME_PAD 72 /* Linux pads to 25 + 6 * sizeof(void *) - 1, then a space */

static u64 to_ticks(u64 ns)
{
    return ns / (NSEC_PER_SEC / USER_HZ);
}

static char state_char(const struct process *p)
{
    if (p->state == PROC_ZOMBIE) {
        return 'Z';
    }
    if (p->stopped) {
        return 'T';
    }
    if (p->thread && p->thread->state == THREAD_RUNNABLE) {
        return 'R';
    }
    return 'S';
}

static const char *state_name(char c)
{
    switch (c) {
    case 'Z':
        return "Z (zombie)";
    case 'R':
        return "R (running)";
    case 'T':
        return "T (stopped)";
    default:
        return "S (sleeping)";
    }
}

/* Address-space figures in bytes, from the VMAs (Linux's mm counters). */
struct vm_usage {
    u64 size, data, stack, exe, lib;
    u64 start_code, end_code, start_data, end_data;
};

static bool from_exe(const struct mm *mm, const struct vma *v)
{
    return v->file && mm->exe_file && v->file->inode == mm->exe_file->inode;
}

static void vm_usage(const struct mm *mm, struct vm_usage *u)
{
    memset(u, 0, sizeof(*u));
    if (!mm) {
        return;
    }
    struct list_head *pos;
    list_for_each(pos, &mm->vmas)
    {
        const struct vma *v = list_entry(pos, struct vma, link);
        u64 len = v->end - v->start;
        u->size += len;
        if (v->flags & VMA_STACK) {
            u->stack += len;
        } else if ((v->prot & PROT_WRITE) && !(v->flags & MAP_SHARED)) {
            u->data += len;
        }
        if ((v->prot & PROT_EXEC) && !(v->prot & PROT_WRITE) && v->file) {
            if (from_exe(mm, v)) {
                u->exe += len;
                if (!u->start_code || v->start < u->start_code) {
                    u->start_code = v->start;
                }
                u->end_code = MAX(u->end_code, v->end);
            } else {
                u->lib += len;
            }
        }
        if (from_exe(mm, v) && (v->prot & PROT_WRITE)) {
            if (!u->start_data || v->start < u->start_data) {
                u->start_data = v->start;
            }
            u->end_data = MAX(u->end_data, v->end);
        }
    }
}

/* Signals with the default action replaced: ignored or caught. */
static void sig_masks(const struct process *p, u64 *ign, u64 *cgt)
{
    *ign = *cgt = 0;
    for (int s = 1; s <= NSIG; s++) {
        u64 h = p->sig.actions[s - 1].sa_handler;
        if (h == SIG_IGN) {
            *ign |= SIGBIT(s);
        } else if (h != SIG_DFL) {
            *cgt |= SIGBIT(s);
        }
    }
}

static int popcount64(u64 v)
{
    int n = 0;
    for (; v; v &= v - 1) {
        n++;
    }
    return n;
}

/* ---- stat, statm, status ---- */

static void show_pid_stat(struct seq_buf *sb, struct process *p, const struct proc_inode *pi)
{
    (void)pi;
    const struct mm *mm = p->mm;
    struct vm_usage u;
    vm_usage(mm, &u);
    u64 ign, cgt;
    sig_masks(p, &ign, &cgt);
    char state = state_char(p);
    int ppid = p->parent ? p->parent->pid : 0;
    unsigned long long vals[3];

    /* (1)-(13): pid comm state ppid pgrp session tty_nr tpgid flags
     * minflt cminflt majflt cmajflt. Without a controlling terminal,
     * tty_nr 0 and tpgid -1. */
    u32 tty_nr = 0;
    int tpgid = -1;
    if (!tty_process_info(p, &tty_nr, &tpgid)) {
        tty_nr = 0;
        tpgid = -1;
    }
    seq_buf_printf(sb, "%d (%s) %c %d %d %d %u %d %u %llu %llu 0 0 ", p->pid, p->comm, state, ppid,
                   p->pgid, p->sid, tty_nr, tpgid, PF_RANDOMIZE | (state == 'Z' ? PF_EXITING : 0),
                   (unsigned long long)p->min_flt, (unsigned long long)p->cmin_flt);
    /* (14)-(22): utime stime cutime cstime priority nice num_threads
     * itrealvalue starttime */
    seq_buf_printf(
        sb, "%llu %llu %llu %llu 20 0 1 0 %llu ", (unsigned long long)to_ticks(p->utime_ns),
        (unsigned long long)to_ticks(p->stime_ns), (unsigned long long)to_ticks(p->cutime_ns),
        (unsigned long long)to_ticks(p->cstime_ns), (unsigned long long)to_ticks(p->start_ns));
    /* (23)-(30): vsize rss rsslim startcode endcode startstack kstkesp
     * kstkeip */
    vals[0] = u.size;
    vals[1] = mm ? mm->rss_pages : 0;
    vals[2] = p->rlimits[RLIMIT_RSS].rlim_cur;
    seq_buf_printf(sb, "%llu %llu %llu %llu %llu %llu 0 0 ", vals[0], vals[1], vals[2],
                   (unsigned long long)(mm ? u.start_code : 0),
                   (unsigned long long)(mm ? u.end_code : 0),
                   (unsigned long long)(mm ? mm->stack_top : 0));
    /* (31)-(44): signal blocked sigignore sigcatch wchan nswap cnswap
     * exit_signal processor rt_priority policy delayacct_blkio_ticks
     * guest_time cguest_time */
    seq_buf_printf(sb, "%llu %llu %llu %llu 0 0 0 17 0 0 0 0 0 0 ",
                   (unsigned long long)(p->sig.pending & 0x7fffffffull),
                   (unsigned long long)(p->sig.blocked & 0x7fffffffull),
                   (unsigned long long)(ign & 0x7fffffffull),
                   (unsigned long long)(cgt & 0x7fffffffull));
    /* (45)-(52): start_data end_data start_brk arg_start arg_end
     * env_start env_end exit_code */
    if (mm) {
        seq_buf_printf(sb, "%llu %llu %llu %llu %llu %llu %llu ", (unsigned long long)u.start_data,
                       (unsigned long long)u.end_data, (unsigned long long)mm->brk_start,
                       (unsigned long long)mm->arg_start, (unsigned long long)mm->arg_end,
                       (unsigned long long)mm->env_start, (unsigned long long)mm->env_end);
    } else {
        seq_buf_puts(sb, "0 0 0 0 0 0 0 ");
    }
    seq_buf_printf(sb, "%d\n", state == 'Z' ? p->exit_status : 0);
}

static void show_pid_statm(struct seq_buf *sb, struct process *p, const struct proc_inode *pi)
{
    (void)pi;
    struct vm_usage u;
    vm_usage(p->mm, &u);
    /* size resident shared text lib data dt, in pages */
    seq_buf_printf(sb, "%llu %llu 0 %llu 0 %llu 0\n", (unsigned long long)(u.size >> 12),
                   (unsigned long long)(p->mm ? p->mm->rss_pages : 0),
                   (unsigned long long)(u.exe >> 12),
                   (unsigned long long)((u.data + u.stack) >> 12));
}

/* comm with Linux's escapes for status (backslash and newline). */
static void put_escaped_comm(struct seq_buf *sb, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\') {
            seq_buf_puts(sb, "\\\\");
        } else if (*s == '\n') {
            seq_buf_puts(sb, "\\n");
        } else {
            seq_buf_write(sb, s, 1);
        }
    }
}

static void show_kb(struct seq_buf *sb, const char *name, u64 bytes)
{
    seq_buf_printf(sb, "%s\t%8llu kB\n", name, (unsigned long long)(bytes >> 10));
}

static void show_pid_status(struct seq_buf *sb, struct process *p, const struct proc_inode *pi)
{
    (void)pi;
    const struct cred *c = &p->cred;
    int ppid = p->parent ? p->parent->pid : 0;
    u64 ign, cgt;
    sig_masks(p, &ign, &cgt);

    seq_buf_puts(sb, "Name:\t");
    put_escaped_comm(sb, p->comm);
    seq_buf_printf(sb, "\nUmask:\t%04o\n", p->fs ? p->fs->umask : 022);
    seq_buf_printf(sb, "State:\t%s\n", state_name(state_char(p)));
    seq_buf_printf(sb, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", p->pid, p->pid,
                   ppid);
    seq_buf_printf(sb, "Uid:\t%u\t%u\t%u\t%u\n", c->uid, c->euid, c->suid, c->fsuid);
    seq_buf_printf(sb, "Gid:\t%u\t%u\t%u\t%u\n", c->gid, c->egid, c->sgid, c->fsgid);
    seq_buf_printf(sb, "FDSize:\t%u\nGroups:\t", p->files ? p->files->cap : 0);
    for (u32 i = 0; i < c->ngroups; i++) {
        seq_buf_printf(sb, i ? " %u" : "%u", c->groups[i]);
    }
    /* Linux ends the list with a space, even an empty one. */
    seq_buf_printf(sb, " \nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", p->pid, p->pid,
                   p->pgid, p->sid);
    if (p->mm) {
        struct vm_usage u;
        vm_usage(p->mm, &u);
        u64 rss = p->mm->rss_pages * PAGE_KB * 1024;
        /* No high-water marks are kept: peaks are the current values. */
        show_kb(sb, "VmPeak:", u.size);
        show_kb(sb, "VmSize:", u.size);
        show_kb(sb, "VmLck:", 0);
        show_kb(sb, "VmPin:", 0);
        show_kb(sb, "VmHWM:", rss);
        show_kb(sb, "VmRSS:", rss);
        show_kb(sb, "RssAnon:", rss);
        show_kb(sb, "RssFile:", 0);
        show_kb(sb, "RssShmem:", 0);
        show_kb(sb, "VmData:", u.data);
        show_kb(sb, "VmStk:", u.stack);
        show_kb(sb, "VmExe:", u.exe);
        show_kb(sb, "VmLib:", u.lib);
        show_kb(sb, "VmPTE:", 0);
        show_kb(sb, "VmSwap:", 0);
        show_kb(sb, "HugetlbPages:", 0);
    }
    seq_buf_puts(sb, "CoreDumping:\t0\nTHP_enabled:\t1\nThreads:\t1\n");
    /* Pending standard signals plus queued real-time instances. */
    seq_buf_printf(sb, "SigQ:\t%d/%llu\n",
                   popcount64(p->sig.pending & 0x7fffffffull) + (int)p->sig.queued,
                   (unsigned long long)p->rlimits[RLIMIT_SIGPENDING].rlim_cur);
    seq_buf_printf(sb, "SigPnd:\t%016llx\nShdPnd:\t%016llx\n", (unsigned long long)p->sig.pending,
                   (unsigned long long)0);
    seq_buf_printf(sb, "SigBlk:\t%016llx\nSigIgn:\t%016llx\nSigCgt:\t%016llx\n",
                   (unsigned long long)p->sig.blocked, (unsigned long long)ign,
                   (unsigned long long)cgt);
    /* No capabilities: root may do everything, others nothing extra. */
    unsigned long long caps = c->euid == 0 ? CAP_FULL : 0;
    seq_buf_printf(sb, "CapInh:\t%016llx\nCapPrm:\t%016llx\nCapEff:\t%016llx\n", 0ull, caps, caps);
    seq_buf_printf(sb, "CapBnd:\t%016llx\nCapAmb:\t%016llx\n", CAP_FULL, 0ull);
    seq_buf_puts(sb, "NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n");
    seq_buf_puts(sb, "Speculation_Store_Bypass:\tvulnerable\n"
                     "SpeculationIndirectBranch:\talways enabled\n");
    seq_buf_puts(sb, "Cpus_allowed:\t1\nCpus_allowed_list:\t0\n");
    seq_buf_puts(sb, "Mems_allowed:\t1\nMems_allowed_list:\t0\n");
    seq_buf_printf(sb, "voluntary_ctxt_switches:\t%llu\nnonvoluntary_ctxt_switches:\t0\n",
                   (unsigned long long)(p->thread ? p->thread->switches : 0));
}

/* ---- cmdline, environ, comm ---- */

static void show_user_range(struct seq_buf *sb, struct process *p, u64 start, u64 end)
{
    if (!p->mm || end <= start) {
        return;
    }
    size_t len = MIN(end - start, 65536);
    char *tmp = kmalloc(len);
    if (!tmp) {
        sb->overflow = true;
        return;
    }
    size_t got = mm_read(p->mm, start, tmp, len);
    seq_buf_write(sb, tmp, got);
    kfree(tmp);
}

static void show_pid_cmdline(struct seq_buf *sb, struct process *p, const struct proc_inode *pi)
{
    (void)pi;
    if (p->mm) {
        show_user_range(sb, p, p->mm->arg_start, p->mm->arg_end);
    }
}

static void show_pid_environ(struct seq_buf *sb, struct process *p, const struct proc_inode *pi)
{
    (void)pi;
    if (p->mm) {
        show_user_range(sb, p, p->mm->env_start, p->mm->env_end);
    }
}

static void show_pid_comm(struct seq_buf *sb, struct process *p, const struct proc_inode *pi)
{
    (void)pi;
    seq_buf_printf(sb, "%s\n", p->comm);
}

/* Like Linux: the first 15 bytes written become the name (a newline
 * included); only a process may rename itself. */
static long write_pid_comm(struct process *p, const char *buf, size_t len, u64 pos)
{
    (void)pos;
    if (p != current_process()) {
        return -EINVAL;
    }
    size_t n = MIN(len, (size_t)PROC_COMM_MAX - 1);
    memcpy(p->comm, buf, n);
    p->comm[n] = '\0';
    return (long)len;
}

/* ---- maps, mounts, limits ---- */

/* The maps line of v (also the first line of its smaps record). */
static void show_vma_line(struct seq_buf *sb, const struct vma *v)
{
    char path[256] = "";
    u32 minor = 0;
    u64 ino = 0;
    if (v->file) {
        if (proc_file_path(v->file, path, sizeof(path)) < 0) {
            strlcpy(path, "?", sizeof(path));
        }
        minor = v->file->inode->sb->dev_minor;
        ino = v->file->inode->ino;
    } else if (v->flags & VMA_STACK) {
        strlcpy(path, "[stack]", sizeof(path));
    } else if (v->flags & VMA_HEAP) {
        strlcpy(path, "[heap]", sizeof(path));
    }
    char line[128];
    int n = ksnprintf(line, sizeof(line), "%08llx-%08llx %c%c%c%c %08llx 00:%02x %llu ",
                      (unsigned long long)v->start, (unsigned long long)v->end,
                      (v->prot & PROT_READ) ? 'r' : '-', (v->prot & PROT_WRITE) ? 'w' : '-',
                      (v->prot & PROT_EXEC) ? 'x' : '-', (v->flags & MAP_SHARED) ? 's' : 'p',
                      (unsigned long long)(v->pgoff << 12), minor, (unsigned long long)ino);
    seq_buf_write(sb, line, (size_t)n);
    if (path[0]) {
        /* Linux pads the name out to a fixed column. */
        for (; n < MAPS_NAME_PAD; n++) {
            seq_buf_write(sb, " ", 1);
        }
        seq_buf_puts(sb, " ");
        seq_buf_puts(sb, path);
    }
    seq_buf_puts(sb, "\n");
}

static void show_pid_maps(struct seq_buf *sb, struct process *p, const struct proc_inode *pi)
{
    (void)pi;
    if (!p->mm) {
        return;
    }
    struct list_head *pos;
    list_for_each(pos, &p->mm->vmas)
    {
        show_vma_line(sb, list_entry(pos, struct vma, link));
    }
}

/* Resident pages of one VMA, in bytes, split as smaps shows them. */
struct vma_pages {
    u64 rss, pss, shared_clean, shared_dirty, private_clean, private_dirty, referenced, anon;
};

static void count_vma_pages(struct mm *mm, const struct vma *v, struct vma_pages *c)
{
    memset(c, 0, sizeof(*c));
    for (u64 a = v->start; a < v->end; a += PAGE_SIZE) {
        u64 *pte = vm_pte_lookup(&mm->as, a);
        if (!pte || !(*pte & PTE_PRESENT)) {
            continue;
        }
        struct page *pg = virt_to_page(phys_to_virt(*pte & PTE_ADDR_MASK));
        u32 maps = pg && pg->refcount ? pg->refcount : 1;
        /* A file's page cache holds one reference of its own. */
        if (v->file && maps > 1) {
            maps--;
        }
        bool dirty = *pte & PTE_DIRTY;
        c->rss += PAGE_SIZE;
        c->pss += PAGE_SIZE / maps;
        if (maps > 1) {
            *(dirty ? &c->shared_dirty : &c->shared_clean) += PAGE_SIZE;
        } else {
            *(dirty ? &c->private_dirty : &c->private_clean) += PAGE_SIZE;
        }
        if (*pte & PTE_ACCESSED) {
            c->referenced += PAGE_SIZE;
        }
        if (!v->file) {
            c->anon += PAGE_SIZE;
        }
    }
}

static void smaps_kb(struct seq_buf *sb, const char *name, u64 bytes)
{
    seq_buf_printf(sb, "%-16s%8llu kB\n", name, (unsigned long long)(bytes >> 10));
}

static void show_pid_smaps(struct seq_buf *sb, struct process *p, const struct proc_inode *pi)
{
    (void)pi;
    if (!p->mm) {
        return;
    }
    struct list_head *pos;
    list_for_each(pos, &p->mm->vmas)
    {
        const struct vma *v = list_entry(pos, struct vma, link);
        struct vma_pages c;
        count_vma_pages(p->mm, v, &c);
        show_vma_line(sb, v);
        smaps_kb(sb, "Size:", v->end - v->start);
        smaps_kb(sb, "KernelPageSize:", PAGE_SIZE);
        smaps_kb(sb, "MMUPageSize:", PAGE_SIZE);
        smaps_kb(sb, "Rss:", c.rss);
        smaps_kb(sb, "Pss:", c.pss);
        smaps_kb(sb, "Pss_Dirty:", c.shared_dirty + c.private_dirty);
        smaps_kb(sb, "Shared_Clean:", c.shared_clean);
        smaps_kb(sb, "Shared_Dirty:", c.shared_dirty);
        smaps_kb(sb, "Private_Clean:", c.private_clean);
        smaps_kb(sb, "Private_Dirty:", c.private_dirty);
        smaps_kb(sb, "Referenced:", c.referenced);
        smaps_kb(sb, "Anonymous:", c.anon);
        static const char *const zero[] = {
            "LazyFree:",      "AnonHugePages:",  "ShmemPmdMapped:",
            "FilePmdMapped:", "Shared_Hugetlb:", "Private_Hugetlb:",
            "Swap:",          "SwapPss:",        "Locked:",
        };
        for (size_t k = 0; k < ARRAY_SIZE(zero); k++) {
            smaps_kb(sb, zero[k], 0);
        }
        bool shared = v->flags & MAP_SHARED;
        seq_buf_printf(sb, "THPeligible:    0\nVmFlags: %s%s%s%smr mw me %s%s%s\n",
                       (v->prot & PROT_READ) ? "rd " : "", (v->prot & PROT_WRITE) ? "wr " : "",
                       (v->prot & PROT_EXEC) ? "ex " : "", shared ? "sh " : "", shared ? "ms " : "",
                       (v->flags & VMA_STACK) ? "gd " : "",
                       !shared && (v->prot & PROT_WRITE) ? "ac " : "");
    }
}

static void show_formatted(struct seq_buf *sb, size_t (*format)(char *buf, size_t len))
{
    size_t need = format(NULL, 0);
    char *tmp = kmalloc(need + 1);
    if (!tmp) {
        sb->overflow = true;
        return;
    }
    size_t got = format(tmp, need + 1);
    seq_buf_write(sb, tmp, MIN(got, need));
    kfree(tmp);
}

void proc_show_mounts(struct seq_buf *sb, struct process *p, const struct proc_inode *pi)
{
    (void)p;
    (void)pi;
    show_formatted(sb, vfs_format_mounts);
}

static void show_pid_mountinfo(struct seq_buf *sb, struct process *p, const struct proc_inode *pi)
{
    (void)p;
    (void)pi;
    show_formatted(sb, vfs_format_mountinfo);
}

static const struct {
    const char *name, *unit;
} limit_names[RLIM_NLIMITS] = {
    {"Max cpu time", "seconds"},     {"Max file size", "bytes"},
    {"Max data size", "bytes"},      {"Max stack size", "bytes"},
    {"Max core file size", "bytes"}, {"Max resident set", "bytes"},
    {"Max processes", "processes"},  {"Max open files", "files"},
    {"Max locked memory", "bytes"},  {"Max address space", "bytes"},
    {"Max file locks", "locks"},     {"Max pending signals", "signals"},
    {"Max msgqueue size", "bytes"},  {"Max nice priority", NULL},
    {"Max realtime priority", NULL}, {"Max realtime timeout", "us"},
};

static void show_limit(struct seq_buf *sb, u64 v, const char *fmt_end)
{
    char num[24];
    if (v == RLIM_INFINITY) {
        strlcpy(num, "unlimited", sizeof(num));
    } else {
        ksnprintf(num, sizeof(num), "%llu", (unsigned long long)v);
    }
    seq_buf_printf(sb, "%-20s%s", num, fmt_end);
}

static void show_pid_limits(struct seq_buf *sb, struct process *p, const struct proc_inode *pi)
{
    (void)pi;
    seq_buf_printf(sb, "%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit", "Hard Limit", "Units");
    for (int i = 0; i < RLIM_NLIMITS; i++) {
        seq_buf_printf(sb, "%-25s ", limit_names[i].name);
        show_limit(sb, p->rlimits[i].rlim_cur, " ");
        show_limit(sb, p->rlimits[i].rlim_max, " ");
        if (limit_names[i].unit) {
            seq_buf_printf(sb, "%-10s", limit_names[i].unit);
        }
        seq_buf_puts(sb, "\n");
    }
}

/* ---- cwd, exe, root: magic links ---- */

static struct dentry *cwd_of(struct process *p)
{
    return p->fs ? p->fs->cwd : NULL;
}

static struct dentry *root_of(struct process *p)
{
    return p->fs ? p->fs->root : NULL;
}

static struct dentry *exe_of(struct process *p)
{
    return p->mm && p->mm->exe_file ? p->mm->exe_file->dentry : NULL;
}

static int link_text(struct dentry *d, char *buf, size_t len)
{
    return d ? vfs_dentry_path(d, buf, len) : -ENOENT;
}

static int link_target(struct dentry *d, struct dentry **out)
{
    if (!d) {
        return -ENOENT;
    }
    *out = dget(d);
    return 0;
}

#define DENTRY_LINK(what)                                                                          \
    static int readlink_##what(struct process *p, const struct proc_inode *pi, char *buf,          \
                               size_t len)                                                         \
    {                                                                                              \
        (void)pi;                                                                                  \
        return link_text(what##_of(p), buf, len);                                                  \
    }                                                                                              \
    static int get_link_##what(struct process *p, const struct proc_inode *pi,                     \
                               struct dentry **out)                                                \
    {                                                                                              \
        (void)pi;                                                                                  \
        return link_target(what##_of(p), out);                                                     \
    }

DENTRY_LINK(cwd)
DENTRY_LINK(exe)
DENTRY_LINK(root)

static const struct proc_entry pid_entries[] = {
    {.name = "cmdline", .mode = S_IFREG | 0444, .show = show_pid_cmdline},
    {.name = "comm", .mode = S_IFREG | 0644, .show = show_pid_comm, .write = write_pid_comm},
    {.name = "cwd", .mode = S_IFLNK | 0777, .readlink = readlink_cwd, .get_link = get_link_cwd},
    {.name = "environ", .mode = S_IFREG | 0400, .show = show_pid_environ},
    {.name = "exe", .mode = S_IFLNK | 0777, .readlink = readlink_exe, .get_link = get_link_exe},
    {.name = "fd", .mode = S_IFDIR | 0500, .kind = PK_FD},
    {.name = "fdinfo", .mode = S_IFDIR | 0555, .kind = PK_FDINFO},
    {.name = "limits", .mode = S_IFREG | 0444, .show = show_pid_limits},
    {.name = "maps", .mode = S_IFREG | 0444, .show = show_pid_maps},
    {.name = "mountinfo", .mode = S_IFREG | 0444, .show = show_pid_mountinfo},
    {.name = "mounts", .mode = S_IFREG | 0444, .show = proc_show_mounts},
    {.name = "root", .mode = S_IFLNK | 0777, .readlink = readlink_root, .get_link = get_link_root},
    {.name = "smaps", .mode = S_IFREG | 0444, .show = show_pid_smaps},
    {.name = "stat", .mode = S_IFREG | 0444, .show = show_pid_stat},
    {.name = "statm", .mode = S_IFREG | 0444, .show = show_pid_statm},
    {.name = "status", .mode = S_IFREG | 0444, .show = show_pid_status},
    {.name = "task", .mode = S_IFDIR | 0555, .kind = PK_TASK, .flags = PE_PROCESS_ONLY},
};

const struct proc_table proc_pid_table = {pid_entries, ARRAY_SIZE(pid_entries), PT_PID};
