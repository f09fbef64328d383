// SPDX-License-Identifier: MIT
/* The advisory lock table of one inode: range arithmetic, conflicts,
 * setting and clearing record locks with merging and splitting, flock
 * locks, release by owner, and deadlock detection over sleeping requests.
 * Pure list work: the caller serialises and allocates (include/fs/filelock.h). */
#include <abi/errno.h>
#include <fs/filelock.h>
#include <kernel/kmalloc.h>

int lock_range(s64 base, s64 l_start, s64 l_len, s64 *start, s64 *end)
{
    s64 s;

    /* base is 0, a position or a size: never negative. */
    if (base < 0) {
        return -EINVAL;
    }
    if (l_start > LOCK_EOF - base) {
        return -EOVERFLOW;
    }
    s = base + l_start;
    if (s < 0) {
        return -EINVAL;
    }
    if (l_len > 0) {
        if (l_len - 1 > LOCK_EOF - s) {
            return -EOVERFLOW;
        }
        *start = s;
        *end = s + (l_len - 1);
    } else if (l_len < 0) {
        /* [s + l_len, s - 1]; s >= 0, so the sum cannot wrap. */
        if (s + l_len < 0) {
            return -EINVAL;
        }
        *start = s + l_len;
        *end = s - 1;
    } else {
        *start = s;
        *end = LOCK_EOF;
    }
    return 0;
}

void lock_ctx_init(struct lock_ctx *c)
{
    list_init(&c->records);
    list_init(&c->flocks);
    c->pins = 0;
}

bool lock_ctx_empty(const struct lock_ctx *c)
{
    return list_empty(&c->records) && list_empty(&c->flocks);
}

int lock_spares_fill(struct lock_spares *s, unsigned n)
{
    for (unsigned i = 0; i < n && i < LOCK_SPARES; i++) {
        if (!s->rec[i]) {
            s->rec[i] = kzalloc(sizeof(struct file_lock));
            if (!s->rec[i]) {
                return -ENOLCK;
            }
        }
    }
    return 0;
}

void lock_spares_free(struct lock_spares *s)
{
    for (unsigned i = 0; i < LOCK_SPARES; i++) {
        kfree(s->rec[i]);
        s->rec[i] = NULL;
    }
}

static unsigned spares_count(const struct lock_spares *s)
{
    unsigned n = 0;

    for (unsigned i = 0; i < LOCK_SPARES; i++) {
        n += s->rec[i] != NULL;
    }
    return n;
}

static struct file_lock *spare_take(struct lock_spares *s)
{
    for (unsigned i = 0; i < LOCK_SPARES; i++) {
        struct file_lock *l = s->rec[i];
        if (l) {
            s->rec[i] = NULL;
            return l;
        }
    }
    return NULL;
}

void lock_dispose(struct list_head *dispose)
{
    struct list_head *pos, *n;

    list_for_each_safe(pos, n, dispose)
    {
        list_del(pos);
        kfree(list_entry(pos, struct file_lock, link));
    }
}

static bool same_owner(const struct file_lock *a, const struct file_lock *b)
{
    return a->owner == b->owner && a->kind == b->kind;
}

static bool overlaps(const struct file_lock *l, s64 start, s64 end)
{
    return l->start <= end && start <= l->end;
}

/* Overlapping, or adjacent with no byte between them. */
static bool touches(const struct file_lock *l, s64 start, s64 end)
{
    return overlaps(l, start, end) || (l->end != LOCK_EOF && l->end + 1 == start) ||
           (end != LOCK_EOF && end + 1 == l->start);
}

static bool conflicts(const struct file_lock *held, const struct file_lock *req)
{
    if (req->type == F_UNLCK || same_owner(held, req) || !overlaps(held, req->start, req->end)) {
        return false;
    }
    return held->type == F_WRLCK || req->type == F_WRLCK;
}

const struct file_lock *lock_conflict(const struct lock_ctx *c, const struct file_lock *req)
{
    const struct list_head *list = req->kind == LK_FLOCK ? &c->flocks : &c->records;
    const struct list_head *pos;

    list_for_each(pos, list)
    {
        const struct file_lock *l = list_entry(pos, struct file_lock, link);
        if (conflicts(l, req)) {
            return l;
        }
    }
    return NULL;
}

/* Keeps records sorted by start. */
static void insert_record(struct lock_ctx *c, struct file_lock *l)
{
    struct list_head *pos;

    list_for_each(pos, &c->records)
    {
        if (list_entry(pos, struct file_lock, link)->start > l->start) {
            break;
        }
    }
    list_add_tail(&l->link, pos);
}

/* Records the change needs: one for the new lock, one more if an own lock
 * of another type strictly contains the range (it splits in two). An own
 * lock of the same type containing it is merged instead, and by the
 * invariant no same-type lock touching the range can reach past such a
 * container, so the original range decides. */
static unsigned records_needed(const struct lock_ctx *c, const struct file_lock *req)
{
    unsigned n = req->type != F_UNLCK;
    const struct list_head *pos;

    list_for_each(pos, &c->records)
    {
        const struct file_lock *l = list_entry(pos, struct file_lock, link);
        if (same_owner(l, req) && l->type != req->type && l->start < req->start &&
            l->end > req->end) {
            n++;
            break;
        }
    }
    return n;
}

int lock_set_record(struct lock_ctx *c, const struct file_lock *req, struct lock_spares *s,
                    struct list_head *dispose, bool *released)
{
    s64 start = req->start, end = req->end;
    struct list_head *pos, *n;

    if (lock_conflict(c, req)) {
        return -EAGAIN;
    }
    if (records_needed(c, req) > spares_count(s)) {
        return -ENOLCK;
    }
    /* First the owner's same-type locks touching the range merge into it. */
    if (req->type != F_UNLCK) {
        list_for_each_safe(pos, n, &c->records)
        {
            struct file_lock *l = list_entry(pos, struct file_lock, link);
            if (same_owner(l, req) && l->type == req->type && touches(l, req->start, req->end)) {
                start = MIN(start, l->start);
                end = MAX(end, l->end);
                list_del(&l->link);
                list_add_tail(&l->link, dispose);
            }
        }
    }
    /* Then its other locks give up [start, end]: what is left of each is
     * a piece before it, a piece after it, both (a split), or nothing. */
    list_for_each_safe(pos, n, &c->records)
    {
        struct file_lock *l = list_entry(pos, struct file_lock, link);
        if (!same_owner(l, req) || !overlaps(l, start, end)) {
            continue;
        }
        *released = true;
        if (l->start < start && l->end > end) {
            struct file_lock *after = spare_take(s);
            *after = *l;
            after->start = end + 1;
            l->end = start - 1;
            insert_record(c, after);
        } else if (l->start < start) {
            l->end = start - 1;
        } else if (l->end > end) {
            /* Its start moves up: re-sort it. */
            list_del(&l->link);
            l->start = end + 1;
            insert_record(c, l);
        } else {
            list_del(&l->link);
            list_add_tail(&l->link, dispose);
        }
    }
    if (req->type != F_UNLCK) {
        struct file_lock *l = spare_take(s);
        *l = *req;
        l->start = start;
        l->end = end;
        insert_record(c, l);
    }
    return 0;
}

int lock_set_flock(struct lock_ctx *c, const struct file_lock *req, struct lock_spares *s,
                   struct list_head *dispose, bool *released)
{
    struct list_head *pos;
    struct file_lock *l;

    list_for_each(pos, &c->flocks)
    {
        l = list_entry(pos, struct file_lock, link);
        if (!same_owner(l, req)) {
            continue;
        }
        if (l->type == req->type) {
            return 0;
        }
        list_del(&l->link);
        list_add_tail(&l->link, dispose);
        *released = true;
        break;
    }
    if (req->type == F_UNLCK) {
        return 0;
    }
    if (lock_conflict(c, req)) {
        return -EAGAIN;
    }
    l = spare_take(s);
    if (!l) {
        return -ENOLCK;
    }
    *l = *req;
    list_add_tail(&l->link, &c->flocks);
    return 0;
}

bool lock_remove_owner(struct lock_ctx *c, const void *owner, enum lock_kind kind,
                       struct list_head *dispose)
{
    struct list_head *list = kind == LK_FLOCK ? &c->flocks : &c->records;
    struct list_head *pos, *n;
    bool removed = false;

    list_for_each_safe(pos, n, list)
    {
        struct file_lock *l = list_entry(pos, struct file_lock, link);
        if (l->owner == owner && l->kind == kind) {
            list_del(&l->link);
            list_add_tail(&l->link, dispose);
            removed = true;
        }
    }
    return removed;
}

/* Breadth-first over the wait-for graph: an owner waits for every owner
 * holding a lock that conflicts with its sleeping request. The graph is
 * built from the current locks, so a sleeper whose way is already clear
 * (woken, not yet running) waits for nobody. Each waiter is queued at
 * most once per search (seen), so the search ends. */
bool lock_would_deadlock(struct list_head *waiters, const struct lock_ctx *c,
                         const struct file_lock *req)
{
    struct lock_waiter *queue = NULL, **tail = &queue;
    const struct file_lock *want = req;
    struct list_head *pos, *wpos;

    if (req->kind != LK_POSIX) {
        return false;
    }
    list_for_each(wpos, waiters)
    {
        list_entry(wpos, struct lock_waiter, link)->seen = false;
    }
    for (;;) {
        list_for_each(pos, &c->records)
        {
            const struct file_lock *l = list_entry(pos, struct file_lock, link);
            if (l->kind != LK_POSIX || !conflicts(l, want)) {
                continue;
            }
            if (l->owner == req->owner) {
                return true;
            }
            list_for_each(wpos, waiters)
            {
                struct lock_waiter *w = list_entry(wpos, struct lock_waiter, link);
                if (w->req.kind == LK_POSIX && w->req.owner == l->owner && !w->seen) {
                    w->seen = true;
                    w->next_visit = NULL;
                    *tail = w;
                    tail = &w->next_visit;
                }
            }
        }
        if (!queue) {
            return false;
        }
        c = queue->ctx;
        want = &queue->req;
        queue = queue->next_visit;
        if (!queue) {
            tail = &queue;
        }
    }
}
