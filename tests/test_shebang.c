// SPDX-License-Identifier: MIT
/* "#!" parsing: Linux's rules case by case (expectations measured on Linux
 * 6.18), the 256-byte limit at every position, and differential tests that
 * exec script headers (random ones, and ones ending at every position around
 * the limit) on the host kernel and compare the argv its interpreter
 * receives with shebang_parse's result. */
#define _GNU_SOURCE
#include <abi/errno.h>
#include <kernel/compiler.h>
#include <kernel/exec.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

HARNESS("test_shebang");

/* Parses from an exact-size heap copy so ASan catches reads past len. */
static int parse(const char *buf, size_t len, struct shebang *sb)
{
    char *copy = malloc(len ? len : 1);
    int ret;

    memcpy(copy, buf, len);
    ret = shebang_parse(copy, len, sb);
    free(copy);
    return ret;
}

struct sb_case {
    const char *name;
    const char *buf;
    size_t len; /* 0: strlen(buf) */
    int ret;
    const char *interp;
    const char *arg; /* NULL: no argument */
};

#define L(s) s, sizeof(s) - 1

static const struct sb_case cases[] = {
    {"plain", "#!/bin/sh\n", 0, 0, "/bin/sh", NULL},
    {"one argument", "#!/bin/sh -e\necho\n", 0, 0, "/bin/sh", "-e"},
    {"blanks everywhere", "#! \t/usr/bin/env  python3 -u  \t \nrest", 0, 0, "/usr/bin/env",
     "python3 -u"},
    {"tab separator", "#!/bin/sh\t\targ\n", 0, 0, "/bin/sh", "arg"},
    {"tab inside the argument", "#!/bin/sh a\tb\n", 0, 0, "/bin/sh", "a\tb"},
    {"CR is part of the name", "#!/bin/sh\r\n", 0, 0, "/bin/sh\r", NULL},
    {"CR is part of the argument", "#!/bin/sh -x\r\n", 0, 0, "/bin/sh", "-x\r"},
    {"CR then blank", "#!/bin/sh\r -x\n", 0, 0, "/bin/sh\r", "-x"},
    {"vertical tab is not a blank", "#!/bin/sh\vx\n", 0, 0, "/bin/sh\vx", NULL},
    {"no newline", "#!/bin/sh", 0, 0, "/bin/sh", NULL},
    {"no newline, trailing blanks kept", "#!/bin/sh  a b  ", 0, 0, "/bin/sh", "a b  "},
    {"trailing blanks before newline", "#!/bin/sh  \n", 0, 0, "/bin/sh", NULL},
    {"NUL ends the name", L("#!/bin/sh\0 x\n"), 0, "/bin/sh", NULL},
    {"NUL makes an empty argument", L("#!/bin/sh \0x\n"), 0, "/bin/sh", ""},
    {"NUL ends the argument", L("#!/bin/sh a\0b c\n"), 0, "/bin/sh", "a"},
    {"newline after NUL is not seen", L("#!/bin/sh\0\n"), 0, "/bin/sh", NULL},
    {"second line ignored", "#!/a\n#!/b c\n", 0, 0, "/a", NULL},
    {"no newline, only blanks after the name", "#!/bin/sh  ", 0, 0, "/bin/sh", ""},
    {"no newline, a tab after the name", "#!/bin/sh\t", 0, 0, "/bin/sh", ""},
    {"blanks kept before a NUL", L("#!/bin/sh a \0  \n"), 0, "/bin/sh", "a "},
    {"trailing tab before newline", "#!/bin/sh -e\t\n", 0, 0, "/bin/sh", "-e"},
    {"blank run inside the argument", "#!/bin/sh a  \t b \n", 0, 0, "/bin/sh", "a  \t b"},
    {"CR alone is a name", "#!\r\n", 0, 0, "\r", NULL},
    {"CR before the name", "#!\r /bin/sh\n", 0, 0, "\r", "/bin/sh"},
    {"leading tab", "#!\t/bin/sh\n", 0, 0, "/bin/sh", NULL},
    {"bare #!", "#!", 0, -ENOEXEC, NULL, NULL},
    {"#! and newline", "#!\n", 0, -ENOEXEC, NULL, NULL},
    {"#! and blanks", "#!  \t ", 0, -ENOEXEC, NULL, NULL},
    {"#! blanks newline", "#!  \t \nx", 0, -ENOEXEC, NULL, NULL},
    {"#! then NUL", L("#!\0/bin/sh\n"), -ENOEXEC, NULL, NULL},
    {"#! and tabs", "#!\t\t\n", 0, -ENOEXEC, NULL, NULL},
    {"#! blanks NUL", L("#!  \0/bin/sh\n"), -ENOEXEC, NULL, NULL},
    {"# ! is not #!", "# !/bin/sh\n", 0, -ENOEXEC, NULL, NULL},
    {"not a script",
     "\x7f"
     "ELF",
     0, -ENOEXEC, NULL, NULL},
    {"single #", "#", 0, -ENOEXEC, NULL, NULL},
    {"empty", "", 0, -ENOEXEC, NULL, NULL},
    {"space before #!", " #!/bin/sh\n", 0, -ENOEXEC, NULL, NULL},
    {"#/ only", "#/bin/sh\n", 0, -ENOEXEC, NULL, NULL},
};

static bool check_result(const char *name, int ret, const struct shebang *sb, int want_ret,
                         const char *want_interp, const char *want_arg)
{
    bool ok = ret == want_ret;

    if (ok && ret == 0) {
        ok = !strcmp(sb->interp, want_interp) && sb->interp_len == strlen(want_interp) &&
             sb->has_arg == (want_arg != NULL);
        if (ok && want_arg) {
            ok = !strcmp(sb->arg, want_arg) && sb->arg_len == strlen(want_arg);
        }
    }
    if (!ok) {
        printf("  %s: got %d [%s] %s[%s], want %d [%s] [%s]\n", name, ret, sb->interp,
               sb->has_arg ? "arg " : "no arg ", sb->arg, want_ret, want_interp ? want_interp : "",
               want_arg ? want_arg : "(none)");
    }
    return ok;
}

static void test_cases(void)
{
    bool ok = true;

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        const struct sb_case *c = &cases[i];
        struct shebang sb;
        size_t len = c->len ? c->len : strlen(c->buf);

        ok &= check_result(c->name, parse(c->buf, len, &sb), &sb, c->ret, c->interp, c->arg);
    }
    CHECK(ok);
}

/* A line of "#!" + name + tail, with name of name_len bytes "/xxx...". */
static size_t make_line(char *buf, size_t name_len, const char *tail, size_t tail_len)
{
    buf[0] = '#';
    buf[1] = '!';
    buf[2] = '/';
    memset(buf + 3, 'x', name_len - 1);
    memcpy(buf + 2 + name_len, tail, tail_len);
    return 2 + name_len + tail_len;
}

/* The 256-byte window, with names and arguments ending at every position
 * near its end. Measured on Linux: a name of 253 bytes then a blank works,
 * 254 bytes needs a blank at byte 256 (outside): -ENOEXEC; a '\n' at index
 * 255 still counts; without one, the argument loses byte 255. */
static void test_limit(void)
{
    char buf[600], name[300], arg[300];
    struct shebang sb;
    size_t n;

    /* Names that end with a newline inside or outside the window. */
    for (size_t name_len = 200; name_len <= 260; name_len++) {
        n = make_line(buf, name_len, "\n", 1);
        memcpy(name, buf + 2, name_len);
        name[name_len] = '\0';
        int want = name_len <= 253 ? 0 : -ENOEXEC;
        CHECK(check_result("name + newline", parse(buf, n, &sb), &sb, want, want ? NULL : name,
                           NULL));
    }
    /* Name then a blank then more text without a newline. */
    for (size_t name_len = 200; name_len <= 260; name_len++) {
        n = make_line(buf, name_len, " zzzz", 5);
        memcpy(name, buf + 2, name_len);
        name[name_len] = '\0';
        /* Bytes 0..254 survive; the argument starts at 3 + name_len. */
        size_t arg_len = 3 + name_len < 255 ? MIN((size_t)4, 255 - (3 + name_len)) : 0;
        memcpy(arg, "zzzz", arg_len);
        arg[arg_len] = '\0';
        int want = name_len <= 253 ? 0 : -ENOEXEC;
        CHECK(check_result("name + blank", parse(buf, n, &sb), &sb, want, want ? NULL : name,
                           want || arg_len == 0 ? NULL : arg));
    }
    /* A long argument is cut to bytes [start, 255). */
    n = make_line(buf, 10, " ", 1);
    memset(buf + n, 'a', 300);
    buf[n + 300] = '\n';
    CHECK_EQ(parse(buf, n + 301, &sb), 0);
    CHECK_EQ(sb.arg_len, 255 - n);
    /* Trailing blanks inside the window are trimmed even without newline. */
    n = make_line(buf, 10, " ", 1);
    memset(buf + n, 'a', 230);
    memset(buf + n + 230, ' ', 40);
    buf[n + 270] = 'b';
    CHECK_EQ(parse(buf, n + 271, &sb), 0);
    CHECK_EQ(sb.arg_len, 230);
    /* The window is only blanks after "#!": no interpreter. */
    buf[0] = '#';
    buf[1] = '!';
    memset(buf + 2, ' ', 300);
    strcpy(buf + 302, "/bin/sh\n");
    CHECK_EQ(parse(buf, 310, &sb), -ENOEXEC);
    /* A '\n' at byte 255 still ends the line; the blanks before it go. */
    n = make_line(buf, 10, " ", 1);
    memset(buf + n, 'a', 230);
    memset(buf + n + 230, ' ', 255 - (n + 230));
    buf[255] = '\n';
    CHECK_EQ(parse(buf, 256, &sb), 0);
    CHECK_EQ(sb.arg_len, 230);
    /* A 255-byte file: the padding NUL at byte 255 is the window's end,
     * and the blanks before it go as well... */
    CHECK_EQ(parse(buf, 255, &sb), 0);
    CHECK_EQ(sb.arg_len, 230);
    /* ...but a NUL before byte 255 keeps them. */
    CHECK_EQ(parse(buf, 254, &sb), 0);
    CHECK_EQ(sb.arg_len, 254 - n);
    /* A one-byte name at byte 254: byte 255 must end it. */
    buf[0] = '#';
    buf[1] = '!';
    memset(buf + 2, ' ', 252);
    buf[254] = 'x';
    buf[256] = 'y';
    buf[255] = ' ';
    CHECK(check_result("name at 254, blank", parse(buf, 257, &sb), &sb, 0, "x", NULL));
    buf[255] = '\t';
    CHECK(check_result("name at 254, tab", parse(buf, 257, &sb), &sb, 0, "x", NULL));
    CHECK(check_result("name at 254, EOF", parse(buf, 255, &sb), &sb, 0, "x", NULL));
    buf[255] = '\n';
    CHECK(check_result("name at 254, newline", parse(buf, 257, &sb), &sb, 0, "x", NULL));
    buf[255] = 'y';
    CHECK_EQ(parse(buf, 257, &sb), -ENOEXEC);
    /* Blanks up to byte 254, then anything at 255: no interpreter. */
    buf[254] = ' ';
    CHECK_EQ(parse(buf, 257, &sb), -ENOEXEC);
    CHECK_EQ(parse(buf, 255, &sb), -ENOEXEC);
    /* len below the real content: the rest counts as NUL padding. */
    CHECK_EQ(parse("#!/bin/sh -e\n", 7, &sb), 0);
    CHECK(!strcmp(sb.interp, "/bin/") && !sb.has_arg);
}

/* ---- differential test against the host kernel ---- */

static char tmpdir[64];
static char printer[128];

/* Writes its argv, each followed by a NUL, to stdout. */
static const char printer_src[] = "#include <string.h>\n"
                                  "#include <unistd.h>\n"
                                  "int main(int argc, char **argv)\n"
                                  "{\n"
                                  "    for (int i = 0; i < argc; i++) {\n"
                                  "        write(1, argv[i], strlen(argv[i]) + 1);\n"
                                  "    }\n"
                                  "    return 0;\n"
                                  "}\n";

static bool setup_host(void)
{
    char src[128], cmd[512];
    FILE *f;

    if (printer[0]) {
        return true;
    }
    strcpy(tmpdir, "/tmp/test_shebang.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        return false;
    }
    snprintf(src, sizeof(src), "%s/printer.c", tmpdir);
    snprintf(printer, sizeof(printer), "%s/pa", tmpdir);
    f = fopen(src, "w");
    if (!f) {
        return false;
    }
    fputs(printer_src, f);
    fclose(f);
    snprintf(cmd, sizeof(cmd), "gcc -O1 -o %s %s", printer, src);
    return system(cmd) == 0;
}

static bool write_script(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    bool ok;

    if (!f) {
        return false;
    }
    ok = fwrite(data, 1, len, f) == len;
    fclose(f);
    return ok && chmod(path, 0755) == 0;
}

/* Execs path with argv {"ARGV0", "ARGV1"}; returns 0 with its output in
 * out/out_len, or the execve errno. */
static int host_exec(const char *path, char *out, size_t out_size, size_t *out_len)
{
    int pipe_out[2], pipe_err[2];
    int err = 0;
    pid_t pid;

    *out_len = 0;
    if (pipe(pipe_out) || pipe2(pipe_err, O_CLOEXEC)) {
        return -1;
    }
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        char *argv[] = {"ARGV0", "ARGV1", NULL};
        char *envp[] = {NULL};

        dup2(pipe_out[1], 1);
        execve(path, argv, envp);
        err = errno;
        if (write(pipe_err[1], &err, sizeof(err)) != sizeof(err)) {
            _exit(126);
        }
        _exit(127);
    }
    close(pipe_out[1]);
    close(pipe_err[1]);
    for (;;) {
        ssize_t n = read(pipe_out[0], out + *out_len, out_size - *out_len);
        if (n <= 0) {
            break;
        }
        *out_len += n;
    }
    if (read(pipe_err[0], &err, sizeof(err)) != sizeof(err)) {
        err = 0;
    }
    close(pipe_out[0]);
    close(pipe_err[0]);
    waitpid(pid, NULL, 0);
    return err;
}

static bool compare_with_host(const char *script, const char *data, size_t len)
{
    struct shebang sb;
    char out[1024], want[1024];
    size_t out_len, want_len = 0;
    int ret = parse(data, len, &sb);
    int host;

    if (!write_script(script, data, len)) {
        return false;
    }
    host = host_exec(script, out, sizeof(out), &out_len);
    if (ret != 0) {
        /* Linux execs an empty name ("#!" at EOF) and gets EACCES. */
        if (host == ENOEXEC || host == EACCES) {
            return true;
        }
        printf("  we say %d, the host ran it (errno %d)\n", ret, host);
        return false;
    }
    if (strcmp(sb.interp, printer) != 0) {
        /* Some other path: the host must fail to exec it. */
        if (host != 0) {
            return true;
        }
        printf("  interp [%s]: the host ran something\n", sb.interp);
        return false;
    }
#define PUT(s)                                                                                     \
    do {                                                                                           \
        size_t _n = strlen(s) + 1;                                                                 \
        memcpy(want + want_len, s, _n);                                                            \
        want_len += _n;                                                                            \
    } while (0)
    PUT(sb.interp);
    if (sb.has_arg) {
        PUT(sb.arg);
    }
    PUT(script);
    PUT("ARGV1");
#undef PUT
    if (host != 0 || out_len != want_len || memcmp(out, want, want_len) != 0) {
        printf("  host errno %d, argv differs (%zu vs %zu bytes), arg [%s]\n", host, out_len,
               want_len, sb.has_arg ? sb.arg : "(none)");
        return false;
    }
    return true;
}

static void test_host_random(void)
{
    char script[128], data[1200];
    int agree = 0, ran = 0;

    CHECK(setup_host());
    snprintf(script, sizeof(script), "%s/script", tmpdir);
    harness_seed(0x2321);
    for (int it = 0; it < 600; it++) {
        const char *tokens[] = {" ", "\t", "\n", "\r", "x", "-v", "a b", "\v", "#!"};
        size_t len = 0;
        struct shebang sb;

        data[len++] = '#';
        data[len++] = '!';
        if (harness_rand() % 2) {
            for (int k = harness_rand() % 4; k > 0; k--) {
                data[len++] = harness_rand() % 2 ? ' ' : '\t';
            }
            memcpy(data + len, printer, strlen(printer));
            len += strlen(printer);
        }
        int ntok = harness_rand() % 10;
        for (int k = 0; k < ntok && len < 600; k++) {
            unsigned t = harness_rand() % 14;
            if (t < ARRAY_SIZE(tokens)) {
                memcpy(data + len, tokens[t], strlen(tokens[t]));
                len += strlen(tokens[t]);
            } else if (t == 9 || t == 10) {
                memcpy(data + len, printer, strlen(printer));
                len += strlen(printer);
            } else if (t == 11) {
                data[len++] = '\0';
            } else if (t == 12) {
                size_t n = harness_rand() % 260;
                memset(data + len, ' ', n);
                len += n;
            } else {
                size_t n = harness_rand() % 260;
                memset(data + len, 'a', n);
                len += n;
            }
        }
        if (!compare_with_host(script, data, len)) {
            printf("  iteration %d disagrees with the host\n", it);
            CHECK(false);
        }
        agree++;
        ran += parse(data, len, &sb) == 0 && !strcmp(sb.interp, printer);
    }
    printf("  %d headers agree with the host, %d ran the interpreter\n", agree, ran);
    CHECK(ran > 20);
}

/* Lines ending at every position around byte 255, each as a whole file
 * and followed by more text: the printer (padded with leading blanks to
 * move it) and a tail of blanks, arguments, NULs and newlines. */
static void test_host_limit(void)
{
    static const struct {
        const char *s;
        size_t len;
    } tails[] = {
        {L("")},       {L("\n")},      {L(" ")},       {L(" \n")},       {L("\t\t")},    {L(" a")},
        {L(" a  ")},   {L(" a \t\n")}, {L("  \0x")},   {L(" a \0 ")},    {L(" -v\r\n")}, {L("\0")},
        {L(" ab c ")}, {L("  a")},     {L("\t\t\n ")}, {L(" a\tb\t\t")},
    };
    static const char *const after[] = {"", "\nmore", "                                        ",
                                        "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"};
    char script[160], data[400];
    size_t plen;
    int ran = 0;

    CHECK(setup_host());
    snprintf(script, sizeof(script), "%s/limit", tmpdir);
    plen = strlen(printer);
    for (size_t pad = 250 - plen; pad <= 262 - plen; pad++) {
        for (size_t t = 0; t < ARRAY_SIZE(tails); t++) {
            for (size_t a = 0; a < ARRAY_SIZE(after); a++) {
                size_t len = 0;
                struct shebang sb;

                data[len++] = '#';
                data[len++] = '!';
                memset(data + len, ' ', pad);
                len += pad;
                memcpy(data + len, printer, plen);
                len += plen;
                memcpy(data + len, tails[t].s, tails[t].len);
                len += tails[t].len;
                memcpy(data + len, after[a], strlen(after[a]));
                len += strlen(after[a]);
                if (!compare_with_host(script, data, len)) {
                    printf("  pad %zu, tail %zu, after %zu disagree with the host\n", pad, t, a);
                    CHECK(false);
                }
                ran += parse(data, len, &sb) == 0 && !strcmp(sb.interp, printer);
            }
        }
    }
    printf("  %d of them ran the interpreter\n", ran);
    CHECK(ran > 100);
}

/* Chains of scripts: SHEBANG_MAX_NESTING run, one more gives ELOOP. */
static void test_host_nesting(void)
{
    char path[160], data[200], out[1024];
    size_t out_len;

    CHECK(setup_host());
    for (int n = SHEBANG_MAX_NESTING; n <= SHEBANG_MAX_NESTING + 1; n++) {
        for (int i = 0; i < n; i++) {
            int len;
            snprintf(path, sizeof(path), "%s/chain%d_%d", tmpdir, n, i);
            if (i + 1 < n) {
                len = snprintf(data, sizeof(data), "#!%s/chain%d_%d\n", tmpdir, n, i + 1);
            } else {
                len = snprintf(data, sizeof(data), "#!%s\n", printer);
            }
            CHECK(write_script(path, data, len));
        }
        snprintf(path, sizeof(path), "%s/chain%d_0", tmpdir, n);
        int err = host_exec(path, out, sizeof(out), &out_len);
        if (n <= SHEBANG_MAX_NESTING) {
            CHECK_EQ(err, 0);
            CHECK(out_len > 0);
        } else {
            CHECK_EQ(err, ELOOP);
        }
    }
}

int main(void)
{
    RUN(test_cases);
    RUN(test_limit);
    RUN(test_host_random);
    RUN(test_host_limit);
    RUN(test_host_nesting);
    if (tmpdir[0]) {
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
        if (system(cmd) != 0) {
            printf("  could not remove %s\n", tmpdir);
        }
    }
    HARNESS_EXIT();
}
