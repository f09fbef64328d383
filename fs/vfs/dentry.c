// SPDX-License-Identifier: MIT
/* The dentry tree: names, parents, children, mount links. */
#include <abi/errno.h>
#include <fs/vfs.h>
#include <kernel/kmalloc.h>
#include <kernel/string.h>

#include "vfs_internal.h"

#define FIRST_COOKIE 2 /* 0 and 1 are "." and ".." */

static char *dup_name(const char *name, size_t len)
{
    char *s = kmalloc(len + 1);
    if (s) {
        memcpy(s, name, len);
        s[len] = '\0';
    }
    return s;
}

struct dentry *d_alloc(struct dentry *parent, const char *name, size_t len)
{
    struct dentry *d = kzalloc(sizeof(*d));

    if (!d) {
        return NULL;
    }
    d->name = dup_name(name, len);
    if (!d->name) {
        kfree(d);
        return NULL;
    }
    d->name_len = (u32)len;
    d->refcount = 1;
    list_init(&d->children);
    list_init(&d->child_link);
    d->next_cookie = FIRST_COOKIE;
    if (parent) {
        d->parent = dget(parent);
        d->sb = parent->sb;
    }
    return d;
}

struct dentry *d_make_root(struct super_block *sb, struct inode *inode)
{
    struct dentry *d = d_alloc(NULL, "/", 1);

    if (!d) {
        return NULL;
    }
    d->sb = sb;
    d->inode = inode;
    return d;
}

void d_instantiate(struct dentry *d, struct inode *inode)
{
    d->inode = inode;
}

void d_link(struct dentry *d, bool pin)
{
    struct dentry *p = d->parent;

    d->cookie = p->next_cookie++;
    list_add_tail(&d->child_link, &p->children);
    d->flags |= DENTRY_LINKED;
    d->flags &= ~DENTRY_DEAD;
    if (pin) {
        d->flags |= DENTRY_PINNED;
        d->refcount++;
    }
}

void d_unlink(struct dentry *d)
{
    if (d->flags & DENTRY_LINKED) {
        list_del(&d->child_link);
        d->flags &= ~DENTRY_LINKED;
    }
    d->flags |= DENTRY_DEAD;
    if (d->flags & DENTRY_PINNED) {
        d->flags &= ~DENTRY_PINNED;
        dput(d);
    }
}

int d_move(struct dentry *d, struct dentry *new_parent, const char *name, size_t len)
{
    char *n = dup_name(name, len);

    if (!n) {
        return -ENOMEM;
    }
    kfree(d->name);
    d->name = n;
    d->name_len = (u32)len;
    if (d->flags & DENTRY_LINKED) {
        list_del(&d->child_link);
    }
    if (new_parent != d->parent) {
        struct dentry *old = d->parent;
        d->parent = dget(new_parent);
        dput(old);
    }
    d->cookie = new_parent->next_cookie++;
    list_add_tail(&d->child_link, &new_parent->children);
    d->flags |= DENTRY_LINKED;
    return 0;
}

struct dentry *d_lookup(struct dentry *dir, const char *name, size_t len)
{
    struct list_head *pos;

    list_for_each(pos, &dir->children)
    {
        struct dentry *c = list_entry(pos, struct dentry, child_link);
        if (c->name_len == len && memcmp(c->name, name, len) == 0) {
            return dget(c);
        }
    }
    return NULL;
}

u64 d_count_children(const struct dentry *dir)
{
    const struct list_head *pos;
    u64 n = 0;

    list_for_each(pos, &dir->children)
    {
        n++;
    }
    return n;
}

struct dentry *dget(struct dentry *d)
{
    d->refcount++;
    return d;
}

void dput(struct dentry *d)
{
    while (d && --d->refcount == 0) {
        struct dentry *parent = d->parent;

        if (d->flags & DENTRY_LINKED) {
            list_del(&d->child_link);
        }
        iput(d->inode);
        kfree(d->name);
        kfree(d);
        d = parent;
    }
}

struct dentry *d_follow_mounts(struct dentry *d)
{
    while (d->mounted) {
        d = d->mounted->root;
    }
    return d;
}

bool d_is_ancestor(struct dentry *d, struct dentry *e)
{
    while (e) {
        if (e == d) {
            return true;
        }
        if (e->parent) {
            e = e->parent;
        } else if (e->sb && e->sb->mount && e->sb->mount->mountpoint) {
            e = e->sb->mount->mountpoint;
        } else {
            break;
        }
    }
    return false;
}

static bool emit_entry(struct dir_context *ctx, const char *name, size_t len, u64 ino, u8 type,
                       u64 next)
{
    if (!ctx->emit(ctx, name, len, ino, type, next)) {
        return false;
    }
    ctx->pos = next;
    return true;
}

int dcache_iterate(struct file *f, struct dir_context *ctx)
{
    struct dentry *dir = f->dentry;
    struct list_head *pos;

    if (ctx->pos == 0) {
        if (!emit_entry(ctx, ".", 1, dir->inode->ino, DT_DIR, 1)) {
            return 0;
        }
    }
    if (ctx->pos == 1) {
        struct dentry *up = dir->parent;
        if (!up && dir->sb->mount && dir->sb->mount->mountpoint) {
            up = dir->sb->mount->mountpoint->parent;
        }
        u64 ino = up ? up->inode->ino : dir->inode->ino;
        if (!emit_entry(ctx, "..", 2, ino, DT_DIR, FIRST_COOKIE)) {
            return 0;
        }
    }
    /* Children are kept in cookie order; resume at the first >= pos. */
    list_for_each(pos, &dir->children)
    {
        struct dentry *c = list_entry(pos, struct dentry, child_link);
        /* Unpinned children are a generated directory's own business. */
        if (c->cookie < ctx->pos || !c->inode || !(c->flags & DENTRY_PINNED)) {
            continue;
        }
        if (!emit_entry(ctx, c->name, c->name_len, c->inode->ino, mode_to_dtype(c->inode->mode),
                        c->cookie + 1)) {
            return 0;
        }
    }
    return 0;
}

int d_path(struct dentry *d, struct dentry *stop, char *buf, size_t len)
{
    size_t pos = len;

    if (len < 2) {
        return -ENAMETOOLONG;
    }
    buf[--pos] = '\0';
    while (d != stop) {
        if (!d->parent) {
            struct mount *m = d->sb ? d->sb->mount : NULL;
            if (!m || !m->mountpoint) {
                break;
            }
            d = m->mountpoint;
            continue;
        }
        if (d->name_len + 1 > pos) {
            return -ENAMETOOLONG;
        }
        pos -= d->name_len;
        memcpy(buf + pos, d->name, d->name_len);
        buf[--pos] = '/';
        d = d->parent;
    }
    if (pos == len - 1) {
        buf[--pos] = '/';
    }
    memmove(buf, buf + pos, len - pos);
    return (int)(len - pos - 1);
}

int vfs_dentry_path(struct dentry *d, char *buf, size_t len)
{
    static const char deleted[] = " (deleted)";
    int n = d_path(d, NULL, buf, len);

    /* Like Linux's /proc/<pid>/fd links to unlinked files. */
    if (n >= 0 && (d->flags & DENTRY_DEAD) && d->parent) {
        if ((size_t)n + sizeof(deleted) > len) {
            return -ENAMETOOLONG;
        }
        memcpy(buf + n, deleted, sizeof(deleted));
        n += (int)sizeof(deleted) - 1;
    }
    return n;
}
