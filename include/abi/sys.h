/* SPDX-License-Identifier: MIT */
/* Linux x86_64 ABI for system information: uname(2)'s utsname and
 * sysinfo(2)'s record (see include/abi/time.h for the conventions of
 * include/abi/). */
#ifndef ABI_SYS_H
#define ABI_SYS_H

#include <kernel/types.h>

#define UTS_LEN 65
#define SI_LOAD_SHIFT 16 /* sysinfo loads[]: fixed point with 16 fraction bits */

struct linux_utsname {
    char sysname[UTS_LEN];
    char nodename[UTS_LEN];
    char release[UTS_LEN];
    char version[UTS_LEN];
    char machine[UTS_LEN];
    char domainname[UTS_LEN];
};

struct linux_sysinfo {
    s64 uptime;
    u64 loads[3];
    u64 totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    u16 procs;
    u16 pad;
    u32 pad2;
    u64 totalhigh, freehigh;
    u32 mem_unit;
    char f[4];
};

_Static_assert(sizeof(struct linux_utsname) == 390, "utsname is 390 bytes");
_Static_assert(sizeof(struct linux_sysinfo) == 112, "sysinfo is 112 bytes");

#endif
