/* SPDX-License-Identifier: MIT */
/* Kernel log (kernel/log/printk.c). Every message is timestamped
 * ("[    0.012345] "), kept in the log ring buffer, and written to the console
 * when its level is at or below the console level (cmdline log=<level>). */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <kernel/compiler.h>

enum log_level {
    LOG_EMERG = 0,
    LOG_ALERT = 1,
    LOG_CRIT = 2,
    LOG_ERR = 3,
    LOG_WARNING = 4,
    LOG_NOTICE = 5,
    LOG_INFO = 6,
    LOG_DEBUG = 7,
    LOG_TRACE = 8,
};

void printk(int level, const char *fmt, ...) __printf(2, 3);

#define pr_err(...) printk(LOG_ERR, __VA_ARGS__)
#define pr_warn(...) printk(LOG_WARNING, __VA_ARGS__)
#define pr_notice(...) printk(LOG_NOTICE, __VA_ARGS__)
#define pr_info(...) printk(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) printk(LOG_DEBUG, __VA_ARGS__)

/* Parses "emerg".."trace" or a digit 0-8; returns the level or -1. */
int log_level_parse(const char *name);

/* Prints "KERNEL PANIC: <reason>" and stops the machine (exits QEMU with a
 * failure code when booted with `test`). */
__noreturn void panic(const char *fmt, ...) __printf(1, 2);

#endif
