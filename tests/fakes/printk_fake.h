/* SPDX-License-Identifier: MIT */
/* Host fake printk: prints "[printk L] msg" to stdout and keeps the last
 * message. */
#ifndef TESTS_FAKES_PRINTK_FAKE_H
#define TESTS_FAKES_PRINTK_FAKE_H

extern char fake_printk_last[512];
extern unsigned long fake_printk_count;

#endif
