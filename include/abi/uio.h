/* SPDX-License-Identifier: MIT */
/* Linux x86_64 ABI for vectored I/O (readv, writev, preadv, ...): the
 * iovec layout and the most entries one call takes (see include/abi/time.h
 * for the conventions of include/abi/). */
#ifndef ABI_UIO_H
#define ABI_UIO_H

#include <kernel/types.h>

#define UIO_MAXIOV 1024

struct linux_iovec {
    u64 iov_base;
    u64 iov_len;
};

#endif
