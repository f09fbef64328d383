/* Network interfaces: placeholder until the frame interface lands. */
#include <fs/pseudo.h>
#include <net/netdev.h>

int netdev_proc_dev(struct seq_buf *s, void *arg)
{
    (void)arg;
    return seq_buf_printf(
        s, "Inter-|   Receive                                                |  Transmit\n"
           " face |bytes    packets errs drop fifo frame compressed multicast|"
           "bytes    packets errs drop fifo colls carrier compressed\n");
}
