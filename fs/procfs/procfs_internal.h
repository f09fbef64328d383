/* procfs (fs/procfs/): files whose text is generated when they are
 * opened (a snapshot served by offset, so one read is consistent however
 * small the reader's buffer), directories generated on lookup. */
#ifndef FS_PROCFS_INTERNAL_H
#define FS_PROCFS_INTERNAL_H

#include <fs/vfs.h>
#include <kernel/compiler.h>
#include <kernel/process.h>

#define PROC_SUPER_MAGIC 0x9fa0

/* A growing text buffer for generators. */
struct seqbuf {
    char *buf;
    size_t len, cap;
    bool failed; /* out of memory: the open fails with ENOMEM */
};

void seq_printf(struct seqbuf *sb, const char *fmt, ...) __printf(2, 3);
void seq_write(struct seqbuf *sb, const void *data, size_t len);

struct proc_entry {
    const char *name;
    u32 mode;
    /* Regular files: the text. pid is 0 for top-level files. */
    void (*show)(struct seqbuf *sb, struct process *p);
    /* Symlinks: the target into buf; returns its length or -errno. */
    int (*readlink)(struct process *p, char *buf, size_t len);
};

/* inode.private of every procfs inode. */
struct proc_inode {
    const struct proc_entry *entry; /* NULL for a /proc/<pid> directory */
    int pid;                        /* 0 for top-level entries */
};

extern const struct proc_entry proc_root_entries[];
extern const size_t proc_root_entry_count;
extern const struct proc_entry proc_pid_entries[];
extern const size_t proc_pid_entry_count;

struct inode *proc_make_inode(struct super_block *sb, const struct proc_entry *e, int pid, u64 ino);
/* The process behind a procfs inode, or NULL if it is gone. */
struct process *proc_inode_process(const struct inode *i);

extern const struct inode_ops proc_pid_dir_ops;
extern const struct file_ops proc_pid_dir_fops;

#endif
