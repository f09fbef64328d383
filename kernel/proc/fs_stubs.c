/* TEMPORARY: weak stand-ins until fs/vfs provides these (then deleted). */
#include <kernel/proc_fs.h>
#include <kernel/types.h>

__attribute__((weak)) struct fs_context *fs_context_clone(struct fs_context *fs)
{
    return fs;
}

__attribute__((weak)) void fs_context_put(struct fs_context *fs)
{
    (void)fs;
}

__attribute__((weak)) struct fd_table *fd_table_clone(struct fd_table *t)
{
    return t;
}

__attribute__((weak)) void fd_table_put(struct fd_table *t)
{
    (void)t;
}

__attribute__((weak)) void fd_table_close_on_exec(struct fd_table *t)
{
    (void)t;
}
