/* Block layer: placeholder until disks land. */
#include <drivers/block.h>
#include <fs/pseudo.h>

int block_proc_partitions(struct seq_buf *s, void *arg)
{
    (void)arg;
    return seq_buf_printf(s, "major minor  #blocks  name\n\n");
}

int block_proc_diskstats(struct seq_buf *s, void *arg)
{
    (void)s;
    (void)arg;
    return 0;
}
