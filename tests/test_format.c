// SPDX-License-Identifier: MIT
/* kvsnprintf/ksnprintf against the host's snprintf, and kparse_u64. */
#include <abi/errno.h>
#include <kernel/format.h>

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "harness.h"

HARNESS("test_format");

static int mismatches;

static void report(const char *fmt, const char *kern, int rk, const char *host, int rh)
{
    if (mismatches++ < 20) {
        printf("  '%s': kernel '%s' (%d), host '%s' (%d)\n", fmt, kern, rk, host, rh);
    }
    harness_case_failed = 1;
}

/* Formats with both implementations (same format, same arguments). */
#define CMP(...)                                                                                   \
    do {                                                                                           \
        char _k[512], _h[512];                                                                     \
        int _rk = ksnprintf(_k, sizeof(_k), __VA_ARGS__);                                          \
        int _rh = snprintf(_h, sizeof(_h), __VA_ARGS__);                                           \
        if (_rk != _rh || strcmp(_k, _h) != 0) {                                                   \
            report(#__VA_ARGS__, _k, _rk, _h, _rh);                                                \
        }                                                                                          \
    } while (0)

/* Checks one runtime-built format taking one argument of type T. */
#define CMP_DYN(fmt, T, v)                                                                         \
    do {                                                                                           \
        char _k[512], _h[512];                                                                     \
        int _rk = ksnprintf(_k, sizeof(_k), fmt, (T)(v));                                          \
        int _rh = snprintf(_h, sizeof(_h), fmt, (T)(v));                                           \
        if (_rk != _rh || strcmp(_k, _h) != 0) {                                                   \
            report(fmt, _k, _rk, _h, _rh);                                                         \
        }                                                                                          \
    } while (0)

static void cmp_int(const char *fmt, const char *len, bool is_signed, u64 v)
{
    if (is_signed) {
        s64 s = (s64)v;
        if (!strcmp(len, "") || !strcmp(len, "hh") || !strcmp(len, "h")) {
            CMP_DYN(fmt, int, s);
        } else if (!strcmp(len, "l")) {
            CMP_DYN(fmt, long, s);
        } else if (!strcmp(len, "ll")) {
            CMP_DYN(fmt, long long, s);
        } else if (!strcmp(len, "z")) {
            CMP_DYN(fmt, long, s); /* ssize_t */
        } else if (!strcmp(len, "t")) {
            CMP_DYN(fmt, ptrdiff_t, s);
        } else {
            CMP_DYN(fmt, intmax_t, s);
        }
    } else {
        if (!strcmp(len, "") || !strcmp(len, "hh") || !strcmp(len, "h")) {
            CMP_DYN(fmt, unsigned int, v);
        } else if (!strcmp(len, "l")) {
            CMP_DYN(fmt, unsigned long, v);
        } else if (!strcmp(len, "ll")) {
            CMP_DYN(fmt, unsigned long long, v);
        } else if (!strcmp(len, "z")) {
            CMP_DYN(fmt, size_t, v);
        } else if (!strcmp(len, "t")) {
            CMP_DYN(fmt, ptrdiff_t, v);
        } else {
            CMP_DYN(fmt, uintmax_t, v);
        }
    }
}

static const u64 int_values[] = {
    0,
    1,
    7,
    8,
    9,
    10,
    15,
    16,
    42,
    127,
    128,
    255,
    256,
    32767,
    32768,
    65535,
    65536,
    (u64)-1,
    (u64)-42,
    (u64)-128,
    (u64)-129,
    (u64)INT_MAX,
    (u64)(s64)INT_MIN,
    (u64)UINT_MAX,
    (u64)LONG_MAX,
    (u64)LLONG_MIN,
    ULLONG_MAX,
    0x123456789abcdefULL,
    01234567012345670ULL,
    1000000000000ULL,
};

/* Every flag set x widths x precisions x lengths x conversions x values. */
static void test_int_combinations(void)
{
    static const char *widths[] = {"", "1", "5", "25"};
    static const char *precs[] = {"", ".", ".0", ".1", ".5", ".25"};
    static const char *lens[] = {"", "hh", "h", "l", "ll", "z", "t", "j"};
    static const char convs[] = "diuxXo";
    static const char flag_chars[] = "-0+ #";
    long checked = 0;

    mismatches = 0;
    for (int flags = 0; flags < 32; flags++) {
        char fl[8];
        int nf = 0;
        for (int b = 0; b < 5; b++) {
            if (flags & (1 << b)) {
                fl[nf++] = flag_chars[b];
            }
        }
        fl[nf] = '\0';
        for (size_t w = 0; w < ARRAY_SIZE(widths); w++) {
            for (size_t p = 0; p < ARRAY_SIZE(precs); p++) {
                for (size_t l = 0; l < ARRAY_SIZE(lens); l++) {
                    for (const char *c = convs; *c; c++) {
                        char fmt[64];
                        snprintf(fmt, sizeof(fmt), "<%%%s%s%s%s%c>", fl, widths[w], precs[p],
                                 lens[l], *c);
                        bool is_signed = *c == 'd' || *c == 'i';
                        for (size_t v = 0; v < ARRAY_SIZE(int_values); v++) {
                            cmp_int(fmt, lens[l], is_signed, int_values[v]);
                            checked++;
                        }
                    }
                }
            }
        }
    }
    CHECK(checked > 100000);
}

static void test_int_fixed(void)
{
    mismatches = 0;
    CMP("%d", INT_MIN);
    CMP("%d", INT_MAX);
    CMP("%lld", LLONG_MIN);
    CMP("%lld", LLONG_MAX);
    CMP("%llu", ULLONG_MAX);
    CMP("%llx", ULLONG_MAX);
    CMP("%#llo", ULLONG_MAX);
    CMP("%ld", LONG_MIN);
    CMP("%jd", (intmax_t)INT64_MIN);
    CMP("%.0d|%.0u|%.0x|%#.0x|%#.0o|%5.0d|%-5.0d|", 0, 0u, 0u, 0u, 0u, 0, 0);
    CMP("%+.0d|% .0d|%+5.0d|", 0, 0, 0);
    CMP("%hhd %hhu %hd %hu", 300, 300u, 70000, 70000u);
    CMP("%hhd %hd", -129, -32769);
    CMP("%zu %zx %td", (size_t)123456789, SIZE_MAX, (ptrdiff_t)-5);
    CMP("%i %i", -0, 0);
    /* Flags gcc calls ignored: the formats are kept out of -Wformat's sight. */
    const char *f = "%05d|%-05d|%+05d|% 05d|%0+5d";
    CMP(f, -42, -42, 42, 42, 42);
    f = "%#08x|%#-8x|%#8X|%08.3x";
    CMP(f, 0xabc, 0xabc, 0xabc, 0xabc);
    CMP("%#o|%#5o|%#05o|%#.3o|%#.1o", 8, 8, 8, 8, 8);
    CMP("%*d|%-*d|%*d", 6, 42, 6, 42, -6, 42);
    CMP("%.*d|%.*d|%*.*d", 5, 42, -3, 42, 8, 4, -42);
    f = "%0*d|%0.*d|%0.*x";
    CMP(f, -6, 42, -1, 42, -7, 0xfu);
    f = "%0*.*d";
    CMP(f, 8, -1, 42);
    CHECK(mismatches == 0);
}

static void test_strings_chars(void)
{
    static const char *strs[] = {"", "a", "hello", "hello, world", "0123456789abcdef0123"};
    static const char *specs[] = {
        "%s", "%10s", "%-10s", "%.0s", "%.3s", "%.20s", "%5.2s", "%-5.2s", "%2s", "%-1s", "%.s",
    };

    mismatches = 0;
    for (size_t i = 0; i < ARRAY_SIZE(strs); i++) {
        for (size_t j = 0; j < ARRAY_SIZE(specs); j++) {
            CMP_DYN(specs[j], const char *, strs[i]);
        }
    }
    CMP("%*s|%-*s|%*s|%.*s|%.*s", 6, "ab", 6, "ab", -6, "ab", 1, "ab", -1, "ab");
    CMP("%c|%5c|%-5c|%c%c%c", 'x', 'y', 'z', 'a', 0x7e, ' ');
    CMP("%*c|%-*c", 3, 'q', -3, 'q');
    CMP("100%%|%%|x%%y");
    CMP("plain text, no directives");
    char empty[4] = "zzz";
    CHECK_EQ(ksnprintf(empty, sizeof(empty), "%s", ""), 0);
    CHECK(empty[0] == '\0');
    CMP("%s=%d (%#x) %c %-4s|", "key", -7, 255u, '!', "v");

    /* A precision bounds the read: the array has no NUL. */
    char unterminated[4] = {'a', 'b', 'c', 'd'};
    CMP("%.4s|%.2s", unterminated, unterminated);

    char buf[32];
    const char *volatile null_str = NULL;
    CHECK_EQ(ksnprintf(buf, sizeof(buf), "%s|%8s", null_str, null_str), 15);
    CHECK(strcmp(buf, "(null)|  (null)") == 0);
    CHECK(mismatches == 0);
}

static void test_pointer(void)
{
    char buf[64];

    CHECK_EQ(ksnprintf(buf, sizeof(buf), "%p", (void *)0x1234), 18);
    CHECK(strcmp(buf, "0x0000000000001234") == 0);
    CHECK_EQ(ksnprintf(buf, sizeof(buf), "%p", (void *)0), 18);
    CHECK(strcmp(buf, "0x0000000000000000") == 0);
    CHECK_EQ(ksnprintf(buf, sizeof(buf), "%p", (void *)0xffffffff80001000ULL), 18);
    CHECK(strcmp(buf, "0xffffffff80001000") == 0);
    CHECK_EQ(ksnprintf(buf, sizeof(buf), "[%20p]", (void *)0xabc), 22);
    CHECK(strcmp(buf, "[  0x0000000000000abc]") == 0);
    CHECK_EQ(ksnprintf(buf, sizeof(buf), "[%-20p]", (void *)0xabc), 22);
    CHECK(strcmp(buf, "[0x0000000000000abc  ]") == 0);
    CHECK_EQ(ksnprintf(buf, sizeof(buf), "[%4p]", (void *)1), 20);
    CHECK(strcmp(buf, "[0x0000000000000001]") == 0);
}

/* kvsnprintf must not write past size, and must return the full length. */
static void test_truncation(void)
{
    static const char *fmt = "abc%d-%s-%08x";
    char want[64];
    int full = snprintf(want, sizeof(want), fmt, -12345, "str", 0xbeefu);

    CHECK_EQ(ksnprintf(NULL, 0, fmt, -12345, "str", 0xbeefu), full);
    for (size_t size = 0; size <= (size_t)full + 2; size++) {
        char buf[80];
        memset(buf, '#', sizeof(buf));
        int r = ksnprintf(buf + 8, size, fmt, -12345, "str", 0xbeefu);
        CHECK_EQ(r, full);
        for (int i = 0; i < 8; i++) {
            CHECK(buf[i] == '#');
        }
        for (size_t i = 8 + size; i < sizeof(buf); i++) {
            CHECK(buf[i] == '#');
        }
        if (size > 0) {
            size_t n = MIN(size - 1, (size_t)full);
            CHECK(memcmp(buf + 8, want, n) == 0);
            CHECK(buf[8 + n] == '\0');
        }
    }
    char one[1] = {'x'};
    CHECK_EQ(ksnprintf(one, 1, "%d", 123456), 6);
    CHECK(one[0] == '\0');
    char small[4];
    CHECK_EQ(ksnprintf(small, sizeof(small), "%s", "hello"), 5);
    CHECK(strcmp(small, "hel") == 0);
    CHECK_EQ(ksnprintf(small, sizeof(small), "%%%c%5d", 'z', 1), 7);
    CHECK(strcmp(small, "%z ") == 0);

    /* A wide field is counted in full but not written. */
    char tiny[8];
    CHECK_EQ(ksnprintf(tiny, sizeof(tiny), "%1000d", 1), 1000);
    CHECK(strcmp(tiny, "       ") == 0);
}

static void test_parse_u64(void)
{
    u64 v;

    v = 99;
    CHECK_EQ(kparse_u64("0", &v), 0);
    CHECK(v == 0);
    CHECK_EQ(kparse_u64("12345", &v), 0);
    CHECK(v == 12345);
    CHECK_EQ(kparse_u64("007", &v), 0);
    CHECK(v == 7);
    CHECK_EQ(kparse_u64("18446744073709551615", &v), 0);
    CHECK(v == UINT64_MAX);
    CHECK_EQ(kparse_u64("0x1F", &v), 0);
    CHECK(v == 0x1f);
    CHECK_EQ(kparse_u64("0XdeadBEEF", &v), 0);
    CHECK(v == 0xdeadbeef);
    CHECK_EQ(kparse_u64("0xffffffffffffffff", &v), 0);
    CHECK(v == UINT64_MAX);
    CHECK_EQ(kparse_u64("4K", &v), 0);
    CHECK(v == 4096);
    CHECK_EQ(kparse_u64("512M", &v), 0);
    CHECK(v == 512ULL << 20);
    CHECK_EQ(kparse_u64("2G", &v), 0);
    CHECK(v == 2ULL << 30);
    CHECK_EQ(kparse_u64("1k", &v), 0);
    CHECK(v == 1024);
    CHECK_EQ(kparse_u64("0x10M", &v), 0);
    CHECK(v == 16ULL << 20);
    CHECK_EQ(kparse_u64("0G", &v), 0);
    CHECK(v == 0);
    CHECK_EQ(kparse_u64("17179869183G", &v), 0); /* 2^34 - 1 */
    CHECK(v == (((1ULL << 34) - 1) << 30));

    v = 77;
    CHECK_EQ(kparse_u64("18446744073709551616", &v), -EINVAL);
    CHECK_EQ(kparse_u64("99999999999999999999999", &v), -EINVAL);
    CHECK_EQ(kparse_u64("0x10000000000000000", &v), -EINVAL);
    CHECK_EQ(kparse_u64("17179869184G", &v), -EINVAL);
    CHECK_EQ(kparse_u64("18014398509481984K", &v), -EINVAL);
    CHECK_EQ(kparse_u64("", &v), -EINVAL);
    CHECK_EQ(kparse_u64("0x", &v), -EINVAL);
    CHECK_EQ(kparse_u64("K", &v), -EINVAL);
    CHECK_EQ(kparse_u64("12a", &v), -EINVAL);
    CHECK_EQ(kparse_u64("12KB", &v), -EINVAL);
    CHECK_EQ(kparse_u64("12 ", &v), -EINVAL);
    CHECK_EQ(kparse_u64(" 12", &v), -EINVAL);
    CHECK_EQ(kparse_u64("-1", &v), -EINVAL);
    CHECK_EQ(kparse_u64("+1", &v), -EINVAL);
    CHECK_EQ(kparse_u64("0x-1", &v), -EINVAL);
    CHECK_EQ(kparse_u64("0xg", &v), -EINVAL);
    CHECK_EQ(kparse_u64("1T", &v), -EINVAL);
    CHECK_EQ(kparse_u64(NULL, &v), -EINVAL);
    CHECK(v == 77); /* untouched on failure */
}

int main(void)
{
    RUN(test_int_combinations);
    RUN(test_int_fixed);
    RUN(test_strings_chars);
    RUN(test_pointer);
    RUN(test_truncation);
    RUN(test_parse_u64);
    HARNESS_EXIT();
}
