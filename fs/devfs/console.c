/* The serial console as /dev/console, /dev/tty and /dev/ttyS0, with a
 * minimal line discipline until the real TTY layer replaces this file:
 * termios is stored (TCGETS/TCSETS*) and honoured for ICRNL, ICANON
 * (line editing with erase, kill, ^D) and ECHO; ISIG characters only
 * discard the line (no signals yet). Output goes straight to the UART,
 * which turns "\n" into "\r\n". */
#include <drivers/serial.h>
#include <fs/chrdev.h>
#include <fs/devfs.h>
#include <fs/vfs.h>
#include <kernel/errno.h>
#include <kernel/poll.h>
#include <kernel/signal.h>
#include <kernel/process.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>

#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TCSBRK 0x5409
#define TCXONC 0x540a
#define TCFLSH 0x540b
#define TIOCSCTTY 0x540e
#define TIOCGPGRP 0x540f
#define TIOCSPGRP 0x5410
#define TIOCOUTQ 0x5411
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD 0x541b
#define TIOCNOTTY 0x5422
#define TIOCGSID 0x5429

/* termios bits (Linux values) */
#define ICRNL 0000400
#define IGNCR 0000200
#define INLCR 0000100
#define ISIG 0000001
#define ICANON 0000002
#define ECHO 0000010
#define ECHOE 0000020
#define ECHOK 0000040
#define VINTR 0
#define VQUIT 1
#define VERASE 2
#define VKILL 3
#define VEOF 4
#define VMIN 6
#define VSUSP 10
#define VWERASE 14
#define NCCS 19

#define LINE_MAX_LEN 1024
#define READY_MAX 4096

struct kernel_termios {
    u32 c_iflag, c_oflag, c_cflag, c_lflag;
    u8 c_line;
    u8 c_cc[NCCS];
};

struct winsize {
    u16 ws_row, ws_col, ws_xpixel, ws_ypixel;
};

static struct console {
    spinlock_t lock;
    struct kernel_termios t;
    struct winsize ws;
    int pgrp;
    char line[LINE_MAX_LEN]; /* the line being edited (canonical mode) */
    size_t line_len;
    char ready[READY_MAX]; /* bytes a read may return */
    size_t ready_len;
    u32 eofs; /* pending end-of-file marks (^D on an empty line) */
} con = {
    .lock = SPINLOCK_INIT("console"),
    .t =
        {
            .c_iflag = ICRNL | 0002000 /* IXON */,
            .c_oflag = 0000001 | 0000004 /* OPOST | ONLCR */,
            .c_cflag = 0000017 | 0000060 | 0000200 /* B38400 | CS8 | CREAD */,
            .c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | 0001000 | 0004000 | 0100000,
            .c_cc = {3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0},
        },
    .ws = {24, 80, 0, 0},
};

static void echo(const char *s, size_t n)
{
    if (con.t.c_lflag & ECHO) {
        serial_write(s, n);
    }
}

static void make_ready(const char *s, size_t n)
{
    n = MIN(n, READY_MAX - con.ready_len);
    memcpy(con.ready + con.ready_len, s, n);
    con.ready_len += n;
}

/* One input byte through the line discipline. Lock held. */
static void input_byte(char c)
{
    const u8 *cc = con.t.c_cc;

    if (c == '\r' && (con.t.c_iflag & IGNCR)) {
        return;
    }
    if (c == '\r' && (con.t.c_iflag & ICRNL)) {
        c = '\n';
    } else if (c == '\n' && (con.t.c_iflag & INLCR)) {
        c = '\r';
    }
    if (!(con.t.c_lflag & ICANON)) {
        make_ready(&c, 1);
        echo(&c, 1);
        return;
    }
    if ((con.t.c_lflag & ISIG) && c != 0 &&
        (c == (char)cc[VINTR] || c == (char)cc[VQUIT] || c == (char)cc[VSUSP])) {
        con.line_len = 0;
        echo("^C\n", 3);
        return;
    }
    if (c == (char)cc[VERASE] || c == '\b') {
        if (con.line_len > 0) {
            con.line_len--;
            if (con.t.c_lflag & ECHOE) {
                echo("\b \b", 3);
            }
        }
        return;
    }
    if (c == (char)cc[VKILL]) {
        while (con.line_len > 0) {
            con.line_len--;
            echo("\b \b", 3);
        }
        return;
    }
    if (c == (char)cc[VWERASE]) {
        while (con.line_len > 0 && con.line[con.line_len - 1] == ' ') {
            con.line_len--;
            echo("\b \b", 3);
        }
        while (con.line_len > 0 && con.line[con.line_len - 1] != ' ') {
            con.line_len--;
            echo("\b \b", 3);
        }
        return;
    }
    if (c == (char)cc[VEOF]) {
        if (con.line_len == 0) {
            con.eofs++;
        }
        make_ready(con.line, con.line_len);
        con.line_len = 0;
        return;
    }
    if (c == '\n') {
        if (con.line_len < LINE_MAX_LEN) {
            con.line[con.line_len++] = c;
        }
        echo(&c, 1);
        make_ready(con.line, con.line_len);
        con.line_len = 0;
        return;
    }
    if (con.line_len < LINE_MAX_LEN - 1) {
        con.line[con.line_len++] = c;
        echo(&c, 1);
    }
}

static void input(const char *buf, size_t n)
{
    u64 flags = spin_lock_irqsave(&con.lock);
    for (size_t i = 0; i < n; i++) {
        input_byte(buf[i]);
    }
    spin_unlock_irqrestore(&con.lock, flags);
}

/* Copies what a read may return: in canonical mode at most one line. */
static size_t take_ready(char *out, size_t len)
{
    size_t n = MIN(len, con.ready_len);

    if (con.t.c_lflag & ICANON) {
        for (size_t i = 0; i < n; i++) {
            if (con.ready[i] == '\n') {
                n = i + 1;
                break;
            }
        }
    }
    memcpy(out, con.ready, n);
    memmove(con.ready, con.ready + n, con.ready_len - n);
    con.ready_len -= n;
    return n;
}

static long console_read(struct file *f, struct iobuf *b, u64 *pos)
{
    char buf[256];

    (void)pos;
    if (iobuf_remaining(b) == 0) {
        return 0;
    }
    for (;;) {
        u64 flags = spin_lock_irqsave(&con.lock);
        size_t n = take_ready(buf, MIN(sizeof(buf), iobuf_remaining(b)));
        if (n == 0 && con.eofs > 0) {
            con.eofs--;
            spin_unlock_irqrestore(&con.lock, flags);
            return 0;
        }
        spin_unlock_irqrestore(&con.lock, flags);
        if (n > 0) {
            return iobuf_put(b, buf, n);
        }
        size_t got = (f->flags & O_NONBLOCK) ? serial_read_nonblock(buf, sizeof(buf))
                                             : serial_read(buf, sizeof(buf));
        if (got == 0) {
            return (f->flags & O_NONBLOCK) ? -EAGAIN : -ERESTARTSYS;
        }
        input(buf, got);
    }
}

static long console_write(struct file *f, struct iobuf *b, u64 *pos)
{
    char buf[256];
    long done = 0;

    (void)f;
    (void)pos;
    while (iobuf_remaining(b) > 0) {
        long r = iobuf_get(b, buf, MIN(iobuf_remaining(b), sizeof(buf)));
        if (r < 0) {
            return done ? done : r;
        }
        serial_write(buf, (size_t)r);
        done += r;
    }
    return done;
}

static u32 console_poll(struct file *f, struct poll_table *pt)
{
    char buf[64];
    poll_wait(pt, serial_rx_wait());
    size_t got = serial_read_nonblock(buf, sizeof(buf));
    u32 mask = POLLOUT;

    (void)f;
    if (got) {
        input(buf, got);
    }
    u64 flags = spin_lock_irqsave(&con.lock);
    if (con.ready_len > 0 || con.eofs > 0) {
        mask |= POLLIN;
    }
    spin_unlock_irqrestore(&con.lock, flags);
    return mask;
}

static long put_int(u64 arg, int v)
{
    return copy_to_user(uptr(arg), &v, sizeof(v));
}

static long console_ioctl(struct file *f, u32 cmd, u64 arg)
{
    struct kernel_termios t;
    struct process *p = current_process();
    long r;
    int v;

    (void)f;
    switch (cmd) {
    case TCGETS:
        return copy_to_user(uptr(arg), &con.t, sizeof(con.t));
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
        r = copy_from_user(&t, uptr(arg), sizeof(t));
        if (r == 0) {
            u64 flags = spin_lock_irqsave(&con.lock);
            /* Leaving canonical mode hands over the partial line. */
            if ((con.t.c_lflag & ICANON) && !(t.c_lflag & ICANON)) {
                make_ready(con.line, con.line_len);
                con.line_len = 0;
            }
            con.t = t;
            if (cmd == TCSETSF) {
                con.ready_len = 0;
                con.line_len = 0;
            }
            spin_unlock_irqrestore(&con.lock, flags);
        }
        return r;
    case TIOCGWINSZ:
        return copy_to_user(uptr(arg), &con.ws, sizeof(con.ws));
    case TIOCSWINSZ:
        return copy_from_user(&con.ws, uptr(arg), sizeof(con.ws));
    case TIOCGPGRP:
        return put_int(arg, con.pgrp ? con.pgrp : (p ? p->pgid : 0));
    case TIOCSPGRP:
        r = copy_from_user(&v, uptr(arg), sizeof(v));
        if (r == 0) {
            if (v < 0) {
                return -EINVAL;
            }
            con.pgrp = v;
        }
        return r;
    case TIOCGSID:
        return put_int(arg, p ? p->sid : 0);
    case FIONREAD:
        return put_int(arg, (int)con.ready_len);
    case TIOCOUTQ:
        return put_int(arg, 0);
    case TCFLSH: {
        u64 flags = spin_lock_irqsave(&con.lock);
        if (arg == 0 || arg == 2) {
            con.ready_len = 0;
            con.line_len = 0;
        }
        spin_unlock_irqrestore(&con.lock, flags);
        return 0;
    }
    case TIOCSCTTY:
    case TIOCNOTTY:
    case TCSBRK:
    case TCXONC:
        return 0;
    default:
        return -ENOTTY;
    }
}

static const struct file_ops console_fops = {
    .read = console_read,
    .write = console_write,
    .llseek = vfs_no_llseek,
    .ioctl = console_ioctl,
    .poll = console_poll,
};

static const struct chrdev console_devs[] = {
    {"ttyS0", TTY_MAJOR, 64, 0660, &console_fops},
    {"tty", TTYAUX_MAJOR, 0, 0666, &console_fops},
    {"console", TTYAUX_MAJOR, 1, 0600, &console_fops},
};

int devfs_console_init(void)
{
    for (u32 i = 0; i < sizeof(console_devs) / sizeof(console_devs[0]); i++) {
        int err = chrdev_register(&console_devs[i]);
        if (err && err != -EEXIST) {
            return err;
        }
    }
    return 0;
}
