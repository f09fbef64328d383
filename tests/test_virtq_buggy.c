// SPDX-License-Identifier: MIT
/* drivers/virtio/virtq.c linked with a broken re-link step
 * (tests/fakes/virtq_relink_buggy.c) instead of drivers/virtio/virtq_relink.c:
 * Kerla's bug (the reclaimed chain's tail pointing at descriptor 0) and two
 * relatives. Each case passes when the bug is CAUGHT: by the re-link
 * post-condition and virtq_check() in debug builds, by virtq_check() alone,
 * and, with every debug check off, by the always-on allocation guard before
 * an in-flight descriptor is overwritten. The simulated device's own checks
 * are shown to work by a driver that scribbles on an in-flight descriptor. */
#include <abi/errno.h>
#include <drivers/virtio.h>
#include <kernel/compiler.h>

#include <string.h>

#include "fakes/virtq_relink_buggy.h"
#include "fakes/virtq_sim.h"
#include "harness.h"

HARNESS("test_virtq_buggy");

static const char *const bug_names[] = {"correct", "kerla (tail -> 0)", "head re-linked",
                                        "tail left stale"};

/* Runs the simulation with a bug; true when it was caught (not clean). */
static bool caught(int bug, unsigned num, bool debug_checks, bool check_every_step,
                   struct sim_result *res)
{
    struct sim_config cfg = {
        .num = num,
        .align = VIRTQ_LEGACY_ALIGN,
        .event_idx = num & 16,
        .debug_checks = debug_checks,
        .check_every_step = check_every_step,
        .steps = 200000,
        .seed = harness_rand(),
    };

    relink_bug = bug;
    bool clean = sim_run(&cfg, res);
    relink_bug = RELINK_CORRECT;
    printf("  %-18s num %4u %-22s: %s at step %lu: %s%s\n", bug_names[bug], num,
           debug_checks       ? "debug checks"
           : check_every_step ? "virtq_check only"
                              : "no debug checks",
           clean ? "NOT caught" : "caught", res->fail_step,
           res->fault ? virtq_fault_str(res->fault) : "", res->error);
    return !clean;
}

/* The control: the same harness with the correct copy finds nothing. */
static void test_control_correct_relink(void)
{
    struct sim_result res;

    CHECK(!caught(RELINK_CORRECT, 16, true, true, &res));
    CHECK(!caught(RELINK_CORRECT, 256, true, true, &res));
    CHECK(!caught(RELINK_CORRECT, 64, false, false, &res));
}

/* Debug builds: the first reap that goes wrong faults with the re-link
 * post-condition (tail -> previous free head), before any damage. */
static void test_debug_checks_catch(void)
{
    struct sim_result res;

    for (int bug = RELINK_KERLA; bug <= RELINK_STALE; bug++) {
        for (unsigned num = 8; num <= 1024; num *= 8) {
            CHECK(caught(bug, num, true, false, &res));
            CHECK_EQ(res.fault, VIRTQ_FAULT_RELINK);
            CHECK(res.error[0] == '\0'); /* before the models saw anything */
        }
    }
}

/* virtq_check() on its own (no post-condition): the ownership invariants
 * break at the same reap. */
static void test_checker_catches(void)
{
    struct sim_result res;

    for (int bug = RELINK_KERLA; bug <= RELINK_STALE; bug++) {
        for (unsigned num = 8; num <= 1024; num *= 8) {
            CHECK(caught(bug, num, false, true, &res));
            CHECK(res.fault != VIRTQ_OK && res.fault != VIRTQ_FAULT_RELINK &&
                  res.fault != VIRTQ_FAULT_ALLOC);
            CHECK(res.error[0] == '\0');
        }
    }
}

/* Production (no debug checks): the allocation guard refuses to hand out a
 * descriptor that is in flight (or missing) and kills the queue instead; the
 * device never sees a corrupted chain. */
static void test_guard_catches_without_debug(void)
{
    struct sim_result res;

    for (int bug = RELINK_KERLA; bug <= RELINK_STALE; bug++) {
        for (unsigned num = 8; num <= 1024; num *= 8) {
            CHECK(caught(bug, num, false, false, &res));
            CHECK_EQ(res.fault, VIRTQ_FAULT_ALLOC);
            CHECK(res.error[0] == '\0');
        }
    }
}

/* Kerla's story step by step: two-descriptor requests (header + data),
 * completed out of order; the bug would hand descriptors 0 and 1 out again
 * while request A still owns them. */
static void test_kerla_replay(void)
{
    struct virtq q;
    struct virtq_desc_state st[8];
    struct virtq_layout l;
    void *ring;
    int a, b, c;
    struct virtq_buf req[2] = {{0x10000, 12, false}, {0x20000, 1514, false}};

    CHECK(virtq_layout(8, VIRTQ_LEGACY_ALIGN, &l) == 0);
    CHECK(posix_memalign(&ring, 4096, l.size) == 0);
    CHECK(virtq_init(&q, 8, VIRTQ_LEGACY_ALIGN, ring, (uintptr_t)ring, st, false) == 0);
    relink_bug = RELINK_KERLA;

    CHECK_EQ(virtq_add_chain(&q, req, 2, &a), 0); /* A: 0 1 */
    CHECK_EQ(virtq_add_chain(&q, req, 2, &b), 2); /* B: 2 3 */
    /* B completes first; its tail 3 should point at the free head 4 but
     * points at 0: the free list is now 2 3 0 1, with 0 1 in flight. */
    q.used->ring[0].id = 2;
    __atomic_store_n(&q.used->idx, 1, __ATOMIC_RELEASE);
    CHECK(virtq_get_used(&q, NULL) == &b);
    CHECK_EQ(st[3].next, 0);
    CHECK_EQ(virtq_add_chain(&q, req, 2, &c), 2); /* C: 2 3, legitimately */
    /* D would get 0 and 1: A's. The guard stops it and the queue dies. */
    struct vring_desc before[2] = {q.desc[0], q.desc[1]};
    CHECK_EQ(virtq_add_chain(&q, req, 2, &c), -EIO);
    CHECK_EQ(q.fault, VIRTQ_FAULT_ALLOC);
    CHECK(memcmp(before, q.desc, sizeof(before)) == 0); /* A's untouched */
    relink_bug = RELINK_CORRECT;
    free(ring);
}

/* The device model catches a driver that changes a chain the device holds
 * (what Kerla's bug does to the device), with the correct re-link. */
static void test_device_model_catches_overwrite(void)
{
    struct sim_config cfg = {
        .num = 64,
        .align = VIRTQ_MODERN_ALIGN,
        .debug_checks = true,
        .check_every_step = true,
        .steps = 200000,
        .seed = harness_rand(),
        .sabotage_step = 5000,
    };
    struct sim_result res;

    CHECK(!sim_run(&cfg, &res));
    printf("  device model: step %lu: %s\n", res.fail_step, res.error);
    CHECK_EQ(res.fault, VIRTQ_OK);
    CHECK(strstr(res.error, "changed while in flight") != NULL);
}

int main(void)
{
    harness_seed(0xb0661e5);
    RUN(test_control_correct_relink);
    RUN(test_debug_checks_catch);
    RUN(test_checker_catches);
    RUN(test_guard_catches_without_debug);
    RUN(test_kerla_replay);
    RUN(test_device_model_catches_overwrite);
    HARNESS_EXIT();
}
