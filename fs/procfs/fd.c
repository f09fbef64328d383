// SPDX-License-Identifier: MIT
/* /proc/<pid>/fd/N magic links and /proc/<pid>/fdinfo/N files. */
#include <abi/errno.h>
#include <abi/stat.h>
#include <fs/chrdev.h>
#include <fs/fdtable.h>
#include <kernel/format.h>

#include "procfs_internal.h"

int proc_file_path(struct file *f, char *buf, size_t len)
{
    struct inode *i = f->inode;
    int n;
    if (f->dentry->sb->mount) {
        return vfs_dentry_path(f->dentry, buf, len);
    }
    /* Anonymous inodes (no mount, no path): named like Linux's. */
    if (S_ISFIFO(i->mode)) {
        n = ksnprintf(buf, len, "pipe:[%llu]", (unsigned long long)i->ino);
    } else if (S_ISSOCK(i->mode)) {
        n = ksnprintf(buf, len, "socket:[%llu]", (unsigned long long)i->ino);
    } else if (S_ISCHR(i->mode)) {
        /* A device opened without /dev (the console at boot). */
        const struct chrdev *cd = chrdev_find(i->rdev_major, i->rdev_minor);
        n = ksnprintf(buf, len, "/dev/%s", cd && cd->name[0] ? cd->name : "char");
    } else {
        /* anon_file_create does not name its files yet. */
        n = ksnprintf(buf, len, "anon_inode:[unknown]");
    }
    return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : n;
}

static int readlink_fd(struct process *p, const struct proc_inode *pi, char *buf, size_t len)
{
    struct file *f = proc_fd_file(p, pi->fd);
    return f ? proc_file_path(f, buf, len) : -ENOENT;
}

static int get_link_fd(struct process *p, const struct proc_inode *pi, struct dentry **out)
{
    struct file *f = proc_fd_file(p, pi->fd);
    if (!f) {
        return -ENOENT;
    }
    *out = dget(f->dentry);
    return 0;
}

static void show_fdinfo(struct seq_buf *sb, struct process *p, const struct proc_inode *pi)
{
    struct file *f = proc_fd_file(p, pi->fd);
    if (!f) {
        return; /* closed since the lookup: empty, as good as any */
    }
    struct fd_table *t = p->files;
    u32 flags = f->flags;
    if (t->cloexec[pi->fd / 64] & (1ull << (pi->fd % 64))) {
        flags |= O_CLOEXEC;
    }
    struct mount *m = f->dentry->sb->mount;
    seq_buf_printf(sb, "pos:\t%llu\nflags:\t0%o\nmnt_id:\t%u\nino:\t%llu\n",
                   (unsigned long long)f->pos, flags, m ? m->id : 0,
                   (unsigned long long)f->inode->ino);
}

const struct proc_entry proc_fd_link_entry = {
    .name = "",
    .mode = S_IFLNK | 0700,
    .readlink = readlink_fd,
    .get_link = get_link_fd,
};

const struct proc_entry proc_fdinfo_entry = {
    .name = "",
    .mode = S_IFREG | 0444,
    .show = show_fdinfo,
};
