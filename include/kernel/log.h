/* SPDX-License-Identifier: MIT */
/* Console level and reading back the kernel log (kernel/log/printk.c). */
#ifndef KERNEL_LOG_H
#define KERNEL_LOG_H

#include <kernel/types.h>
#include <stdarg.h>

void log_set_console_level(int level);
int log_console_level(void);
/* Reads the log from *seq on (see logbuf_read); returns bytes copied. */
size_t log_read(u64 *seq, char *out, size_t len);

void vprintk(int level, const char *fmt, va_list ap);
/* From now on output bypasses locks and interrupts (panic, oops). */
void log_enter_panic_mode(void);

#endif
