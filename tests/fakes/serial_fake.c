// SPDX-License-Identifier: MIT
/* Host fake of the serial driver for the console tests (vfs_fakes.h):
 * output is collected, input is queued by the test. A blocking read with
 * nothing queued would never return, so it aborts. */
#include <drivers/serial.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakes/vfs_fakes.h"

char fake_serial_out[8192];
size_t fake_serial_out_len;
static char in_buf[4096];
static void (*rx_handler)(void);
static size_t in_len;

void fake_serial_input(const char *s, size_t len)
{
    if (in_len + len > sizeof(in_buf)) {
        abort();
    }
    memcpy(in_buf + in_len, s, len);
    in_len += len;
    if (rx_handler) {
        rx_handler(); /* as the UART's interrupt would */
    }
}

void serial_write(const char *s, size_t len)
{
    for (size_t i = 0; i < len && fake_serial_out_len < sizeof(fake_serial_out) - 1; i++) {
        fake_serial_out[fake_serial_out_len++] = s[i];
    }
    fake_serial_out[fake_serial_out_len] = '\0';
}

void serial_write_raw(const char *s, size_t len)
{
    serial_write(s, len);
}

size_t serial_tx_pending(void)
{
    return 0; /* collected at once */
}

void serial_set_rx_handler(void (*fn)(void))
{
    rx_handler = fn;
}

size_t serial_read_nonblock(char *buf, size_t len)
{
    size_t n = len < in_len ? len : in_len;
    memcpy(buf, in_buf, n);
    memmove(in_buf, in_buf + n, in_len - n);
    in_len -= n;
    return n;
}

size_t serial_read(char *buf, size_t len)
{
    if (in_len == 0) {
        fprintf(stderr, "serial_fake: blocking read with no input queued\n");
        abort();
    }
    return serial_read_nonblock(buf, len);
}

/* poll support: the console joins the serial receive queue. */
#include <kernel/poll.h>

static struct wait_queue fake_rx_wait;

struct wait_queue *serial_rx_wait(void)
{
    return &fake_rx_wait;
}

void poll_wait(struct poll_table *pt, struct wait_queue *wq)
{
    /* The host tests poll without sleeping: nothing to join. */
    (void)pt;
    (void)wq;
}
