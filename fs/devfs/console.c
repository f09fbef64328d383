// SPDX-License-Identifier: MIT
/* The terminal devices of /dev: ttyS0, tty and console on the serial
 * console, and ptmx with the pty slaves and devpts. The TTY layer
 * (drivers/tty, include/drivers/tty.h) implements them. */
#include <abi/errno.h>
#include <drivers/tty.h>
#include <fs/devfs.h>

int devfs_console_init(void)
{
    int err = tty_console_init();

    if (!err) {
        err = pty_init();
    }
    return err;
}
