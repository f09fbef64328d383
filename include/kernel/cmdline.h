/* SPDX-License-Identifier: MIT */
/* Kernel command line (kernel/cmdline.c). Linux syntax: words separated by
 * spaces, `key=value` or a bare `flag`, double quotes group spaces
 * (`init="/bin/sh -x"` style values keep their spaces, quotes removed). */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <kernel/types.h>

#define CMDLINE_MAX_PARAMS 64

struct cmdline_param {
    const char *key;
    const char *value; /* NULL for a bare flag */
};

/* Splits buf in place. Returns the number of params, or -E2BIG if more
 * than max (the first max are still filled). */
int cmdline_split(char *buf, struct cmdline_param *out, int max);

struct boot_options {
    int log_level; /* log=<level>, default LOG_INFO */
    const char *init; /* init= or rdinit=, default NULL */
    const char *console; /* console=, default "ttyS0" */
    bool test; /* `test`: run self-tests, exit QEMU with a verdict */
    const char *selftest; /* selftest=<name>: run only that self-test */
    const char *crash; /* crash=<kind>: deliberately fault (tests) */
    const char *shutdown; /* shutdown=poweroff|reboot once ready (tests) */
    u64 mem_limit; /* mem=<size>[KMG]: ignore RAM above this, 0 = all */
    int virtio_mode; /* virtio=auto|legacy|modern: enum virtio_transport_mode */
    int pci_mode; /* pci=on|off: BOOT_PCI_ON or BOOT_PCI_OFF (no enumeration) */
    int virtio_fence; /* virtio_fence=auto|cpu|io: enum virtio_fence_mode */
};

#define BOOT_PCI_ON 0
#define BOOT_PCI_OFF 1

/* Fills opts with defaults, then applies buf (split in place). Unknown keys
 * and bad values are logged with pr_warn and otherwise ignored. Returns the
 * number of unknown or bad params. */
int cmdline_parse(char *buf, struct boot_options *opts);

#endif
