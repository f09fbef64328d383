/* SPDX-License-Identifier: MIT */
/* Shared by the block layer's files (drivers/block/). */
#ifndef DRIVERS_BLOCK_INTERNAL_H
#define DRIVERS_BLOCK_INTERNAL_H

#include <drivers/block.h>

#define BOUNCE_MAX_ORDER 4 /* 64 KiB */

/* A physically contiguous bounce buffer for one transfer. */
struct block_bounce {
    void *buf;
    phys_addr_t phys;
    size_t size;
    unsigned order;
};

/* Allocates up to 2^BOUNCE_MAX_ORDER pages, fewer when want is smaller or
 * memory is short; at least one page. -ENOMEM when not even that. */
int block_bounce_alloc(struct block_bounce *b, size_t want);
void block_bounce_free(struct block_bounce *b);

/* Bytes one request may carry from a bounce of size bytes: a multiple of
 * the block size, at most bd->max_request. */
size_t block_chunk_max(const struct block_device *bd, size_t size);

/* Submits one request (len a multiple of SECTOR_SIZE, buf inside a
 * bounce) and waits for it. 0 or -errno. */
int block_submit_wait(struct block_device *bd, enum block_op op, u64 sector, void *buf,
                      phys_addr_t phys, u32 len);

/* The block device behind a /dev node's numbers, or NULL. */
struct block_device *block_find(u32 major, u32 minor);

extern const struct file_ops blkdev_fops;

#endif
