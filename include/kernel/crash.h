/* SPDX-License-Identifier: MIT */
/* Deliberate crashes for tests (kernel/selftest/crash.c), from crash=<kind>:
 * pagefault, stackoverflow, gpf, divide, ud, panic. */
#ifndef KERNEL_CRASH_H
#define KERNEL_CRASH_H

void crash_on_purpose(const char *kind);

#endif
