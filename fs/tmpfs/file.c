// SPDX-License-Identifier: MIT
/* tmpfs file data: the per-inode radix tree of frames, read, write,
 * truncation and mmap pages. All under the VFS lock. Invariant: bytes of
 * a held frame beyond i_size are zero whenever the file grows over them
 * (frames are zeroed when allocated, tails when truncating or growing). */
#include <abi/errno.h>
#include <arch/x86_64/memlayout.h>
#include <kernel/page_alloc.h>
#include <kernel/process.h>
#include <kernel/string.h>

#include "tmpfs_internal.h"

static void *zalloc_page(void)
{
    void *p = page_alloc(0);
    if (p) {
        memset(p, 0, PAGE_SIZE);
    }
    return p;
}

/* Drops the file's reference on a data frame. */
static void frame_put(void *va)
{
    struct page *pg = virt_to_page(va);

    if (pg && __atomic_sub_fetch(&pg->refcount, 1, __ATOMIC_ACQ_REL) == 0) {
        page_free(va, 0);
    }
}

static u64 radix_capacity(u32 height)
{
    return height == 0 ? 0 : 1ull << (RADIX_SHIFT * height);
}

/* The frame of file page idx, or NULL (hole). */
static void *radix_get(struct tmpfs_inode *ti, u64 idx)
{
    void **node = ti->root;

    if (idx >= radix_capacity(ti->height)) {
        return NULL;
    }
    for (u32 h = ti->height; h > 0 && node; h--) {
        u32 slot = (u32)(idx >> (RADIX_SHIFT * (h - 1))) & (RADIX_FANOUT - 1);
        if (h == 1) {
            return node[slot];
        }
        node = node[slot];
    }
    return NULL;
}

/* The frame of file page idx, allocating it (zeroed) and any nodes. */
static void *radix_get_or_alloc(struct inode *inode, u64 idx, int *err)
{
    struct tmpfs_inode *ti = inode->private;
    void **node;

    *err = 0;
    if (idx >= radix_capacity(RADIX_MAX_HEIGHT)) {
        *err = -EFBIG;
        return NULL;
    }
    while (idx >= radix_capacity(ti->height)) {
        void **top = zalloc_page();
        if (!top) {
            *err = -ENOMEM;
            return NULL;
        }
        /* An empty tree starts with one leaf node; otherwise the old root
         * becomes slot 0 of a new top node. */
        if (ti->height > 0) {
            top[0] = ti->root;
        }
        ti->root = top;
        ti->height++;
    }
    node = ti->root;
    for (u32 h = ti->height; h > 0; h--) {
        u32 slot = (u32)(idx >> (RADIX_SHIFT * (h - 1))) & (RADIX_FANOUT - 1);
        if (!node[slot]) {
            node[slot] = zalloc_page();
            if (!node[slot]) {
                *err = -ENOMEM;
                return NULL;
            }
            if (h == 1) {
                ti->npages++;
                inode->blocks = ti->npages * (PAGE_SIZE / 512);
            }
        }
        if (h == 1) {
            return node[slot];
        }
        node = node[slot];
    }
    return NULL;
}

/* Frees the frames of pages >= first under node (covering pages from
 * base, at height h); frees the node too when it ends up empty. Returns
 * true if node was freed. */
static bool radix_trim(struct tmpfs_inode *ti, void **node, u32 h, u64 base, u64 first)
{
    u64 span = 1ull << (RADIX_SHIFT * (h - 1)); /* pages per slot */
    bool empty = true;

    for (u32 s = 0; s < RADIX_FANOUT; s++) {
        u64 start = base + s * span;
        if (!node[s]) {
            continue;
        }
        if (start + span <= first) {
            empty = false;
            continue;
        }
        if (h == 1) {
            frame_put(node[s]);
            node[s] = NULL;
            ti->npages--;
        } else if (radix_trim(ti, node[s], h - 1, start, first)) {
            node[s] = NULL;
        } else {
            empty = false;
        }
    }
    if (empty) {
        page_free(node, 0);
    }
    return empty;
}

static void zero_range_in_page(struct tmpfs_inode *ti, u64 from)
{
    u64 off = from & (PAGE_SIZE - 1);
    u8 *frame;

    if (off == 0) {
        return;
    }
    frame = radix_get(ti, from >> PAGE_SHIFT);
    if (frame) {
        memset(frame + off, 0, PAGE_SIZE - off);
    }
}

void tmpfs_zero_tail(struct inode *inode, u64 old_size)
{
    zero_range_in_page(inode->private, old_size);
}

void tmpfs_truncate_pages(struct inode *inode, u64 size)
{
    struct tmpfs_inode *ti = inode->private;
    u64 first = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;

    if (ti->root && radix_trim(ti, ti->root, ti->height, 0, first)) {
        ti->root = NULL;
        ti->height = 0;
    }
    /* Shrink the tree while only its first slot is used. */
    while (ti->height > 1) {
        bool only_first = true;
        for (u32 s = 1; s < RADIX_FANOUT; s++) {
            if (ti->root[s]) {
                only_first = false;
                break;
            }
        }
        if (!only_first) {
            break;
        }
        void **child = ti->root[0];
        page_free(ti->root, 0);
        ti->root = child;
        ti->height--;
        if (!child) {
            ti->height = 0;
            break;
        }
    }
    zero_range_in_page(ti, size);
    inode->blocks = ti->npages * (PAGE_SIZE / 512);
}

void tmpfs_free_data(struct inode *inode)
{
    tmpfs_truncate_pages(inode, 0);
}

static long tmpfs_read(struct file *f, struct iobuf *b, u64 *pos)
{
    struct inode *inode = f->inode;
    long done = 0;
    u64 p = *pos;

    vfs_lock();
    while (iobuf_remaining(b) > 0 && p < inode->size) {
        u64 off = p & (PAGE_SIZE - 1);
        u64 n = MIN(PAGE_SIZE - off, inode->size - p);
        n = MIN(n, (u64)iobuf_remaining(b));
        u8 *frame = radix_get(inode->private, p >> PAGE_SHIFT);
        long r = frame ? iobuf_put(b, frame + off, n) : iobuf_put_zeros(b, n);
        if (r < 0) {
            if (done == 0) {
                done = r;
            }
            break;
        }
        p += (u64)r;
        done += r;
    }
    *pos = p;
    vfs_unlock();
    return done;
}

static long tmpfs_write(struct file *f, struct iobuf *b, u64 *pos)
{
    struct inode *inode = f->inode;
    long done = 0;
    u64 p;

    vfs_lock();
    p = (f->flags & O_APPEND) ? inode->size : *pos;
    if (iobuf_remaining(b) > 0 && p >= TMPFS_MAX_SIZE) {
        vfs_unlock();
        return -EFBIG;
    }
    if (p > inode->size) {
        tmpfs_zero_tail(inode, inode->size);
    }
    while (iobuf_remaining(b) > 0 && p < TMPFS_MAX_SIZE) {
        u64 off = p & (PAGE_SIZE - 1);
        u64 n = MIN(PAGE_SIZE - off, (u64)iobuf_remaining(b));
        int err;
        u8 *frame = radix_get_or_alloc(inode, p >> PAGE_SHIFT, &err);
        long r = frame ? iobuf_get(b, frame + off, n) : err;
        if (r < 0) {
            if (done == 0) {
                done = r;
            }
            break;
        }
        p += (u64)r;
        done += r;
        if (p > inode->size) {
            inode->size = p;
        }
    }
    if (done > 0) {
        const struct process *proc = current_process();
        vfs_now(&inode->mtime);
        inode->ctime = inode->mtime;
        /* Writing drops setuid/setgid unless done by root. */
        if (proc && proc->cred.fsuid != 0) {
            u32 kill = S_ISUID | ((inode->mode & S_IXGRP) ? S_ISGID : 0);
            inode->mode &= ~kill;
        }
        *pos = p;
    }
    vfs_unlock();
    return done;
}

static int tmpfs_get_page(struct file *f, u64 pgoff, bool write, phys_addr_t *pa)
{
    (void)write; /* every page is writable: holes are filled either way */
    struct inode *inode = f->inode;
    int err = 0;

    vfs_lock();
    if (pgoff >= (inode->size + PAGE_SIZE - 1) >> PAGE_SHIFT) {
        err = -ENXIO;
    } else {
        void *frame = radix_get_or_alloc(inode, pgoff, &err);
        if (frame) {
            __atomic_add_fetch(&virt_to_page(frame)->refcount, 1, __ATOMIC_RELAXED);
            *pa = virt_to_phys(frame);
        }
    }
    vfs_unlock();
    return err;
}

const struct file_ops tmpfs_file_ops = {
    .read = tmpfs_read,
    .write = tmpfs_write,
    .get_page = tmpfs_get_page,
};
