// SPDX-License-Identifier: MIT
/* The N_TTY line discipline: what a terminal does with the bytes typed on
 * it and written to it, by the General Terminal Interface of POSIX (XBD
 * chapter 11) and the Linux termios(3) man page. Where POSIX leaves the
 * details open (the echo of erasing, ECHOCTL, ECHOPRT, ECHOKE, word
 * erase, IUTF8, Latin-1 case mapping), Kiln does what Linux does: every
 * such rule below was checked against Linux 6.18 through a pty, and
 * tests/test_tty_ldisc.c and userland/tests/t_tty.c pin them.
 *
 * The sections: input processing and the keys; settings; reads
 * (canonical lines, VMIN/VTIME). Output processing (OPOST) and the cursor
 * column are in n_tty_output.c; the line being edited, its echo and
 * erasing, in n_tty_edit.c.
 *
 * Portable: no locks and no sleeping. The caller serialises every call
 * (the TTY core holds tty->lock); output, signals and flushes go through
 * struct n_tty_ops. Echo is written to the device at once, and dropped
 * when the device has no room for it. */
#include <abi/errno.h>
#include <drivers/tty.h>
#include <kernel/signal.h>
#include <kernel/string.h>

#include "n_tty_internal.h"

#define VDISABLE 0 /* a c_cc entry of NUL is switched off (_POSIX_VDISABLE) */
#define DECISECOND_NS 100000000ull

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
    n_tty_queue(ld, c);
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
        n_tty_echoprt_close(ld); /* before the line's start column is taken */
    }
    if (c == 0xff && iflag(ld, PARMRK)) {
        n_tty_queue(ld, c); /* PARMRK: a real 0377 reads as two */
    }
    n_tty_queue(ld, c);
    if (echo) {
        if (as_newline) {
            n_tty_put(ld, '\n');
        } else {
            n_tty_echo_typed(ld, c);
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
            n_tty_echo_typed(ld, c); /* an open ECHOPRT '\' stays open */
        }
        return;
    }
}

static void editing_key(struct n_tty *ld, const struct key_rule *r, u8 c)
{
    bool echo = lflag(ld, ECHO);

    switch (r->key) {
    case KEY_ERASE:
        n_tty_erase(ld, ERASE_CHAR, c);
        return;
    case KEY_WERASE:
        n_tty_erase(ld, ERASE_WORD, c);
        return;
    case KEY_KILL:
        n_tty_erase(ld, ERASE_LINE, c);
        return;
    case KEY_LNEXT:
        ld->lnext = true;
        if (echo) {
            n_tty_echoprt_close(ld);
            if (lflag(ld, ECHOCTL)) {
                /* A '^' the quoted character's echo then covers. */
                n_tty_put(ld, '^');
                n_tty_put(ld, '\b');
            }
        }
        return;
    case KEY_REPRINT:
        n_tty_reprint(ld, c);
        return;
    case KEY_NEWLINE:
        if (echo || lflag(ld, ECHONL)) {
            n_tty_put(ld, '\n');
        }
        end_line(ld, c, false);
        return;
    case KEY_EOF:
        end_line(ld, VDISABLE, true); /* not echoed */
        return;
    case KEY_EOL:
        if (echo) {
            n_tty_echo_typed(ld, c);
        }
        if (c == 0xff && iflag(ld, PARMRK)) {
            n_tty_queue(ld, c);
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
        n_tty_unqueue(ld);
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
            n_tty_put_raw(ld, &c, 1);
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
