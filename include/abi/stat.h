/* SPDX-License-Identifier: MIT */
/* Linux x86_64 ABI for file status: mode bits, device numbers, and the
 * exact user-visible layouts of struct stat, statx, statfs, dirents,
 * iovec and timespec (prefixed linux_ so they never clash with a host
 * libc in unit tests). */
#ifndef ABI_STAT_H
#define ABI_STAT_H

#include <abi/time.h>
#include <kernel/types.h>

#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define S_IFLNK 0120000
#define S_IFREG 0100000
#define S_IFBLK 0060000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFIFO 0010000
#define S_ISUID 0004000
#define S_ISGID 0002000
#define S_ISVTX 0001000
#define S_IRWXU 00700
#define S_IRUSR 00400
#define S_IWUSR 00200
#define S_IXUSR 00100
#define S_IRWXG 00070
#define S_IXGRP 00010
#define S_IRWXO 00007
#define S_IXOTH 00001
#define S_IALLUGO 07777

#define S_ISLNK(m) (((m)&S_IFMT) == S_IFLNK)
#define S_ISREG(m) (((m)&S_IFMT) == S_IFREG)
#define S_ISDIR(m) (((m)&S_IFMT) == S_IFDIR)
#define S_ISCHR(m) (((m)&S_IFMT) == S_IFCHR)
#define S_ISBLK(m) (((m)&S_IFMT) == S_IFBLK)
#define S_ISFIFO(m) (((m)&S_IFMT) == S_IFIFO)
#define S_ISSOCK(m) (((m)&S_IFMT) == S_IFSOCK)

/* d_type values of getdents. */
#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12

static inline u8 mode_to_dtype(u32 mode)
{
    return (u8)((mode & S_IFMT) >> 12);
}

/* Device numbers as stat and mknod see them (Linux new_encode_dev). */
static inline u64 dev_encode(u32 major, u32 minor)
{
    return (u64)((minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xffu) << 12));
}

static inline u32 dev_major(u64 dev)
{
    return (u32)((dev & 0xfff00) >> 8);
}

static inline u32 dev_minor(u64 dev)
{
    return (u32)((dev & 0xff) | ((dev >> 12) & 0xfff00));
}

#define PATH_MAX 4096 /* including the NUL */
#define NAME_MAX 255
#define SYMLOOP_MAX 40

/* statfs f_type values. */
#define TMPFS_MAGIC 0x01021994
#define PROC_SUPER_MAGIC 0x9fa0
#define DEVPTS_SUPER_MAGIC 0x1cd1

/* statfs f_flags */
#define ST_RDONLY 0x0001
#define ST_NOSUID 0x0002
#define ST_VALID 0x0020

struct linux_stat {
    u64 st_dev;
    u64 st_ino;
    u64 st_nlink;
    u32 st_mode;
    u32 st_uid;
    u32 st_gid;
    u32 pad0;
    u64 st_rdev;
    s64 st_size;
    s64 st_blksize;
    s64 st_blocks;
    u64 st_atime_sec;
    u64 st_atime_nsec;
    u64 st_mtime_sec;
    u64 st_mtime_nsec;
    u64 st_ctime_sec;
    u64 st_ctime_nsec;
    s64 unused[3];
};

struct linux_statx_timestamp {
    s64 tv_sec;
    u32 tv_nsec;
    s32 reserved;
};

struct linux_statx {
    u32 stx_mask;
    u32 stx_blksize;
    u64 stx_attributes;
    u32 stx_nlink;
    u32 stx_uid;
    u32 stx_gid;
    u16 stx_mode;
    u16 spare0;
    u64 stx_ino;
    u64 stx_size;
    u64 stx_blocks;
    u64 stx_attributes_mask;
    struct linux_statx_timestamp stx_atime;
    struct linux_statx_timestamp stx_btime;
    struct linux_statx_timestamp stx_ctime;
    struct linux_statx_timestamp stx_mtime;
    u32 stx_rdev_major;
    u32 stx_rdev_minor;
    u32 stx_dev_major;
    u32 stx_dev_minor;
    u64 stx_mnt_id;
    u32 stx_dio_mem_align;
    u32 stx_dio_offset_align;
    u64 spare3[12];
};

#define STATX_TYPE 0x0001u
#define STATX_MODE 0x0002u
#define STATX_NLINK 0x0004u
#define STATX_UID 0x0008u
#define STATX_GID 0x0010u
#define STATX_ATIME 0x0020u
#define STATX_MTIME 0x0040u
#define STATX_CTIME 0x0080u
#define STATX_INO 0x0100u
#define STATX_SIZE 0x0200u
#define STATX_BLOCKS 0x0400u
#define STATX_BASIC_STATS 0x07ffu
#define STATX_BTIME 0x0800u
#define STATX_MNT_ID 0x1000u
#define STATX_RESERVED 0x80000000u

struct linux_statfs {
    s64 f_type;
    s64 f_bsize;
    u64 f_blocks;
    u64 f_bfree;
    u64 f_bavail;
    u64 f_files;
    u64 f_ffree;
    s32 f_fsid[2];
    s64 f_namelen;
    s64 f_frsize;
    s64 f_flags;
    s64 f_spare[4];
};

struct linux_dirent64 {
    u64 d_ino;
    s64 d_off;
    u16 d_reclen;
    u8 d_type;
    char d_name[];
};

/* The old getdents(2) record; d_type is the byte after the name's NUL. */
struct linux_dirent {
    u64 d_ino;
    u64 d_off;
    u16 d_reclen;
    char d_name[];
};

_Static_assert(sizeof(struct linux_stat) == 144, "struct stat is 144 bytes on x86_64");
_Static_assert(sizeof(struct linux_statx) == 256, "struct statx is 256 bytes");
_Static_assert(sizeof(struct linux_statfs) == 120, "struct statfs is 120 bytes on x86_64");
_Static_assert(__builtin_offsetof(struct linux_dirent64, d_name) == 19, "dirent64 name at 19");
_Static_assert(__builtin_offsetof(struct linux_statx, stx_rdev_major) == 0x80, "statx layout");

#endif
