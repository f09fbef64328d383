/* SPDX-License-Identifier: MIT */
/* Linux x86_64 ABI for poll and select: the POLL* bits, struct pollfd and
 * select's descriptor-set size (see include/abi/time.h for the conventions
 * of include/abi/). */
#ifndef ABI_POLL_H
#define ABI_POLL_H

#include <kernel/types.h>

#define POLLIN 0x001
#define POLLPRI 0x002
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLNVAL 0x020

#define FD_SETSIZE 1024

struct linux_pollfd {
    s32 fd;
    s16 events;
    s16 revents;
};

_Static_assert(sizeof(struct linux_pollfd) == 8, "pollfd is 8 bytes");

#endif
