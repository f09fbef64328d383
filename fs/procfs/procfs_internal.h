/* SPDX-License-Identifier: MIT */
/* procfs (fs/procfs/): files whose text is generated when they are
 * opened (a snapshot served by offset, so one read is consistent however
 * small the reader's buffer), directories generated on lookup.
 *
 * The tree is described by tables of struct proc_entry: the root and
 * /proc/sys (files.c), and the per-process directory (pid_files.c), which
 * is also each /proc/<pid>/task/<tid>. Directories whose entries come and
 * go (the root's pids, task/, fd/, fdinfo/) are generated from the process
 * list and fd tables on every lookup and readdir (procfs.c, pid.c, fd.c).
 * Magic links (fd/N, cwd, exe, root) give the path walk the dentry itself
 * (inode_ops.get_link), as Linux does.
 *
 * Per-process generators run with proc_lock held and interrupts off: on
 * Kiln's single CPU nothing else runs meanwhile, so the process, its mm,
 * fd table and files stay put and the text is one consistent snapshot.
 * They must not sleep or take proc_lock again (process_find,
 * process_get_stats). The VFS lock is held throughout (taken by the VFS
 * around open, lookup and readdir). */
#ifndef FS_PROCFS_INTERNAL_H
#define FS_PROCFS_INTERNAL_H

#include <fs/pseudo.h>
#include <fs/vfs.h>
#include <kernel/compiler.h>
#include <kernel/process.h>

#define PROC_ROOT_INO 1

/* Generated text goes into a struct seq_buf (fs/pseudo.h); an allocation
 * failure sets its overflow flag and the open fails with ENOMEM. */

/* What an inode stands for. */
enum proc_kind {
    PK_FILE, /* generated text: entry->show, entry->write */
    PK_LINK, /* symlink: entry->readlink (and entry->get_link) */
    PK_DIR, /* static children: entry->table */
    PK_ROOT, /* /proc: the root table, then one directory per pid */
    PK_PID, /* /proc/<pid> and /proc/<pid>/task/<tid> */
    PK_TASK, /* /proc/<pid>/task: one directory per thread */
    PK_FD, /* /proc/<pid>/fd: a magic link per descriptor */
    PK_FDINFO, /* /proc/<pid>/fdinfo: a file per descriptor */
};

struct proc_inode;
struct proc_table;

struct proc_entry {
    const char *name;
    u32 mode;
    u8 kind; /* PK_FILE and PK_LINK are implied by the mode */
    u8 flags;
    /* PK_FILE: the text; p is NULL outside per-process directories. */
    void (*show)(struct seq_buf *sb, struct process *p, const struct proc_inode *pi);
    /* PK_FILE, optional: a write of len bytes at pos (buf is a kernel
     * copy, NUL-terminated); returns bytes consumed or -errno. */
    long (*write)(struct process *p, const char *buf, size_t len, u64 pos);
    /* PK_LINK: the target text into buf; its length or -errno. */
    int (*readlink)(struct process *p, const struct proc_inode *pi, char *buf, size_t len);
    /* PK_LINK, optional (magic links): the target dentry, referenced. */
    int (*get_link)(struct process *p, const struct proc_inode *pi, struct dentry **out);
    /* PK_DIR: the children. */
    const struct proc_table *table;
};

/* proc_entry.flags */
#define PE_PROCESS_ONLY 0x1 /* in /proc/<pid> but not in task/<tid> */

struct proc_table {
    const struct proc_entry *entries;
    size_t count;
    u8 id; /* part of the children's inode numbers */
};

/* inode.private of every procfs inode. */
struct proc_inode {
    const struct proc_entry *entry; /* NULL for generated inodes */
    u8 kind;
    bool in_task; /* a PK_PID directory under task/ */
    int pid; /* 0 outside per-process directories */
    int fd; /* for fd/N and fdinfo/N; -1 otherwise */
};

/* Inode numbers: pid, table (or generated-directory kind) and index. */
#define PROC_INO(pid, table, idx) (((u64)(pid) << 24) | ((u64)(table) << 16) | (u64)(idx))
/* Table ids (and ids for generated inodes). */
#define PT_ROOT 1
#define PT_SYS 2
#define PT_SYS_KERNEL 3
#define PT_PID 4
#define PT_TID 5
#define PT_FD 6
#define PT_FDINFO 7
#define PT_PIDDIR 8 /* index 0: /proc/<pid>; 1: task/<tid> */
#define PT_BUS 9
#define PT_BUS_PCI 10
#define PT_NET 11

extern const struct proc_table proc_root_table;
extern const struct proc_table proc_pid_table;

/* Inodes. mode 0: the entry's mode. */
struct inode *proc_make_inode(struct super_block *sb, const struct proc_entry *e, u8 kind, u32 mode,
                              int pid, int fd, u64 ino);
struct inode *proc_make_pid_dir(struct super_block *sb, int pid, bool in_task);

/* The open file at fd of p, or NULL (no reference: proc_lock held). */
struct file *proc_fd_file(struct process *p, int fd);
/* What /proc/<pid>/fd/N shows for f: its path, or pipe:[ino] and the
 * like for files without one. Length or -ENAMETOOLONG. */
int proc_file_path(struct file *f, char *buf, size_t len);

/* /proc/mounts text (pid_files.c). */
/* Device listings from drivers (fs/procfs/devices.c). */
extern const struct proc_table proc_bus_table;
extern const struct proc_table proc_net_table;
void proc_show_interrupts(struct seq_buf *sb, struct process *p, const struct proc_inode *pi);
void proc_show_partitions(struct seq_buf *sb, struct process *p, const struct proc_inode *pi);
void proc_show_diskstats(struct seq_buf *sb, struct process *p, const struct proc_inode *pi);

void proc_show_mounts(struct seq_buf *sb, struct process *p, const struct proc_inode *pi);

/* Generated directories (pid.c). */
int proc_pid_lookup(struct inode *dir, struct dentry *d);
int proc_pid_iterate(struct file *f, struct dir_context *ctx);

/* Emits "." and ".." (positions 0 and 1); false when the buffer filled. */
bool proc_emit_dots(struct file *f, struct dir_context *ctx);
/* Emits table entries at positions 2 + k. */
bool proc_emit_table(struct dir_context *ctx, const struct proc_table *t, int pid, bool in_task);
/* Finds name in table t (skipping process-only entries in a task dir). */
const struct proc_entry *proc_table_find(const struct proc_table *t, const char *name, size_t len,
                                         bool in_task, size_t *index);
bool proc_parse_num(const char *name, size_t len, int *out);

/* readdir positions of generated entries: base + key + 1 next */
#define PROC_DYN_POS 0x10000

static inline u8 proc_dtype(u32 mode)
{
    return S_ISDIR(mode) ? DT_DIR : S_ISLNK(mode) ? DT_LNK : DT_REG;
}

#endif
