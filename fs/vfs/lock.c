// SPDX-License-Identifier: MIT
/* The global VFS lock: a sleeping, recursive mutex built on a wait queue.
 * See include/fs/vfs.h for what it protects and why it is recursive. */
#include <fs/vfs.h>
#include <kernel/compiler.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/wait.h>

static spinlock_t vfs_spin = SPINLOCK_INIT("vfs");
static struct wait_queue vfs_wq = WAIT_QUEUE_INIT(vfs_wq);
static struct thread *vfs_owner;
static u32 vfs_depth;

void vfs_lock(void)
{
    struct thread *me = current_thread();

    for (;;) {
        u64 flags = spin_lock_irqsave(&vfs_spin);
        if (vfs_depth == 0 || vfs_owner == me) {
            vfs_owner = me;
            vfs_depth++;
            spin_unlock_irqrestore(&vfs_spin, flags);
            return;
        }
        spin_unlock_irqrestore(&vfs_spin, flags);
        wait_event(vfs_wq, READ_ONCE(vfs_depth) == 0);
    }
}

void vfs_unlock(void)
{
    bool wake = false;
    u64 flags = spin_lock_irqsave(&vfs_spin);

    if (vfs_depth > 0 && --vfs_depth == 0) {
        vfs_owner = NULL;
        wake = true;
    }
    spin_unlock_irqrestore(&vfs_spin, flags);
    if (wake) {
        wake_up(&vfs_wq);
    }
}

bool vfs_lock_held(void)
{
    return vfs_depth > 0 && vfs_owner == current_thread();
}
