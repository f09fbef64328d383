/* SPDX-License-Identifier: MIT */
/* Private to the N_TTY line discipline (drivers/tty/n_tty*.c): the flag and
 * character predicates its files share, output processing
 * (n_tty_output.c) and the line being edited (n_tty_edit.c). */
#ifndef DRIVERS_TTY_N_TTY_INTERNAL_H
#define DRIVERS_TTY_N_TTY_INTERNAL_H

#include <drivers/tty.h>

#define SLOT(i) ((i) & (N_TTY_BUF_SIZE - 1))
#define TAB_STOP 8

/* True if every flag of f is set. */
static inline bool lflag(const struct n_tty *ld, u32 f)
{
    return (ld->t.c_lflag & f) == f;
}

static inline bool iflag(const struct n_tty *ld, u32 f)
{
    return (ld->t.c_iflag & f) == f;
}

static inline bool oflag(const struct n_tty *ld, u32 f)
{
    return (ld->t.c_oflag & f) == f;
}

static inline u8 byte_at(const struct n_tty *ld, u32 i)
{
    return (u8)ld->buf[SLOT(i)];
}

static inline bool bit(const u8 *map, u32 i)
{
    return map[SLOT(i) / 8] & (1u << (i % 8));
}

static inline void set_bit(u8 *map, u32 i, bool on)
{
    u8 m = (u8)(1u << (i % 8));
    if (on) {
        map[SLOT(i) / 8] |= m;
    } else {
        map[SLOT(i) / 8] &= (u8)~m;
    }
}

/* The C0 controls and DEL. Bytes 0x80-0x9f are printable here: echoed as
 * themselves, one column each (so on Linux too, checked through a pty). */
static inline bool is_control(u8 c)
{
    return c < 0x20 || c == 0x7f;
}

/* With IUTF8, a UTF-8 continuation byte (10xxxxxx) belongs to the
 * character before it: it takes no column and is erased with it. */
static inline bool is_tail(const struct n_tty *ld, u8 c)
{
    return (ld->t.c_iflag & IUTF8) && (c & 0xc0) == 0x80;
}

/* ISO 8859-1 letter case, for IUCLC, OLCUC and word erase. Checked
 * against Linux through a pty: 0xc9 <-> 0xe9, 0xd7 and 0xf7 are not
 * letters, and upper-casing takes 0xdf to 0xbf and 0xff to 0xdf. */
static inline bool is_upper(u8 c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7);
}

static inline bool is_lower(u8 c)
{
    return (c >= 'a' && c <= 'z') || (c >= 0xdf && c != 0xf7);
}

/* ---- output processing (n_tty_output.c) ---- */

/* Sends s[0..n) to the device as it is, all or none; false if no room. */
bool n_tty_put_raw(struct n_tty *ld, const char *s, size_t n);
/* Sends c through output processing and moves the column; false if no room. */
bool n_tty_put(struct n_tty *ld, u8 c);

/* ---- the line being edited (n_tty_edit.c) ---- */

enum erase_kind { ERASE_CHAR, ERASE_WORD, ERASE_LINE };

/* Appends c to the line, recording the columns its echo takes. */
void n_tty_queue(struct n_tty *ld, u8 c);
/* Drops the last byte queued, with its columns. */
void n_tty_unqueue(struct n_tty *ld);
/* Echoes c as typed: "^X" for a control character with ECHOCTL. */
void n_tty_echo_typed(struct n_tty *ld, u8 c);
/* Closes an open ECHOPRT erase with its '/'. */
void n_tty_echoprt_close(struct n_tty *ld);
/* Erases a character, word or line by key, echoing it as the flags say. */
void n_tty_erase(struct n_tty *ld, enum erase_kind what, u8 key);
/* Echoes key, a newline, then the line being edited again (VREPRINT). */
void n_tty_reprint(struct n_tty *ld, u8 key);

#endif
