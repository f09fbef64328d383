// SPDX-License-Identifier: MIT
/* System calls that are implemented with documented gaps (they show as
 * "partial" in the README's table, made by tools/gen-syscall-doc.py). Edited
 * by hand: add the name when a handler leaves part of the Linux behaviour
 * out, and say what in a comment at its SYSCALL_DEFINEn. */
#include <kernel/syscall.h>

const char *const syscall_partial[] = {
    "clone", /* processes only: CLONE_THREAD/CLONE_SIGHAND give ENOSYS */
    "madvise", /* MADV_DONTNEED acts; other advice is accepted and ignored */
    "mount", /* tmpfs, proc, devtmpfs; no bind/move mounts */
    "umount2", /* MNT_DETACH is not lazy */
    "wait4", /* rusage: CPU times, maxrss and minflt; the other fields are zero */
    "waitid", /* as wait4 */
    "fcntl", /* F_SETOWN sends no SIGIO; leases, seals, F_NOTIFY and more: EINVAL */
    "renameat2", /* flags other than 0 and RENAME_NOREPLACE give EINVAL */
    NULL,
};

/* Handlers that accept the call and do nothing ("stub" in the README's
 * table). tools/gen-syscall-doc.py fails on a handler that only returns 0
 * and is not listed here. None today. */
const char *const syscall_stub[] = {
    NULL,
};
