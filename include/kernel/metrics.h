/* SPDX-License-Identifier: MIT */
/* Kernel metrics (kernel/metrics/), served as /proc/metrics in the
 * Prometheus text exposition format (version 0.0.4):
 *
 *     # HELP kiln_syscalls_total System calls entered since boot.
 *     # TYPE kiln_syscalls_total counter
 *     kiln_syscalls_total 1234
 *
 * Names follow Prometheus conventions: a kiln_ prefix, the base unit as a
 * suffix (_bytes, _seconds, _pages), counters end in _total, and one
 * family (HELP, TYPE, then all its samples) is written in one piece.
 *
 * Metrics come from providers. The core provider (kernel/metrics/core.c:
 * memory, faults, processes, scheduler, syscalls, interrupts, uptime)
 * always runs first; other subsystems register theirs at init with
 * metrics_register() and are collected in registration order. procfs
 * calls metrics_collect() once per open of /proc/metrics, so a reader
 * sees one snapshot however small its reads are.
 *
 * The "net" provider (net/netdev.c, registered with the first interface)
 * emits one sample per interface (label interface="eth0") in each of
 *     kiln_network_{receive,transmit}_{packets,bytes,errors,drops}_total
 * Reserved for the TCP/IP stack, one sample each:
 *     kiln_tcp_passive_opens_total    counter (connections accepted)
 *     kiln_tcp_active_opens_total     counter (connections initiated)
 *     kiln_tcp_received_bytes_total   counter (payload bytes in)
 *     kiln_tcp_sent_bytes_total       counter (payload bytes out)
 *
 * Collect callbacks run with the VFS lock held and must not sleep; they
 * may take spinlocks to read consistent counters. */
#ifndef KERNEL_METRICS_H
#define KERNEL_METRICS_H

#include <kernel/types.h>

enum metric_type {
    METRIC_COUNTER,
    METRIC_GAUGE,
};

/* Where the text goes: write(ctx, text, len), called many times. */
struct metrics_out {
    void (*write)(void *ctx, const char *text, size_t len);
    void *ctx;
};

struct metrics_provider {
    const char *name;
    void (*collect)(struct metrics_out *out);
    struct metrics_provider *next; /* registry link (set by metrics_register) */
};

/* Adds p (static storage, never unregistered) after the others. */
void metrics_register(struct metrics_provider *p);
/* Writes every provider's families: the core provider, then the others. */
void metrics_collect(struct metrics_out *out);

/* Starts a family: its # HELP and # TYPE lines. help is one line of text
 * (backslashes and newlines are escaped). */
void metrics_family(struct metrics_out *out, const char *name, enum metric_type type,
                    const char *help);
/* One sample of the family just started, without labels. */
void metrics_sample(struct metrics_out *out, const char *name, u64 value);
/* One sample with one label; the value is escaped as the format needs. */
void metrics_sample_label(struct metrics_out *out, const char *name, const char *label,
                          const char *label_value, u64 value);
/* A sample with a fixed-point value: value / 10^decimals (e.g. seconds
 * from milliseconds with decimals = 3). */
void metrics_sample_fixed(struct metrics_out *out, const char *name, u64 value, u32 decimals);

/* A whole family of one unlabelled sample. */
void metrics_counter(struct metrics_out *out, const char *name, const char *help, u64 value);
void metrics_gauge(struct metrics_out *out, const char *name, const char *help, u64 value);

#endif
