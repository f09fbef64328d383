// SPDX-License-Identifier: MIT
/* Host fake of the current process for the VFS tests. */
#include <fs/fdtable.h>
#include <kernel/process.h>
#include <stdlib.h>

#include "fakes/vfs_fakes.h"

struct process *fake_current;

struct process *current_process(void)
{
    return fake_current;
}

struct process *fake_process_new(void)
{
    struct process *p = calloc(1, sizeof(*p));

    if (!p) {
        abort();
    }
    p->pid = 1;
    p->fs = fs_context_new_root();
    p->files = fd_table_new();
    if (!p->fs || !p->files) {
        abort();
    }
    fake_current = p;
    return p;
}

void fake_process_free(struct process *p)
{
    if (fake_current == p) {
        fake_current = NULL;
    }
    fd_table_put(p->files);
    fs_context_put(p->fs);
    free(p);
}
