// SPDX-License-Identifier: MIT
/* The serial console: one tty on the 16550 (COM1), reached as /dev/ttyS0
 * (4,64), /dev/console (5,1: never a controlling tty, no job control, not
 * hung up) and /dev/tty (5,0: the caller's controlling tty, whichever it
 * is). The UART's interrupt hands received bytes to the line discipline;
 * when it is full they wait in the UART's ring until a read makes room. */
#include <abi/errno.h>
#include <abi/fcntl.h>
#include <drivers/serial.h>
#include <drivers/tty.h>
#include <fs/chrdev.h>
#include <fs/vfs.h>

static struct tty console_tty;

static size_t con_write(struct tty *t, const char *buf, size_t len)
{
    (void)t;
    serial_write_raw(buf, len);
    return len;
}

/* The UART driver queues (or drains synchronously): always room. */
static size_t con_write_room(struct tty *t)
{
    (void)t;
    return 1u << 20;
}

static size_t con_chars_in_buffer(struct tty *t)
{
    (void)t;
    return serial_tx_pending();
}

/* Moves received bytes into the line discipline while it has room. Any
 * context, the interrupt included. */
static void con_pull(struct tty *t)
{
    char buf[64];
    bool any = false;
    u64 flags = spin_lock_irqsave(&t->lock);
    for (;;) {
        size_t room = n_tty_receive_room(&t->ld);
        size_t n = serial_read_nonblock(buf, room < sizeof(buf) ? room : sizeof(buf));
        if (n == 0) {
            break;
        }
        n_tty_receive(&t->ld, buf, n);
        any = true;
    }
    spin_unlock_irqrestore(&t->lock, flags);
    if (any) {
        tty_input_done(t);
    }
}

static void con_rx(void)
{
    con_pull(&console_tty);
}

static const struct tty_driver_ops con_ops = {
    .write = con_write,
    .write_room = con_write_room,
    .chars_in_buffer = con_chars_in_buffer,
    .input_consumed = con_pull,
};

static int ttyS0_open(struct inode *inode, struct file *f)
{
    (void)inode;
    return tty_open_file(&console_tty, f, TTY_FILE_NORMAL, f->flags & O_NOCTTY);
}

static int console_open(struct inode *inode, struct file *f)
{
    (void)inode;
    return tty_open_file(&console_tty, f, TTY_FILE_CONSOLE, true);
}

static int devtty_open(struct inode *inode, struct file *f)
{
    struct tty *t = tty_current_ctty();

    (void)inode;
    if (!t) {
        return -ENXIO;
    }
    int err = tty_open_file(t, f, TTY_FILE_NORMAL, true);
    tty_put(t);
    return err;
}

#define TTY_FOPS(open_fn)                                                                          \
    {                                                                                              \
        .open = open_fn, .read = tty_read, .write = tty_write, .llseek = vfs_no_llseek,            \
        .ioctl = tty_file_ioctl, .poll = tty_poll, .release = tty_release,                         \
    }

static const struct file_ops ttyS0_fops = TTY_FOPS(ttyS0_open);
static const struct file_ops console_fops = TTY_FOPS(console_open);
static const struct file_ops devtty_fops = TTY_FOPS(devtty_open);

static const struct chrdev console_devs[] = {
    {"ttyS0", 4, 64, 0660, &ttyS0_fops},
    {"tty", 5, 0, 0666, &devtty_fops},
    {"console", 5, 1, 0600, &console_fops},
};

int tty_console_init(void)
{
    static bool done;
    struct ktermios t;

    if (!done) {
        done = true;
        n_tty_default_termios(&t);
        tty_init(&console_tty, &con_ops, &t, "ttyS0");
        console_tty.ws = (struct tty_winsize){24, 80, 0, 0};
        console_tty.hangup_on_exit = true;
        console_tty.dev = (4 << 8) | 64;
        serial_set_rx_handler(con_rx);
    }
    for (size_t i = 0; i < sizeof(console_devs) / sizeof(console_devs[0]); i++) {
        int err = chrdev_register(&console_devs[i]);
        if (err && err != -EEXIST) {
            return err;
        }
    }
    return 0;
}
