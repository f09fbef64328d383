/* SPDX-License-Identifier: MIT */
/* Helpers for generated filesystems such as procfs (fs/vfs/pseudo.c).
 *
 * A pseudo filesystem registers a struct fs_type whose fill_super calls
 * pseudo_fill_super and then builds its static tree with pseudo_mkdir,
 * pseudo_add_file and pseudo_add_symlink. Regular files are "seq files":
 * their show() callback writes the whole content into a growing buffer
 * when the file is opened, and reads are served from that snapshot by
 * offset (so a reader sees one consistent version). Directories whose
 * entries change (/proc/<pid>) get lookup/iterate callbacks with
 * pseudo_mkdir_dynamic; entries they resolve live only while used.
 *
 * Everything here runs with the VFS lock held (taken by the helpers, or
 * already held inside fill_super and the callbacks); callbacks must not
 * sleep. Inodes are owned by root; st_size is 0 for generated files. */
#ifndef FS_PSEUDO_H
#define FS_PSEUDO_H

#include <fs/vfs.h>
#include <kernel/compiler.h>
#include <stdarg.h>

struct seq_buf {
    char *buf;
    size_t len, cap;
    bool overflow; /* an allocation failed: the open fails with -ENOMEM */
};

int seq_buf_write(struct seq_buf *s, const void *p, size_t n);
int seq_buf_printf(struct seq_buf *s, const char *fmt, ...) __printf(2, 3);
int seq_buf_vprintf(struct seq_buf *s, const char *fmt, va_list ap);
int seq_buf_puts(struct seq_buf *s, const char *str);
/* Serves a read at *pos from a finished buffer (advancing *pos). */
struct iobuf;
long seq_buf_read(const struct seq_buf *s, struct iobuf *b, u64 *pos);
/* Frees a kzalloc'd buffer and its text; NULL is fine. */
void seq_buf_free(struct seq_buf *s);

/* show fills s (return 0 or -errno, failing the open); store receives a
 * whole write (buf is a kernel copy, NUL-terminated at len) and returns
 * bytes consumed or -errno. arg is what was given when adding the file. */
typedef int (*pseudo_show_fn)(struct seq_buf *s, void *arg);
typedef long (*pseudo_store_fn)(const char *buf, size_t len, void *arg);
/* Writes a symlink target into buf (at most len bytes); returns length. */
typedef int (*pseudo_link_fn)(char *buf, size_t len, void *arg);

/* Dynamic directory callbacks. lookup gives d an inode made with
 * pseudo_new_* (d_instantiate) or returns -ENOENT. iterate emits the
 * generated entries at positions >= PSEUDO_DYN_POS (the static children
 * come first); ctx->pos says where to resume. */
#define PSEUDO_DYN_POS (1ull << 32)
struct pseudo_dir_ops {
    int (*lookup)(struct dentry *dir, struct dentry *d, void *arg);
    int (*iterate)(struct dentry *dir, struct dir_context *ctx, void *arg);
};

/* Makes sb a pseudo filesystem with an empty root directory. */
int pseudo_fill_super(struct super_block *sb, u64 magic, u32 root_mode);

/* Static entries under parent (pinned; the umount frees them). */
struct dentry *pseudo_mkdir(struct dentry *parent, const char *name, u32 mode);
struct dentry *pseudo_mkdir_dynamic(struct dentry *parent, const char *name, u32 mode,
                                    const struct pseudo_dir_ops *ops, void *arg);
int pseudo_add_file(struct dentry *parent, const char *name, u32 mode, pseudo_show_fn show,
                    pseudo_store_fn store, void *arg);
/* A fixed target (copied), or one computed by fn on every use. */
int pseudo_add_symlink(struct dentry *parent, const char *name, const char *target);
int pseudo_add_dyn_symlink(struct dentry *parent, const char *name, pseudo_link_fn fn, void *arg);

/* Inodes for dynamic lookups (give them to d_instantiate). */
struct inode *pseudo_new_file(struct super_block *sb, u32 mode, pseudo_show_fn show,
                              pseudo_store_fn store, void *arg);
struct inode *pseudo_new_dir(struct super_block *sb, u32 mode, const struct pseudo_dir_ops *ops,
                             void *arg);
struct inode *pseudo_new_symlink(struct super_block *sb, pseudo_link_fn fn, void *arg);

/* Empty stand-ins mounted for "proc" and "sysfs" until real ones are
 * registered under those names. */
extern struct fs_type pseudo_proc_placeholder, pseudo_sysfs_placeholder;

#endif
