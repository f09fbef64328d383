// SPDX-License-Identifier: MIT
/* "#!" interpreter lines. The rules below are what Linux does; each one is
 * pinned by tests/test_shebang.c (a table measured on Linux 6.18, every
 * position near the 256-byte limit, and headers exec'd on the host kernel
 * whose argv is compared with ours):
 *
 *  - Only the first SHEBANG_BUF_SIZE (256) bytes count; bytes past len read
 *    as NUL, as if the file were NUL-padded.
 *  - The line starts after "#!" and ends at the first '\n' or NUL. Byte 255
 *    never belongs to it: a line that reaches it is cut there, and its
 *    interpreter name must have ended by then (byte 255 itself may be the
 *    blank or NUL that ends it), else it may be truncated: -ENOEXEC.
 *  - Blanks are ' ' and '\t' only; '\r', '\v' etc. are ordinary bytes.
 *  - The interpreter is the first run of non-blanks. Everything after it
 *    and the blanks that follow is ONE argument, without its trailing
 *    blanks, except on a line ended by a NUL before byte 255: there the
 *    blanks stay, and a name followed only by blanks gets an empty one.
 *
 * Difference: Linux execs an empty interpreter name ("#!" or "#!  " at the
 * end of a file) and fails with EACCES; we return -ENOEXEC. Portable: also
 * built into the host unit tests. */
#include <abi/errno.h>
#include <kernel/compiler.h>
#include <kernel/exec.h>
#include <kernel/string.h>

/* The window's last byte: it can end a line or a name, never be in one. */
#define LAST_BYTE (SHEBANG_BUF_SIZE - 1)

/* The file's first bytes, read through byte_at(); pos >= len reads NUL. */
struct window {
    const char *bytes;
    size_t len;
};

enum line_stop {
    STOP_NEWLINE, /* a '\n', at byte 255 at the latest */
    STOP_NUL, /* a NUL before byte 255 */
    STOP_WINDOW, /* neither: the line was cut at byte 255 */
};

enum tok_state {
    BEFORE_NAME,
    IN_NAME,
    IN_GAP, /* the blanks after the name */
    IN_ARG,
};

static char byte_at(const struct window *w, size_t pos)
{
    return pos < w->len ? w->bytes[pos] : '\0';
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* The line occupies [2, returned end); *stop says what ended it. */
static size_t line_extent(const struct window *w, enum line_stop *stop)
{
    for (size_t pos = 2; pos < LAST_BYTE; pos++) {
        char c = byte_at(w, pos);

        if (c == '\n') {
            *stop = STOP_NEWLINE;
            return pos;
        }
        if (c == '\0') {
            *stop = STOP_NUL;
            return pos;
        }
    }
    *stop = byte_at(w, LAST_BYTE) == '\n' ? STOP_NEWLINE : STOP_WINDOW;
    return LAST_BYTE;
}

int shebang_parse(const char *buf, size_t len, struct shebang *out)
{
    struct window w = {buf, MIN(len, (size_t)SHEBANG_BUF_SIZE)};
    enum tok_state state = BEFORE_NAME;
    enum line_stop stop;
    size_t end;
    size_t name_at = 0, name_len = 0;
    size_t arg_at = 0, arg_solid_end = 0; /* just past the last non-blank */

    memset(out, 0, sizeof(*out));
    if (byte_at(&w, 0) != '#' || byte_at(&w, 1) != '!') {
        return -ENOEXEC;
    }
    end = line_extent(&w, &stop);

    for (size_t pos = 2; pos < end; pos++) {
        bool blank = is_blank(byte_at(&w, pos));

        switch (state) {
        case BEFORE_NAME:
            if (!blank) {
                name_at = pos;
                state = IN_NAME;
            }
            break;
        case IN_NAME:
            if (blank) {
                name_len = pos - name_at;
                state = IN_GAP;
            }
            break;
        case IN_GAP:
            if (!blank) {
                arg_at = pos;
                arg_solid_end = pos + 1;
                state = IN_ARG;
            }
            break;
        case IN_ARG:
            if (!blank) {
                arg_solid_end = pos + 1;
            }
            break;
        }
    }

    switch (state) {
    case BEFORE_NAME:
        return -ENOEXEC; /* nothing but blanks: no interpreter */
    case IN_NAME:
        name_len = end - name_at;
        if (stop == STOP_WINDOW) {
            char next = byte_at(&w, LAST_BYTE);

            if (next != '\0' && !is_blank(next)) {
                return -ENOEXEC; /* the name may go on past the window */
            }
        }
        break;
    case IN_GAP:
        if (stop == STOP_NUL) {
            out->has_arg = true; /* the argument starts at the NUL: empty */
        }
        break;
    case IN_ARG:
        out->has_arg = true;
        out->arg_len = (stop == STOP_NUL ? end : arg_solid_end) - arg_at;
        break;
    }

    /* The line holds no NUL, and every byte at or past len reads as NUL,
     * so both tokens lie inside buf[0, len). */
    memcpy(out->interp, buf + name_at, name_len);
    out->interp[name_len] = '\0';
    out->interp_len = name_len;
    if (out->has_arg) {
        memcpy(out->arg, buf + arg_at, out->arg_len);
        out->arg[out->arg_len] = '\0';
    }
    return 0;
}
