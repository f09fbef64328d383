/* SPDX-License-Identifier: MIT */
/* Block devices (drivers/block/): a small block layer between disk drivers
 * (virtio-blk) and the VFS. A driver registers a struct block_device with
 * its capacity and a submit() that starts one request; the layer turns
 * reads and writes at byte offsets into sector requests (read-modify-write
 * for partial sectors, no cache: I/O goes to the disk) and waits for them.
 *
 * Each disk gets a block special file /dev/vdX (major VIRTBLK_MAJOR, minor
 * 16 * index, as Linux numbers virtio disks) that supports read, write,
 * lseek (SEEK_END = capacity), pread/pwrite, fsync (a flush request) and
 * the ioctls BLKGETSIZE64, BLKGETSIZE, BLKSSZGET, BLKPBSZGET, BLKROGET and
 * BLKFLSBUF. Disks are listed in /proc/partitions and /proc/diskstats. */
#ifndef DRIVERS_BLOCK_H
#define DRIVERS_BLOCK_H

#include <kernel/spinlock.h>
#include <kernel/types.h>
#include <kernel/wait.h>

#define VIRTBLK_MAJOR 254
#define BLOCK_MINORS_PER_DISK 16
#define BLOCK_MAX_DISKS 16
#define SECTOR_SIZE 512

/* Linux ioctl numbers (<linux/fs.h>). */
#define BLKROGET 0x125e
#define BLKGETSIZE 0x1260
#define BLKFLSBUF 0x1261
#define BLKSSZGET 0x1268
#define BLKGETSIZE64 0x80081272
#define BLKPBSZGET 0x127b

enum block_op {
    BLOCK_READ,
    BLOCK_WRITE,
    BLOCK_FLUSH,
};

struct block_device;

/* One request: sectors [sector, sector + len / SECTOR_SIZE) to or from the
 * physically contiguous kernel buffer buf (phys at buf_phys). */
struct block_request {
    enum block_op op;
    u64 sector;
    void *buf;
    phys_addr_t buf_phys;
    u32 len; /* a multiple of SECTOR_SIZE; 0 for a flush */
    int status; /* 0 or -errno, set by block_complete() */
    volatile bool done;
    struct wait_queue wq;
    struct block_device *bdev;
};

struct block_device_ops {
    /* Starts req; completion is reported with block_complete(). May sleep
     * while the device's queue is full. -errno if it cannot be started. */
    int (*submit)(struct block_device *bd, struct block_request *req);
};

struct block_stats {
    u64 reads, read_sectors, writes, write_sectors, flushes, errors;
};

struct block_device {
    char name[16]; /* "vda" */
    u32 major, minor;
    u64 capacity; /* in SECTOR_SIZE sectors */
    u32 block_size; /* the device's logical block size (>= 512) */
    bool read_only;
    u32 max_request; /* bytes per request the driver accepts */
    const struct block_device_ops *ops;
    void *priv; /* driver's */
    spinlock_t lock;
    struct block_stats stats;
};

/* Names the disk vd<a + index>, gives it its major/minor and /dev node.
 * Call before /dev is mounted (drivers probe at boot). -ENOSPC past
 * BLOCK_MAX_DISKS. */
int block_register(struct block_device *bd);
unsigned block_count(void);
struct block_device *block_get(unsigned i);

/* Synchronous I/O at sector granularity (buf is any kernel memory; the
 * layer bounces it through DMA-able pages). */
int block_read_sectors(struct block_device *bd, u64 sector, void *buf, size_t len);
int block_write_sectors(struct block_device *bd, u64 sector, const void *buf, size_t len);
int block_flush(struct block_device *bd);

/* For drivers: req finished with status (0 or -errno); wakes its waiter. */
void block_complete(struct block_request *req, int status);

/* /proc/partitions and /proc/diskstats in the Linux formats. */
struct seq_buf;
int block_proc_partitions(struct seq_buf *s, void *arg);
int block_proc_diskstats(struct seq_buf *s, void *arg);

#endif
