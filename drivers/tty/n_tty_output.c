// SPDX-License-Identifier: MIT
/* N_TTY output processing (OPOST): what each byte written becomes on the
 * device, and the cursor column it leaves. Part of the line discipline in
 * n_tty.c. */
#include <drivers/tty.h>
#include <kernel/string.h>

#include "n_tty_internal.h"

/* With OPOST each byte is classified, and its class says what the device
 * gets and where the cursor column (ld->column) goes:
 *
 *   class    device gets                         column afterwards
 *   NEWLINE  "\r\n" with ONLCR, else "\n"        0 with ONLCR or ONLRET, else kept
 *   RETURN   nothing at column 0 with ONOCR;
 *            else "\n" with OCRNL, else "\r"     kept with OCRNL but no ONLRET, else 0
 *   TAB      spaces to the next tab stop if      the next multiple of 8
 *            TABDLY is XTABS (TAB3), else "\t"
 *   BACK     "\b"                                one less, but not below 0
 *   SILENT   the byte (other controls, and       kept
 *            IUTF8 continuation bytes)
 *   PRINT    the byte, with OLCUC in upper case  one more
 *
 * Without OPOST bytes go out as they are and the column stays. A byte
 * goes out whole or not at all: if the device cannot take all of what it
 * becomes, nothing is sent, the column stays, and the writer offers the
 * byte again later. */

enum out_class { OUT_PRINT, OUT_SILENT, OUT_NEWLINE, OUT_RETURN, OUT_TAB, OUT_BACK };

/* What one byte becomes: up to a tab stop's worth of bytes. */
struct out_step {
    char bytes[TAB_STOP];
    u32 len;
    u32 column;
};

static enum out_class classify(const struct n_tty *ld, u8 c)
{
    switch (c) {
    case '\n':
        return OUT_NEWLINE;
    case '\r':
        return OUT_RETURN;
    case '\t':
        return OUT_TAB;
    case '\b':
        return OUT_BACK;
    }
    if (is_control(c) || is_tail(ld, c)) {
        return OUT_SILENT;
    }
    return OUT_PRINT;
}

/* Works out c's step from the current column without sending anything. */
static void plan(const struct n_tty *ld, u8 c, struct out_step *st)
{
    u32 col = ld->column;

    st->len = 0;
    st->column = col;
    switch (classify(ld, c)) {
    case OUT_NEWLINE:
        if (oflag(ld, ONLCR)) {
            st->bytes[st->len++] = '\r';
        }
        st->bytes[st->len++] = '\n';
        if (oflag(ld, ONLCR) || oflag(ld, ONLRET)) {
            st->column = 0;
        }
        break;
    case OUT_RETURN:
        if (oflag(ld, ONOCR) && col == 0) {
            break; /* already at the start of the line: sends nothing */
        }
        if (oflag(ld, OCRNL)) {
            st->bytes[st->len++] = '\n';
            /* The newline returns the carriage only if ONLRET says so. */
            if (oflag(ld, ONLRET)) {
                st->column = 0;
            }
        } else {
            st->bytes[st->len++] = '\r';
            st->column = 0;
        }
        break;
    case OUT_TAB: {
        u32 cells = TAB_STOP - col % TAB_STOP;
        st->column = col + cells;
        if ((ld->t.c_oflag & TABDLY) == XTABS) {
            memset(st->bytes, ' ', cells);
            st->len = cells;
        } else {
            st->bytes[st->len++] = '\t';
        }
        break;
    }
    case OUT_BACK:
        st->bytes[st->len++] = '\b';
        st->column = col > 0 ? col - 1 : 0;
        break;
    case OUT_SILENT:
        st->bytes[st->len++] = (char)c;
        break;
    case OUT_PRINT:
        if (oflag(ld, OLCUC) && is_lower(c)) {
            c -= 'a' - 'A';
        }
        st->bytes[st->len++] = (char)c;
        st->column = col + 1;
        break;
    }
}

bool n_tty_put_raw(struct n_tty *ld, const char *s, size_t n)
{
    if (ld->ops->write_room(ld->ctx) < n) {
        return false;
    }
    ld->ops->write(ld->ctx, s, n);
    return true;
}

bool n_tty_put(struct n_tty *ld, u8 c)
{
    struct out_step st;

    if (!oflag(ld, OPOST)) {
        return n_tty_put_raw(ld, (const char *)&c, 1);
    }
    plan(ld, c, &st);
    if (st.len > 0 && !n_tty_put_raw(ld, st.bytes, st.len)) {
        return false;
    }
    ld->column = st.column;
    return true;
}

size_t n_tty_write(struct n_tty *ld, const char *buf, size_t len)
{
    size_t done = 0;

    if (ld->stopped) {
        return 0;
    }
    if (!oflag(ld, OPOST)) {
        size_t room = ld->ops->write_room(ld->ctx);
        return ld->ops->write(ld->ctx, buf, room < len ? room : len);
    }
    while (done < len && n_tty_put(ld, (u8)buf[done])) {
        done++;
    }
    return done;
}
