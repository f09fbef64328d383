/* SPDX-License-Identifier: MIT */
/* The virtual filesystem (fs/vfs/): inodes, an in-memory dentry tree,
 * open files, superblocks and mounts.
 *
 * Every Kiln filesystem lives in memory, so the dentry tree is not a cache
 * but the namespace itself: a tmpfs directory's entries are exactly its
 * child dentries (pinned while linked). Filesystems whose contents are
 * generated (procfs) add unpinned children from inode_ops.lookup; those
 * disappear when their last reference goes.
 *
 * Locking: one global VFS lock (vfs_lock, a sleeping recursive mutex)
 * serialises the namespace, every inode and dentry field and refcount, and
 * tmpfs file data. Syscalls take it around their VFS work; read/write take
 * it inside each filesystem's file ops, so a device may sleep (console read)
 * without holding it. It is recursive so that a user-memory fault taken
 * while it is held (copy_to_user in a tmpfs read) may itself map a file
 * page. Code run under it (lookup callbacks, tmpfs ops) must not sleep.
 * File and table refcounts are atomic and need no lock.
 *
 * Refcounts:
 *  - inode.refcount: one per dentry naming it, plus explicit igrab()s. At
 *    zero the superblock's evict_inode frees its data, then the inode goes.
 *  - dentry.refcount: one per child (a child pins its parent), per open
 *    file, per fs_context root/cwd, per mount (root and mountpoint), one
 *    for being linked in a persistent filesystem (DENTRY_PINNED), plus
 *    temporary holders. At zero it is unlinked from its parent and freed,
 *    dropping its inode and its parent.
 *  - file.refcount: one per fd slot, mapping, or kernel holder.
 *
 * Mounts: every superblock is mounted exactly once (no bind mounts), so a
 * dentry alone names a place: ".." from a superblock root continues at its
 * mount's mountpoint. umount refuses a filesystem with open files, cwds or
 * submounts (-EBUSY, MNT_DETACH included: there are no lazy unmounts).
 *
 * Timestamps follow Linux except that reads never update atime (it is set
 * at creation and by utimensat).
 */
#ifndef FS_VFS_H
#define FS_VFS_H

#include <abi/fcntl.h>
#include <abi/poll.h>
#include <abi/stat.h>
#include <kernel/iobuf.h>
#include <kernel/list.h>
#include <kernel/types.h>

struct inode;
struct dentry;
struct file;
struct super_block;
struct mount;
struct cred;
struct poll_table;
struct lock_ctx;

struct vfs_time {
    s64 sec;
    u32 nsec;
};

/* Filled by a directory's iterate op, one call per entry. next_pos is the
 * position just after this entry (the record's d_off); emit returns false
 * when the caller's buffer is full, and the op then stops without moving
 * ctx->pos past the rejected entry. The op sets ctx->pos = next_pos after
 * each accepted entry. */
struct dir_context {
    bool (*emit)(struct dir_context *ctx, const char *name, size_t len, u64 ino, u8 dtype,
                 u64 next_pos);
    u64 pos;
};

/* file_ops.poll returns the POLL* readiness bits of include/abi/poll.h. */

struct file_ops {
    /* Called once the file is set up (f->inode, f->dentry, f->fmode); a
     * negative return fails the open. */
    int (*open)(struct inode *inode, struct file *f);
    /* Read or write at *pos, advancing it; return bytes or -errno. */
    long (*read)(struct file *f, struct iobuf *buf, u64 *pos);
    long (*write)(struct file *f, struct iobuf *buf, u64 *pos);
    /* NULL: the generic lseek against inode->size. */
    s64 (*llseek)(struct file *f, s64 off, int whence);
    int (*iterate)(struct file *f, struct dir_context *ctx);
    long (*ioctl)(struct file *f, u32 cmd, u64 arg);
    int (*fsync)(struct file *f);
    /* The readiness bits now; with a poll table, also poll_wait() on every
     * wait queue woken when they may change (include/kernel/poll.h). NULL
     * means always readable and writable. */
    u32 (*poll)(struct file *f, struct poll_table *pt);
    /* The frame holding file page pgoff, with a reference for the caller
     * (see vfs_file_get_page). NULL: the file cannot be mapped (-ENODEV). */
    int (*get_page)(struct file *f, u64 pgoff, bool write, phys_addr_t *pa);
    /* Last reference to the open file went. */
    void (*release)(struct file *f);
};

/* iattr.valid */
#define ATTR_MODE (1u << 0)
#define ATTR_UID (1u << 1)
#define ATTR_GID (1u << 2)
#define ATTR_SIZE (1u << 3)
#define ATTR_ATIME (1u << 4)
#define ATTR_MTIME (1u << 5)
#define ATTR_CTIME (1u << 6)

struct iattr {
    u32 valid;
    u32 mode; /* permission bits only (S_IALLUGO) */
    u32 uid, gid;
    u64 size;
    struct vfs_time atime, mtime, ctime;
};

/* Namespace operations. The VFS has done the permission and type checks
 * (and Linux's errno ordering) before calling; the op does the work,
 * including linking or unlinking dentries with the d_* helpers below. A
 * NULL op makes the syscall fail with -EPERM (-ENOENT for lookup). */
struct inode_ops {
    /* Generated directories: give d (named, not linked) an inode with
     * d_instantiate, or return -ENOENT. The VFS links d unpinned. */
    int (*lookup)(struct inode *dir, struct dentry *d);
    /* New inode of type mode & S_IFMT (reg, dir, chr, blk, fifo, sock)
     * with permission bits mode & 07777 (umask already applied), owned by
     * uid/gid, instantiated in d and linked into the parent. */
    int (*create)(struct inode *dir, struct dentry *d, u32 mode, u32 uid, u32 gid, u32 rdev_major,
                  u32 rdev_minor);
    int (*symlink)(struct inode *dir, struct dentry *d, const char *target, u32 uid, u32 gid);
    int (*link)(struct dentry *old, struct inode *dir, struct dentry *d);
    int (*unlink)(struct inode *dir, struct dentry *d);
    int (*rmdir)(struct inode *dir, struct dentry *d);
    /* Moves old under new_dir as name; target is the existing entry of
     * that name (already checked replaceable) or NULL. */
    int (*rename)(struct inode *old_dir, struct dentry *old, struct inode *new_dir,
                  struct dentry *new_parent, const char *name, size_t len, struct dentry *target);
    /* Copies the symlink target (not NUL-terminated) into buf, at most
     * len bytes; returns its length or -errno. */
    int (*readlink)(struct dentry *d, char *buf, size_t len);
    /* Magic links (/proc/<pid>/fd/N, cwd, exe, root): the dentry the link
     * stands for, with a reference. The path walk jumps there instead of
     * resolving the readlink text, so a deleted file or a file outside the
     * caller's root is reached too. NULL: an ordinary symlink. */
    int (*get_link)(struct dentry *d, struct dentry **target);
    /* NULL: vfs_generic_setattr (no ATTR_SIZE). */
    int (*setattr)(struct dentry *d, const struct iattr *a);
};

struct inode {
    u64 ino;
    u32 mode;
    u32 nlink;
    u32 uid, gid;
    u64 size;
    u64 blocks; /* 512-byte units */
    struct vfs_time atime, mtime, ctime, btime;
    u32 rdev_major, rdev_minor;
    u32 refcount;
    const struct inode_ops *ops;
    const struct file_ops *fops; /* for regular files and directories */
    struct super_block *sb;
    void *private;
    /* Advisory locks (include/fs/filelock.h); NULL while there are none.
     * Guarded by the lock table's own spinlock, not the VFS lock. */
    struct lock_ctx *locks;
};

/* dentry.flags */
#define DENTRY_PINNED (1u << 0) /* linked in a persistent fs: holds a ref */
#define DENTRY_LINKED (1u << 1) /* on its parent's children list */
#define DENTRY_DEAD (1u << 2) /* unlinked or removed: lookups inside fail */

struct dentry {
    char *name; /* NUL-terminated, kmalloc'd; "/" for a root */
    u32 name_len;
    u32 flags;
    u32 refcount;
    struct inode *inode; /* NULL only while being created */
    struct dentry *parent; /* NULL for a superblock root */
    struct super_block *sb;
    struct list_head children; /* of struct dentry, via child_link, by cookie */
    struct list_head child_link;
    u64 cookie; /* readdir position in the parent (>= 2) */
    u64 next_cookie; /* for the next child linked here */
    struct mount *mounted; /* the mount covering this dentry, or NULL */
};

struct super_ops {
    void (*evict_inode)(struct inode *inode);
    /* NULL: sizes of 0 with f_type = sb->magic. */
    int (*statfs)(struct super_block *sb, struct linux_statfs *st);
    void (*put_super)(struct super_block *sb);
};

struct super_block {
    const struct fs_type *type;
    const struct super_ops *ops;
    struct dentry *root;
    struct mount *mount; /* every superblock is mounted exactly once */
    u32 dev_minor; /* st_dev is (0, dev_minor), like Linux anon devs */
    u32 flags; /* MS_RDONLY */
    u64 magic; /* statfs f_type */
    u64 next_ino;
    u64 inodes; /* live inodes */
    u32 active; /* open files and fs_context roots/cwds inside */
    void *private;
};

struct fs_type {
    const char *name;
    /* Fills sb: sets sb->root (d_make_root), ops, magic. */
    int (*fill_super)(struct super_block *sb, const char *source, u32 flags, const void *data);
    struct list_head link;
};

struct mount {
    struct super_block *sb;
    struct dentry *root; /* sb->root (ref) */
    struct dentry *mountpoint; /* covered dentry (ref); NULL for / */
    struct mount *parent;
    struct list_head link; /* all mounts, in mount order */
    char source[64];
    u32 flags;
    u32 id;
};

/* file.fmode */
#define FMODE_READ (1u << 0)
#define FMODE_WRITE (1u << 1)
#define FMODE_PATH (1u << 2) /* O_PATH: only fd-level operations */

struct file {
    u32 refcount;
    u32 fmode;
    u32 flags; /* what F_GETFL reports: access mode and status flags */
    u64 pos;
    struct dentry *dentry;
    struct inode *inode;
    const struct file_ops *ops;
    void *private;
};

/* ---- writeback ----
 * File data lives in memory; what sync(2) and syncfs(2) have to write
 * back is the disks' own write caches. block_sync_all (drivers/block)
 * flushes every writable block device and returns 0 or the first error.
 * Weak: kernels and host tests without the block layer have no disks. */
int block_sync_all(void) __attribute__((weak));

/* ---- lock ---- */
void vfs_lock(void);
void vfs_unlock(void);
bool vfs_lock_held(void);

/* ---- boot ---- */

/* Registers tmpfs, mounts an empty tmpfs at "/", and registers the
 * devices and devtmpfs (devfs_init) when they are linked in. */
int vfs_init_root(void);
/* Mounts fstype at target (a kernel path) like mount(2). */
int vfs_mount_kernel(const char *source, const char *target, const char *fstype);
int vfs_register_fs_type(struct fs_type *t);
struct dentry *vfs_root(void); /* the global root (no reference taken) */

/* ---- for exec, mmap and other kernel users ----
 * Paths are kernel strings resolved against the current process's root
 * and cwd (the global root for kernel threads). */

int vfs_open_kernel(const char *path, int flags, u32 mode, struct file **out);
/* Reads up to len bytes at off; returns bytes read (short at EOF) or -errno. */
long vfs_read_kernel(struct file *f, void *buf, size_t len, u64 off);
long vfs_write_kernel(struct file *f, const void *buf, size_t len, u64 off);
/* 0 if the current process may execute f: a regular file with an x bit it
 * may use; -EACCES otherwise. */
int vfs_may_exec(struct file *f);

struct file *file_get(struct file *f);
void file_put(struct file *f);

static inline struct inode *file_inode(const struct file *f)
{
    return f->inode;
}

/* The frame holding the byte range [pgoff * PAGE_SIZE, +PAGE_SIZE) of f,
 * for mmap. tmpfs pages are the page cache: the same frame is returned to
 * every caller and is what read/write use, so MAP_SHARED works. A hole is
 * filled with a zeroed frame. One struct page reference is taken for the
 * caller; drop it with vfs_page_put (or the VM's equivalent: refcount--,
 * page_free(order 0) at zero). Returns -ENXIO for a page wholly beyond
 * EOF, -ENODEV if the file cannot be mapped, -ENOMEM. */
int vfs_file_get_page(struct file *f, u64 pgoff, bool write, phys_addr_t *pa);
void vfs_page_put(phys_addr_t pa);

/* ---- *at() operations on kernel strings (syscalls, initramfs) ----
 * dirfd is an fd of the current process or AT_FDCWD; return 0 or -errno. */
int vfs_openat(int dirfd, const char *path, int flags, u32 mode, struct file **out);
int vfs_mkdirat(int dirfd, const char *path, u32 mode);
int vfs_mknodat(int dirfd, const char *path, u32 mode, u32 major, u32 minor);
int vfs_symlinkat(const char *target, int dirfd, const char *path);
int vfs_linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, int flags);
int vfs_unlinkat(int dirfd, const char *path, int flags);
int vfs_renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, u32 flags);
int vfs_fchownat(int dirfd, const char *path, u32 uid, u32 gid, int flags);
int vfs_fchmodat(int dirfd, const char *path, u32 mode, int flags);
/* times[0] atime, times[1] mtime; NULL means both now. */
int vfs_utimensat(int dirfd, const char *path, const struct vfs_time *times, int flags);
int vfs_truncate(const char *path, u64 len);
int vfs_fstatat(int dirfd, const char *path, struct linux_stat *st, int flags);
/* readlink into a kernel buffer; returns the length (not terminated). */
int vfs_readlinkat(int dirfd, const char *path, char *buf, size_t len);

/* ---- helpers for filesystems ---- */

struct inode *inode_alloc(struct super_block *sb, u32 mode);
struct inode *igrab(struct inode *i);
void iput(struct inode *i);
void vfs_now(struct vfs_time *t);
/* Applies mode/uid/gid/times of a to the inode (ctime as given). */
int vfs_generic_setattr(struct dentry *d, const struct iattr *a);

/* A new dentry called name under parent (which gains a reference),
 * not linked and with no inode. NULL on out of memory. */
struct dentry *d_alloc(struct dentry *parent, const char *name, size_t len);
/* Gives d the caller's reference to inode. */
void d_instantiate(struct dentry *d, struct inode *inode);
/* Links d into its parent's children (pinned: the tree keeps a ref). */
void d_link(struct dentry *d, bool pin);
/* Unlinks d from its parent, marks it dead and drops the pin. */
void d_unlink(struct dentry *d);
/* Renames d and moves it under new_parent; -ENOMEM leaves it untouched. */
int d_move(struct dentry *d, struct dentry *new_parent, const char *name, size_t len);
/* The linked child called name, with a reference, or NULL. */
struct dentry *d_lookup(struct dentry *dir, const char *name, size_t len);
struct dentry *d_make_root(struct super_block *sb, struct inode *inode);
struct dentry *dget(struct dentry *d);
void dput(struct dentry *d);
/* Number of linked children. */
u64 d_count_children(const struct dentry *dir);
/* Directory iteration over the linked children ("." and ".." first). */
int dcache_iterate(struct file *f, struct dir_context *ctx);
/* The mount at the top of the stack covering d, or d itself (no ref). */
struct dentry *d_follow_mounts(struct dentry *d);

/* Permission check for the current credentials: mask of MAY_*. */
#define MAY_EXEC 1
#define MAY_WRITE 2
#define MAY_READ 4
int inode_permission(const struct inode *inode, int mask);
bool vfs_cred_is_root(void);
/* The credentials used for file access (fsuid/fsgid); root when no process. */
const struct cred *vfs_cred(void);

/* Generic file ops pieces. */
/* lseek against a size (SEEK_END, SEEK_DATA/HOLE) with positions up to
 * max: -EINVAL beyond it or below 0, -ENXIO for DATA/HOLE past the size. */
s64 vfs_llseek_size(struct file *f, s64 off, int whence, s64 size, s64 max);
s64 vfs_generic_llseek(struct file *f, s64 off, int whence);
s64 vfs_no_llseek(struct file *f, s64 off, int whence); /* -ESPIPE */

/* /proc/mounts text ("tmpfs / tmpfs rw 0 0\n" per mount) into buf;
 * returns the full length (like snprintf). */
size_t vfs_format_mounts(char *buf, size_t len);
/* The same as /proc/<pid>/mountinfo lines
 * ("1 1 0:1 / / rw - tmpfs rootfs rw\n"). */
size_t vfs_format_mountinfo(char *buf, size_t len);
/* Absolute path of d as seen from the global root into buf, with
 * " (deleted)" appended for an unlinked name; returns the length or
 * -ENAMETOOLONG. */
int vfs_dentry_path(struct dentry *d, char *buf, size_t len);

#endif
