/* SPDX-License-Identifier: MIT */
/* Simulated virtio device and driver model for drivers/virtio/virtq.c
 * (shared by tests/test_virtq.c and tests/test_virtq_buggy.c).
 *
 * One thread, randomized steps: the driver posts chains of 1-4 buffers
 * (random readable/writable split) and reaps; the device consumes the
 * available ring when it likes (or not for long stretches: backpressure, the
 * ring fills and add must say -EAGAIN), completes consumed chains in random
 * order with random lengths, and moves its notification hints around. The
 * model tracks independently which descriptors each request owns, and
 * checks after every step: tokens come back exactly once and in used-ring
 * order with the device's len, no descriptor is handed out while in flight,
 * the device sees exactly the buffers posted for each head and they do not
 * change while it owns them, the free count is conserved, kick decisions
 * follow the spec, interrupts come exactly when used_event (or the flag)
 * asks and never go missing for a driver that enable_cb let sleep, and
 * (optionally) virtq_check() passes. */
#ifndef TESTS_FAKES_VIRTQ_SIM_H
#define TESTS_FAKES_VIRTQ_SIM_H

#include <drivers/virtio.h>

struct sim_config {
    unsigned num; /* queue size */
    unsigned align; /* VIRTQ_LEGACY_ALIGN or VIRTQ_MODERN_ALIGN */
    bool event_idx; /* VIRTIO_RING_F_EVENT_IDX */
    bool debug_checks; /* q->debug_checks */
    bool check_every_step; /* the sim calls virtq_check() after every step too */
    unsigned long steps; /* steps to run */
    unsigned long long seed; /* nonzero */
    /* Where the free-running 16-bit indices start (device and driver agree),
     * e.g. just below 65536 so every run wraps them. */
    u16 start_idx;
    /* Test of the device model itself: at this step (0 = never) the sim
     * scribbles on a descriptor of a chain the device owns, as a driver bug
     * would, and expects the device model to report it. */
    unsigned long sabotage_step;
};

struct sim_result {
    unsigned long steps; /* steps run */
    unsigned long ops; /* steps that did something (API call or device action) */
    unsigned long adds, eagain, einval, reaps, consumed, completed, kicks, kick_checks;
    unsigned long full; /* adds refused with 0 free descriptors */
    unsigned long irqs; /* used-buffer interrupts the device raised */
    unsigned long sleeps; /* enable_cb calls that found nothing to reap */
    unsigned max_device_backlog; /* most chains the device held at once */
    int fault; /* q->fault or virtq_check()'s code at the stop */
    char error[256]; /* model's complaint, "" if none */
    unsigned long fail_step;
};

/* Runs the simulation; true if it ran all steps with no fault and no model
 * error. */
bool sim_run(const struct sim_config *cfg, struct sim_result *res);

#endif
