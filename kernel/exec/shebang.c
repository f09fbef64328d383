// SPDX-License-Identifier: MIT
/* "#!" interpreter lines, parsed exactly like Linux 5.1+ binfmt_script:
 * only the first 256 bytes count (NUL-padded when the file is shorter), the
 * line ends at the first '\n' (a NUL before it ends the search too), spaces
 * and tabs separate, and everything after the interpreter name and the
 * following blanks is ONE argument with trailing blanks trimmed. '\r' and
 * other characters are ordinary. Without a '\n' in the buffer the name must
 * be followed by a blank or NUL there, else it may be truncated: -ENOEXEC;
 * an argument cut by the limit is fine (Linux drops its 256th byte too).
 *
 * Difference: Linux execs an empty interpreter name ("#!" or "#!  " at the
 * end of a file) and fails with EACCES; we return -ENOEXEC. Portable: also
 * built into the host unit tests. */
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/exec.h>
#include <kernel/string.h>

static bool spacetab(char c)
{
    return c == ' ' || c == '\t';
}

/* First index in [first, last] that is not a blank, or -1. */
static int next_non_spacetab(const char *b, int first, int last)
{
    for (; first <= last; first++) {
        if (!spacetab(b[first])) {
            return first;
        }
    }
    return -1;
}

/* First index in [first, last] holding a blank or NUL, or -1. */
static int next_terminator(const char *b, int first, int last)
{
    for (; first <= last; first++) {
        if (spacetab(b[first]) || b[first] == '\0') {
            return first;
        }
    }
    return -1;
}

/* Copies the NUL-terminated string at b[from] (it ends by SHEBANG_BUF_SIZE). */
static size_t copy_str(char *dst, const char *b, int from)
{
    size_t n = strnlen(b + from, SHEBANG_BUF_SIZE - from);

    memcpy(dst, b + from, n);
    dst[n] = '\0';
    return n;
}

int shebang_parse(const char *buf, size_t len, struct shebang *out)
{
    char b[SHEBANG_BUF_SIZE];
    const int buf_end = SHEBANG_BUF_SIZE - 1;
    int i_end = -1, i_name, i_sep, i_arg = -1;

    memset(out, 0, sizeof(*out));
    memset(b, 0, sizeof(b));
    memcpy(b, buf, MIN(len, sizeof(b)));
    if (b[0] != '#' || b[1] != '!') {
        return -ENOEXEC;
    }

    for (int i = 2; i < SHEBANG_BUF_SIZE && b[i] != '\0'; i++) {
        if (b[i] == '\n') {
            i_end = i;
            break;
        }
    }
    if (i_end < 0) {
        i_end = next_non_spacetab(b, 2, buf_end);
        if (i_end < 0) {
            return -ENOEXEC; /* only blanks */
        }
        if (next_terminator(b, i_end, buf_end) < 0) {
            return -ENOEXEC; /* interpreter name may be truncated */
        }
        i_end = buf_end;
    }
    /* b[1] is '!', so this stops at index 2 at the latest. */
    while (spacetab(b[i_end - 1])) {
        i_end--;
    }

    i_name = next_non_spacetab(b, 2, i_end);
    if (i_name < 0 || i_name == i_end) {
        return -ENOEXEC;
    }
    i_sep = next_terminator(b, i_name, i_end);
    if (i_sep >= 0 && b[i_sep] != '\0') {
        i_arg = next_non_spacetab(b, i_sep, i_end);
    }
    b[i_end] = '\0';
    if (i_arg >= 0) {
        b[i_sep] = '\0';
    }

    out->interp_len = copy_str(out->interp, b, i_name);
    if (out->interp_len == 0) {
        return -ENOEXEC;
    }
    if (i_arg >= 0) {
        out->has_arg = true;
        out->arg_len = copy_str(out->arg, b, i_arg);
    }
    return 0;
}
