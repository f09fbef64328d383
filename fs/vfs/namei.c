// SPDX-License-Identifier: MIT
/* Path walk: absolute and relative paths, "." and "..", mounts, symlinks
 * (at most SYMLOOP_MAX per walk), trailing slashes, dirfds. Symlinks are
 * expanded iteratively by splicing the target in front of the rest of the
 * path in a PATH_MAX buffer, so the walk never recurses. */
#include <abi/errno.h>
#include <fs/fdtable.h>
#include <fs/vfs.h>
#include <kernel/compiler.h>
#include <kernel/kmalloc.h>
#include <kernel/process.h>
#include <kernel/string.h>

#include "vfs_internal.h"

int getname(uptr_t upath, char **out)
{
    char *buf = kmalloc(PATH_MAX);
    long n;

    if (!buf) {
        return -ENOMEM;
    }
    n = strncpy_from_user(buf, upath, PATH_MAX);
    if (n < 0) {
        kfree(buf);
        return (int)n;
    }
    *out = buf;
    return 0;
}

int getname_pair(uptr_t ua, char **a, uptr_t ub, char **b)
{
    int err = getname(ua, a);

    if (err) {
        return err;
    }
    err = getname(ub, b);
    if (err) {
        kfree(*a);
    }
    return err;
}

void nd_release(struct nameidata *nd)
{
    if (nd->child) {
        dput(nd->child);
        nd->child = NULL;
    }
    if (nd->parent) {
        dput(nd->parent);
        nd->parent = NULL;
    }
}

/* One step up from cur (reference moved to the result): stays at the
 * process root, crosses from a mount's root to its mountpoint's parent. */
static struct dentry *step_dotdot(struct dentry *cur, struct dentry *root)
{
    struct dentry *d = cur;

    for (;;) {
        if (d == root) {
            break;
        }
        if (!d->parent) {
            struct mount *m = d->sb->mount;
            if (!m || !m->mountpoint) {
                break;
            }
            d = m->mountpoint;
            continue;
        }
        d = d->parent;
        break;
    }
    dget(d);
    dput(cur);
    return d;
}

/* The child called name in dir with a reference, NULL if there is none,
 * or an error from a generated lookup. */
static int lookup_child(struct dentry *dir, const char *name, size_t len, struct dentry **out)
{
    struct dentry *d = d_lookup(dir, name, len);
    struct inode *di = dir->inode;
    int err;

    *out = NULL;
    if (d) {
        *out = d;
        return 0;
    }
    if (!di->ops || !di->ops->lookup) {
        return 0;
    }
    d = d_alloc(dir, name, len);
    if (!d) {
        return -ENOMEM;
    }
    err = di->ops->lookup(di, d);
    if (err || !d->inode) {
        dput(d);
        return err == -ENOENT ? 0 : err;
    }
    d_link(d, false);
    *out = d;
    return 0;
}

static struct dentry *follow_mounts(struct dentry *d)
{
    struct dentry *top = d_follow_mounts(d);

    if (top != d) {
        dget(top);
        dput(d);
    }
    return top;
}

/* Starting directory for a relative path (reference), from dirfd. */
static int walk_start(int dirfd, struct dentry **out, bool any_type)
{
    struct file *f;

    if (dirfd == AT_FDCWD) {
        *out = dget(cur_cwd());
        return 0;
    }
    f = fd_get_raw(dirfd);
    if (!f) {
        return -EBADF;
    }
    if (!any_type && !S_ISDIR(f->inode->mode)) {
        file_put(f);
        return -ENOTDIR;
    }
    *out = dget(f->dentry);
    file_put(f);
    return 0;
}

static void set_result(struct nameidata *nd, struct dentry *parent, struct dentry *child, int type)
{
    nd->parent = parent;
    nd->child = child;
    nd->last_type = type;
}

/* Splices the target of symlink link in front of rest into buf. */
static int splice_link(struct dentry *link, const char *rest, char *buf)
{
    struct inode *li = link->inode;
    size_t rest_len = strlen(rest);
    int n;

    if (!li->ops || !li->ops->readlink) {
        return -EINVAL;
    }
    n = li->ops->readlink(link, buf, PATH_MAX - 1);
    if (n < 0) {
        return n;
    }
    if (n == 0) {
        return -ENOENT;
    }
    if ((size_t)n + rest_len >= PATH_MAX) {
        return -ENAMETOOLONG;
    }
    memmove(buf + n, rest, rest_len + 1);
    return 0;
}

static int walk(struct dentry *start, const char *path, unsigned flags, struct nameidata *nd)
{
    struct dentry *root = cur_root();
    struct dentry *cur;
    char *bufs[2] = {NULL, NULL};
    int which = 0;
    int links = 0;
    int err = 0;
    const char *p = path;

    cur = dget(*p == '/' ? root : start);
    for (;;) {
        const char *name, *next, *q;
        size_t len;
        bool is_last, trailing;
        struct dentry *child;

        while (*p == '/') {
            p++;
        }
        if (*p == '\0') {
            /* "/" (or a symlink to it): the directory itself. */
            set_result(nd, dget(cur), cur, LAST_ROOT);
            cur = NULL;
            break;
        }
        name = p;
        next = p;
        while (*next && *next != '/') {
            next++;
        }
        len = (size_t)(next - name);
        q = next;
        while (*q == '/') {
            q++;
        }
        is_last = *q == '\0';
        trailing = is_last && q != next;
        nd->trailing_slash = trailing;

        if (len > NAME_MAX) {
            err = -ENAMETOOLONG;
            break;
        }
        if (!S_ISDIR(cur->inode->mode)) {
            err = -ENOTDIR;
            break;
        }
        err = inode_permission(cur->inode, MAY_EXEC);
        if (err) {
            break;
        }
        if (is_last && trailing && (flags & WALK_SLASH_EISDIR)) {
            err = -EISDIR;
            break;
        }
        if (len == 1 && name[0] == '.') {
            if (is_last) {
                set_result(nd, dget(cur), cur, LAST_DOT);
                cur = NULL;
                break;
            }
            p = q;
            continue;
        }
        if (len == 2 && name[0] == '.' && name[1] == '.') {
            cur = step_dotdot(cur, root);
            if (is_last) {
                set_result(nd, dget(cur), cur, LAST_DOTDOT);
                cur = NULL;
                break;
            }
            p = q;
            continue;
        }
        if (cur->flags & DENTRY_DEAD) {
            err = -ENOENT;
            break;
        }
        err = lookup_child(cur, name, len, &child);
        if (err) {
            break;
        }
        if (!child) {
            if (!is_last) {
                err = -ENOENT;
                break;
            }
            memcpy(nd->last, name, len);
            nd->last[len] = '\0';
            nd->last_len = len;
            set_result(nd, cur, NULL, LAST_NORM);
            cur = NULL;
            break;
        }
        child = follow_mounts(child);
        if (S_ISLNK(child->inode->mode) &&
            (!is_last || (flags & WALK_FOLLOW) || (trailing && !(flags & WALK_CREATE)))) {
            char *buf;
            if (++links > SYMLOOP_MAX) {
                dput(child);
                err = -ELOOP;
                break;
            }
            if (child->inode->ops && child->inode->ops->get_link) {
                struct dentry *target;
                err = child->inode->ops->get_link(child, &target);
                dput(child);
                if (err) {
                    break;
                }
                if (is_last) {
                    if (trailing && !S_ISDIR(target->inode->mode)) {
                        dput(target);
                        err = -ENOTDIR;
                        break;
                    }
                    /* The target's own name and parent, as if walked to. */
                    len = MIN(target->name_len, (size_t)NAME_MAX);
                    memcpy(nd->last, target->name, len);
                    nd->last[len] = '\0';
                    nd->last_len = len;
                    set_result(nd, dget(target->parent ? target->parent : target), target,
                               LAST_NORM);
                    break;
                }
                dput(cur);
                cur = target;
                p = q;
                continue;
            }
            which ^= 1;
            if (!bufs[which]) {
                bufs[which] = kmalloc(PATH_MAX);
                if (!bufs[which]) {
                    dput(child);
                    err = -ENOMEM;
                    break;
                }
            }
            buf = bufs[which];
            err = splice_link(child, next, buf);
            if (err) {
                dput(child);
                break;
            }
            dput(child);
            if (buf[0] == '/') {
                dput(cur);
                cur = dget(root);
            }
            p = buf;
            continue;
        }
        if (is_last) {
            if (trailing && !(flags & WALK_CREATE) && !S_ISDIR(child->inode->mode)) {
                dput(child);
                err = -ENOTDIR;
                break;
            }
            memcpy(nd->last, name, len);
            nd->last[len] = '\0';
            nd->last_len = len;
            set_result(nd, cur, child, LAST_NORM);
            cur = NULL;
            break;
        }
        dput(cur);
        cur = child;
        p = q;
    }
    if (cur) {
        dput(cur);
    }
    kfree(bufs[0]);
    kfree(bufs[1]);
    return err;
}

int path_walk_at(int dirfd, const char *path, unsigned flags, struct nameidata *nd)
{
    struct dentry *start = NULL;
    int err;

    nd->parent = NULL;
    nd->child = NULL;
    nd->last_type = LAST_NORM;
    nd->trailing_slash = false;
    nd->last_len = 0;
    nd->last[0] = '\0';
    if (!cur_root()) {
        return -ENOENT; /* no root filesystem yet */
    }
    if (path[0] == '\0') {
        if (!(flags & WALK_EMPTY)) {
            return -ENOENT;
        }
        err = walk_start(dirfd, &start, true);
        if (err) {
            return err;
        }
        set_result(nd, dget(start->parent ? start->parent : start), start, LAST_EMPTY);
        return 0;
    }
    if (path[0] != '/') {
        err = walk_start(dirfd, &start, false);
        if (err) {
            return err;
        }
    }
    err = walk(start, path, flags, nd);
    if (start) {
        dput(start);
    }
    if (err) {
        nd_release(nd);
    }
    return err;
}

int path_lookup_at(int dirfd, const char *path, unsigned flags, struct dentry **out)
{
    struct nameidata nd;
    int err = path_walk_at(dirfd, path, flags, &nd);

    if (err) {
        return err;
    }
    if (!nd.child) {
        nd_release(&nd);
        return -ENOENT;
    }
    *out = nd.child;
    nd.child = NULL;
    nd_release(&nd);
    return 0;
}

int may_create_in(struct dentry *dir)
{
    if (dir->flags & DENTRY_DEAD) {
        return -ENOENT;
    }
    int err = inode_permission(dir->inode, MAY_WRITE | MAY_EXEC);
    if (err) {
        return err;
    }
    if (sb_rdonly(dir->sb)) {
        return -EROFS;
    }
    return 0;
}

int may_delete_in(struct dentry *dir, struct dentry *victim, bool isdir)
{
    const struct cred *c = vfs_cred();
    struct inode *vi = victim->inode;
    int err;

    if (dir->flags & DENTRY_DEAD) {
        return -ENOENT;
    }
    err = inode_permission(dir->inode, MAY_WRITE | MAY_EXEC);
    if (err) {
        return err;
    }
    /* Sticky directory: only the owner of the entry or the directory. */
    if ((dir->inode->mode & S_ISVTX) && c->fsuid != 0 && c->fsuid != vi->uid &&
        c->fsuid != dir->inode->uid) {
        return -EPERM;
    }
    if (isdir && !S_ISDIR(vi->mode)) {
        return -ENOTDIR;
    }
    if (!isdir && S_ISDIR(vi->mode)) {
        return -EISDIR;
    }
    if (victim->mounted || victim == victim->sb->root || victim == cur_root()) {
        return -EBUSY;
    }
    if (sb_rdonly(dir->sb)) {
        return -EROFS;
    }
    return 0;
}
