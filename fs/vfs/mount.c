// SPDX-License-Identifier: MIT
/* Filesystem types, superblocks and the mount tree; mount(2), umount2(2). */
#include <abi/errno.h>
#include <fs/pseudo.h>
#include <fs/tmpfs.h>
#include <fs/vfs.h>
#include <kernel/format.h>
#include <kernel/kmalloc.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/syscall.h>

#include "vfs_internal.h"

static struct list_head fs_types = LIST_HEAD_INIT(fs_types);
static struct list_head mounts = LIST_HEAD_INIT(mounts);
static struct mount *root_mount;
static u32 next_dev_minor = 1;
static u32 next_mount_id = 1;

struct dentry *vfs_root(void)
{
    return root_mount ? root_mount->root : NULL;
}

int vfs_register_fs_type(struct fs_type *t)
{
    int err = 0;

    vfs_lock();
    if (vfs_find_fs_type(t->name)) {
        err = -EEXIST;
    } else {
        list_add_tail(&t->link, &fs_types);
    }
    vfs_unlock();
    return err;
}

struct fs_type *vfs_find_fs_type(const char *name)
{
    struct list_head *pos;

    list_for_each(pos, &fs_types)
    {
        struct fs_type *t = list_entry(pos, struct fs_type, link);
        if (strcmp(t->name, name) == 0) {
            return t;
        }
    }
    return NULL;
}

void sb_active_get(struct super_block *sb)
{
    sb->active++;
}

void sb_active_put(struct super_block *sb)
{
    sb->active--;
}

bool sb_rdonly(const struct super_block *sb)
{
    return sb->flags & MS_RDONLY;
}

static void d_teardown(struct dentry *root);

/* A superblock of type t, filled; NULL with *err on failure. */
static struct super_block *sb_create(struct fs_type *t, const char *source, u32 flags,
                                     const void *data, int *err)
{
    struct super_block *sb = kzalloc(sizeof(*sb));

    if (!sb) {
        *err = -ENOMEM;
        return NULL;
    }
    sb->type = t;
    sb->flags = flags & MS_RDONLY;
    sb->dev_minor = next_dev_minor++;
    sb->next_ino = 1;
    *err = t->fill_super(sb, source, flags, data);
    if (*err == 0 && !sb->root) {
        *err = -EINVAL;
    }
    if (*err) {
        if (sb->root) {
            d_teardown(sb->root);
            dput(sb->root);
        }
        kfree(sb);
        return NULL;
    }
    return sb;
}

/* Unlinks every dentry below root (deepest first), freeing the unused. */
static void d_teardown(struct dentry *root)
{
    struct dentry *d = dget(root);

    for (;;) {
        if (!list_empty(&d->children)) {
            struct dentry *c = list_first_entry(&d->children, struct dentry, child_link);
            dget(c);
            dput(d);
            d = c;
            continue;
        }
        if (d == root) {
            dput(d);
            return;
        }
        struct dentry *parent = dget(d->parent);
        d_unlink(d);
        dput(d);
        d = parent;
    }
}

static void sb_destroy(struct super_block *sb)
{
    d_teardown(sb->root);
    dput(sb->root);
    sb->root = NULL;
    if (sb->inodes) {
        pr_warn("vfs: %s superblock destroyed with %llu inodes still referenced\n", sb->type->name,
                (unsigned long long)sb->inodes);
    }
    if (sb->ops && sb->ops->put_super) {
        sb->ops->put_super(sb);
    }
    kfree(sb);
}

/* Mounts a new fs of type at mp (a directory; NULL for the root). VFS
 * lock held. */
static int do_new_mount(const char *type, const char *source, struct dentry *mp, u32 flags,
                        const void *data)
{
    struct fs_type *t = vfs_find_fs_type(type);
    struct super_block *sb;
    struct mount *m;
    int err;

    if (!t && strcmp(type, "proc") == 0) {
        t = &pseudo_proc_placeholder;
    } else if (!t && strcmp(type, "sysfs") == 0) {
        t = &pseudo_sysfs_placeholder;
    }
    if (!t) {
        return -ENODEV;
    }
    if (mp && !S_ISDIR(mp->inode->mode)) {
        return -ENOTDIR;
    }
    if (mp && (mp->flags & DENTRY_DEAD)) {
        return -ENOENT;
    }
    m = kzalloc(sizeof(*m));
    if (!m) {
        return -ENOMEM;
    }
    sb = sb_create(t, source, flags, data, &err);
    if (!sb) {
        kfree(m);
        return err;
    }
    m->sb = sb;
    m->root = dget(sb->root);
    m->mountpoint = mp ? dget(mp) : NULL;
    m->parent = mp ? mp->sb->mount : NULL;
    m->flags = flags & MS_RDONLY;
    m->id = next_mount_id++;
    source = source ? source : "none";
    size_t n = strnlen(source, sizeof(m->source) - 1);
    memcpy(m->source, source, n);
    m->source[n] = '\0';
    sb->mount = m;
    if (mp) {
        mp->mounted = m;
    } else {
        root_mount = m;
    }
    list_add_tail(&m->link, &mounts);
    return 0;
}

/* Weak so that host tests of the VFS alone need not link the devices. */
extern int devfs_init(void) __attribute__((weak));

int vfs_init_root(void)
{
    int err = vfs_register_fs_type(&tmpfs_fs_type);

    if (err && err != -EEXIST) {
        return err;
    }
    vfs_lock();
    err = root_mount ? -EBUSY : do_new_mount("tmpfs", "rootfs", NULL, 0, NULL);
    vfs_unlock();
    if (!err && devfs_init) {
        err = devfs_init();
    }
    return err;
}

static int do_mount(const char *source, const char *target, const char *type, u32 flags,
                    const void *data)
{
    struct dentry *mp;
    int err;

    if ((flags & MS_MGC_MSK) == MS_MGC_VAL) {
        flags &= ~MS_MGC_MSK;
    }
    vfs_lock();
    err = path_lookup_at(AT_FDCWD, target, WALK_FOLLOW, &mp);
    if (err) {
        goto out;
    }
    if (flags & MS_REMOUNT) {
        /* Only the read-only flag is looked at. */
        struct super_block *sb = mp->sb;
        if (mp != sb->root) {
            err = -EINVAL;
        } else {
            sb->flags = (sb->flags & ~MS_RDONLY) | (flags & MS_RDONLY);
            sb->mount->flags = sb->flags;
        }
    } else if (flags & (MS_BIND | MS_MOVE)) {
        err = -EINVAL; /* bind and move mounts are not supported */
    } else if (!type) {
        err = -EINVAL;
    } else {
        err = do_new_mount(type, source, mp, flags, data);
    }
    dput(mp);
out:
    vfs_unlock();
    return err;
}

int vfs_mount_kernel(const char *source, const char *target, const char *fstype)
{
    return do_mount(source, target, fstype, 0, NULL);
}

static int do_umount(const char *target, int flags)
{
    struct dentry *d;
    struct mount *m;
    struct list_head *pos;
    int err;

    if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW)) {
        return -EINVAL;
    }
    if ((flags & MNT_EXPIRE) && (flags & (MNT_FORCE | MNT_DETACH))) {
        return -EINVAL;
    }
    vfs_lock();
    err = path_lookup_at(AT_FDCWD, target, (flags & UMOUNT_NOFOLLOW) ? 0 : WALK_FOLLOW, &d);
    if (err) {
        goto out;
    }
    m = d->sb->mount;
    if (d != d->sb->root || !m) {
        err = -EINVAL;
        goto put;
    }
    if (!m->mountpoint) {
        err = -EBUSY; /* the root */
        goto put;
    }
    list_for_each(pos, &mounts)
    {
        struct mount *c = list_entry(pos, struct mount, link);
        if (c->parent == m) {
            err = -EBUSY;
            goto put;
        }
    }
    /* MNT_DETACH is not lazy: a busy filesystem stays mounted. */
    if (m->sb->active > 0) {
        err = -EBUSY;
        goto put;
    }
    dput(d);
    m->mountpoint->mounted = NULL;
    list_del(&m->link);
    dput(m->root);
    sb_destroy(m->sb);
    dput(m->mountpoint);
    kfree(m);
    goto out;
put:
    dput(d);
out:
    vfs_unlock();
    return err;
}

/* Copies an optional user string (NULL stays NULL) of at most max bytes. */
static int get_opt_string(uptr_t u, char *buf, size_t max, const char **out)
{
    *out = NULL;
    if (uptr_is_null(u)) {
        return 0;
    }
    long n = strncpy_from_user(buf, u, max);
    if (n < 0) {
        return (int)n;
    }
    *out = buf;
    return 0;
}

SYSCALL_DEFINE5(mount, uptr_t, usource, uptr_t, utarget, uptr_t, utype, u64, flags, uptr_t, data)
{
    char source[64], type[32];
    const char *src, *typ;
    char *target;
    int err;

    (void)data; /* filesystem options are ignored */

    if (!vfs_cred_is_root()) {
        return -EPERM;
    }
    err = get_opt_string(usource, source, sizeof(source), &src);
    if (err == -ENAMETOOLONG) {
        source[sizeof(source) - 1] = '\0';
        src = source;
    } else if (err) {
        return err;
    }
    err = get_opt_string(utype, type, sizeof(type), &typ);
    if (err) {
        return err == -ENAMETOOLONG ? -ENODEV : err;
    }
    err = getname(utarget, &target);
    if (err) {
        return err;
    }
    err = do_mount(src, target, typ, (u32)flags, NULL);
    kfree(target);
    return err;
}

SYSCALL_DEFINE2(umount2, uptr_t, utarget, int, flags)
{
    char *target;
    int err;

    if (!vfs_cred_is_root()) {
        return -EPERM;
    }
    err = getname(utarget, &target);
    if (err) {
        return err;
    }
    err = do_umount(target, flags);
    kfree(target);
    return err;
}

/* One line per mount, in mount order: /proc/mounts, or with info the
 * /proc/<pid>/mountinfo fields (ids, st_dev, root, mount point, options,
 * no optional fields, then type, source and superblock options). */
static size_t format_mounts(char *buf, size_t len, bool info)
{
    struct list_head *pos;
    size_t n = 0;
    char path[256];

    vfs_lock();
    list_for_each(pos, &mounts)
    {
        struct mount *m = list_entry(pos, struct mount, link);
        if (vfs_dentry_path(m->root, path, sizeof(path)) < 0) {
            continue;
        }
        const char *rw = (m->sb->flags & MS_RDONLY) ? "ro" : "rw";
        char *at = n < len ? buf + n : NULL;
        size_t room = n < len ? len - n : 0;
        int w;
        if (info) {
            w = ksnprintf(at, room, "%u %u 0:%u / %s %s - %s %s %s\n", m->id,
                          m->parent ? m->parent->id : m->id, m->sb->dev_minor, path, rw,
                          m->sb->type->name, m->source, rw);
        } else {
            w = ksnprintf(at, room, "%s %s %s %s 0 0\n", m->source, path, m->sb->type->name, rw);
        }
        if (w > 0) {
            n += (size_t)w;
        }
    }
    vfs_unlock();
    return n;
}

size_t vfs_format_mounts(char *buf, size_t len)
{
    return format_mounts(buf, len, false);
}

size_t vfs_format_mountinfo(char *buf, size_t len)
{
    return format_mounts(buf, len, true);
}
