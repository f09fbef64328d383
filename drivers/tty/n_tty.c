// SPDX-License-Identifier: MIT
/* The N_TTY line discipline: what a terminal does with the bytes typed on
 * it and written to it, by the General Terminal Interface of POSIX (XBD
 * chapter 11) and the Linux termios(3) man page. Where POSIX leaves the
 * details open (the echo of erasing, ECHOCTL, ECHOPRT, ECHOKE, word
 * erase, IUTF8, Latin-1 case mapping), Kiln does what Linux does: every
 * such rule below was checked against Linux 6.18 through a pty, and
 * tests/test_tty_ldisc.c and userland/tests/t_tty.c pin them.
 *
 * The sections: output processing (OPOST) and the cursor column; the
 * line being edited, its echo and erasing; input processing and the keys;
 * settings; reads (canonical lines, VMIN/VTIME).
 *
 * Portable: no locks and no sleeping. The caller serialises every call
 * (the TTY core holds tty->lock); output, signals and flushes go through
 * struct n_tty_ops. Echo is written to the device at once, and dropped
 * when the device has no room for it. */
#include <abi/errno.h>
#include <drivers/tty.h>
#include <kernel/signal.h>
#include <kernel/string.h>

#define SLOT(i) ((i) & (N_TTY_BUF_SIZE - 1))
#define VDISABLE 0 /* a c_cc entry of NUL is switched off (_POSIX_VDISABLE) */
#define TAB_STOP 8
#define DECISECOND_NS 100000000ull

/* True if every flag of f is set. */
static bool lflag(const struct n_tty *ld, u32 f)
{
    return (ld->t.c_lflag & f) == f;
}

static bool iflag(const struct n_tty *ld, u32 f)
{
    return (ld->t.c_iflag & f) == f;
}

static bool oflag(const struct n_tty *ld, u32 f)
{
    return (ld->t.c_oflag & f) == f;
}

static u8 byte_at(const struct n_tty *ld, u32 i)
{
    return (u8)ld->buf[SLOT(i)];
}

static bool bit(const u8 *map, u32 i)
{
    return map[SLOT(i) / 8] & (1u << (i % 8));
}

static void set_bit(u8 *map, u32 i, bool on)
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
static bool is_control(u8 c)
{
    return c < 0x20 || c == 0x7f;
}

/* With IUTF8, a UTF-8 continuation byte (10xxxxxx) belongs to the
 * character before it: it takes no column and is erased with it. */
static bool is_tail(const struct n_tty *ld, u8 c)
{
    return (ld->t.c_iflag & IUTF8) && (c & 0xc0) == 0x80;
}

/* ISO 8859-1 letter case, for IUCLC, OLCUC and word erase. Checked
 * against Linux through a pty: 0xc9 <-> 0xe9, 0xd7 and 0xf7 are not
 * letters, and upper-casing takes 0xdf to 0xbf and 0xff to 0xdf. */
static bool is_upper(u8 c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7);
}

static bool is_lower(u8 c)
{
    return (c >= 'a' && c <= 'z') || (c >= 0xdf && c != 0xf7);
}

static const u8 std_cc[NCCS] = {
    [VINTR] = 3,     [VQUIT] = 28,   [VERASE] = 127, [VKILL] = 21, [VEOF] = 4,
    [VMIN] = 1,      [VSTART] = 17,  [VSTOP] = 19,   [VSUSP] = 26, [VREPRINT] = 18,
    [VDISCARD] = 15, [VWERASE] = 23, [VLNEXT] = 22,
};

void n_tty_default_termios(struct ktermios *t)
{
    memset(t, 0, sizeof(*t));
    t->c_iflag = ICRNL | IXON;
    t->c_oflag = OPOST | ONLCR;
    t->c_cflag = B38400 | CS8 | CREAD | HUPCL;
    t->c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
    memcpy(t->c_cc, std_cc, NCCS);
    t->c_ispeed = t->c_ospeed = 38400;
}

/* ---- output processing ---- */

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

static bool put_raw(struct n_tty *ld, const char *s, size_t n)
{
    if (ld->ops->write_room(ld->ctx) < n) {
        return false;
    }
    ld->ops->write(ld->ctx, s, n);
    return true;
}

static bool put(struct n_tty *ld, u8 c)
{
    struct out_step st;

    if (!oflag(ld, OPOST)) {
        return put_raw(ld, (const char *)&c, 1);
    }
    plan(ld, c, &st);
    if (st.len > 0 && !put_raw(ld, st.bytes, st.len)) {
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
    while (done < len && put(ld, (u8)buf[done])) {
        done++;
    }
    return done;
}

/* ---- the line being edited ---- */

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

enum erase_kind { ERASE_CHAR, ERASE_WORD, ERASE_LINE };

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

static void queue(struct n_tty *ld, u8 c)
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

static void unqueue(struct n_tty *ld)
{
    ld->head--;
    ld->edit_col -= width_at(ld, ld->head);
}

static void echo_typed(struct n_tty *ld, u8 c)
{
    if (lflag(ld, ECHOCTL) && is_control(c) && c != '\t') {
        /* ^@ to ^_ for the C0 controls, ^? for DEL. The pair bypasses
         * output processing but still takes its two columns. */
        char pair[2] = {'^', (char)(c ^ 0x40)};
        if (put_raw(ld, pair, 2)) {
            ld->column += 2;
        }
        return;
    }
    put(ld, c);
}

static void echoprt_close(struct n_tty *ld)
{
    if (ld->prt_open) {
        put(ld, '/');
        ld->prt_open = false;
    }
}

/* Backs the cursor over n columns a tab skipped (n <= 8). Sent raw, all
 * or none, with the column moved whether or not OPOST is set. */
static void back_over_tab(struct n_tty *ld, u32 n)
{
    static const char bs[TAB_STOP] = {'\b', '\b', '\b', '\b', '\b', '\b', '\b', '\b'};

    if (put_raw(ld, bs, n)) {
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
            put(ld, '\\');
            ld->prt_open = true;
        }
        echo_typed(ld, lead);
        for (u32 i = start + 1; i != end; i++) {
            put(ld, byte_at(ld, i));
        }
    } else if (what == ERASE_CHAR && !lflag(ld, ECHOE)) {
        echo_typed(ld, key);
    } else if (lead == '\t') {
        back_over_tab(ld, cols);
    } else {
        for (u32 i = 0; i < cols; i++) {
            put(ld, '\b');
            put(ld, ' ');
            put(ld, '\b');
        }
    }
}

static void erase(struct n_tty *ld, enum erase_kind what, u8 key)
{
    bool echo = lflag(ld, ECHO);

    if (line_empty(ld)) {
        return; /* nothing to erase, nothing shown */
    }
    if (what == ERASE_LINE && !(echo && lflag(ld, ECHOK | ECHOKE | ECHOE))) {
        ld->head = ld->canon_head;
        if (echo) {
            echoprt_close(ld);
            echo_typed(ld, key);
            if (lflag(ld, ECHOK)) {
                put(ld, '\n');
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
        echoprt_close(ld);
    }
}

static void reprint(struct n_tty *ld, u8 key)
{
    u32 old_start = ld->edit_col - cols_of(ld, ld->canon_head, ld->head);

    echoprt_close(ld);
    echo_typed(ld, key);
    put(ld, '\n');
    /* The copy starts where the newline left the cursor, so its columns
     * are worked out afresh. Without OPOST that place is unknown, and the
     * line keeps its old start column (so does Linux's). */
    ld->edit_col = oflag(ld, OPOST) ? ld->column : old_start;
    for (u32 i = ld->canon_head; i != ld->head; i++) {
        u8 c = byte_at(ld, i);
        u32 w = echo_width(ld, c, ld->edit_col);
        set_width(ld, i, w);
        ld->edit_col += w;
        echo_typed(ld, c);
    }
}

/* ---- keys ---- */

/* A byte typed goes through three steps:
 *   1. ISTRIP, then IUCLC (with IEXTEN); after VLNEXT the byte is data,
 *      whatever it is;
 *   2. the byte as received is matched against the control keys: VSTART
 *      and VSTOP (IXON), VINTR, VQUIT and VSUSP (ISIG);
 *   3. otherwise output stopped by VSTOP restarts if IXANY is set, CR and
 *      NL are mapped (IGNCR, ICRNL, INLCR), and in canonical mode the
 *      mapped byte is matched against the editing keys.
 * What no key takes is data: echoed and queued. Each table lists its keys
 * in the order they are tried, with the flags each needs; a c_cc entry of
 * NUL is switched off, and NUL is never a key. */

enum key {
    KEY_START,
    KEY_STOP,
    KEY_SIGNAL,
    KEY_ERASE,
    KEY_WERASE,
    KEY_KILL,
    KEY_LNEXT,
    KEY_REPRINT,
    KEY_NEWLINE,
    KEY_EOF,
    KEY_EOL,
};

#define CC_NEWLINE NCCS /* not a c_cc index: the key is '\n' itself */

struct key_rule {
    u8 cc; /* c_cc index of the key's character, or CC_NEWLINE */
    u8 key;
    u8 sig; /* KEY_SIGNAL: what it sends */
    u32 iflags; /* all needed in c_iflag ... */
    u32 lflags; /* ... and in c_lflag for the key to count */
};

/* Step 2, on the byte as received. */
static const struct key_rule control_keys[] = {
    {VSTART, KEY_START, 0, IXON, 0},       {VSTOP, KEY_STOP, 0, IXON, 0},
    {VINTR, KEY_SIGNAL, SIGINT, 0, ISIG},  {VQUIT, KEY_SIGNAL, SIGQUIT, 0, ISIG},
    {VSUSP, KEY_SIGNAL, SIGTSTP, 0, ISIG},
};

/* Step 3, canonical mode, on the byte after CR/NL mapping. */
static const struct key_rule editing_keys[] = {
    {VERASE, KEY_ERASE, 0, 0, ICANON},
    {VKILL, KEY_KILL, 0, 0, ICANON},
    {VWERASE, KEY_WERASE, 0, 0, ICANON | IEXTEN},
    {VLNEXT, KEY_LNEXT, 0, 0, ICANON | IEXTEN},
    {VREPRINT, KEY_REPRINT, 0, 0, ICANON | IEXTEN | ECHO},
    {CC_NEWLINE, KEY_NEWLINE, 0, 0, ICANON},
    {VEOF, KEY_EOF, 0, 0, ICANON},
    {VEOL, KEY_EOL, 0, 0, ICANON},
    {VEOL2, KEY_EOL, 0, 0, ICANON | IEXTEN},
};

/* The first rule of the n in rules that c triggers, or NULL. */
static const struct key_rule *match_key(const struct n_tty *ld, const struct key_rule *rules,
                                        size_t n, u8 c)
{
    if (c == VDISABLE) {
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        const struct key_rule *r = &rules[i];
        u8 k = r->cc == CC_NEWLINE ? '\n' : ld->t.c_cc[r->cc];
        if (k == c && iflag(ld, r->iflags) && lflag(ld, r->lflags)) {
            return r;
        }
    }
    return NULL;
}

#define MATCH(ld, rules, c) match_key(ld, rules, sizeof(rules) / sizeof(rules[0]), c)

/* ---- input ---- */

static void start_output(struct n_tty *ld)
{
    if (ld->stopped && !ld->tco_stopped) {
        ld->stopped = false;
    }
}

/* IXANY: any byte that is not itself a control key restarts output. */
static void restart_on_input(struct n_tty *ld)
{
    if (iflag(ld, IXON | IXANY)) {
        start_output(ld);
    }
}

/* Ends a canonical line with c. VEOF ends it with a marker byte that is
 * never returned (eof bit), so a read at the start of a line gives 0. */
static void end_line(struct n_tty *ld, u8 c, bool is_eof)
{
    queue(ld, c);
    set_bit(ld->eol, ld->head - 1, true);
    set_bit(ld->eof, ld->head - 1, is_eof);
    ld->canon_head = ld->head;
}

/* Data: echoed (as_newline: a newline from ICRNL, in non-canonical mode,
 * echoes as a newline, not as "^J") and queued. */
static void take_data(struct n_tty *ld, u8 c, bool as_newline)
{
    bool echo = lflag(ld, ECHO);

    if (echo) {
        echoprt_close(ld); /* before the line's start column is taken */
    }
    if (c == 0xff && iflag(ld, PARMRK)) {
        queue(ld, c); /* PARMRK: a real 0377 reads as two */
    }
    queue(ld, c);
    if (echo) {
        if (as_newline) {
            put(ld, '\n');
        } else {
            echo_typed(ld, c);
        }
    }
}

static void control_key(struct n_tty *ld, const struct key_rule *r, u8 c)
{
    switch (r->key) {
    case KEY_START:
        start_output(ld);
        return;
    case KEY_STOP:
        ld->stopped = true;
        return;
    case KEY_SIGNAL:
        if (!lflag(ld, NOFLSH)) {
            n_tty_flush_input(ld);
            ld->ops->flush_output(ld->ctx);
        }
        ld->ops->signal(ld->ctx, r->sig);
        if (iflag(ld, IXON)) {
            start_output(ld);
        }
        if (lflag(ld, ECHO)) {
            echo_typed(ld, c); /* an open ECHOPRT '\' stays open */
        }
        return;
    }
}

static void editing_key(struct n_tty *ld, const struct key_rule *r, u8 c)
{
    bool echo = lflag(ld, ECHO);

    switch (r->key) {
    case KEY_ERASE:
        erase(ld, ERASE_CHAR, c);
        return;
    case KEY_WERASE:
        erase(ld, ERASE_WORD, c);
        return;
    case KEY_KILL:
        erase(ld, ERASE_LINE, c);
        return;
    case KEY_LNEXT:
        ld->lnext = true;
        if (echo) {
            echoprt_close(ld);
            if (lflag(ld, ECHOCTL)) {
                /* A '^' the quoted character's echo then covers. */
                put(ld, '^');
                put(ld, '\b');
            }
        }
        return;
    case KEY_REPRINT:
        reprint(ld, c);
        return;
    case KEY_NEWLINE:
        if (echo || lflag(ld, ECHONL)) {
            put(ld, '\n');
        }
        end_line(ld, c, false);
        return;
    case KEY_EOF:
        end_line(ld, VDISABLE, true); /* not echoed */
        return;
    case KEY_EOL:
        if (echo) {
            echo_typed(ld, c);
        }
        if (c == 0xff && iflag(ld, PARMRK)) {
            queue(ld, c);
        }
        end_line(ld, c, false);
        return;
    }
}

static void receive_byte(struct n_tty *ld, u8 c)
{
    const struct key_rule *r;
    bool from_cr = false;

    if (iflag(ld, ISTRIP)) {
        c &= 0x7f;
    }
    if (iflag(ld, IUCLC) && lflag(ld, IEXTEN) && is_upper(c)) {
        c += 'a' - 'A';
    }
    if (ld->lnext) {
        ld->lnext = false;
        restart_on_input(ld);
        take_data(ld, c, false);
        return;
    }
    r = MATCH(ld, control_keys, c);
    if (r) {
        control_key(ld, r, c);
        return;
    }
    restart_on_input(ld);
    if (c == '\r') {
        if (iflag(ld, IGNCR)) {
            return;
        }
        if (iflag(ld, ICRNL)) {
            c = '\n';
            from_cr = true;
        }
    } else if (c == '\n' && iflag(ld, INLCR)) {
        c = '\r';
    }
    r = MATCH(ld, editing_keys, c);
    if (r) {
        editing_key(ld, r, c);
        return;
    }
    take_data(ld, c, from_cr);
}

/* Whether a byte may come in: the ring keeps a slot free, except that an
 * unfinished canonical line filling it all gives up its last byte to each
 * new one, so ERASE and the newline still get through (a line holds at
 * most 4095 characters and its end, as on Linux). */
static bool make_room(struct n_tty *ld)
{
    u32 used = ld->head - ld->tail;

    if (used < N_TTY_BUF_SIZE - 1) {
        return true;
    }
    if (!lflag(ld, ICANON) || ld->canon_head != ld->tail) {
        return false;
    }
    if (used == N_TTY_BUF_SIZE) {
        unqueue(ld);
    }
    return true;
}

size_t n_tty_receive_room(const struct n_tty *ld)
{
    int room = N_TTY_BUF_SIZE - (int)(ld->head - ld->tail) - 1;

    if (room > 0) {
        return (size_t)room;
    }
    return lflag(ld, ICANON) && ld->canon_head == ld->tail ? 1 : 0;
}

size_t n_tty_receive(struct n_tty *ld, const char *buf, size_t len)
{
    size_t i;

    for (i = 0; i < len && make_room(ld); i++) {
        receive_byte(ld, (u8)buf[i]);
    }
    return i;
}

/* ---- settings ---- */

void n_tty_init(struct n_tty *ld, const struct ktermios *t, const struct n_tty_ops *ops, void *ctx)
{
    memset(ld, 0, sizeof(*ld));
    ld->t = *t;
    ld->ops = ops;
    ld->ctx = ctx;
}

void n_tty_set_termios(struct n_tty *ld, const struct ktermios *t)
{
    struct ktermios old = ld->t;

    ld->t = *t;
    if ((old.c_lflag ^ t->c_lflag) & ICANON) {
        memset(ld->eol, 0, sizeof(ld->eol));
        memset(ld->eof, 0, sizeof(ld->eof));
        if (!lflag(ld, ICANON) || ld->head == ld->tail) {
            ld->canon_head = ld->tail; /* lines become raw bytes */
        } else {
            /* What was typed raw becomes one line. */
            set_bit(ld->eol, ld->head - 1, true);
            ld->canon_head = ld->head;
        }
        ld->prt_open = false;
        ld->lnext = false;
    }
    if (!iflag(ld, IXON) && (old.c_iflag & IXON)) {
        start_output(ld);
    }
}

void n_tty_flush_input(struct n_tty *ld)
{
    ld->head = ld->tail = ld->canon_head = 0;
    memset(ld->eol, 0, sizeof(ld->eol));
    memset(ld->eof, 0, sizeof(ld->eof));
    ld->prt_open = false;
    ld->lnext = false;
}

int n_tty_flow(struct n_tty *ld, int action)
{
    char c;

    switch (action) {
    case TCOOFF:
        ld->tco_stopped = true;
        ld->stopped = true;
        return 0;
    case TCOON:
        if (ld->tco_stopped) {
            ld->tco_stopped = false;
            ld->stopped = false;
        }
        return 0;
    case TCIOFF:
    case TCION:
        c = (char)ld->t.c_cc[action == TCIOFF ? VSTOP : VSTART];
        if (c != VDISABLE) {
            put_raw(ld, &c, 1);
        }
        return 0;
    default:
        return -EINVAL;
    }
}

/* ---- reading ---- */

bool n_tty_input_available(const struct n_tty *ld, bool poll)
{
    u32 amt = 1;

    if (lflag(ld, ICANON)) {
        return ld->canon_head != ld->tail;
    }
    if (poll && ld->t.c_cc[VTIME] == 0 && ld->t.c_cc[VMIN] > 0) {
        amt = ld->t.c_cc[VMIN];
    }
    return ld->head - ld->tail >= amt;
}

u32 n_tty_inq(const struct n_tty *ld)
{
    if (!lflag(ld, ICANON)) {
        return ld->head - ld->tail;
    }
    u32 n = 0;
    for (u32 i = ld->tail; i != ld->canon_head; i++) {
        if (!(bit(ld->eol, i) && bit(ld->eof, i))) {
            n++;
        }
    }
    return n;
}

static void copy_out(struct n_tty *ld, struct n_tty_read *rd, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        rd->buf[rd->copied++] = ld->buf[SLOT(ld->tail + i)];
    }
}

/* Up to one line, scanning for its end only as far as the reader's room
 * reaches: a line longer than the buffer is read in parts. */
static void canon_copy(struct n_tty *ld, struct n_tty_read *rd)
{
    size_t avail = ld->canon_head - ld->tail;
    size_t n = rd->len - rd->copied < avail ? rd->len - rd->copied : avail;

    for (size_t i = 0; i < n; i++) {
        u32 pos = ld->tail + (u32)i;
        if (bit(ld->eol, pos)) {
            bool is_eof = bit(ld->eof, pos);
            copy_out(ld, rd, is_eof ? i : i + 1);
            set_bit(ld->eol, pos, false);
            set_bit(ld->eof, pos, false);
            ld->tail += (u32)i + 1;
            return;
        }
    }
    copy_out(ld, rd, n);
    ld->tail += (u32)n;
}

void n_tty_read_begin(struct n_tty *ld, struct n_tty_read *rd, char *buf, size_t len, u64 now)
{
    rd->buf = buf;
    rd->len = len;
    rd->copied = 0;
    rd->deadline = 0;
    if (!lflag(ld, ICANON) && ld->t.c_cc[VMIN] == 0 && ld->t.c_cc[VTIME] > 0) {
        rd->deadline = now + ld->t.c_cc[VTIME] * DECISECOND_NS;
    }
}

bool n_tty_read_step(struct n_tty *ld, struct n_tty_read *rd, u64 now, u64 *wait_ns)
{
    *wait_ns = N_TTY_WAIT_FOREVER;
    if (rd->copied == rd->len) {
        return true;
    }
    if (lflag(ld, ICANON)) {
        if (ld->canon_head == ld->tail) {
            return false;
        }
        canon_copy(ld, rd);
        return true;
    }

    size_t room = rd->len - rd->copied;
    size_t n = ld->head - ld->tail;
    if (n > room) {
        n = room;
    }
    copy_out(ld, rd, n);
    ld->tail += (u32)n;

    u32 min = ld->t.c_cc[VMIN];
    u64 time = ld->t.c_cc[VTIME] * DECISECOND_NS;
    if (min == 0) {
        /* TIME is a read timer started by the read (or no wait at all). */
        if (rd->copied > 0 || time == 0 || now >= rd->deadline) {
            return true;
        }
        *wait_ns = rd->deadline - now;
        return false;
    }
    if (rd->copied >= min || rd->copied == rd->len) {
        return true;
    }
    if (time == 0 || rd->copied == 0) {
        return false; /* MIN bytes, or the first byte, with no time limit */
    }
    /* An inter-byte timer, restarted by every byte that arrives. */
    if (n > 0) {
        rd->deadline = now + time;
    }
    if (now >= rd->deadline) {
        return true;
    }
    *wait_ns = rd->deadline - now;
    return false;
}
