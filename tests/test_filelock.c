// SPDX-License-Identifier: MIT
/* fs/vfs/filelock.c, the advisory lock table: struct flock ranges with
 * Linux's EINVAL/EOVERFLOW rules, record locks (merging, trimming,
 * splitting, all-or-nothing conflicts, owners of two kinds), flock locks
 * and their non-atomic conversion, release by owner, deadlock detection
 * over sleeping requests (a cycle of three owners), and a randomized
 * comparison against a byte-map model. kmalloc is faked here with malloc
 * and can be made to fail. */
#include <fs/filelock.h>
#include <kernel/kmalloc.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

HARNESS("test_filelock");

static bool fail_allocs;

void *kmalloc(size_t size)
{
    return fail_allocs || size == 0 ? NULL : malloc(size);
}

void *kzalloc(size_t size)
{
    void *p = kmalloc(size);
    if (p) {
        memset(p, 0, size);
    }
    return p;
}

void kfree(void *p)
{
    free(p);
}

/* Owners: stand-ins for descriptor tables and files. */
static char owner_a, owner_b, owner_c, owner_d;

static struct file_lock req(const void *owner, enum lock_kind kind, int type, s64 start, s64 end)
{
    struct file_lock l;
    memset(&l, 0, sizeof(l));
    l.owner = owner;
    l.kind = (u8)kind;
    l.type = (u8)type;
    l.pid = kind == LK_OFD ? -1 : 100;
    l.start = start;
    l.end = end;
    return l;
}

/* Sets a record lock with fresh spares; returns the table's answer. */
static int set(struct lock_ctx *c, const void *owner, enum lock_kind kind, int type, s64 start,
               s64 end)
{
    struct lock_spares s = {0};
    struct list_head dispose = LIST_HEAD_INIT(dispose);
    struct file_lock r = req(owner, kind, type, start, end);
    bool released = false;
    int err = lock_spares_fill(&s, LOCK_SPARES);

    if (err == 0) {
        err = lock_set_record(c, &r, &s, &dispose, &released);
    }
    lock_dispose(&dispose);
    lock_spares_free(&s);
    return err;
}

static int posix(struct lock_ctx *c, const void *owner, int type, s64 start, s64 end)
{
    return set(c, owner, LK_POSIX, type, start, end);
}

static int flock_set(struct lock_ctx *c, const void *owner, int type, bool *released)
{
    struct lock_spares s = {0};
    struct list_head dispose = LIST_HEAD_INIT(dispose);
    struct file_lock r = req(owner, LK_FLOCK, type, 0, LOCK_EOF);
    int err = lock_spares_fill(&s, 1);

    if (err == 0) {
        err = lock_set_flock(c, &r, &s, &dispose, released);
    }
    lock_dispose(&dispose);
    lock_spares_free(&s);
    return err;
}

static unsigned count(const struct list_head *list)
{
    unsigned n = 0;
    const struct list_head *pos;
    list_for_each(pos, list)
    {
        n++;
    }
    return n;
}

/* The i-th record (in list order), or NULL. */
static const struct file_lock *nth(const struct lock_ctx *c, unsigned i)
{
    const struct list_head *pos;
    list_for_each(pos, &c->records)
    {
        if (i-- == 0) {
            return list_entry(pos, struct file_lock, link);
        }
    }
    return NULL;
}

static bool is(const struct file_lock *l, const void *owner, int type, s64 start, s64 end)
{
    return l && l->owner == owner && l->type == type && l->start == start && l->end == end;
}

static void clear_all(struct lock_ctx *c)
{
    struct list_head dispose = LIST_HEAD_INIT(dispose);
    const void *owners[] = {&owner_a, &owner_b, &owner_c, &owner_d};
    for (unsigned i = 0; i < 4; i++) {
        lock_remove_owner(c, owners[i], LK_POSIX, &dispose);
        lock_remove_owner(c, owners[i], LK_OFD, &dispose);
        lock_remove_owner(c, owners[i], LK_FLOCK, &dispose);
    }
    lock_dispose(&dispose);
}

static void test_range(void)
{
    s64 s = -7, e = -7;

    CHECK_EQ(lock_range(0, 0, 0, &s, &e), 0);
    CHECK(s == 0 && e == LOCK_EOF);
    CHECK_EQ(lock_range(0, 5, 10, &s, &e), 0);
    CHECK(s == 5 && e == 14);
    /* Negative lengths cover the bytes before l_start. */
    CHECK_EQ(lock_range(0, 5, -5, &s, &e), 0);
    CHECK(s == 0 && e == 4);
    CHECK_EQ(lock_range(0, 5, -6, &s, &e), -EINVAL);
    CHECK_EQ(lock_range(0, 0, INT64_MIN, &s, &e), -EINVAL);
    CHECK_EQ(lock_range(0, INT64_MAX, INT64_MIN, &s, &e), -EINVAL);
    CHECK_EQ(lock_range(0, -1, 0, &s, &e), -EINVAL);
    /* The last byte can be locked; one past it overflows. */
    CHECK_EQ(lock_range(0, INT64_MAX, 1, &s, &e), 0);
    CHECK(s == INT64_MAX && e == INT64_MAX);
    CHECK_EQ(lock_range(0, INT64_MAX, 2, &s, &e), -EOVERFLOW);
    CHECK_EQ(lock_range(0, INT64_MAX - 1, 2, &s, &e), 0);
    CHECK_EQ(lock_range(0, 1, INT64_MAX, &s, &e), 0);
    CHECK(s == 1 && e == INT64_MAX);
    CHECK_EQ(lock_range(0, 2, INT64_MAX, &s, &e), -EOVERFLOW);
    CHECK_EQ(lock_range(0, 0, INT64_MAX, &s, &e), 0);
    CHECK(s == 0 && e == INT64_MAX - 1);
    /* SEEK_END/SEEK_CUR bases (here 10). */
    CHECK_EQ(lock_range(10, INT64_MAX, 0, &s, &e), -EOVERFLOW);
    CHECK_EQ(lock_range(10, INT64_MAX - 10, 0, &s, &e), 0);
    CHECK_EQ(lock_range(10, -10, 0, &s, &e), 0);
    CHECK(s == 0 && e == LOCK_EOF);
    CHECK_EQ(lock_range(10, -11, 0, &s, &e), -EINVAL);
    CHECK_EQ(lock_range(10, INT64_MIN, 0, &s, &e), -EINVAL);
    CHECK_EQ(lock_range(10, -4, -6, &s, &e), 0);
    CHECK(s == 0 && e == 5);
    CHECK_EQ(lock_range(10, -4, -7, &s, &e), -EINVAL);
    CHECK_EQ(lock_range(-1, 0, 0, &s, &e), -EINVAL);
}

static void test_merge(void)
{
    struct lock_ctx c;
    lock_ctx_init(&c);

    /* Same-type neighbours merge, overlapping or touching. */
    CHECK_EQ(posix(&c, &owner_a, F_RDLCK, 0, 9), 0);
    CHECK_EQ(posix(&c, &owner_a, F_RDLCK, 10, 19), 0);
    CHECK_EQ(count(&c.records), 1);
    CHECK(is(nth(&c, 0), &owner_a, F_RDLCK, 0, 19));
    CHECK_EQ(posix(&c, &owner_a, F_WRLCK, 30, 39), 0);
    CHECK_EQ(posix(&c, &owner_a, F_WRLCK, 20, 29), 0);
    /* Touching, but of different types: two locks. */
    CHECK_EQ(count(&c.records), 2);
    CHECK(is(nth(&c, 1), &owner_a, F_WRLCK, 20, 39));
    /* A lock bridging two same-type ones makes one. */
    CHECK_EQ(posix(&c, &owner_a, F_WRLCK, 50, 59), 0);
    CHECK_EQ(posix(&c, &owner_a, F_WRLCK, 35, 52), 0);
    CHECK_EQ(count(&c.records), 2);
    CHECK(is(nth(&c, 1), &owner_a, F_WRLCK, 20, 59));
    /* Relocking what is held changes nothing. */
    CHECK_EQ(posix(&c, &owner_a, F_WRLCK, 25, 30), 0);
    CHECK_EQ(count(&c.records), 2);
    CHECK(is(nth(&c, 1), &owner_a, F_WRLCK, 20, 59));
    /* To-EOF locks merge with what touches them. */
    CHECK_EQ(posix(&c, &owner_a, F_WRLCK, 60, LOCK_EOF), 0);
    CHECK(is(nth(&c, 1), &owner_a, F_WRLCK, 20, LOCK_EOF));
    /* Another owner's lock in between does not merge across owners. */
    CHECK_EQ(posix(&c, &owner_b, F_RDLCK, 0, 5), 0);
    CHECK_EQ(count(&c.records), 3);
    clear_all(&c);
    CHECK(lock_ctx_empty(&c));
}

static void test_split(void)
{
    struct lock_ctx c;
    lock_ctx_init(&c);

    CHECK_EQ(posix(&c, &owner_a, F_WRLCK, 0, 99), 0);
    /* A read lock in the middle splits the write lock in three. */
    CHECK_EQ(posix(&c, &owner_a, F_RDLCK, 40, 59), 0);
    CHECK_EQ(count(&c.records), 3);
    CHECK(is(nth(&c, 0), &owner_a, F_WRLCK, 0, 39));
    CHECK(is(nth(&c, 1), &owner_a, F_RDLCK, 40, 59));
    CHECK(is(nth(&c, 2), &owner_a, F_WRLCK, 60, 99));
    /* Unlocking a hole splits; unlocking across pieces trims them. */
    CHECK_EQ(posix(&c, &owner_a, F_UNLCK, 10, 19), 0);
    CHECK_EQ(count(&c.records), 4);
    CHECK(is(nth(&c, 0), &owner_a, F_WRLCK, 0, 9));
    CHECK(is(nth(&c, 1), &owner_a, F_WRLCK, 20, 39));
    CHECK_EQ(posix(&c, &owner_a, F_UNLCK, 30, 69), 0);
    CHECK_EQ(count(&c.records), 3);
    CHECK(is(nth(&c, 1), &owner_a, F_WRLCK, 20, 29));
    CHECK(is(nth(&c, 2), &owner_a, F_WRLCK, 70, 99));
    /* Upgrading the front of a lock moves the rest's start (still sorted). */
    CHECK_EQ(posix(&c, &owner_b, F_RDLCK, 200, 210), 0);
    CHECK_EQ(posix(&c, &owner_a, F_RDLCK, 70, 79), 0);
    CHECK(is(nth(&c, 2), &owner_a, F_RDLCK, 70, 79));
    CHECK(is(nth(&c, 3), &owner_a, F_WRLCK, 80, 99));
    CHECK(is(nth(&c, 4), &owner_b, F_RDLCK, 200, 210));
    /* Unlocking nothing, or someone else's range, is fine. */
    CHECK_EQ(posix(&c, &owner_a, F_UNLCK, 1000, LOCK_EOF), 0);
    CHECK_EQ(posix(&c, &owner_c, F_UNLCK, 0, LOCK_EOF), 0);
    CHECK_EQ(count(&c.records), 5);
    /* Unlock everything of a. */
    CHECK_EQ(posix(&c, &owner_a, F_UNLCK, 0, LOCK_EOF), 0);
    CHECK_EQ(count(&c.records), 1);
    CHECK(is(nth(&c, 0), &owner_b, F_RDLCK, 200, 210));
    clear_all(&c);
}

static void test_conflicts(void)
{
    struct lock_ctx c;
    lock_ctx_init(&c);

    CHECK_EQ(posix(&c, &owner_a, F_RDLCK, 0, 9), 0);
    CHECK_EQ(posix(&c, &owner_a, F_WRLCK, 20, 29), 0);
    CHECK_EQ(posix(&c, &owner_b, F_RDLCK, 5, 15), 0); /* readers share */
    /* b's write over 12..19 meets only its own read lock... */
    CHECK_EQ(posix(&c, &owner_b, F_WRLCK, 12, 19), 0);
    /* ...but over a's read lock it conflicts, and nothing changes. */
    CHECK_EQ(posix(&c, &owner_b, F_WRLCK, 0, 30), -EAGAIN);
    CHECK_EQ(count(&c.records), 4);

    /* The first conflict reported is the lowest. */
    struct file_lock q = req(&owner_c, LK_POSIX, F_WRLCK, 0, LOCK_EOF);
    const struct file_lock *l = lock_conflict(&c, &q);
    CHECK(is(l, &owner_a, F_RDLCK, 0, 9));
    q = req(&owner_c, LK_POSIX, F_RDLCK, 0, LOCK_EOF);
    l = lock_conflict(&c, &q);
    CHECK(is(l, &owner_b, F_WRLCK, 12, 19));
    q = req(&owner_c, LK_POSIX, F_RDLCK, 30, LOCK_EOF);
    CHECK(lock_conflict(&c, &q) == NULL);
    /* An owner never conflicts with itself; F_UNLCK with nobody. */
    q = req(&owner_a, LK_POSIX, F_WRLCK, 20, 29);
    CHECK(lock_conflict(&c, &q) == NULL);
    q = req(&owner_c, LK_OFD, F_UNLCK, 0, LOCK_EOF);
    CHECK(lock_conflict(&c, &q) == NULL);

    /* POSIX and OFD owners differ even behind the same pointer. */
    q = req(&owner_a, LK_OFD, F_WRLCK, 0, 0);
    l = lock_conflict(&c, &q);
    CHECK(is(l, &owner_a, F_RDLCK, 0, 9) && l->kind == LK_POSIX);
    CHECK_EQ(set(&c, &owner_a, LK_OFD, F_WRLCK, 100, 109), 0);
    q = req(&owner_a, LK_POSIX, F_RDLCK, 105, 105);
    l = lock_conflict(&c, &q);
    CHECK(l && l->kind == LK_OFD && l->pid == -1);
    CHECK_EQ(posix(&c, &owner_a, F_RDLCK, 105, 105), -EAGAIN);

    /* flock locks live apart: no conflict with records either way. */
    bool released = false;
    CHECK_EQ(flock_set(&c, &owner_b, F_WRLCK, &released), 0);
    q = req(&owner_c, LK_POSIX, F_WRLCK, 40, 50);
    CHECK(lock_conflict(&c, &q) == NULL);
    q = req(&owner_c, LK_FLOCK, F_RDLCK, 0, LOCK_EOF);
    CHECK(lock_conflict(&c, &q) != NULL);
    clear_all(&c);
    CHECK(lock_ctx_empty(&c));
}

static void test_flock(void)
{
    struct lock_ctx c;
    bool released = false;
    lock_ctx_init(&c);

    CHECK_EQ(flock_set(&c, &owner_a, F_RDLCK, &released), 0);
    CHECK_EQ(flock_set(&c, &owner_b, F_RDLCK, &released), 0);
    CHECK(!released);
    CHECK_EQ(count(&c.flocks), 2);
    /* Same type again: kept as is. */
    CHECK_EQ(flock_set(&c, &owner_a, F_RDLCK, &released), 0);
    CHECK(!released && count(&c.flocks) == 2);
    /* Conversion is not atomic: a's shared lock is gone after a failed
     * upgrade, so b can upgrade. */
    CHECK_EQ(flock_set(&c, &owner_a, F_WRLCK, &released), -EAGAIN);
    CHECK(released);
    CHECK_EQ(count(&c.flocks), 1);
    released = false;
    CHECK_EQ(flock_set(&c, &owner_b, F_WRLCK, &released), 0);
    CHECK(released); /* its own shared lock went first */
    CHECK_EQ(flock_set(&c, &owner_a, F_RDLCK, &released), -EAGAIN);
    /* Unlock; unlocking what is not held is fine and needs no record. */
    released = false;
    CHECK_EQ(flock_set(&c, &owner_b, F_UNLCK, &released), 0);
    CHECK(released && lock_ctx_empty(&c));
    struct lock_spares none = {0};
    struct list_head dispose = LIST_HEAD_INIT(dispose);
    struct file_lock r = req(&owner_b, LK_FLOCK, F_UNLCK, 0, LOCK_EOF);
    released = false;
    CHECK_EQ(lock_set_flock(&c, &r, &none, &dispose, &released), 0);
    CHECK(!released);
    /* Locking without a spare record is refused. */
    r.type = F_RDLCK;
    CHECK_EQ(lock_set_flock(&c, &r, &none, &dispose, &released), -ENOLCK);
    CHECK(lock_ctx_empty(&c));
}

static void test_release(void)
{
    struct lock_ctx c;
    struct list_head dispose = LIST_HEAD_INIT(dispose);
    bool released = false;
    lock_ctx_init(&c);

    CHECK_EQ(posix(&c, &owner_a, F_WRLCK, 0, 9), 0);
    CHECK_EQ(posix(&c, &owner_a, F_RDLCK, 20, 29), 0);
    CHECK_EQ(set(&c, &owner_a, LK_OFD, F_WRLCK, 40, 49), 0);
    CHECK_EQ(posix(&c, &owner_b, F_RDLCK, 20, 29), 0);
    CHECK_EQ(flock_set(&c, &owner_a, F_WRLCK, &released), 0);
    /* A close by owner a's process: its POSIX locks only. */
    CHECK(lock_remove_owner(&c, &owner_a, LK_POSIX, &dispose));
    CHECK_EQ(count(&dispose), 2);
    lock_dispose(&dispose);
    CHECK_EQ(count(&c.records), 2);
    CHECK(!lock_remove_owner(&c, &owner_a, LK_POSIX, &dispose));
    /* The last close of file a: its OFD and flock locks. */
    CHECK(lock_remove_owner(&c, &owner_a, LK_OFD, &dispose));
    CHECK(lock_remove_owner(&c, &owner_a, LK_FLOCK, &dispose));
    lock_dispose(&dispose);
    CHECK_EQ(count(&c.records), 1);
    CHECK(is(nth(&c, 0), &owner_b, F_RDLCK, 20, 29));
    CHECK(list_empty(&c.flocks));
    clear_all(&c);
}

static void test_spares(void)
{
    struct lock_ctx c;
    struct lock_spares s = {0};
    struct list_head dispose = LIST_HEAD_INIT(dispose);
    bool released = false;
    lock_ctx_init(&c);

    CHECK_EQ(posix(&c, &owner_a, F_WRLCK, 0, 99), 0);
    /* A split needs two records: with one, nothing changes. */
    CHECK_EQ(lock_spares_fill(&s, 1), 0);
    struct file_lock r = req(&owner_a, LK_POSIX, F_RDLCK, 10, 19);
    CHECK_EQ(lock_set_record(&c, &r, &s, &dispose, &released), -ENOLCK);
    CHECK(count(&c.records) == 1 && is(nth(&c, 0), &owner_a, F_WRLCK, 0, 99));
    /* Unlocking the middle needs one; the end, none. */
    r.type = F_UNLCK;
    CHECK_EQ(lock_set_record(&c, &r, &s, &dispose, &released), 0);
    CHECK_EQ(count(&c.records), 2);
    CHECK(s.rec[0] == NULL && s.rec[1] == NULL);
    r = req(&owner_a, LK_POSIX, F_UNLCK, 50, LOCK_EOF);
    CHECK_EQ(lock_set_record(&c, &r, &s, &dispose, &released), 0);
    CHECK(is(nth(&c, 1), &owner_a, F_WRLCK, 20, 49));
    /* Out of memory: no spares, an error for the caller. */
    fail_allocs = true;
    int err = lock_spares_fill(&s, 2);
    fail_allocs = false;
    CHECK_EQ(err, -ENOLCK);
    lock_spares_free(&s);
    lock_dispose(&dispose);
    clear_all(&c);
}

/* Three owners in a ring: a holds 0, b holds 1, c holds 2. */
static void test_deadlock(void)
{
    struct lock_ctx c, other;
    struct list_head waiters = LIST_HEAD_INIT(waiters);
    lock_ctx_init(&c);
    lock_ctx_init(&other);

    CHECK_EQ(posix(&c, &owner_a, F_WRLCK, 0, 0), 0);
    CHECK_EQ(posix(&c, &owner_b, F_WRLCK, 1, 1), 0);
    CHECK_EQ(posix(&other, &owner_c, F_WRLCK, 2, 2), 0);

    /* a waits for b's byte: no cycle yet. */
    struct lock_waiter wa = {.ctx = &c, .req = req(&owner_a, LK_POSIX, F_WRLCK, 1, 1)};
    CHECK(!lock_would_deadlock(&waiters, wa.ctx, &wa.req));
    list_add_tail(&wa.link, &waiters);
    /* b waits for c's byte (in another inode). */
    struct lock_waiter wb = {.ctx = &other, .req = req(&owner_b, LK_POSIX, F_RDLCK, 0, 5)};
    CHECK(!lock_would_deadlock(&waiters, wb.ctx, &wb.req));
    list_add_tail(&wb.link, &waiters);
    /* c asking for a's byte closes the ring; a byte nobody waits behind
     * does not, nor does d's request for a's byte. */
    struct file_lock rc = req(&owner_c, LK_POSIX, F_RDLCK, 0, 0);
    CHECK(lock_would_deadlock(&waiters, &c, &rc));
    rc = req(&owner_c, LK_POSIX, F_RDLCK, 1, 1);
    CHECK(lock_would_deadlock(&waiters, &c, &rc)); /* via b directly */
    rc = req(&owner_c, LK_POSIX, F_RDLCK, 5, 9);
    CHECK(!lock_would_deadlock(&waiters, &c, &rc));
    struct file_lock rd = req(&owner_d, LK_POSIX, F_WRLCK, 0, 0);
    CHECK(!lock_would_deadlock(&waiters, &c, &rd));
    /* OFD requests are never reported, and OFD sleepers are not followed. */
    rc = req(&owner_c, LK_OFD, F_RDLCK, 0, 0);
    CHECK(!lock_would_deadlock(&waiters, &c, &rc));
    wb.req.kind = LK_OFD;
    rc = req(&owner_c, LK_POSIX, F_RDLCK, 0, 0);
    CHECK(!lock_would_deadlock(&waiters, &c, &rc));
    wb.req.kind = LK_POSIX;
    /* Once b no longer holds byte 1, a waits for nobody: no cycle. */
    CHECK_EQ(posix(&c, &owner_b, F_UNLCK, 0, LOCK_EOF), 0);
    CHECK(!lock_would_deadlock(&waiters, &c, &rc));
    /* A sleeper waiting on a reader lock shared by two owners: either
     * one closing the ring counts. */
    CHECK_EQ(posix(&c, &owner_b, F_RDLCK, 1, 1), 0);
    CHECK_EQ(posix(&c, &owner_d, F_RDLCK, 1, 1), 0);
    wb.req = req(&owner_b, LK_POSIX, F_WRLCK, 2, 2);
    CHECK(lock_would_deadlock(&waiters, &c, &rc));
    /* A cycle among others (b and d wait on each other) that does not
     * lead back to the requester ends the search. */
    list_del(&wb.link);
    list_del(&wa.link);
    CHECK_EQ(posix(&c, &owner_b, F_WRLCK, 10, 10), 0);
    CHECK_EQ(posix(&c, &owner_d, F_WRLCK, 11, 11), 0);
    struct lock_waiter w1 = {.ctx = &c, .req = req(&owner_b, LK_POSIX, F_WRLCK, 11, 11)};
    struct lock_waiter w2 = {.ctx = &c, .req = req(&owner_d, LK_POSIX, F_WRLCK, 10, 10)};
    list_add_tail(&w1.link, &waiters);
    list_add_tail(&w2.link, &waiters);
    rc = req(&owner_c, LK_POSIX, F_WRLCK, 10, 11);
    CHECK(!lock_would_deadlock(&waiters, &c, &rc));
    clear_all(&c);
    clear_all(&other);
}

/* Randomized: every operation against a byte-map model for three owners
 * (one of them OFD), then the table's invariants. Ranges end before NB
 * or at EOF, so model byte NB stands for every byte from NB on. */
#define NB 48
static u8 model[3][NB + 1]; /* per owner: F_UNLCK, F_RDLCK or F_WRLCK per byte */

static bool model_conflict(int who, int type, int s, int e)
{
    if (type == F_UNLCK) {
        return false;
    }
    for (int o = 0; o < 3; o++) {
        for (int b = s; b <= e && o != who; b++) {
            if (model[o][b] != F_UNLCK && (model[o][b] == F_WRLCK || type == F_WRLCK)) {
                return true;
            }
        }
    }
    return false;
}

static void test_random(void)
{
    static const void *const owners[3] = {&owner_a, &owner_b, &owner_c};
    static const enum lock_kind kinds[3] = {LK_POSIX, LK_POSIX, LK_OFD};
    struct lock_ctx c;
    lock_ctx_init(&c);
    memset(model, F_UNLCK, sizeof(model));
    harness_seed(0x6c6f636bULL);

    for (int step = 0; step < 20000; step++) {
        int who = (int)(harness_rand() % 3);
        int type = (int)(harness_rand() % 3);
        int s = (int)(harness_rand() % NB);
        int e = s + (int)(harness_rand() % 8);
        if (e >= NB) {
            e = NB - 1;
        }
        bool to_eof = harness_rand() % 16 == 0;
        int r = set(&c, owners[who], kinds[who], type, s, to_eof ? LOCK_EOF : e);
        if (to_eof) {
            e = NB;
        }
        bool conflict = model_conflict(who, type, s, e);
        CHECK_EQ(r, conflict ? -EAGAIN : 0);
        if (!conflict) {
            for (int b = s; b <= e; b++) {
                model[who][b] = (u8)type;
            }
        }
        /* The table matches the model byte for byte, is sorted, and each
         * owner's locks neither overlap nor touch with the same type. */
        u8 seen[3][NB + 1];
        memset(seen, F_UNLCK, sizeof(seen));
        s64 prev_start = -1;
        const struct list_head *pos;
        list_for_each(pos, &c.records)
        {
            const struct file_lock *l = list_entry(pos, struct file_lock, link);
            CHECK(l->start >= prev_start && l->start <= l->end);
            prev_start = l->start;
            int o = l->owner == &owner_a ? 0 : l->owner == &owner_b ? 1 : 2;
            CHECK(l->kind == kinds[o]);
            CHECK(l->start <= NB && (l->end < NB || l->end == LOCK_EOF));
            for (s64 b = l->start; b <= l->end && b <= NB; b++) {
                CHECK(seen[o][b] == F_UNLCK);
                seen[o][b] = l->type;
            }
            const struct list_head *p2;
            list_for_each(p2, &c.records)
            {
                const struct file_lock *m = list_entry(p2, struct file_lock, link);
                if (m != l && m->owner == l->owner && m->type == l->type) {
                    CHECK(l->end == LOCK_EOF || l->end + 1 != m->start);
                }
            }
        }
        CHECK(memcmp(seen, model, sizeof(seen)) == 0);
    }
    clear_all(&c);
}

int main(void)
{
    RUN(test_range);
    RUN(test_merge);
    RUN(test_split);
    RUN(test_conflicts);
    RUN(test_flock);
    RUN(test_release);
    RUN(test_spares);
    RUN(test_deadlock);
    RUN(test_random);
    HARNESS_EXIT();
}
