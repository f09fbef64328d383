// SPDX-License-Identifier: MIT
/* The N_TTY line discipline (drivers/tty/n_tty.c) against a fake device
 * that records output, signals and flushes, with a fake clock for the
 * VMIN/VTIME rules. Expected bytes are what Linux produces: the tables of
 * editing and output cases (userland/tests/tty_edit_cases.h) were each
 * checked against Linux 6.18 through a pty (same settings on the slave,
 * the keys written to the master, the echo read back from it and the lines
 * read from the slave); userland/tests/t_tty.c runs many of them on both
 * kernels. */
#include <abi/errno.h>
#include <drivers/tty.h>
#include <kernel/signal.h>
#include <string.h>

#include "../userland/tests/tty_edit_cases.h"
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

/* The cases (struct ed_case and its tables) are in
 * userland/tests/tty_edit_cases.h, shared with userland/tests/t_tty.c. */

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
