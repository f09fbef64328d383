// SPDX-License-Identifier: MIT
/* The kernel log for user space: /dev/kmsg and syslog(2) (klogctl), both
 * over log_read. A /dev/kmsg reader keeps its own position and each read
 * returns the next chunk of log text (not one record per read, unlike
 * Linux); a write is logged as a message, with an optional "<N>" level. */
#include <abi/errno.h>
#include <fs/chrdev.h>
#include <fs/devfs.h>
#include <fs/vfs.h>
#include <kernel/kmalloc.h>
#include <kernel/ktimer.h>
#include <kernel/log.h>
#include <kernel/poll.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/wait.h>

#define KMSG_MINOR 11
#define LOG_BUFFER_SIZE (64 * 1024) /* kernel/log/printk.c's ring */
#define KMSG_CHUNK 1024
#define KMSG_POLL_NS (50 * NSEC_PER_MSEC)

/* syslog(2) actions */
#define SYSLOG_ACTION_CLOSE 0
#define SYSLOG_ACTION_OPEN 1
#define SYSLOG_ACTION_READ 2
#define SYSLOG_ACTION_READ_ALL 3
#define SYSLOG_ACTION_READ_CLEAR 4
#define SYSLOG_ACTION_CLEAR 5
#define SYSLOG_ACTION_CONSOLE_OFF 6
#define SYSLOG_ACTION_CONSOLE_ON 7
#define SYSLOG_ACTION_CONSOLE_LEVEL 8
#define SYSLOG_ACTION_SIZE_UNREAD 9
#define SYSLOG_ACTION_SIZE_BUFFER 10

static spinlock_t syslog_lock = SPINLOCK_INIT("syslog");
static u64 syslog_seq; /* where SYSLOG_ACTION_READ continues */
static u64 clear_seq; /* READ_ALL starts here (after a CLEAR) */
static int saved_console_level = -1;

/* The sequence number just past the newest byte of the log. */
static u64 log_head(void)
{
    char scratch[256];
    u64 seq = 0;

    while (log_read(&seq, scratch, sizeof(scratch)) > 0) {
    }
    return seq;
}

/* The oldest sequence number still held at or after seq. */
static u64 log_clamp(u64 seq)
{
    log_read(&seq, NULL, 0);
    return seq;
}

/* printk runs where waking is unsafe (any context, any lock held), so it
 * wakes nobody: while someone waits for new messages, a timer compares the
 * log head every KMSG_POLL_NS and wakes the waiters when it moved. */
static struct wait_queue kmsg_wq = WAIT_QUEUE_INIT(kmsg_wq);
static struct ktimer kmsg_timer;
static spinlock_t kmsg_timer_lock = SPINLOCK_INIT("kmsg_timer"); /* arming it */
static u64 kmsg_seen_head;

static void kmsg_timer_fn(struct ktimer *t)
{
    u64 head = log_head();
    if (head != kmsg_seen_head) {
        kmsg_seen_head = head;
        wake_up(&kmsg_wq);
    }
    if (!list_empty(&kmsg_wq.waiters)) {
        ktimer_arm(t, clock_monotonic_ns() + KMSG_POLL_NS);
    }
}

/* Called by a waiter after queueing itself: keeps the timer running. */
static void kmsg_watch(void)
{
    u64 flags = spin_lock_irqsave(&kmsg_timer_lock);
    if (!kmsg_timer.armed) {
        kmsg_seen_head = log_head();
        ktimer_arm(&kmsg_timer, clock_monotonic_ns() + KMSG_POLL_NS);
    }
    spin_unlock_irqrestore(&kmsg_timer_lock, flags);
}

/* wait_event_file check: new messages after seq (> 0), or keep waiting. */
static int kmsg_ready(u64 seq)
{
    kmsg_watch();
    return log_clamp(seq) < log_head();
}

static int kmsg_open(struct inode *inode, struct file *f)
{
    u64 *seq = kzalloc(sizeof(*seq));

    (void)inode;
    if (!seq) {
        return -ENOMEM;
    }
    f->private = seq;
    return 0;
}

static void kmsg_release(struct file *f)
{
    kfree(f->private);
}

static long kmsg_read(struct file *f, struct iobuf *b, u64 *pos)
{
    u64 *seq = f->private;
    char *buf;
    size_t n;
    long r;

    (void)pos;
    if (!seq || iobuf_remaining(b) == 0) {
        return 0;
    }
    buf = kmalloc(KMSG_CHUNK);
    if (!buf) {
        return -ENOMEM;
    }
    while ((n = log_read(seq, buf, MIN(iobuf_remaining(b), (size_t)KMSG_CHUNK))) == 0) {
        r = wait_event_file(kmsg_wq, f->flags & O_NONBLOCK, kmsg_ready(*seq));
        if (r < 0) {
            kfree(buf);
            return r;
        }
    }
    r = iobuf_put(b, buf, n);
    kfree(buf);
    return r;
}

static long kmsg_write(struct file *f, struct iobuf *b, u64 *pos)
{
    size_t len = MIN(iobuf_remaining(b), (size_t)KMSG_CHUNK - 1);
    char *buf = kmalloc(len + 1);
    int level = LOG_INFO;
    long r;

    (void)f;
    (void)pos;
    if (!buf) {
        return -ENOMEM;
    }
    r = iobuf_get(b, buf, len);
    if (r >= 0) {
        size_t n = (size_t)r, start = 0;
        if (n >= 3 && buf[0] == '<' && buf[1] >= '0' && buf[1] <= '7' && buf[2] == '>') {
            level = buf[1] - '0';
            start = 3;
        }
        while (n > start && buf[n - 1] == '\n') {
            n--;
        }
        buf[n] = '\0';
        printk(level, "%s\n", buf + start);
    }
    kfree(buf);
    return r;
}

static s64 kmsg_llseek(struct file *f, s64 off, int whence)
{
    u64 *seq = f->private;

    if (off != 0) {
        return -ESPIPE;
    }
    switch (whence) {
    case SEEK_SET:
        *seq = log_clamp(0);
        return 0;
    case SEEK_END:
        *seq = log_head();
        return 0;
    default:
        return -EINVAL;
    }
}

static u32 kmsg_poll(struct file *f, struct poll_table *pt)
{
    u64 *seq = f->private;
    u64 s = *seq;
    char c;

    if (pt) {
        poll_wait(pt, &kmsg_wq);
        kmsg_watch();
    }
    return POLLOUT | (log_read(&s, &c, 1) ? POLLIN : 0);
}

static const struct file_ops kmsg_fops = {
    .open = kmsg_open,
    .read = kmsg_read,
    .write = kmsg_write,
    .llseek = kmsg_llseek,
    .poll = kmsg_poll,
    .release = kmsg_release,
};

static const struct chrdev kmsg_dev = {"kmsg", MEM_MAJOR, KMSG_MINOR, 0644, &kmsg_fops};

int devfs_kmsg_init(void)
{
    ktimer_init(&kmsg_timer, kmsg_timer_fn);
    int err = chrdev_register(&kmsg_dev);
    return err == -EEXIST ? 0 : err;
}

/* Copies the log from *seq on (at most len bytes) to the user buffer,
 * advancing *seq; returns the bytes copied or -EFAULT. */
static long copy_log(u64 *seq, uptr_t ubuf, size_t len)
{
    char *buf = kmalloc(KMSG_CHUNK);
    size_t done = 0;

    if (!buf) {
        return -ENOMEM;
    }
    while (done < len) {
        size_t n = log_read(seq, buf, MIN(len - done, (size_t)KMSG_CHUNK));
        if (n == 0) {
            break;
        }
        if (copy_to_user(uptr_add(ubuf, done), buf, n) < 0) {
            kfree(buf);
            return -EFAULT;
        }
        done += n;
    }
    kfree(buf);
    return (long)done;
}

static long syslog_read_all(uptr_t ubuf, int len, bool clear)
{
    u64 head = log_head();
    u64 start = log_clamp(clear_seq);
    long r;

    /* The most recent len bytes, like Linux. */
    if (head - start > (u64)len) {
        start = head - (u64)len;
    }
    r = copy_log(&start, ubuf, (size_t)len);
    if (r >= 0 && clear) {
        clear_seq = head;
    }
    return r;
}

SYSCALL_DEFINE3(syslog, int, type, uptr_t, ubuf, int, len)
{
    u64 flags, seq;
    long r;

    if (type != SYSLOG_ACTION_READ_ALL && type != SYSLOG_ACTION_SIZE_BUFFER &&
        !vfs_cred_is_root()) {
        return -EPERM;
    }
    switch (type) {
    case SYSLOG_ACTION_CLOSE:
    case SYSLOG_ACTION_OPEN:
        return 0;
    case SYSLOG_ACTION_READ:
        if (uptr_is_null(ubuf) || len < 0) {
            return -EINVAL;
        }
        if (len == 0) {
            return 0;
        }
        flags = spin_lock_irqsave(&syslog_lock);
        seq = syslog_seq;
        spin_unlock_irqrestore(&syslog_lock, flags);
        r = wait_event_file(kmsg_wq, false, kmsg_ready(seq));
        if (r < 0) {
            return r;
        }
        seq = log_clamp(seq);
        r = copy_log(&seq, ubuf, (size_t)len);
        if (r > 0) {
            flags = spin_lock_irqsave(&syslog_lock);
            syslog_seq = seq;
            spin_unlock_irqrestore(&syslog_lock, flags);
        }
        return r;
    case SYSLOG_ACTION_READ_ALL:
    case SYSLOG_ACTION_READ_CLEAR:
        if (uptr_is_null(ubuf) || len < 0) {
            return -EINVAL;
        }
        return syslog_read_all(ubuf, len, type == SYSLOG_ACTION_READ_CLEAR);
    case SYSLOG_ACTION_CLEAR:
        clear_seq = log_head();
        return 0;
    case SYSLOG_ACTION_CONSOLE_OFF:
        if (saved_console_level < 0) {
            saved_console_level = log_console_level();
        }
        log_set_console_level(LOG_ALERT);
        return 0;
    case SYSLOG_ACTION_CONSOLE_ON:
        if (saved_console_level >= 0) {
            log_set_console_level(saved_console_level);
            saved_console_level = -1;
        }
        return 0;
    case SYSLOG_ACTION_CONSOLE_LEVEL:
        if (len < 1 || len > 8) {
            return -EINVAL;
        }
        log_set_console_level(len);
        saved_console_level = -1;
        return 0;
    case SYSLOG_ACTION_SIZE_UNREAD:
        return (long)(log_head() - log_clamp(syslog_seq));
    case SYSLOG_ACTION_SIZE_BUFFER:
        return LOG_BUFFER_SIZE;
    default:
        return -EINVAL;
    }
}
