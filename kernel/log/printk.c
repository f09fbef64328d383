// SPDX-License-Identifier: MIT
/* printk: formats a message, stamps it with the monotonic clock, appends it
 * to the log ring buffer and writes it to the console if its level passes. */
#include <drivers/serial.h>
#include <kernel/format.h>
#include <kernel/logbuf.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>

#include <kernel/log.h>

#define LOG_BUF_SIZE (64 * 1024)
#define LINE_MAX 512

static char log_storage[LOG_BUF_SIZE];
static struct logbuf log_ring = {log_storage, LOG_BUF_SIZE, 0};
static spinlock_t log_lock = SPINLOCK_INIT("printk");
static int console_level = LOG_INFO;
/* Set once a panic starts: output then bypasses the lock. */
static volatile bool log_oops_mode;
/* Set at the start of a line: the next message gets a timestamp. */
static bool at_line_start = true;

void log_set_console_level(int level)
{
    console_level = level;
}

int log_console_level(void)
{
    return console_level;
}

void log_enter_panic_mode(void)
{
    log_oops_mode = true;
    serial_panic_mode();
}

static void log_emit(int level, const char *msg, size_t len)
{
    char stamp[32];
    size_t stamp_len = 0;
    if (at_line_start) {
        u64 ns = clock_monotonic_ns();
        stamp_len = (size_t)ksnprintf(stamp, sizeof(stamp), "[%5llu.%06llu] ",
                                      (unsigned long long)(ns / 1000000000ull),
                                      (unsigned long long)(ns % 1000000000ull / 1000));
    }
    at_line_start = len > 0 && msg[len - 1] == '\n';
    logbuf_write(&log_ring, stamp, stamp_len);
    logbuf_write(&log_ring, msg, len);
    if (level <= console_level) {
        serial_write(stamp, stamp_len);
        serial_write(msg, len);
    }
}

void vprintk(int level, const char *fmt, va_list ap)
{
    char line[LINE_MAX];
    int n = kvsnprintf(line, sizeof(line), fmt, ap);
    size_t len = n < 0 ? 0 : (size_t)n;
    if (len >= sizeof(line)) {
        len = sizeof(line) - 1;
        line[len - 1] = '\n';
    }
    if (log_oops_mode) {
        log_emit(LOG_EMERG, line, len);
        return;
    }
    u64 flags = spin_lock_irqsave(&log_lock);
    log_emit(level, line, len);
    spin_unlock_irqrestore(&log_lock, flags);
}

void printk(int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintk(level, fmt, ap);
    va_end(ap);
}

size_t log_read(u64 *seq, char *out, size_t len)
{
    u64 flags = spin_lock_irqsave(&log_lock);
    size_t n = logbuf_read(&log_ring, seq, out, len);
    spin_unlock_irqrestore(&log_lock, flags);
    return n;
}
