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

/* One path walk: where it stands and what it has spent. */
struct walk_state {
    struct nameidata *nd;
    unsigned flags;
    struct dentry *root;
    struct dentry *cur; /* reference; NULL once handed over to nd */
    const char *p; /* the rest of the path */
    char *bufs[2]; /* splice buffers, used in turn */
    int which;
    int links;
};

/* One component of the path and what follows it. */
struct component {
    const char *name;
    size_t len;
    const char *next; /* just past the name */
    const char *rest; /* past the slashes after the name */
    bool is_last;
    bool trailing; /* is_last, followed by slashes */
};

enum { WALK_NEXT, WALK_DONE };

static void split_component(const char *p, struct component *c)
{
    const char *q;

    c->name = p;
    c->next = p;
    while (*c->next && *c->next != '/') {
        c->next++;
    }
    c->len = (size_t)(c->next - c->name);
    q = c->next;
    while (*q == '/') {
        q++;
    }
    c->rest = q;
    c->is_last = *q == '\0';
    c->trailing = c->is_last && q != c->next;
}

static void set_last(struct nameidata *nd, const char *name, size_t len)
{
    memcpy(nd->last, name, len);
    nd->last[len] = '\0';
    nd->last_len = len;
}

/* Ends the walk at the directory it stands on ("/", "." or ".."). */
static int finish_at_cur(struct walk_state *w, int type)
{
    set_result(w->nd, dget(w->cur), w->cur, type);
    w->cur = NULL;
    return WALK_DONE;
}

/* Whether c may be looked up in the current directory. */
static int may_walk_into(const struct walk_state *w, const struct component *c)
{
    int err;

    if (c->len > NAME_MAX) {
        return -ENAMETOOLONG;
    }
    if (!S_ISDIR(w->cur->inode->mode)) {
        return -ENOTDIR;
    }
    err = inode_permission(w->cur->inode, MAY_EXEC);
    if (err) {
        return err;
    }
    if (c->is_last && c->trailing && (w->flags & WALK_SLASH_EISDIR)) {
        return -EISDIR;
    }
    return 0;
}

/* "." or ".." (already stepped to): the walk ends here if it is last. */
static int walk_dot(struct walk_state *w, const struct component *c, int type)
{
    if (c->is_last) {
        return finish_at_cur(w, type);
    }
    w->p = c->rest;
    return WALK_NEXT;
}

/* No child called c: the walk ends at its parent if it is last. */
static int walk_missing(struct walk_state *w, const struct component *c)
{
    if (!c->is_last) {
        return -ENOENT;
    }
    set_last(w->nd, c->name, c->len);
    set_result(w->nd, w->cur, NULL, LAST_NORM);
    w->cur = NULL;
    return WALK_DONE;
}

/* The last component, found (reference consumed). */
static int walk_last(struct walk_state *w, const struct component *c, struct dentry *child)
{
    if (c->trailing && !(w->flags & WALK_CREATE) && !S_ISDIR(child->inode->mode)) {
        dput(child);
        return -ENOTDIR;
    }
    set_last(w->nd, c->name, c->len);
    set_result(w->nd, w->cur, child, LAST_NORM);
    w->cur = NULL;
    return WALK_DONE;
}

static bool must_follow(const struct walk_state *w, const struct component *c)
{
    return !c->is_last || (w->flags & WALK_FOLLOW) || (c->trailing && !(w->flags & WALK_CREATE));
}

/* A link that gives its target dentry (procfs's magic links): the walk
 * goes on from the target, or ends at it. */
static int jump_link(struct walk_state *w, const struct component *c, struct dentry *link)
{
    struct dentry *target;
    int err = link->inode->ops->get_link(link, &target);

    dput(link);
    if (err) {
        return err;
    }
    if (!c->is_last) {
        dput(w->cur);
        w->cur = target;
        w->p = c->rest;
        return WALK_NEXT;
    }
    if (c->trailing && !S_ISDIR(target->inode->mode)) {
        dput(target);
        return -ENOTDIR;
    }
    /* The target's own name and parent, as if walked to. */
    set_last(w->nd, target->name, MIN(target->name_len, (size_t)NAME_MAX));
    set_result(w->nd, dget(target->parent ? target->parent : target), target, LAST_NORM);
    return WALK_DONE;
}

/* The walk goes on through the link's text followed by the rest of the
 * path, in the splice buffer not holding that rest. */
static int splice_into_walk(struct walk_state *w, const struct component *c, struct dentry *link)
{
    char *buf;
    int err;

    w->which ^= 1;
    if (!w->bufs[w->which]) {
        w->bufs[w->which] = kmalloc(PATH_MAX);
        if (!w->bufs[w->which]) {
            dput(link);
            return -ENOMEM;
        }
    }
    buf = w->bufs[w->which];
    err = splice_link(link, c->next, buf);
    dput(link);
    if (err) {
        return err;
    }
    if (buf[0] == '/') {
        dput(w->cur);
        w->cur = dget(w->root);
    }
    w->p = buf;
    return WALK_NEXT;
}

/* Follows the symlink link found as c (reference consumed). */
static int follow_link(struct walk_state *w, const struct component *c, struct dentry *link)
{
    if (++w->links > SYMLOOP_MAX) {
        dput(link);
        return -ELOOP;
    }
    if (link->inode->ops && link->inode->ops->get_link) {
        return jump_link(w, c, link);
    }
    return splice_into_walk(w, c, link);
}

/* One step of the walk: the component at w->p. */
static int walk_component(struct walk_state *w)
{
    struct component c;
    struct dentry *child;
    int err;

    while (*w->p == '/') {
        w->p++;
    }
    if (*w->p == '\0') {
        /* "/" (or a symlink to it): the directory itself. */
        return finish_at_cur(w, LAST_ROOT);
    }
    split_component(w->p, &c);
    w->nd->trailing_slash = c.trailing;
    err = may_walk_into(w, &c);
    if (err) {
        return err;
    }
    if (c.len == 1 && c.name[0] == '.') {
        return walk_dot(w, &c, LAST_DOT);
    }
    if (c.len == 2 && c.name[0] == '.' && c.name[1] == '.') {
        w->cur = step_dotdot(w->cur, w->root);
        return walk_dot(w, &c, LAST_DOTDOT);
    }
    if (w->cur->flags & DENTRY_DEAD) {
        return -ENOENT;
    }
    err = lookup_child(w->cur, c.name, c.len, &child);
    if (err) {
        return err;
    }
    if (!child) {
        return walk_missing(w, &c);
    }
    child = follow_mounts(child);
    if (S_ISLNK(child->inode->mode) && must_follow(w, &c)) {
        return follow_link(w, &c, child);
    }
    if (c.is_last) {
        return walk_last(w, &c, child);
    }
    dput(w->cur);
    w->cur = child;
    w->p = c.rest;
    return WALK_NEXT;
}

static int walk(struct dentry *start, const char *path, unsigned flags, struct nameidata *nd)
{
    struct walk_state w = {.nd = nd, .flags = flags, .root = cur_root(), .p = path};
    int ret;

    w.cur = dget(*path == '/' ? w.root : start);
    do {
        ret = walk_component(&w);
    } while (ret == WALK_NEXT);
    if (w.cur) {
        dput(w.cur);
    }
    kfree(w.bufs[0]);
    kfree(w.bufs[1]);
    return ret < 0 ? ret : 0;
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
