// SPDX-License-Identifier: MIT
/* The N_TTY line discipline (drivers/tty/n_tty.c) against a fake device
 * that records output, signals and flushes, with a fake clock for the
 * VMIN/VTIME rules. Expected bytes are what Linux produces: the tables of
 * editing and output cases below were each checked against Linux 6.18
 * through a pty (same settings on the slave, the keys written to the
 * master, the echo read back from it and the lines read from the slave);
 * userland/tests/t_tty.c runs many of them on both kernels. */
#include <abi/errno.h>
#include <drivers/tty.h>
#include <kernel/signal.h>
#include <string.h>

#include "harness.h"

HARNESS("test_tty_ldisc");

#define MS 1000000ull

static char out[65536];
static size_t out_len;
static size_t room; /* bytes the device still takes */
static u64 sigs;
static int flushes;

static size_t dev_write(void *ctx, const char *buf, size_t len)
{
    (void)ctx;
    if (len > room) {
        len = room;
    }
    if (out_len + len < sizeof(out)) {
        memcpy(out + out_len, buf, len);
        out_len += len;
        out[out_len] = 0;
    }
    room -= len;
    return len;
}

static size_t dev_room(void *ctx)
{
    (void)ctx;
    return room;
}

static void dev_signal(void *ctx, int sig)
{
    (void)ctx;
    sigs |= SIGBIT(sig);
}

static void dev_flush(void *ctx)
{
    (void)ctx;
    flushes++;
}

static const struct n_tty_ops ops = {dev_write, dev_room, dev_signal, dev_flush};
static struct n_tty ld;

static void setup(void)
{
    struct ktermios t;
    n_tty_default_termios(&t);
    n_tty_init(&ld, &t, &ops, NULL);
    out_len = 0;
    out[0] = 0;
    room = 1u << 20;
    sigs = 0;
    flushes = 0;
}

static void reset_out(void)
{
    out_len = 0;
    out[0] = 0;
}

static size_t in(const char *s)
{
    return n_tty_receive(&ld, s, strlen(s));
}

static size_t in_n(const char *s, size_t n)
{
    return n_tty_receive(&ld, s, n);
}

static void lflag(u32 on, u32 off)
{
    struct ktermios t = ld.t;
    t.c_lflag = (t.c_lflag | on) & ~off;
    n_tty_set_termios(&ld, &t);
}

static void iflag(u32 on, u32 off)
{
    struct ktermios t = ld.t;
    t.c_iflag = (t.c_iflag | on) & ~off;
    n_tty_set_termios(&ld, &t);
}

static void oflag(u32 on, u32 off)
{
    struct ktermios t = ld.t;
    t.c_oflag = (t.c_oflag | on) & ~off;
    n_tty_set_termios(&ld, &t);
}

static void raw(int vmin, int vtime)
{
    struct ktermios t = ld.t;
    t.c_lflag &= ~(u32)(ICANON | ECHO);
    t.c_cc[VMIN] = (u8)vmin;
    t.c_cc[VTIME] = (u8)vtime;
    n_tty_set_termios(&ld, &t);
}

static char rbuf[8192];
static struct n_tty_read rd;

/* One read step at time now: the bytes read if done, else -1. */
static long read_at(size_t len, u64 now)
{
    u64 wait;
    n_tty_read_begin(&ld, &rd, rbuf, len, now);
    return n_tty_read_step(&ld, &rd, now, &wait) ? (long)rd.copied : -1;
}

static long rd_now(void)
{
    return read_at(sizeof(rbuf), 0);
}

/* rbuf holds exactly s after a read of n bytes. */
static bool got(long n, const char *s)
{
    return n == (long)strlen(s) && memcmp(rbuf, s, (size_t)n) == 0;
}

static void test_defaults(void)
{
    setup();
    CHECK_EQ(ld.t.c_iflag, ICRNL | IXON);
    CHECK_EQ(ld.t.c_oflag, OPOST | ONLCR);
    CHECK_EQ(ld.t.c_cflag, B38400 | CS8 | CREAD | HUPCL);
    CHECK_EQ(ld.t.c_lflag, ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN);
    static const u8 cc[NCCS] = {3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0};
    CHECK(memcmp(ld.t.c_cc, cc, NCCS) == 0);
    CHECK_EQ(ld.t.c_ispeed, 38400);
    CHECK_EQ(sizeof(struct ktermios), TERMIOS2_SIZE);
}

static void test_canonical_lines(void)
{
    setup();
    CHECK_EQ(in("hello"), 5);
    CHECK(!n_tty_input_available(&ld, false));
    CHECK_EQ(rd_now(), -1); /* no line yet: wait */
    in("\r");
    CHECK(n_tty_input_available(&ld, true));
    CHECK(got(rd_now(), "hello\n"));
    CHECK(strcmp(out, "hello\r\n") == 0);
    /* One line per read; a short read takes part of it. */
    in("one\ntwo\n");
    CHECK(got(rd_now(), "one\n"));
    CHECK(got(read_at(2, 0), "tw"));
    CHECK(got(rd_now(), "o\n"));
    CHECK_EQ(n_tty_inq(&ld), 0);
    in("abc");
    CHECK_EQ(n_tty_inq(&ld), 0);
    in("\n");
    CHECK_EQ(n_tty_inq(&ld), 4);
}

static void test_erase_kill_werase(void)
{
    setup();
    in("ab\x7f"
       "c\n");
    CHECK(got(rd_now(), "ac\n"));
    CHECK(strcmp(out, "ab\b \bc\r\n") == 0);
    reset_out();
    in("\x7f\x7fx\n"); /* nothing to erase: no echo */
    CHECK(got(rd_now(), "x\n"));
    CHECK(strcmp(out, "x\r\n") == 0);
    reset_out();
    in("junk\x15ok\n");
    CHECK(got(rd_now(), "ok\n"));
    CHECK(strcmp(out, "junk\b \b\b \b\b \b\b \bok\r\n") == 0);
    in("hello world\x17\x17X\n");
    CHECK(got(rd_now(), "X\n"));
    in("one two\x17three\n");
    CHECK(got(rd_now(), "one three\n"));
    in("a_b1-c2\x17\n"); /* word characters are alphanumerics and _ */
    CHECK(got(rd_now(), "a_b1-\n"));
    /* Without ECHOE the erase character itself is echoed. */
    lflag(0, ECHOE);
    reset_out();
    in("ab\x7f\n");
    CHECK(strcmp(out, "ab^?\r\n") == 0);
    CHECK(got(rd_now(), "a\n"));
    /* Kill without ECHOKE: the kill character and a newline. */
    reset_out();
    in("xy\x15z\n");
    CHECK(got(rd_now(), "z\n"));
    CHECK(strcmp(out, "xy^U\r\nz\r\n") == 0);
    /* Without IEXTEN, ^W is an ordinary character. */
    lflag(0, IEXTEN);
    in("a\x17\n");
    CHECK(got(rd_now(), "a\x17\n"));
}

static void test_erase_columns(void)
{
    setup();
    in("x\t\x7fy\x01\x7f\n");
    CHECK(got(rd_now(), "xy\n"));
    /* The tab took 7 columns after "x"; ^A took two ("^A"). */
    CHECK(strcmp(out, "x\t\b\b\b\b\b\b\by^A\b \b\b \b\r\n") == 0);
    /* The line starts at the prompt's column: tabs count from there. */
    reset_out();
    n_tty_write(&ld, "$ ", 2);
    in("\t\x7f\n");
    CHECK(strcmp(out, "$ \t\b\b\b\b\b\b\r\n") == 0);
    /* A control character echoed raw (no ECHOCTL) takes no column. */
    lflag(0, ECHOCTL);
    reset_out();
    in("\x01\x7f\n");
    CHECK(strcmp(out, "\x01\r\n") == 0);
    /* IUTF8: a multibyte character goes at once. */
    setup();
    iflag(IUTF8, 0);
    in("a\xc3\xa9\x7f\n");
    CHECK(got(rd_now(), "a\n"));
    CHECK(strcmp(out, "a\xc3\xa9\b \b\r\n") == 0);
}

static void test_echo_variants(void)
{
    setup();
    lflag(ECHONL, ECHO);
    in("ab\n");
    CHECK(strcmp(out, "\r\n") == 0);
    setup();
    lflag(0, ECHO);
    in("ab\x7f\n");
    CHECK_EQ(out_len, 0);
    CHECK(got(rd_now(), "a\n"));
    setup();
    lflag(ECHOPRT, 0);
    in("abc\x7f\x7f"
       "d\n");
    CHECK(strcmp(out, "abc\\cb/d\r\n") == 0);
    CHECK(got(rd_now(), "ad\n"));
    /* Literal next: ^V^C is data, echoed "^\b" then "^C". */
    setup();
    in("\x16\x03\n");
    CHECK_EQ(sigs, 0);
    CHECK(got(rd_now(), "\x03\n"));
    CHECK(strcmp(out, "^\b^C\r\n") == 0);
    /* Reprint: the typed line again after ^R. */
    reset_out();
    in("ab\x12");
    CHECK(strcmp(out, "ab^R\r\nab") == 0);
    /* NUL is never special. */
    setup();
    in_n("a\0b\n", 4);
    CHECK_EQ(rd_now(), 4);
    CHECK(memcmp(rbuf, "a\0b\n", 4) == 0);
    CHECK(strcmp(out, "a^@b\r\n") == 0);
    /* Raw mode with echo: NL (not special) echoes as ^J, CR through ICRNL as a newline. */
    setup();
    lflag(0, ICANON);
    in("\n\r");
    CHECK(strcmp(out, "^J\r\n") == 0);
}

static void test_eof(void)
{
    setup();
    in("abc\x04");
    CHECK(got(rd_now(), "abc"));
    in("\x04");
    CHECK_EQ(rd_now(), 0);
    CHECK_EQ(out_len, 3); /* VEOF is not echoed */
    /* A reader with room for the text only leaves the end-of-file mark. */
    in("xyz\x04");
    CHECK_EQ(n_tty_inq(&ld), 3);
    CHECK(got(read_at(3, 0), "xyz"));
    CHECK_EQ(rd_now(), 0);
    /* Switched to raw, the mark reads as a NUL byte. */
    in("ab\x04");
    raw(1, 0);
    CHECK_EQ(rd_now(), 3);
    CHECK(memcmp(rbuf, "ab\0", 3) == 0);
}

static void test_isig(void)
{
    setup();
    in("abc\x03");
    CHECK_EQ(sigs, SIGBIT(SIGINT));
    CHECK_EQ(flushes, 1);
    CHECK(strcmp(out, "abc^C") == 0);
    in("d\n");
    CHECK(got(rd_now(), "d\n")); /* "abc" was flushed */
    sigs = 0;
    in("\x1c\x1a");
    CHECK_EQ(sigs, SIGBIT(SIGQUIT) | SIGBIT(SIGTSTP));
    /* NOFLSH keeps the input. */
    setup();
    lflag(NOFLSH, 0);
    in("ab\x03\n");
    CHECK_EQ(flushes, 0);
    CHECK(got(rd_now(), "ab\n"));
    /* Without ISIG they are data; a changed VINTR is honoured. */
    setup();
    lflag(0, ISIG);
    in("\x03\n");
    CHECK_EQ(sigs, 0);
    CHECK(got(rd_now(), "\x03\n"));
    setup();
    struct ktermios t = ld.t;
    t.c_cc[VINTR] = 'q';
    n_tty_set_termios(&ld, &t);
    in("\x03q");
    CHECK_EQ(sigs, SIGBIT(SIGINT));
    /* Disabled (0): NUL does not interrupt. */
    setup();
    t = ld.t;
    t.c_cc[VINTR] = 0;
    n_tty_set_termios(&ld, &t);
    in_n("\0\n", 2);
    CHECK_EQ(sigs, 0);
    CHECK_EQ(rd_now(), 2);
}

static void test_input_flags(void)
{
    setup();
    lflag(0, ECHO);
    iflag(0, ICRNL);
    in("a\r\n");
    CHECK(got(rd_now(), "a\r\n"));
    iflag(IGNCR, 0);
    in("b\r\n");
    CHECK(got(rd_now(), "b\n"));
    raw(1, 0);
    iflag(INLCR, IGNCR);
    in("c\n");
    CHECK(got(rd_now(), "c\r"));
    iflag(ISTRIP, INLCR);
    in("\xe1");
    CHECK(got(rd_now(), "a"));
}

static void test_output(void)
{
    setup();
    CHECK_EQ(n_tty_write(&ld, "a\nb\tc\r", 6), 6);
    CHECK(strcmp(out, "a\r\nb\tc\r") == 0);
    reset_out();
    oflag(XTABS, 0);
    n_tty_write(&ld, "ab\tc", 4);
    CHECK(strcmp(out, "ab      c") == 0);
    setup(); /* at column 0 */
    oflag(OCRNL | ONOCR, ONLCR);
    n_tty_write(&ld, "\rx\ry", 4); /* ONOCR: no CR at column 0 */
    CHECK(strcmp(out, "x\ny") == 0);
    reset_out();
    oflag(OLCUC, OCRNL | ONOCR);
    n_tty_write(&ld, "Hi\n", 3);
    CHECK(strcmp(out, "HI\n") == 0);
    reset_out();
    oflag(0, OPOST);
    n_tty_write(&ld, "a\nb", 3);
    CHECK(strcmp(out, "a\nb") == 0);
}

static void test_device_room(void)
{
    setup();
    room = 3;
    CHECK_EQ(n_tty_write(&ld, "ab\ncd", 5), 2); /* "\r\n" does not fit */
    CHECK(strcmp(out, "ab") == 0);
    room = 10;
    CHECK_EQ(n_tty_write(&ld, "\ncd", 3), 3);
    CHECK(strcmp(out, "ab\r\ncd") == 0);
    /* Echo that does not fit is dropped; input is not. */
    room = 0;
    in("xy\n");
    CHECK(strcmp(out, "ab\r\ncd") == 0);
    CHECK(got(rd_now(), "xy\n"));
}

static void test_flow_control(void)
{
    setup();
    in("\x13"); /* ^S */
    CHECK_EQ(n_tty_write(&ld, "x", 1), 0);
    in("\x11"); /* ^Q */
    CHECK_EQ(n_tty_write(&ld, "x", 1), 1);
    CHECK_EQ(n_tty_inq(&ld), 0); /* neither is input */
    CHECK_EQ(n_tty_flow(&ld, TCOOFF), 0);
    in("\x11");
    CHECK_EQ(n_tty_write(&ld, "y", 1), 0); /* only TCOON restarts TCOOFF */
    CHECK_EQ(n_tty_flow(&ld, TCOON), 0);
    CHECK_EQ(n_tty_write(&ld, "y", 1), 1);
    iflag(IXANY, 0);
    in("\x13");
    in("k");
    CHECK_EQ(n_tty_write(&ld, "z", 1), 1); /* IXANY: any character restarts */
    reset_out();
    CHECK_EQ(n_tty_flow(&ld, TCIOFF), 0);
    CHECK_EQ(n_tty_flow(&ld, TCION), 0);
    CHECK(strcmp(out, "\x13\x11") == 0);
    CHECK_EQ(n_tty_flow(&ld, 9), -EINVAL);
    /* Turning IXON off restarts output. */
    in("\x13");
    iflag(0, IXON);
    CHECK_EQ(n_tty_write(&ld, "w", 1), 1);
}

static void test_line_limit(void)
{
    static char big[5000];
    setup();
    lflag(0, ECHO);
    memset(big, 'a', sizeof(big));
    /* A canonical line overflows into its last byte: all is taken. */
    CHECK_EQ(in_n(big, sizeof(big)), sizeof(big));
    CHECK_EQ(n_tty_receive_room(&ld), 1);
    in("\n");
    CHECK_EQ(rd_now(), 4096);
    CHECK(rbuf[4094] == 'a' && rbuf[4095] == '\n');
    /* Erase still works in a full line. */
    in_n(big, sizeof(big));
    in("\x7f\x7f\n");
    CHECK_EQ(rd_now(), 4094);
    /* Behind a complete line there is no room: the rest waits. */
    in("x\n");
    CHECK_EQ(in_n(big, sizeof(big)), 4093);
    CHECK_EQ(n_tty_receive_room(&ld), 0);
    CHECK(got(rd_now(), "x\n"));
    /* Raw: 4095 bytes. */
    setup();
    raw(1, 0);
    CHECK_EQ(in_n(big, sizeof(big)), 4095);
    CHECK_EQ(n_tty_receive_room(&ld), 0);
    CHECK_EQ(n_tty_inq(&ld), 4095);
    CHECK_EQ(read_at(100, 0), 100);
    CHECK_EQ(n_tty_receive_room(&ld), 100);
}

static void test_vmin_vtime(void)
{
    u64 wait;

    /* MIN 0, TIME 0: never waits. */
    setup();
    raw(0, 0);
    CHECK_EQ(rd_now(), 0);
    in("ab");
    CHECK_EQ(rd_now(), 2);

    /* MIN 0, TIME 5: a 0.5 s timer from the start of the read. */
    raw(0, 5);
    n_tty_read_begin(&ld, &rd, rbuf, sizeof(rbuf), 1000 * MS);
    CHECK(!n_tty_read_step(&ld, &rd, 1000 * MS, &wait));
    CHECK_EQ(wait, 500 * MS);
    CHECK(!n_tty_read_step(&ld, &rd, 1400 * MS, &wait));
    CHECK_EQ(wait, 100 * MS);
    CHECK(n_tty_read_step(&ld, &rd, 1500 * MS, &wait));
    CHECK_EQ(rd.copied, 0);
    n_tty_read_begin(&ld, &rd, rbuf, sizeof(rbuf), 0);
    in("x");
    CHECK(n_tty_read_step(&ld, &rd, 100 * MS, &wait));
    CHECK_EQ(rd.copied, 1);

    /* MIN 3, TIME 0: three bytes, however long it takes. */
    raw(3, 0);
    in("ab");
    CHECK(!n_tty_input_available(&ld, true)); /* poll wants MIN bytes */
    CHECK(n_tty_input_available(&ld, false));
    n_tty_read_begin(&ld, &rd, rbuf, sizeof(rbuf), 0);
    CHECK(!n_tty_read_step(&ld, &rd, 0, &wait));
    CHECK_EQ(wait, N_TTY_WAIT_FOREVER);
    CHECK_EQ(rd.copied, 2); /* taken already */
    in("cd");
    CHECK(n_tty_read_step(&ld, &rd, 10000 * MS, &wait));
    CHECK(got((long)rd.copied, "abcd"));
    in("ef");
    CHECK(got(read_at(2, 0), "ef")); /* a smaller read is satisfied sooner */

    /* MIN 5, TIME 2: an inter-byte timer, started by the first byte. */
    raw(5, 2);
    n_tty_read_begin(&ld, &rd, rbuf, sizeof(rbuf), 0);
    CHECK(!n_tty_read_step(&ld, &rd, 0, &wait));
    CHECK_EQ(wait, N_TTY_WAIT_FOREVER);
    in("g");
    CHECK(!n_tty_read_step(&ld, &rd, 1000 * MS, &wait));
    CHECK_EQ(wait, 200 * MS);
    CHECK(!n_tty_read_step(&ld, &rd, 1150 * MS, &wait));
    CHECK_EQ(wait, 50 * MS);
    in("h"); /* restarts the timer */
    CHECK(!n_tty_read_step(&ld, &rd, 1180 * MS, &wait));
    CHECK_EQ(wait, 200 * MS);
    CHECK(n_tty_read_step(&ld, &rd, 1380 * MS, &wait));
    CHECK(got((long)rd.copied, "gh"));
    in("ijklmn");
    CHECK(got(rd_now(), "ijklmn")); /* MIN reached at once: all there is */
    CHECK(n_tty_input_available(&ld, true) == false);
    in("o");
    CHECK(n_tty_input_available(&ld, true)); /* with TIME set, poll wants 1 */
}

static void test_mode_switch(void)
{
    setup();
    lflag(0, ECHO);
    raw(1, 0);
    in("xyz");
    lflag(ICANON, 0);
    CHECK_EQ(n_tty_inq(&ld), 3);
    CHECK(got(rd_now(), "xyz")); /* raw bytes became one line */
    in("abc");
    CHECK_EQ(n_tty_inq(&ld), 0);
    raw(1, 0);
    CHECK_EQ(n_tty_inq(&ld), 3);
    CHECK(got(rd_now(), "abc")); /* the unfinished line became raw bytes */
    n_tty_flush_input(&ld);
    CHECK_EQ(n_tty_inq(&ld), 0);
}

/* ---- editing and output cases, checked against Linux 6.18 via a pty ---- */

#ifndef TAB1
#define TAB1 0004000
#define TAB2 0010000
#endif

/* From the default settings: the flags turned on and off (and VEOF, VEOL,
 * VEOL2 if not 0), a prompt written first, then keys typed, output
 * written (after) and more keys (keys2); echo is everything the device
 * got after the prompt, reads what successive reads return (NULL ends;
 * "" is a read of 0 at end of file). Nothing more is readable after. */
struct ed_case {
    const char *what;
    u32 lon, loff, ion, ioff, oon, ooff;
    u8 veof, veol, veol2;
    const char *prompt, *keys, *after, *keys2, *echo;
    const char *reads[3];
};

/* Bytes in C-string form, for failure messages. */
static const char *shown(const char *b, size_t n)
{
    static char buf[2][512];
    static int which;
    char *o = buf[which ^= 1];
    size_t k = 0;
    for (size_t i = 0; i < n && k < sizeof(buf[0]) - 5; i++) {
        unsigned char c = (unsigned char)b[i];
        if (c >= 32 && c < 127 && c != '\\') {
            o[k++] = (char)c;
        } else {
            k += (size_t)snprintf(o + k, sizeof(buf[0]) - k, "\\x%02x", c);
        }
    }
    o[k] = 0;
    return o;
}

static bool run_case(const struct ed_case *c)
{
    struct ktermios t;

    setup();
    t = ld.t;
    t.c_lflag = (t.c_lflag | c->lon) & ~c->loff;
    t.c_iflag = (t.c_iflag | c->ion) & ~c->ioff;
    t.c_oflag = (t.c_oflag | c->oon) & ~c->ooff;
    if (c->veof) {
        t.c_cc[VEOF] = c->veof;
    }
    if (c->veol) {
        t.c_cc[VEOL] = c->veol;
    }
    if (c->veol2) {
        t.c_cc[VEOL2] = c->veol2;
    }
    n_tty_set_termios(&ld, &t);
    if (c->prompt) {
        n_tty_write(&ld, c->prompt, strlen(c->prompt));
    }
    reset_out();
    in(c->keys);
    if (c->after) {
        n_tty_write(&ld, c->after, strlen(c->after));
    }
    if (c->keys2) {
        in(c->keys2);
    }
    if (out_len != strlen(c->echo) || memcmp(out, c->echo, out_len) != 0) {
        printf("  %s: echo \"%s\", want \"%s\"\n", c->what, shown(out, out_len),
               shown(c->echo, strlen(c->echo)));
        return false;
    }
    for (int i = 0; i < 3 && c->reads[i]; i++) {
        long n = rd_now();
        if (!got(n, c->reads[i])) {
            printf("  %s: read %d gave %ld \"%s\", want \"%s\"\n", c->what, i + 1, n,
                   shown(rbuf, n > 0 ? (size_t)n : 0), shown(c->reads[i], strlen(c->reads[i])));
            return false;
        }
    }
    if (n_tty_input_available(&ld, false)) {
        printf("  %s: more to read\n", c->what);
        return false;
    }
    return true;
}

static void run_cases(const struct ed_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!run_case(&cases[i])) {
            harness_case_failed = 1;
        }
    }
}

#define RUN_CASES(cases) run_cases(cases, sizeof(cases) / sizeof(cases[0]))

/* ERASE over a tab backs over the columns the tab took: up to the next
 * multiple of 8 from where it started, counting the prompt, "^X" echoes
 * (2), raw controls (0) and IUTF8 characters (1). */
static const struct ed_case erase_tab_cases[] = {
    {.what = "a tab at column 0 is 8 columns",
     .keys = "\t\x7f\n",
     .echo = "\t\b\b\b\b\b\b\b\b\r\n",
     .reads = {"\n"}},
    {.what = "a tab after 3 characters is 5",
     .keys = "abc\t\x7f\n",
     .echo = "abc\t\b\b\b\b\b\r\n",
     .reads = {"abc\n"}},
    {.what = "a tab at column 8 is 8",
     .keys = "abcdefgh\t\x7f\n",
     .echo = "abcdefgh\t\b\b\b\b\b\b\b\b\r\n",
     .reads = {"abcdefgh\n"}},
    {.what = "a tab at column 9 is 7",
     .keys = "abcdefghi\t\x7f\n",
     .echo = "abcdefghi\t\b\b\b\b\b\b\b\r\n",
     .reads = {"abcdefghi\n"}},
    {.what = "two tabs, erased one at a time",
     .keys = "a\t\t\x7f\x7f\n",
     .echo = "a\t\t\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\r\n",
     .reads = {"a\n"}},
    {.what = "a tab after a tab and a character",
     .keys = "a\tb\t\x7f\x7f\x7f\n",
     .echo = "a\tb\t\b\b\b\b\b\b\b\b \b\b\b\b\b\b\b\b\r\n",
     .reads = {"a\n"}},
    {.what = "after ^A (ECHOCTL, 2 columns)",
     .keys = "\x01\t\x7f\n",
     .echo = "^A\t\b\b\b\b\b\b\r\n",
     .reads = {"\x01\n"}},
    {.what = "after ^A^B^E (6 columns)",
     .keys = "\x01\x02\x05\t\x7f\n",
     .echo = "^A^B^E\t\b\b\r\n",
     .reads = {"\x01\x02\x05\n"}},
    {.what = "after ab^A^B^E (8 columns)",
     .keys = "ab\x01\x02\x05\t\x7f\n",
     .echo = "ab^A^B^E\t\b\b\b\b\b\b\b\b\r\n",
     .reads = {"ab\x01\x02\x05\n"}},
    {.what = "after a control character echoed raw (no ECHOCTL, 0 columns)",
     .loff = ECHOCTL,
     .keys = "\x01\t\x7f\n",
     .echo = "\x01\t\b\b\b\b\b\b\b\b\r\n",
     .reads = {"\x01\n"}},
    {.what = "after a raw backspace (no ECHOCTL, 0 columns)",
     .loff = ECHOCTL,
     .keys = "ab\b\t\x7f\n",
     .echo = "ab\b\t\b\b\b\b\b\b\r\n",
     .reads = {"ab\b\n"}},
    {.what = "after a quoted ^C (^V^C)",
     .keys = "\x16\x03\t\x7f\n",
     .echo = "^\b^C\t\b\b\b\b\b\b\r\n",
     .reads = {"\x03\n"}},
    {.what = "a quoted tab",
     .keys = "\x16\t\x7f\n",
     .echo = "^\b\t\b\b\b\b\b\b\b\b\r\n",
     .reads = {"\n"}},
    {.what = "after a prompt \"$ \"",
     .prompt = "$ ",
     .keys = "\t\x7f\n",
     .echo = "\t\b\b\b\b\b\b\r\n",
     .reads = {"\n"}},
    {.what = "after an 8-column prompt",
     .prompt = "12345678",
     .keys = "\t\x7f\n",
     .echo = "\t\b\b\b\b\b\b\b\b\r\n",
     .reads = {"\n"}},
    {.what = "after a 7-column prompt and a character",
     .prompt = "1234567",
     .keys = "a\t\x7f\n",
     .echo = "a\t\b\b\b\b\b\b\b\b\r\n",
     .reads = {"a\n"}},
    {.what = "after a prompt with a tab in it",
     .prompt = "ab\tc",
     .keys = "\t\x7f\n",
     .echo = "\t\b\b\b\b\b\b\b\r\n",
     .reads = {"\n"}},
    {.what = "after a UTF-8 character (IUTF8, 1 column)",
     .ion = IUTF8,
     .keys = "\xc3\xa9\t\x7f\n",
     .echo = "\xc3\xa9\t\b\b\b\b\b\b\b\r\n",
     .reads = {"\xc3\xa9\n"}},
    {.what = "after a UTF-8 character without IUTF8 (2 columns)",
     .keys = "\xc3\xa9\t\x7f\n",
     .echo = "\xc3\xa9\t\b\b\b\b\b\b\r\n",
     .reads = {"\xc3\xa9\n"}},
    {.what = "after byte 0x85 (printable, 1 column)",
     .keys = "\x85\t\x7f\n",
     .echo = "\x85\t\b\b\b\b\b\b\b\r\n",
     .reads = {"\x85\n"}},
    {.what = "after byte 0x85 with IUTF8 (a continuation, 0 columns)",
     .ion = IUTF8,
     .keys = "\x85\t\x7f\n",
     .echo = "\x85\t\b\b\b\b\b\b\b\b\r\n",
     .reads = {"\x85\n"}},
    {.what = "echoed as spaces (XTABS)",
     .oon = XTABS,
     .keys = "a\t\x7f\n",
     .echo = "a       \b\b\b\b\b\b\b\r\n",
     .reads = {"a\n"}},
    {.what = "without ECHOE, ^?",
     .loff = ECHOE,
     .keys = "a\t\x7f\n",
     .echo = "a\t^?\r\n",
     .reads = {"a\n"}},
    {.what = "with ECHOPRT",
     .lon = ECHOPRT,
     .keys = "a\t\x7f\n",
     .echo = "a\t\\\t\r\n",
     .reads = {"a\n"}},
    {.what = "without OPOST, counted all the same",
     .ooff = OPOST,
     .keys = "ab\t\x7f\n",
     .echo = "ab\t\b\b\b\b\b\b\n",
     .reads = {"ab\n"}},
    {.what = "after ^R reprinted the line at column 0",
     .prompt = "$ ",
     .keys = "\t\x12\x7f\n",
     .echo = "\t^R\r\n\t\b\b\b\b\b\b\b\b\r\n",
     .reads = {"\n"}},
    {.what = "after ^R without ONLCR (the copy starts after \"^R\")",
     .ooff = ONLCR,
     .prompt = "$ ",
     .keys = "\t\x12\x7f\n",
     .echo = "\t^R\n\t\b\b\b\b\b\b\n",
     .reads = {"\n"}},
    {.what = "after ^R without OPOST (the line keeps its columns)",
     .ooff = OPOST,
     .keys = "\t\x12\x7f\n",
     .echo = "\t^R\n\t\b\b\b\b\b\b\b\b\n",
     .reads = {"\n"}},
    {.what = "output written meanwhile is not counted",
     .prompt = "$ ",
     .keys = "ab",
     .after = "XY",
     .keys2 = "\t\x7f\n",
     .echo = "abXY\t\b\b\b\b\r\n",
     .reads = {"ab\n"}},
};

/* ERASE with and without IUTF8: a whole UTF-8 character, or one byte. */
static const struct ed_case erase_utf8_cases[] = {
    {.what = "IUTF8, a 2-byte character at once",
     .ion = IUTF8,
     .keys = "a\xc3\xa9\x7f\n",
     .echo = "a\xc3\xa9\b \b\r\n",
     .reads = {"a\n"}},
    {.what = "IUTF8, a 3-byte character",
     .ion = IUTF8,
     .keys = "a\xe2\x82\xac\x7f\n",
     .echo = "a\xe2\x82\xac\b \b\r\n",
     .reads = {"a\n"}},
    {.what = "IUTF8, a 4-byte character",
     .ion = IUTF8,
     .keys = "a\xf0\x9f\x98\x80\x7f\n",
     .echo = "a\xf0\x9f\x98\x80\b \b\r\n",
     .reads = {"a\n"}},
    {.what = "IUTF8, a wide character still counts 1 column",
     .ion = IUTF8,
     .keys = "a\xe4\xb8\xad\x7f\n",
     .echo = "a\xe4\xb8\xad\b \b\r\n",
     .reads = {"a\n"}},
    {.what = "without IUTF8, one byte",
     .keys = "a\xc3\xa9\x7f\n",
     .echo = "a\xc3\xa9\b \b\r\n",
     .reads = {"a\xc3\n"}},
    {.what = "without IUTF8, one byte at a time",
     .keys = "a\xc3\xa9\x7f\x7f\n",
     .echo = "a\xc3\xa9\b \b\b \b\r\n",
     .reads = {"a\n"}},
    {.what = "IUTF8, a continuation byte at the line start is never erased",
     .ion = IUTF8,
     .keys = "\xa9\x7f\n",
     .echo = "\xa9\r\n",
     .reads = {"\xa9\n"}},
    {.what = "IUTF8, a continuation byte after a character goes with it",
     .ion = IUTF8,
     .keys = "a\xa9\x7f\n",
     .echo = "a\xa9\b \b\r\n",
     .reads = {"\n"}},
    {.what = "IUTF8 without ECHOE, one ^? per character",
     .loff = ECHOE,
     .ion = IUTF8,
     .keys = "a\xc3\xa9\x7f\n",
     .echo = "a\xc3\xa9^?\r\n",
     .reads = {"a\n"}},
    {.what = "IUTF8 with ECHOPRT, the whole character printed",
     .lon = ECHOPRT,
     .ion = IUTF8,
     .keys = "a\xc3\xa9\x7f\x7f"
             "b\n",
     .echo = "a\xc3\xa9\\\xc3\xa9"
             "a/b\r\n",
     .reads = {"b\n"}},
    {.what = "IUTF8 kill over tabs and characters",
     .ion = IUTF8,
     .keys = "a\xc3\xa9\t\xe2\x82\xac\x15\n",
     .echo = "a\xc3\xa9\t\xe2\x82\xac\b \b\b\b\b\b\b\b\b \b\b \b\r\n",
     .reads = {"\n"}},
};

/* WERASE: the non-word characters at the end, then the word before them. */
static const struct ed_case werase_cases[] = {
    {.what = "the last word",
     .keys = "hello world\x17\n",
     .echo = "hello world\b \b\b \b\b \b\b \b\b \b\r\n",
     .reads = {"hello \n"}},
    {.what = "spaces, then the word",
     .keys = "hello world   \x17\n",
     .echo = "hello world   \b \b\b \b\b \b\b \b\b \b\b \b\b \b\b \b\r\n",
     .reads = {"hello \n"}},
    {.what = "stops at punctuation",
     .keys = "foo.bar\x17\n",
     .echo = "foo.bar\b \b\b \b\b \b\r\n",
     .reads = {"foo.\n"}},
    {.what = "punctuation, then the word",
     .keys = "foo...\x17\n",
     .echo = "foo...\b \b\b \b\b \b\b \b\b \b\b \b\r\n",
     .reads = {"\n"}},
    {.what = "twice over \"a-b\"",
     .keys = "a-b\x17\x17\n",
     .echo = "a-b\b \b\b \b\b \b\r\n",
     .reads = {"\n"}},
    {.what = "letters, digits and _ make words",
     .keys = "a_b1-c2\x17\n",
     .echo = "a_b1-c2\b \b\b \b\r\n",
     .reads = {"a_b1-\n"}},
    {.what = "Latin-1 letters make words",
     .keys = "ab \xe9t\xe9\x17\n",
     .echo = "ab \xe9t\xe9\b \b\b \b\b \b\r\n",
     .reads = {"ab \n"}},
    {.what = "0xd7 (multiplication sign) is not a letter",
     .keys = "ab \xd7\xd7\x17\n",
     .echo = "ab \xd7\xd7\b \b\b \b\b \b\b \b\b \b\r\n",
     .reads = {"\n"}},
    {.what = "IUTF8, a word of UTF-8 characters",
     .ion = IUTF8,
     .keys = "h\xc3\xa9llo w\xc3\xb6rld\x17\n",
     .echo = "h\xc3\xa9llo w\xc3\xb6rld\b \b\b \b\b \b\b \b\b \b\r\n",
     .reads = {"h\xc3\xa9llo \n"}},
    {.what = "a tab is a separator",
     .keys = "ab\tcd\x17\x17\n",
     .echo = "ab\tcd\b \b\b \b\b\b\b\b\b\b\b \b\b \b\r\n",
     .reads = {"\n"}},
    {.what = "control characters are separators",
     .keys = "ab\x01\x02\x17\n",
     .echo = "ab^A^B\b \b\b \b\b \b\b \b\b \b\b \b\r\n",
     .reads = {"\n"}},
    {.what = "without ECHOE it still erases on the screen",
     .loff = ECHOE,
     .keys = "ab cd\x17\n",
     .echo = "ab cd\b \b\b \b\r\n",
     .reads = {"ab \n"}},
    {.what = "without ECHOE and ECHOCTL",
     .loff = ECHOE | ECHOCTL,
     .keys = "ab\x01 cd\x17\x17\n",
     .echo = "ab\x01 cd\b \b\b \b\b \b\b \b\b \b\r\n",
     .reads = {"\n"}},
    {.what = "with ECHOPRT",
     .lon = ECHOPRT,
     .keys = "ab cd\x17\n",
     .echo = "ab cd\\dc\r\n",
     .reads = {"ab \n"}},
    {.what = "on an empty line, nothing", .keys = "\x17x\n", .echo = "x\r\n", .reads = {"x\n"}},
    {.what = "without IEXTEN it is data",
     .loff = IEXTEN,
     .keys = "ab\x17\n",
     .echo = "ab^W\r\n",
     .reads = {"ab\x17\n"}},
    {.what = "IUTF8, stops at a continuation byte at the line start",
     .ion = IUTF8,
     .keys = "\xa9"
             "ab\x17\x17\n",
     .echo = "\xa9"
             "ab\b \b\b \b\r\n",
     .reads = {"\xa9\n"}},
};

/* KILL: erased on the screen with ECHOK, ECHOKE and ECHOE; otherwise ^U
 * (and a newline with ECHOK). */
static const struct ed_case kill_cases[] = {
    {.what = "ECHOKE (with ECHOK and ECHOE), erased on the screen",
     .keys = "junk\x15ok\n",
     .echo = "junk\b \b\b \b\b \b\b \bok\r\n",
     .reads = {"ok\n"}},
    {.what = "ECHOKE over a tab and ^A",
     .keys = "a\t\x01\x15\n",
     .echo = "a\t^A\b \b\b \b\b\b\b\b\b\b\b\b \b\r\n",
     .reads = {"\n"}},
    {.what = "ECHOKE after a prompt",
     .prompt = "$ ",
     .keys = "ab\tc\x15\n",
     .echo = "ab\tc\b \b\b\b\b\b\b \b\b \b\r\n",
     .reads = {"\n"}},
    {.what = "ECHOKE after a 7-column prompt",
     .prompt = "1234567",
     .keys = "a\tb\x15\n",
     .echo = "a\tb\b \b\b\b\b\b\b\b\b\b\b \b\r\n",
     .reads = {"\n"}},
    {.what = "ECHOK without ECHOKE, ^U and a newline",
     .loff = ECHOKE,
     .keys = "xy\x15z\n",
     .echo = "xy^U\r\nz\r\n",
     .reads = {"z\n"}},
    {.what = "ECHOK without ECHOKE or ECHOCTL",
     .loff = ECHOKE | ECHOCTL,
     .keys = "xy\x15z\n",
     .echo = "xy\x15\r\nz\r\n",
     .reads = {"z\n"}},
    {.what = "ECHOKE without ECHOK, just ^U",
     .loff = ECHOK,
     .keys = "xy\x15z\n",
     .echo = "xy^Uz\r\n",
     .reads = {"z\n"}},
    {.what = "ECHOK and ECHOKE without ECHOE, ^U and a newline",
     .loff = ECHOE,
     .keys = "xy\x15z\n",
     .echo = "xy^U\r\nz\r\n",
     .reads = {"z\n"}},
    {.what = "ECHOE alone, just ^U",
     .loff = ECHOK | ECHOKE,
     .keys = "xy\x15z\n",
     .echo = "xy^Uz\r\n",
     .reads = {"z\n"}},
    {.what = "neither ECHOK, ECHOKE nor ECHOE",
     .loff = ECHOK | ECHOKE | ECHOE,
     .keys = "xy\x15z\n",
     .echo = "xy^Uz\r\n",
     .reads = {"z\n"}},
    {.what = "on an empty line, nothing", .keys = "\x15z\n", .echo = "z\r\n", .reads = {"z\n"}},
    {.what = "on an empty line without ECHOKE, nothing",
     .loff = ECHOKE,
     .keys = "\x15z\n",
     .echo = "z\r\n",
     .reads = {"z\n"}},
    {.what = "ECHOPRT with ECHOKE",
     .lon = ECHOPRT,
     .keys = "xy\x15z\n",
     .echo = "xy\\yx/z\r\n",
     .reads = {"z\n"}},
    {.what = "ECHOPRT without ECHOKE",
     .lon = ECHOPRT,
     .loff = ECHOKE,
     .keys = "xy\x15z\n",
     .echo = "xy^U\r\nz\r\n",
     .reads = {"z\n"}},
    {.what = "without ECHO", .loff = ECHO, .keys = "xy\x15z\n", .echo = "", .reads = {"z\n"}},
    {.what = "without ECHO, ECHONL still echoes the newline",
     .lon = ECHONL,
     .loff = ECHO,
     .keys = "ab\x15"
             "c\n",
     .echo = "\r\n",
     .reads = {"c\n"}},
    {.what = "IUTF8 with ECHOKE, stops at a continuation byte at the line start",
     .ion = IUTF8,
     .keys = "\xa9"
             "ab\x15\n",
     .echo = "\xa9"
             "ab\b \b\b \b\r\n",
     .reads = {"\xa9\n"}},
    {.what = "IUTF8 without ECHOKE, the whole line goes",
     .loff = ECHOKE,
     .ion = IUTF8,
     .keys = "\xa9"
             "ab\x15\n",
     .echo = "\xa9"
             "ab^U\r\n\r\n",
     .reads = {"\n"}},
};

/* ECHOPRT: the erased characters printed between '\\' and '/'. */
static const struct ed_case echoprt_cases[] = {
    {.what = "erased characters between \\ and /",
     .lon = ECHOPRT,
     .keys = "abc\x7f\x7f"
             "d\n",
     .echo = "abc\\cb/d\r\n",
     .reads = {"ad\n"}},
    {.what = "the / comes when the line is empty",
     .lon = ECHOPRT,
     .keys = "ab\x7f\x7f\x7f"
             "c\n",
     .echo = "ab\\ba/c\r\n",
     .reads = {"c\n"}},
    {.what = "a newline leaves the / due",
     .lon = ECHOPRT,
     .keys = "abc\x7f\nx\n",
     .echo = "abc\\c\r\n/x\r\n",
     .reads = {"ab\n", "x\n"}},
    {.what = "a control character is printed as ^X",
     .lon = ECHOPRT,
     .keys = "a\x01\x7f\n",
     .echo = "a^A\\^A\r\n",
     .reads = {"a\n"}},
    {.what = "a tab is printed as a tab",
     .lon = ECHOPRT,
     .keys = "a\t\x7f\n",
     .echo = "a\t\\\t\r\n",
     .reads = {"a\n"}},
    {.what = "^R prints the / first",
     .lon = ECHOPRT,
     .keys = "abc\x7f\x12\n",
     .echo = "abc\\c/^R\r\nab\r\n",
     .reads = {"ab\n"}},
    {.what = "ECHOPRT wins over a missing ECHOE",
     .lon = ECHOPRT,
     .loff = ECHOE,
     .keys = "abc\x7f\n",
     .echo = "abc\\c\r\n",
     .reads = {"ab\n"}},
    {.what = "^V prints the / first",
     .lon = ECHOPRT,
     .keys = "abc\x7f\x16x\n",
     .echo = "abc\\c/^\bx\r\n",
     .reads = {"abx\n"}},
    {.what = "EOF leaves the / due",
     .lon = ECHOPRT,
     .keys = "abc\x7f\x04x\n",
     .echo = "abc\\c/x\r\n",
     .reads = {"ab", "x\n"}},
    {.what = "EOL leaves the / due",
     .lon = ECHOPRT,
     .veol = 33,
     .keys = "abc\x7f!x\n",
     .echo = "abc\\c!/x\r\n",
     .reads = {"ab!", "x\n"}},
    {.what = "^C leaves the / due (NOFLSH)",
     .lon = ECHOPRT | NOFLSH,
     .keys = "abc\x7f\x03x\n",
     .echo = "abc\\c^C/x\r\n",
     .reads = {"abx\n"}},
    {.what = "without ECHOCTL",
     .lon = ECHOPRT,
     .loff = ECHOCTL,
     .keys = "a\x01"
             "b\x7f\x7f\n",
     .echo = "a\x01"
             "b\\b\x01\r\n",
     .reads = {"a\n"}},
};

/* ERASE without ECHOE, over controls, and the other editing keys. */
static const struct ed_case erase_misc_cases[] = {
    {.what = "one character",
     .keys = "ab\x7f"
             "c\n",
     .echo = "ab\b \bc\r\n",
     .reads = {"ac\n"}},
    {.what = "nothing to erase, no echo", .keys = "\x7f\x7fx\n", .echo = "x\r\n", .reads = {"x\n"}},
    {.what = "without ECHOE, ^?",
     .loff = ECHOE,
     .keys = "ab\x7f\n",
     .echo = "ab^?\r\n",
     .reads = {"a\n"}},
    {.what = "without ECHOE or ECHOCTL, DEL itself",
     .loff = ECHOE | ECHOCTL,
     .keys = "ab\x7f\n",
     .echo = "ab\x7f\r\n",
     .reads = {"a\n"}},
    {.what = "^A takes 2 columns",
     .keys = "a\x01\x7f\n",
     .echo = "a^A\b \b\b \b\r\n",
     .reads = {"a\n"}},
    {.what = "a raw control character takes none",
     .loff = ECHOCTL,
     .keys = "a\x01\x7f\n",
     .echo = "a\x01\r\n",
     .reads = {"a\n"}},
    {.what = "a quoted ^C",
     .keys = "\x16\x03\x7f\n",
     .echo = "^\b^C\b \b\b \b\r\n",
     .reads = {"\n"}},
    {.what = "byte 0x85 takes a column",
     .keys = "\x85\x7f\n",
     .echo = "\x85\b \b\r\n",
     .reads = {"\n"}},
    {.what = "without ECHO nothing is shown",
     .loff = ECHO,
     .keys = "ab\x7f"
             "c\n",
     .echo = "",
     .reads = {"ac\n"}},
    {.what = "ISTRIP before erasing",
     .ion = ISTRIP,
     .keys = "a\xe9\x7f\n",
     .echo = "ai\b \b\r\n",
     .reads = {"a\n"}},
    {.what = "PARMRK doubles 0377, erased one byte at a time",
     .ion = PARMRK,
     .keys = "a\xff\x7f\x7f\n",
     .echo = "a\xff\b \b\b \b\r\n",
     .reads = {"a\n"}},
    {.what = "^R then erase works on the copy",
     .keys = "a\x01\t\x12\x7f\x7f\n",
     .echo = "a^A\t^R\r\na^A\t\b\b\b\b\b\b \b\b \b\r\n",
     .reads = {"a\n"}},
    {.what = "^R on an empty line", .keys = "\x12x\n", .echo = "^R\r\nx\r\n", .reads = {"x\n"}},
    {.what = "^R reprints a line with a tab", .keys = "a\tb\x12", .echo = "a\tb^R\r\na\tb"},
    {.what = "^R without IEXTEN is data",
     .loff = IEXTEN,
     .keys = "ab\x12\n",
     .echo = "ab^R\r\n",
     .reads = {"ab\x12\n"}},
    {.what = "^V then DEL is data", .keys = "\x16\x7f\n", .echo = "^\b^?\r\n", .reads = {"\x7f\n"}},
    {.what = "^V without ECHOCTL shows nothing",
     .loff = ECHOCTL,
     .keys = "\x16\x7fx\n",
     .echo = "\x7fx\r\n",
     .reads = {"\x7fx\n"}},
    {.what = "EOL ends a line and is read",
     .veol = 33,
     .keys = "ab!c\n",
     .echo = "ab!c\r\n",
     .reads = {"ab!", "c\n"}},
    {.what = "EOL2 ends a line with IEXTEN",
     .veol2 = 33,
     .keys = "ab!c\n",
     .echo = "ab!c\r\n",
     .reads = {"ab!", "c\n"}},
    {.what = "EOL2 without IEXTEN is data",
     .loff = IEXTEN,
     .veol2 = 33,
     .keys = "ab!c\n",
     .echo = "ab!c\r\n",
     .reads = {"ab!c\n"}},
    {.what = "IUCLC maps ISO 8859-1 upper case",
     .ion = IUCLC,
     .keys = "ABC\xc0\xc9\xd7\xde\xdf\n",
     .echo = "abc\xe0\xe9\xd7\xfe\xdf\r\n",
     .reads = {"abc\xe0\xe9\xd7\xfe\xdf\n"}},
};

/* VEOF: at the start of a line a read returns 0; it is never echoed. */
static const struct ed_case eof_cases[] = {
    {.what = "at the line start, read 0, no echo", .keys = "\x04", .echo = "", .reads = {""}},
    {.what = "after a prompt", .prompt = "$ ", .keys = "\x04", .echo = "", .reads = {""}},
    {.what = "after erasing the line",
     .keys = "ab\x7f\x7f\x04",
     .echo = "ab\b \b\b \b",
     .reads = {""}},
    {.what = "without ECHOCTL", .loff = ECHOCTL, .keys = "\x04", .echo = "", .reads = {""}},
    {.what = "twice, two reads of 0", .keys = "\x04\x04", .echo = "", .reads = {"", ""}},
    {.what = "after text, ends the line unechoed",
     .keys = "abc\x04",
     .echo = "abc",
     .reads = {"abc"}},
    {.what = "then erase has nothing to erase",
     .keys = "ab\x04\x7f\n",
     .echo = "ab\r\n",
     .reads = {"ab", "\n"}},
    {.what = "quoted with ^V it is data",
     .keys = "\x16\x04\n",
     .echo = "^\b^D\r\n",
     .reads = {"\x04\n"}},
    {.what = "a changed VEOF", .veof = 1, .keys = "ab\x01", .echo = "ab", .reads = {"ab"}},
};

/* Output processing (OPOST) and the column it tracks, for writes and echo. */
static const struct ed_case output_cases[] = {
    {.what = "ONLCR", .keys = "", .after = "a\nb", .echo = "a\r\nb"},
    {.what = "OCRNL", .oon = OCRNL, .ooff = ONLCR, .keys = "", .after = "a\rb", .echo = "a\nb"},
    {.what = "OCRNL gives a newline ONLCR leaves alone",
     .oon = OCRNL,
     .keys = "",
     .after = "a\rb\n",
     .echo = "a\nb\r\n"},
    {.what = "ONOCR, no CR at column 0",
     .oon = ONOCR,
     .ooff = ONLCR,
     .keys = "",
     .after = "\rx\r\r",
     .echo = "x\r"},
    {.what = "ONOCR after ONLCR", .oon = ONOCR, .keys = "", .after = "ab\n\r", .echo = "ab\r\n"},
    {.what = "ONLRET, a newline goes to column 0",
     .oon = ONLRET | XTABS,
     .ooff = ONLCR,
     .keys = "",
     .after = "ab\n\t",
     .echo = "ab\n        "},
    {.what = "without ONLRET a newline keeps the column",
     .oon = XTABS,
     .ooff = ONLCR,
     .keys = "",
     .after = "ab\n\t",
     .echo = "ab\n      "},
    {.what = "ONLRET and ONOCR",
     .oon = ONLRET | ONOCR,
     .ooff = ONLCR,
     .keys = "",
     .after = "ab\n\r",
     .echo = "ab\n"},
    {.what = "OCRNL with ONLRET goes to column 0",
     .oon = OCRNL | ONLRET | XTABS,
     .ooff = ONLCR,
     .keys = "",
     .after = "ab\r\t",
     .echo = "ab\n        "},
    {.what = "OCRNL without ONLRET keeps the column",
     .oon = OCRNL | XTABS,
     .ooff = ONLCR,
     .keys = "",
     .after = "ab\r\t",
     .echo = "ab\n      "},
    {.what = "OCRNL and ONOCR",
     .oon = OCRNL | ONOCR,
     .ooff = ONLCR,
     .keys = "",
     .after = "\rab\r",
     .echo = "ab\n"},
    {.what = "XTABS",
     .oon = XTABS,
     .keys = "",
     .after = "ab\tc\t\t",
     .echo = "ab      c               "},
    {.what = "TAB1 leaves tabs", .oon = TAB1, .keys = "", .after = "ab\tc", .echo = "ab\tc"},
    {.what = "TAB2 leaves tabs", .oon = TAB2, .keys = "", .after = "ab\tc", .echo = "ab\tc"},
    {.what = "OLCUC, ISO 8859-1 too",
     .oon = OLCUC,
     .keys = "",
     .after = "Hi\xe9z\n",
     .echo = "HI\xc9Z\r\n"},
    {.what = "OLCUC maps bytes as Linux does",
     .oon = OLCUC,
     .keys = "",
     .after = "\xdf\xe0\xf7\xfe\xff\xb5",
     .echo = "\xbf\xc0\xf7\xde\xdf\xb5"},
    {.what = "a backspace moves the column back",
     .oon = XTABS,
     .keys = "",
     .after = "abc\b\t",
     .echo = "abc\b      "},
    {.what = "not below column 0",
     .oon = XTABS,
     .keys = "",
     .after = "\b\b\t",
     .echo = "\b\b        "},
    {.what = "ONLCR goes to column 0",
     .oon = XTABS,
     .keys = "",
     .after = "ab\n\t",
     .echo = "ab\r\n        "},
    {.what = "IUTF8, a character takes 1 column",
     .ion = IUTF8,
     .oon = XTABS,
     .keys = "",
     .after = "\xc3\xa9\t",
     .echo = "\xc3\xa9       "},
    {.what = "without IUTF8 each byte takes 1",
     .oon = XTABS,
     .keys = "",
     .after = "\xc3\xa9\t",
     .echo = "\xc3\xa9      "},
    {.what = "control characters take none",
     .oon = XTABS,
     .keys = "",
     .after = "\x01\x7f\x1b\t",
     .echo = "\x01\x7f\x1b        "},
    {.what = "byte 0x85 takes 1",
     .oon = XTABS,
     .keys = "",
     .after = "\x85\t",
     .echo = "\x85       "},
    {.what = "byte 0x85 with IUTF8 takes none",
     .ion = IUTF8,
     .oon = XTABS,
     .keys = "",
     .after = "\x85\t",
     .echo = "\x85        "},
    {.what = "CR goes to column 0",
     .oon = XTABS,
     .keys = "",
     .after = "abc\r\t",
     .echo = "abc\r        "},
    {.what = "without OPOST nothing changes",
     .ooff = OPOST,
     .keys = "",
     .after = "a\n\t\r",
     .echo = "a\n\t\r"},
    {.what = "without OPOST XTABS does nothing",
     .oon = XTABS,
     .ooff = OPOST,
     .keys = "",
     .after = "a\t",
     .echo = "a\t"},
    {.what = "echo moves the column",
     .oon = XTABS,
     .keys = "abc",
     .after = "\t",
     .echo = "abc     "},
    {.what = "an echoed ^A takes 2",
     .oon = XTABS,
     .keys = "\x01",
     .after = "\t",
     .echo = "^A      "},
    {.what = "an erase moves it back",
     .oon = XTABS,
     .keys = "abcd\x7f",
     .after = "\t",
     .echo = "abcd\b \b     "},
    {.what = "a tab erase moves it back",
     .oon = XTABS,
     .keys = "ab\t\x7f",
     .after = "\t",
     .echo = "ab      \b\b\b\b\b\b      "},
    {.what = "an ECHOPRT erase moves it on",
     .lon = ECHOPRT,
     .oon = XTABS,
     .keys = "ab\x7f",
     .after = "\t",
     .echo = "ab\\b    "},
    {.what = "echo of CR through ICRNL, OCRNL",
     .oon = OCRNL,
     .ooff = ONLCR,
     .keys = "ab\r",
     .echo = "ab\n",
     .reads = {"ab\n"}},
    {.what = "echo of a newline with ONLRET",
     .oon = ONLRET | XTABS,
     .ooff = ONLCR,
     .keys = "ab\n",
     .after = "\t",
     .echo = "ab\n        ",
     .reads = {"ab\n"}},
    {.what = "OLCUC applies to echo",
     .oon = OLCUC,
     .keys = "ab\n",
     .echo = "AB\r\n",
     .reads = {"ab\n"}},
    {.what = "OLCUC and erase",
     .oon = OLCUC,
     .keys = "ab\x7f\n",
     .echo = "AB\b \b\r\n",
     .reads = {"a\n"}},
    {.what = "XTABS echo after a prompt",
     .oon = XTABS,
     .prompt = "$ ",
     .keys = "\tx\n",
     .echo = "      x\r\n",
     .reads = {"\tx\n"}},
    {.what = "raw mode, NL echoes as ^J, CR via ICRNL as a newline",
     .loff = ICANON,
     .keys = "\n\r",
     .echo = "^J\r\n",
     .reads = {"\n\n"}},
    {.what = "raw mode, DEL is data",
     .loff = ICANON,
     .keys = "\t\x7f",
     .echo = "\t^?",
     .reads = {"\t\x7f"}},
    {.what = "raw mode, CR without ICRNL is ^M, ONOCR does not apply to echo",
     .loff = ICANON,
     .ioff = ICRNL,
     .oon = ONOCR,
     .keys = "\rx\r",
     .echo = "^Mx^M",
     .reads = {"\rx\r"}},
};

static void test_erase_tab(void)
{
    RUN_CASES(erase_tab_cases);
}

static void test_erase_utf8(void)
{
    RUN_CASES(erase_utf8_cases);
}

static void test_werase(void)
{
    RUN_CASES(werase_cases);
}

static void test_kill(void)
{
    RUN_CASES(kill_cases);
}

static void test_echoprt(void)
{
    RUN_CASES(echoprt_cases);
}

static void test_erase_misc(void)
{
    RUN_CASES(erase_misc_cases);
}

static void test_eof_line_start(void)
{
    RUN_CASES(eof_cases);
}

static void test_output_flags(void)
{
    RUN_CASES(output_cases);
}

int main(void)
{
    RUN(test_defaults);
    RUN(test_canonical_lines);
    RUN(test_erase_kill_werase);
    RUN(test_erase_columns);
    RUN(test_echo_variants);
    RUN(test_eof);
    RUN(test_isig);
    RUN(test_input_flags);
    RUN(test_output);
    RUN(test_device_room);
    RUN(test_flow_control);
    RUN(test_line_limit);
    RUN(test_vmin_vtime);
    RUN(test_mode_switch);
    RUN(test_erase_tab);
    RUN(test_erase_utf8);
    RUN(test_werase);
    RUN(test_kill);
    RUN(test_echoprt);
    RUN(test_erase_misc);
    RUN(test_eof_line_start);
    RUN(test_output_flags);
    HARNESS_EXIT();
}
