// SPDX-License-Identifier: MIT
/* N_TTY line editing: the line being typed, the columns its echo took, and
 * erasing it (ERASE, WERASE, KILL, ECHOPRT) or reprinting it. Part of the
 * line discipline in n_tty.c. */
#include <drivers/tty.h>

#include "n_tty_internal.h"

/* The screen model. When a byte is queued, the columns its echo takes are
 * recorded beside it (ld->widths) and ld->edit_col moves to where that
 * echo ends; a line's first byte starts at the cursor's column of the
 * moment, which a prompt may have left anywhere. A byte's width:
 *
 *   tab                               up to the next multiple of 8
 *   control character, ECHOCTL set    2 (echoed as "^X")
 *   control character, ECHOCTL clear  0 (echoed raw: no visible cell)
 *   UTF-8 continuation byte (IUTF8)   0 (its character took the cell)
 *   anything else                     1
 *
 * so erasing a character never works out where it started: it backs the
 * cursor over exactly the columns recorded for it. A tab's columns are
 * backed over with "\b" alone (they were skipped, never drawn); other
 * columns are blanked with "\b \b". The widths count what this line's
 * echo drew, not output a program wrote meanwhile (Linux does not count
 * it either).
 *
 * Erasing. Each key first decides where the line is cut, in whole
 * characters (IUTF8: a lead byte and its continuation bytes):
 *   ERASE   before the last character;
 *   WERASE  before the word that precedes any non-word characters at the
 *           end (word characters: '_' and the ISO 8859-1 letters and
 *           digits; a UTF-8 character counts by its lead byte);
 *   KILL    at the line's start.
 * Then the characters after the cut go one at a time, last first, each
 * shown as the flags say:
 *   ECHOPRT     the character itself, the first one after a '\'; the
 *               closing '/' comes before the next character echoed as
 *               typed, before the echo of ^V or ^R, or when the line
 *               becomes empty (a newline, EOL, EOF or ^C leaves it due);
 *   no ECHOE    (ERASE only) the ERASE character, e.g. "^?";
 *   otherwise   the cursor backs over its columns, as above.
 * KILL erases on the screen only with ECHOK, ECHOKE and ECHOE all set;
 * otherwise the whole line goes at once and the echo is the KILL
 * character, then a newline if ECHOK is set. Continuation bytes at the
 * very start of a line belong to no character: ERASE, WERASE and an
 * on-screen KILL stop at them. */

static u32 width_at(const struct n_tty *ld, u32 i)
{
    u32 slot = SLOT(i);
    return (ld->widths[slot / 2] >> (slot % 2 * 4)) & 0xf;
}

static void set_width(struct n_tty *ld, u32 i, u32 w)
{
    u32 slot = SLOT(i), shift = slot % 2 * 4;
    u8 *cell = &ld->widths[slot / 2];
    *cell = (u8)((*cell & ~(0xfu << shift)) | (w << shift));
}

/* Columns the echo of c takes when it starts at column col (at most 8). */
static u32 echo_width(const struct n_tty *ld, u8 c, u32 col)
{
    if (c == '\t') {
        return TAB_STOP - col % TAB_STOP;
    }
    if (is_tail(ld, c)) {
        return 0;
    }
    if (is_control(c)) {
        return lflag(ld, ECHOCTL) ? 2 : 0;
    }
    return 1;
}

static bool line_empty(const struct n_tty *ld)
{
    return ld->head == ld->canon_head;
}

/* The columns recorded for the bytes [start, end). */
static u32 cols_of(const struct n_tty *ld, u32 start, u32 end)
{
    u32 cols = 0;
    for (u32 i = start; i != end; i++) {
        cols += width_at(ld, i);
    }
    return cols;
}

void n_tty_queue(struct n_tty *ld, u8 c)
{
    if (ld->head - ld->tail >= N_TTY_BUF_SIZE) {
        return;
    }
    if (line_empty(ld)) {
        ld->edit_col = ld->column; /* a new line starts at the cursor */
    }
    u32 w = echo_width(ld, c, ld->edit_col);
    ld->buf[SLOT(ld->head)] = (char)c;
    set_width(ld, ld->head, w);
    set_bit(ld->eol, ld->head, false);
    set_bit(ld->eof, ld->head, false);
    ld->head++;
    ld->edit_col += w;
}

void n_tty_unqueue(struct n_tty *ld)
{
    ld->head--;
    ld->edit_col -= width_at(ld, ld->head);
}

void n_tty_echo_typed(struct n_tty *ld, u8 c)
{
    if (lflag(ld, ECHOCTL) && is_control(c) && c != '\t') {
        /* ^@ to ^_ for the C0 controls, ^? for DEL. The pair bypasses
         * output processing but still takes its two columns. */
        char pair[2] = {'^', (char)(c ^ 0x40)};
        if (n_tty_put_raw(ld, pair, 2)) {
            ld->column += 2;
        }
        return;
    }
    n_tty_put(ld, c);
}

void n_tty_echoprt_close(struct n_tty *ld)
{
    if (ld->prt_open) {
        n_tty_put(ld, '/');
        ld->prt_open = false;
    }
}

/* Backs the cursor over n columns a tab skipped (n <= 8). Sent raw, all
 * or none, with the column moved whether or not OPOST is set. */
static void back_over_tab(struct n_tty *ld, u32 n)
{
    static const char bs[TAB_STOP] = {'\b', '\b', '\b', '\b', '\b', '\b', '\b', '\b'};

    if (n_tty_put_raw(ld, bs, n)) {
        ld->column = ld->column > n ? ld->column - n : 0;
    }
}

/* The start of the character that ends at end: the byte leading the
 * continuation bytes before end. end itself if there is none (nothing
 * before end in the line, or only continuation bytes). */
static u32 char_before(const struct n_tty *ld, u32 end)
{
    for (u32 i = end; i != ld->canon_head;) {
        i--;
        if (!is_tail(ld, byte_at(ld, i))) {
            return i;
        }
    }
    return end;
}

static bool is_word(u8 c)
{
    return (c >= '0' && c <= '9') || c == '_' || is_upper(c) || is_lower(c);
}

/* Backs from end over the characters whose lead byte is (word) or is not
 * (!word) a word character; returns where that run starts. */
static u32 back_over_run(const struct n_tty *ld, u32 end, bool word)
{
    for (;;) {
        u32 start = char_before(ld, end);
        if (start == end || is_word(byte_at(ld, start)) != word) {
            return end;
        }
        end = start;
    }
}

/* Where the line is cut by what. */
static u32 cut_point(const struct n_tty *ld, enum erase_kind what)
{
    switch (what) {
    case ERASE_CHAR:
        return char_before(ld, ld->head);
    case ERASE_WORD:
        return back_over_run(ld, back_over_run(ld, ld->head, false), true);
    case ERASE_LINE:
        break;
    }
    u32 end = ld->head, start;
    while ((start = char_before(ld, end)) != end) {
        end = start;
    }
    return end;
}

/* Shows that the character [start, end) of cols columns is gone. */
static void show_erased(struct n_tty *ld, u32 start, u32 end, u32 cols, enum erase_kind what,
                        u8 key)
{
    u8 lead = byte_at(ld, start);

    if (lflag(ld, ECHOPRT)) {
        if (!ld->prt_open) {
            n_tty_put(ld, '\\');
            ld->prt_open = true;
        }
        n_tty_echo_typed(ld, lead);
        for (u32 i = start + 1; i != end; i++) {
            n_tty_put(ld, byte_at(ld, i));
        }
    } else if (what == ERASE_CHAR && !lflag(ld, ECHOE)) {
        n_tty_echo_typed(ld, key);
    } else if (lead == '\t') {
        back_over_tab(ld, cols);
    } else {
        for (u32 i = 0; i < cols; i++) {
            n_tty_put(ld, '\b');
            n_tty_put(ld, ' ');
            n_tty_put(ld, '\b');
        }
    }
}

void n_tty_erase(struct n_tty *ld, enum erase_kind what, u8 key)
{
    bool echo = lflag(ld, ECHO);

    if (line_empty(ld)) {
        return; /* nothing to erase, nothing shown */
    }
    if (what == ERASE_LINE && !(echo && lflag(ld, ECHOK | ECHOKE | ECHOE))) {
        ld->head = ld->canon_head;
        if (echo) {
            n_tty_echoprt_close(ld);
            n_tty_echo_typed(ld, key);
            if (lflag(ld, ECHOK)) {
                n_tty_put(ld, '\n');
            }
        }
        return;
    }
    u32 cut = cut_point(ld, what);
    while (ld->head != cut) {
        u32 start = char_before(ld, ld->head);
        u32 cols = cols_of(ld, start, ld->head);
        if (echo) {
            show_erased(ld, start, ld->head, cols, what, key);
        }
        ld->edit_col -= cols;
        ld->head = start;
    }
    if (echo && line_empty(ld)) {
        n_tty_echoprt_close(ld);
    }
}

void n_tty_reprint(struct n_tty *ld, u8 key)
{
    u32 old_start = ld->edit_col - cols_of(ld, ld->canon_head, ld->head);

    n_tty_echoprt_close(ld);
    n_tty_echo_typed(ld, key);
    n_tty_put(ld, '\n');
    /* The copy starts where the newline left the cursor, so its columns
     * are worked out afresh. Without OPOST that place is unknown, and the
     * line keeps its old start column (so does Linux's). */
    ld->edit_col = oflag(ld, OPOST) ? ld->column : old_start;
    for (u32 i = ld->canon_head; i != ld->head; i++) {
        u8 c = byte_at(ld, i);
        u32 w = echo_width(ld, c, ld->edit_col);
        set_width(ld, i, w);
        ld->edit_col += w;
        n_tty_echo_typed(ld, c);
    }
}
