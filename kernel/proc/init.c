// SPDX-License-Identifier: MIT
/* The first process: pid 1, started from a kernel thread that turns
 * itself into a user process by exec'ing the init program. */
#include <abi/errno.h>
#include <arch/x86_64/fpu.h>
#include <arch/x86_64/trap.h>
#include <fs/fdtable.h>
#include <kernel/kmalloc.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/time.h>

#include "../exec/exec_internal.h"

/* init= from the command line, or NULL for the usual places. */
static const char *init_requested;

static const char *init_candidates[] = {"/init", "/sbin/init", "/etc/init", "/bin/init", "/bin/sh"};

static int init_thread(void *arg)
{
    struct process *p = arg;
    struct thread *t = current_thread();
    t->fpu = kmalloc(sizeof(*t->fpu));
    if (!t->fpu) {
        panic("out of memory starting init");
    }
    fpu_state_init(t->fpu);
    t->flags |= THREAD_DETACHED;
    t->process = p;
    p->thread = t;

    const char *path = NULL;
    const char *requested = init_requested;
    struct trap_frame frame;
    int r = -ENOENT;
    for (unsigned i = 0; i <= ARRAY_SIZE(init_candidates); i++) {
        path = i == 0 ? requested : init_candidates[i - 1];
        if (!path) {
            continue;
        }
        const char *argv[] = {path, NULL};
        const char *envp[] = {"HOME=/", "TERM=linux", "PATH=/sbin:/usr/sbin:/bin:/usr/bin", NULL};
        struct exec_ctx x;
        r = exec_ctx_from_kernel(&x, path, argv, envp);
        if (r == 0) {
            r = do_execve(&x, &frame);
        }
        exec_ctx_free(&x);
        if (r == 0) {
            break;
        }
        if (requested && path == requested) {
            panic("cannot run init program '%s' (error %d)", requested, r);
        }
    }
    if (r < 0) {
        panic("no init program found (tried /init, /sbin/init, /etc/init, /bin/init, /bin/sh)");
    }
    printk(LOG_INFO, "init: running %s as pid %d\n", path, p->pid);
    enter_user(&frame);
}

int process_start_init(const char *path)
{
    struct process *p = process_alloc();
    if (!p) {
        return -ENOMEM;
    }
    p->mm = NULL;
    p->fs = fs_context_new_root();
    p->files = fd_table_new();
    if (!p->fs || !p->files) {
        return -ENOMEM;
    }
    int r = fd_table_open_console(p->files);
    if (r < 0) {
        pr_warn("init: no console for fds 0-2 (%d)\n", r);
    }
    strlcpy(p->comm, "init", sizeof(p->comm));
    r = process_register(p, NULL);
    if (r != INIT_PID) {
        return r < 0 ? r : -EBUSY;
    }
    p->pgid = p->sid = INIT_PID;
    p->start_ns = clock_monotonic_ns();
    init_requested = path;
    struct thread *t = thread_create(init_thread, p, "init", 0);
    return t ? 0 : -ENOMEM;
}
