/* SPDX-License-Identifier: MIT */
/* Host fakes used by the VFS tests: user memory (uaccess_fake.c), the
 * current process (process_fake.c), threads and wait queues
 * (thread_fake.c), clocks (clock_fake.c), the serial port (serial_fake.c)
 * and the kernel log (log_fake.c). */
#ifndef TESTS_FAKES_VFS_FAKES_H
#define TESTS_FAKES_VFS_FAKES_H

#include <kernel/process.h>
#include <kernel/types.h>

/* A user address whose page is never mapped. */
#define FAKE_BAD_UADDR 0xdead0000ull

/* The process current_process() returns (NULL: a kernel thread). */
extern struct process *fake_current;
/* A process with root credentials, a new root fs_context and an empty
 * fd table; becomes fake_current. */
struct process *fake_process_new(void);
/* Drops its fd table and fs_context and frees it. */
void fake_process_free(struct process *p);

/* The wall clock clock_realtime() reports; advanced by 1 ns per call so
 * timestamps differ. */
extern u64 fake_clock_sec;
extern u32 fake_clock_nsec;

/* Bytes serial_write received, and input for serial_read. */
extern char fake_serial_out[8192];
extern size_t fake_serial_out_len;
void fake_serial_input(const char *s, size_t len);

/* Appends text to the log that log_read serves (log_fake.c). */
void fake_log_write(const char *s, size_t len);

#endif
