// SPDX-License-Identifier: MIT
/* Host fake of the kernel log reader: log_read over a small logbuf the
 * test fills with fake_log_write (vfs_fakes.h), and the console level. */
#include <kernel/log.h>
#include <kernel/logbuf.h>

#include "fakes/vfs_fakes.h"

static char storage[1024];
static struct logbuf lb = {storage, sizeof(storage), 0};
static int console_level = 6;

void fake_log_write(const char *s, size_t len)
{
    logbuf_write(&lb, s, len);
}

size_t log_read(u64 *seq, char *out, size_t len)
{
    return logbuf_read(&lb, seq, out, len);
}

void log_set_console_level(int level)
{
    console_level = level;
}

int log_console_level(void)
{
    return console_level;
}
