// SPDX-License-Identifier: MIT
/* The file ops of /dev/vdX: direct I/O at byte offsets (read-modify-write
 * of partial blocks), lseek against the capacity, fsync and the BLK*
 * ioctls. */
#include <abi/errno.h>
#include <arch/x86_64/uaccess.h>
#include <drivers/block.h>
#include <fs/vfs.h>
#include <kernel/compiler.h>
#include <kernel/iobuf.h>

#include "block_internal.h"

static u64 capacity_bytes(const struct block_device *bd)
{
    return bd->capacity * SECTOR_SIZE;
}

static int blkdev_open(struct inode *inode, struct file *f)
{
    struct block_device *bd = block_find(inode->rdev_major, inode->rdev_minor);

    if (!bd) {
        return -ENXIO;
    }
    f->private = bd;
    return 0;
}

/* Reads or writes the bounce's first len bytes at byte offset off (a
 * multiple of the block size). */
static int bounce_io(struct block_device *bd, struct block_bounce *b, bool write, u64 off,
                     size_t len)
{
    return block_submit_wait(bd, write ? BLOCK_WRITE : BLOCK_READ, off / SECTOR_SIZE, b->buf,
                             b->phys, (u32)len);
}

static long blkdev_read(struct file *f, struct iobuf *buf, u64 *pos)
{
    struct block_device *bd = f->private;
    u64 size = capacity_bytes(bd), p = *pos;
    size_t unit = bd->block_size, left, max;
    struct block_bounce b;
    long done = 0, err = 0;

    if (p >= size || iobuf_remaining(buf) == 0) {
        return 0;
    }
    left = (size_t)MIN((u64)iobuf_remaining(buf), size - p);
    err = block_bounce_alloc(&b, left + unit);
    if (err) {
        return err;
    }
    max = block_chunk_max(bd, b.size);
    while (left > 0) {
        size_t off = (size_t)(p % unit), n, span;
        if (off || left < unit) {
            n = MIN(unit - off, left);
            span = unit;
        } else {
            n = MIN(left & ~(unit - 1), max);
            span = n;
        }
        err = bounce_io(bd, &b, false, p - off, span);
        if (err) {
            break;
        }
        long got = iobuf_put(buf, (u8 *)b.buf + off, n);
        if (got < 0) {
            err = got;
            break;
        }
        done += got;
        p += (u64)got;
        left -= (size_t)got;
        if ((size_t)got < n) {
            break;
        }
    }
    block_bounce_free(&b);
    *pos = p;
    return done ? done : err;
}

static long blkdev_write(struct file *f, struct iobuf *buf, u64 *pos)
{
    struct block_device *bd = f->private;
    u64 size = capacity_bytes(bd), p = *pos;
    size_t unit = bd->block_size, left, max;
    struct block_bounce b;
    long done = 0, err = 0;

    if (iobuf_remaining(buf) == 0) {
        return 0;
    }
    if (bd->read_only) {
        return -EPERM;
    }
    if (p >= size) {
        return -ENOSPC;
    }
    left = (size_t)MIN((u64)iobuf_remaining(buf), size - p);
    err = block_bounce_alloc(&b, left + unit);
    if (err) {
        return err;
    }
    max = block_chunk_max(bd, b.size);
    while (left > 0) {
        size_t off = (size_t)(p % unit), n;
        long got;
        if (off || left < unit) {
            /* A partial block: read it, patch it, write it back. */
            n = MIN(unit - off, left);
            err = bounce_io(bd, &b, false, p - off, unit);
            if (err) {
                break;
            }
            got = iobuf_get(buf, (u8 *)b.buf + off, n);
            if (got < 0) {
                err = got;
                break;
            }
            err = bounce_io(bd, &b, true, p - off, unit);
        } else {
            n = MIN(left & ~(unit - 1), max);
            got = iobuf_get(buf, b.buf, n);
            if (got < 0) {
                err = got;
                break;
            }
            if ((size_t)got < n) {
                /* A fault part way: the whole blocks copied are written
                 * (a short write), the rest is given back. */
                size_t whole = (size_t)got & ~(unit - 1);
                buf->pos -= (size_t)got - whole;
                got = (long)whole;
                if (!whole) {
                    err = -EFAULT;
                    break;
                }
            }
            err = bounce_io(bd, &b, true, p, (size_t)got);
        }
        if (err) {
            break;
        }
        done += got;
        p += (u64)got;
        left -= (size_t)got;
        if ((size_t)got < n) {
            break;
        }
    }
    block_bounce_free(&b);
    *pos = p;
    return done ? done : err;
}

/* As Linux for block devices: SEEK_END is the capacity, and no position
 * beyond it. */
static s64 blkdev_llseek(struct file *f, s64 off, int whence)
{
    s64 size = (s64)capacity_bytes(f->private);
    return vfs_llseek_size(f, off, whence, size, size);
}

static int blkdev_fsync(struct file *f)
{
    return block_flush(f->private);
}

static long put_user_val(u64 arg, const void *v, size_t n)
{
    return copy_to_user(uptr(arg), v, n) ? -EFAULT : 0;
}

static long blkdev_ioctl(struct file *f, u32 cmd, u64 arg)
{
    struct block_device *bd = f->private;

    switch (cmd) {
    case BLKGETSIZE64: {
        u64 v = capacity_bytes(bd);
        return put_user_val(arg, &v, sizeof(v));
    }
    case BLKGETSIZE: {
        unsigned long v = (unsigned long)bd->capacity;
        return put_user_val(arg, &v, sizeof(v));
    }
    case BLKSSZGET: {
        int v = (int)bd->block_size;
        return put_user_val(arg, &v, sizeof(v));
    }
    case BLKPBSZGET: {
        unsigned int v = bd->block_size;
        return put_user_val(arg, &v, sizeof(v));
    }
    case BLKROGET: {
        int v = bd->read_only ? 1 : 0;
        return put_user_val(arg, &v, sizeof(v));
    }
    case BLKFLSBUF:
        /* No cache to drop; what the disk caches goes out. */
        return bd->read_only ? 0 : block_flush(bd);
    default:
        return -ENOTTY;
    }
}

const struct file_ops blkdev_fops = {
    .open = blkdev_open,
    .read = blkdev_read,
    .write = blkdev_write,
    .llseek = blkdev_llseek,
    .ioctl = blkdev_ioctl,
    .fsync = blkdev_fsync,
};
