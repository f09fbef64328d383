// SPDX-License-Identifier: MIT
/* The N_TTY line discipline, after Linux's drivers/tty/n_tty.c: input
 * processing (ICRNL, ISTRIP, IXON, ISIG), canonical line editing (erase,
 * kill, word erase, literal next, reprint, EOF/EOL), echo (ECHOCTL,
 * ECHOE, ECHOK/ECHOKE, ECHONL, ECHOPRT, tab erase by column), output
 * processing (OPOST: ONLCR, OCRNL, ONOCR, ONLRET, XTABS, OLCUC) and the
 * read rules of canonical and VMIN/VTIME modes.
 *
 * Portable: no locks and no sleeping. The caller serialises every call
 * (the TTY core holds tty->lock); output, signals and flushes go through
 * struct n_tty_ops. Echo is written to the device at once; it is dropped
 * when the device has no room (Linux would hold it back). */
#include <drivers/tty.h>
#include <kernel/errno.h>
#include <kernel/signal.h>
#include <kernel/string.h>

#define MASK(i) ((i) & (N_TTY_BUF_SIZE - 1))
#define DECISECOND_NS 100000000ull
#define DISABLED_CHAR 0 /* _POSIX_VDISABLE: NUL is never special */

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

/* ---- small helpers ---- */

static bool bit(const u8 *map, u32 i)
{
    return map[i / 8] & (1u << (i % 8));
}

static void set_bit(u8 *map, u32 i, bool on)
{
    if (on) {
        map[i / 8] |= (u8)(1u << (i % 8));
    } else {
        map[i / 8] &= (u8) ~(1u << (i % 8));
    }
}

static bool is_cntrl(u8 c)
{
    return c < 32 || c == 127;
}

/* Linux's kernel ctype: ASCII letters and digits, Latin-1 letters. */
static bool is_alnum(u8 c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= 192 && c != 215 && c != 247);
}

static bool is_continuation(const struct n_tty *ld, u8 c)
{
    return (ld->t.c_iflag & IUTF8) && (c & 0xc0) == 0x80;
}

static u32 lflag(const struct n_tty *ld, u32 f)
{
    return ld->t.c_lflag & f;
}

static u32 iflag(const struct n_tty *ld, u32 f)
{
    return ld->t.c_iflag & f;
}

static u32 oflag(const struct n_tty *ld, u32 f)
{
    return ld->t.c_oflag & f;
}

static u8 cc(const struct n_tty *ld, int i)
{
    return ld->t.c_cc[i];
}

static u8 read_buf(const struct n_tty *ld, u32 i)
{
    return (u8)ld->buf[MASK(i)];
}

/* ---- output ---- */

/* All n bytes to the device, or none (false) when it has no room. */
static bool dev_put(struct n_tty *ld, const char *s, size_t n)
{
    if (ld->ops->write_room(ld->ctx) < n) {
        return false;
    }
    ld->ops->write(ld->ctx, s, n);
    return true;
}

/* One character through OPOST processing, tracking the column; false (and
 * no change) if the device has no room. */
static bool output_char(struct n_tty *ld, u8 c)
{
    char out[8];
    size_t n = 0;
    u32 col = ld->column, canon = ld->canon_column;

    if (!oflag(ld, OPOST)) {
        return dev_put(ld, (const char *)&c, 1);
    }
    switch (c) {
    case '\n':
        if (oflag(ld, ONLRET)) {
            col = 0;
        }
        if (oflag(ld, ONLCR)) {
            out[n++] = '\r';
            col = canon = 0;
        } else {
            canon = col;
        }
        out[n++] = '\n';
        break;
    case '\r':
        if (oflag(ld, ONOCR) && col == 0) {
            return true; /* swallowed */
        }
        if (oflag(ld, OCRNL)) {
            c = '\n';
            if (oflag(ld, ONLRET)) {
                col = canon = 0;
            }
        } else {
            col = canon = 0;
        }
        out[n++] = (char)c;
        break;
    case '\t': {
        u32 spaces = 8 - (col & 7);
        col += spaces;
        if (oflag(ld, TABDLY) == XTABS) {
            memset(out, ' ', spaces);
            n = spaces;
        } else {
            out[n++] = '\t';
        }
        break;
    }
    case '\b':
        if (col > 0) {
            col--;
        }
        out[n++] = '\b';
        break;
    default:
        if (!is_cntrl(c)) {
            if (oflag(ld, OLCUC) && c >= 'a' && c <= 'z') {
                c -= 32;
            }
            if (!is_continuation(ld, c)) {
                col++;
            }
        }
        out[n++] = (char)c;
        break;
    }
    if (!dev_put(ld, out, n)) {
        return false;
    }
    ld->column = col;
    ld->canon_column = canon;
    return true;
}

size_t n_tty_write(struct n_tty *ld, const char *buf, size_t len)
{
    size_t i = 0;

    if (ld->stopped) {
        return 0;
    }
    if (!oflag(ld, OPOST)) {
        size_t n = ld->ops->write_room(ld->ctx);
        return ld->ops->write(ld->ctx, buf, n < len ? n : len);
    }
    while (i < len && output_char(ld, (u8)buf[i])) {
        i++;
    }
    return i;
}

/* ---- echo ---- */

/* A byte echoed as itself (through OPOST). */
static void echo_raw(struct n_tty *ld, u8 c)
{
    output_char(ld, c);
}

/* A byte echoed as typed: control characters as ^X with ECHOCTL. */
static void echo_char(struct n_tty *ld, u8 c)
{
    if (lflag(ld, ECHOCTL) && is_cntrl(c) && c != '\t') {
        char s[2] = {'^', (char)(c ^ 0100)};
        if (dev_put(ld, s, 2)) {
            ld->column += 2;
        }
        return;
    }
    echo_raw(ld, c);
}

static void finish_erasing(struct n_tty *ld)
{
    if (ld->erasing) {
        echo_raw(ld, '/');
        ld->erasing = false;
    }
}

/* Records where the line being typed starts, for tab erase. */
static void set_canon_col(struct n_tty *ld)
{
    if (ld->canon_head == ld->head) {
        ld->canon_column = ld->column;
    }
}

/* Backs over a tab: how far depends on the columns of what precedes it
 * in the line (num_chars, from the line start or from a previous tab). */
static void echo_erase_tab(struct n_tty *ld, u32 num_chars, bool after_tab)
{
    if (!after_tab) {
        num_chars += ld->canon_column;
    }
    for (u32 bs = 8 - (num_chars & 7); bs > 0; bs--) {
        if (!dev_put(ld, "\b", 1)) {
            return;
        }
        if (ld->column > 0) {
            ld->column--;
        }
    }
}

/* ---- input ---- */

static void put_char(struct n_tty *ld, u8 c)
{
    if (ld->head - ld->tail >= N_TTY_BUF_SIZE) {
        return;
    }
    u32 i = MASK(ld->head);
    ld->buf[i] = (char)c;
    set_bit(ld->eol, i, false);
    set_bit(ld->eof, i, false);
    ld->head++;
}

/* Ends a canonical line with c (VEOF: kept as a marker, never returned). */
static void end_line(struct n_tty *ld, u8 c, bool is_eof)
{
    put_char(ld, c);
    set_bit(ld->eol, MASK(ld->head - 1), true);
    set_bit(ld->eof, MASK(ld->head - 1), is_eof);
    ld->canon_head = ld->head;
}

enum kill_type { ERASE, WERASE, KILL };

/* VERASE, VWERASE and VKILL on the line being edited. */
static void eraser(struct n_tty *ld, u8 c)
{
    enum kill_type kill_type;
    u32 seen_alnums = 0;

    if (ld->head == ld->canon_head) {
        return;
    }
    if (c == cc(ld, VERASE)) {
        kill_type = ERASE;
    } else if (c == cc(ld, VWERASE)) {
        kill_type = WERASE;
    } else {
        if (!lflag(ld, ECHO)) {
            ld->head = ld->canon_head;
            return;
        }
        if (!lflag(ld, ECHOK) || !lflag(ld, ECHOKE) || !lflag(ld, ECHOE)) {
            ld->head = ld->canon_head;
            finish_erasing(ld);
            echo_char(ld, cc(ld, VKILL));
            if (lflag(ld, ECHOK)) {
                echo_raw(ld, '\n');
            }
            return;
        }
        kill_type = KILL;
    }

    while (ld->head != ld->canon_head) {
        u32 head = ld->head;
        /* One character, possibly several UTF-8 bytes. */
        do {
            head--;
            c = read_buf(ld, head);
        } while (is_continuation(ld, c) && head != ld->canon_head);
        if (is_continuation(ld, c)) {
            break; /* never erase part of one */
        }
        if (kill_type == WERASE) {
            if (is_alnum(c) || c == '_') {
                seen_alnums++;
            } else if (seen_alnums) {
                break;
            }
        }
        ld->head = head;
        if (lflag(ld, ECHO)) {
            if (lflag(ld, ECHOPRT)) {
                if (!ld->erasing) {
                    echo_raw(ld, '\\');
                    ld->erasing = true;
                }
                echo_char(ld, c);
            } else if (kill_type == ERASE && !lflag(ld, ECHOE)) {
                echo_char(ld, cc(ld, VERASE));
            } else if (c == '\t') {
                u32 num_chars = 0;
                bool after_tab = false;
                for (u32 tail = ld->head; tail != ld->canon_head;) {
                    u8 p = read_buf(ld, --tail);
                    if (p == '\t') {
                        after_tab = true;
                        break;
                    } else if (is_cntrl(p)) {
                        if (lflag(ld, ECHOCTL)) {
                            num_chars += 2;
                        }
                    } else if (!is_continuation(ld, p)) {
                        num_chars++;
                    }
                }
                echo_erase_tab(ld, num_chars, after_tab);
            } else {
                /* "^X" takes two columns, a plain character one; a control
                 * character echoed raw took none. */
                if (is_cntrl(c) && lflag(ld, ECHOCTL)) {
                    echo_raw(ld, '\b');
                    echo_raw(ld, ' ');
                    echo_raw(ld, '\b');
                }
                if (!is_cntrl(c) || lflag(ld, ECHOCTL)) {
                    echo_raw(ld, '\b');
                    echo_raw(ld, ' ');
                    echo_raw(ld, '\b');
                }
            }
        }
        if (kill_type == ERASE) {
            break;
        }
    }
    if (ld->head == ld->canon_head && lflag(ld, ECHO)) {
        finish_erasing(ld);
    }
}

static void start_output(struct n_tty *ld)
{
    if (ld->stopped && !ld->tco_stopped) {
        ld->stopped = false;
    }
}

static void receive_signal_char(struct n_tty *ld, int sig, u8 c)
{
    if (!lflag(ld, NOFLSH)) {
        n_tty_flush_input(ld);
        ld->ops->flush_output(ld->ctx);
    }
    ld->ops->signal(ld->ctx, sig);
    if (iflag(ld, IXON)) {
        start_output(ld);
    }
    if (lflag(ld, ECHO)) {
        echo_char(ld, c);
    }
}

/* An ordinary character: echoed and queued. */
static void receive_plain(struct n_tty *ld, u8 c)
{
    if (ld->stopped && !ld->tco_stopped && iflag(ld, IXON) && iflag(ld, IXANY)) {
        start_output(ld);
    }
    if (lflag(ld, ECHO)) {
        finish_erasing(ld);
        set_canon_col(ld);
        echo_char(ld, c);
    }
    if (c == 0377 && iflag(ld, PARMRK)) {
        put_char(ld, c);
    }
    put_char(ld, c);
}

/* Canonical-mode special characters; false if c is not one. */
static bool receive_canon(struct n_tty *ld, u8 c)
{
    bool iexten = lflag(ld, IEXTEN);

    if (c == cc(ld, VERASE) || c == cc(ld, VKILL) || (c == cc(ld, VWERASE) && iexten)) {
        eraser(ld, c);
        return true;
    }
    if (c == cc(ld, VLNEXT) && iexten) {
        ld->lnext = true;
        if (lflag(ld, ECHO)) {
            finish_erasing(ld);
            if (lflag(ld, ECHOCTL)) {
                echo_raw(ld, '^');
                echo_raw(ld, '\b');
            }
        }
        return true;
    }
    if (c == cc(ld, VREPRINT) && lflag(ld, ECHO) && iexten) {
        finish_erasing(ld);
        echo_char(ld, c);
        echo_raw(ld, '\n');
        for (u32 i = ld->canon_head; i != ld->head; i++) {
            echo_char(ld, read_buf(ld, i));
        }
        return true;
    }
    if (c == '\n') {
        if (lflag(ld, ECHO) || lflag(ld, ECHONL)) {
            echo_raw(ld, '\n');
        }
        end_line(ld, c, false);
        return true;
    }
    if (c == cc(ld, VEOF)) {
        end_line(ld, DISABLED_CHAR, true);
        return true;
    }
    if (c == cc(ld, VEOL) || (c == cc(ld, VEOL2) && iexten)) {
        if (lflag(ld, ECHO)) {
            set_canon_col(ld);
            echo_char(ld, c);
        }
        if (c == 0377 && iflag(ld, PARMRK)) {
            put_char(ld, c);
        }
        end_line(ld, c, false);
        return true;
    }
    return false;
}

static void receive_special(struct n_tty *ld, u8 c)
{
    if (iflag(ld, IXON)) {
        if (c == cc(ld, VSTART)) {
            start_output(ld);
            return;
        }
        if (c == cc(ld, VSTOP)) {
            ld->stopped = true;
            return;
        }
    }
    if (lflag(ld, ISIG)) {
        if (c == cc(ld, VINTR)) {
            receive_signal_char(ld, SIGINT, c);
            return;
        }
        if (c == cc(ld, VQUIT)) {
            receive_signal_char(ld, SIGQUIT, c);
            return;
        }
        if (c == cc(ld, VSUSP)) {
            receive_signal_char(ld, SIGTSTP, c);
            return;
        }
    }
    if (ld->stopped && !ld->tco_stopped && iflag(ld, IXON) && iflag(ld, IXANY)) {
        start_output(ld);
    }
    if (c == '\r') {
        if (iflag(ld, IGNCR)) {
            return;
        }
        if (iflag(ld, ICRNL)) {
            c = '\n';
        }
    } else if (c == '\n' && iflag(ld, INLCR)) {
        c = '\r';
    }
    if (lflag(ld, ICANON) && receive_canon(ld, c)) {
        return;
    }
    if (lflag(ld, ECHO)) {
        finish_erasing(ld);
        if (c == '\n') {
            echo_raw(ld, '\n');
        } else {
            set_canon_col(ld);
            echo_char(ld, c);
        }
    }
    if (c == 0377 && iflag(ld, PARMRK)) {
        put_char(ld, c);
    }
    put_char(ld, c);
}

static void receive_char(struct n_tty *ld, u8 c)
{
    if (iflag(ld, ISTRIP)) {
        c &= 0x7f;
    }
    if (iflag(ld, IUCLC) && lflag(ld, IEXTEN) && c >= 'A' && c <= 'Z') {
        c += 32;
    }
    if (ld->lnext) {
        ld->lnext = false;
        receive_plain(ld, c);
    } else if (bit(ld->special, c)) {
        receive_special(ld, c);
    } else {
        receive_plain(ld, c);
    }
}

size_t n_tty_receive_room(const struct n_tty *ld)
{
    int room = N_TTY_BUF_SIZE - (int)(ld->head - ld->tail) - 1;

    if (room > 0) {
        return (size_t)room;
    }
    /* A canonical line with no end yet may overflow: the last character
     * is then replaced, so that erase and newline still get through. */
    return lflag(ld, ICANON) && ld->canon_head == ld->tail ? 1 : 0;
}

size_t n_tty_receive(struct n_tty *ld, const char *buf, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (ld->head - ld->tail >= N_TTY_BUF_SIZE - 1) {
            if (!lflag(ld, ICANON) || ld->canon_head != ld->tail) {
                break;
            }
            if (ld->head - ld->tail >= N_TTY_BUF_SIZE) {
                ld->head--;
            }
        }
        receive_char(ld, (u8)buf[i]);
    }
    return i;
}

/* ---- settings ---- */

/* Which characters receive_special must see (Linux's char_map). */
static void build_special(struct n_tty *ld)
{
    memset(ld->special, 0, sizeof(ld->special));
    if (iflag(ld, IGNCR) || iflag(ld, ICRNL)) {
        set_bit(ld->special, '\r', true);
    }
    if (iflag(ld, INLCR)) {
        set_bit(ld->special, '\n', true);
    }
    if (lflag(ld, ICANON)) {
        set_bit(ld->special, cc(ld, VERASE), true);
        set_bit(ld->special, cc(ld, VKILL), true);
        set_bit(ld->special, cc(ld, VEOF), true);
        set_bit(ld->special, '\n', true);
        set_bit(ld->special, cc(ld, VEOL), true);
        if (lflag(ld, IEXTEN)) {
            set_bit(ld->special, cc(ld, VWERASE), true);
            set_bit(ld->special, cc(ld, VLNEXT), true);
            set_bit(ld->special, cc(ld, VEOL2), true);
            if (lflag(ld, ECHO)) {
                set_bit(ld->special, cc(ld, VREPRINT), true);
            }
        }
    }
    if (iflag(ld, IXON)) {
        set_bit(ld->special, cc(ld, VSTART), true);
        set_bit(ld->special, cc(ld, VSTOP), true);
    }
    if (lflag(ld, ISIG)) {
        set_bit(ld->special, cc(ld, VINTR), true);
        set_bit(ld->special, cc(ld, VQUIT), true);
        set_bit(ld->special, cc(ld, VSUSP), true);
    }
    set_bit(ld->special, DISABLED_CHAR, false);
}

void n_tty_init(struct n_tty *ld, const struct ktermios *t, const struct n_tty_ops *ops, void *ctx)
{
    memset(ld, 0, sizeof(*ld));
    ld->t = *t;
    ld->ops = ops;
    ld->ctx = ctx;
    build_special(ld);
}

void n_tty_set_termios(struct n_tty *ld, const struct ktermios *t)
{
    struct ktermios old = ld->t;

    ld->t = *t;
    if ((old.c_lflag ^ t->c_lflag) & ICANON) {
        memset(ld->eol, 0, sizeof(ld->eol));
        memset(ld->eof, 0, sizeof(ld->eof));
        if (!lflag(ld, ICANON) || ld->head == ld->tail) {
            ld->canon_head = ld->tail;
        } else {
            /* What was typed raw becomes one line. */
            set_bit(ld->eol, MASK(ld->head - 1), true);
            ld->canon_head = ld->head;
        }
        ld->erasing = false;
        ld->lnext = false;
    }
    if (!iflag(ld, IXON) && (old.c_iflag & IXON)) {
        start_output(ld);
    }
    build_special(ld);
}

void n_tty_flush_input(struct n_tty *ld)
{
    ld->head = ld->tail = ld->canon_head = 0;
    memset(ld->eol, 0, sizeof(ld->eol));
    memset(ld->eof, 0, sizeof(ld->eof));
    ld->erasing = false;
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
        c = (char)cc(ld, action == TCIOFF ? VSTOP : VSTART);
        if (c != DISABLED_CHAR) {
            dev_put(ld, &c, 1);
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
    if (poll && cc(ld, VTIME) == 0 && cc(ld, VMIN) > 0) {
        amt = cc(ld, VMIN);
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
        if (!(bit(ld->eol, MASK(i)) && bit(ld->eof, MASK(i)))) {
            n++;
        }
    }
    return n;
}

static void copy_out(struct n_tty *ld, struct n_tty_read *rd, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        rd->buf[rd->copied++] = ld->buf[MASK(ld->tail + i)];
    }
}

/* Up to one line, scanning for its end only as far as the reader's room
 * reaches (as Linux: a line longer than the buffer is read in parts). */
static void canon_copy(struct n_tty *ld, struct n_tty_read *rd)
{
    size_t avail = ld->canon_head - ld->tail;
    size_t n = rd->len - rd->copied < avail ? rd->len - rd->copied : avail;

    for (size_t i = 0; i < n; i++) {
        u32 pos = MASK(ld->tail + (u32)i);
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
    if (!lflag(ld, ICANON) && cc(ld, VMIN) == 0 && cc(ld, VTIME) > 0) {
        rd->deadline = now + cc(ld, VTIME) * DECISECOND_NS;
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

    u32 min = cc(ld, VMIN);
    u64 time = cc(ld, VTIME) * DECISECOND_NS;
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
