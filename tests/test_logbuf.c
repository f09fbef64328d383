// SPDX-License-Identifier: MIT
/* The log ring buffer against a model string of everything ever written. */
#include <abi/errno.h>
#include <kernel/compiler.h>
#include <kernel/logbuf.h>

#include <string.h>

#include "harness.h"

HARNESS("test_logbuf");

static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static u64 rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Reads everything from *seq into out (NUL-terminated), in chunks of chunk. */
static size_t read_all(const struct logbuf *lb, u64 *seq, char *out, size_t cap, size_t chunk)
{
    size_t total = 0;

    for (;;) {
        size_t want = MIN(chunk, cap - 1 - total);
        size_t n = logbuf_read(lb, seq, out + total, want);
        total += n;
        if (n == 0 || total == cap - 1) {
            break;
        }
    }
    out[total] = '\0';
    return total;
}

static void test_init(void)
{
    struct logbuf lb;
    char storage[64];

    CHECK_EQ(logbuf_init(&lb, storage, 0), -EINVAL);
    CHECK_EQ(logbuf_init(&lb, storage, 3), -EINVAL);
    CHECK_EQ(logbuf_init(&lb, storage, 48), -EINVAL);
    CHECK_EQ(logbuf_init(&lb, NULL, 64), -EINVAL);
    CHECK_EQ(logbuf_init(&lb, storage, 1), 0);
    CHECK_EQ(logbuf_init(&lb, storage, 64), 0);
    CHECK(lb.head == 0);
    CHECK(logbuf_first_seq(&lb) == 0);

    u64 seq = 0;
    char out[8];
    CHECK_EQ(logbuf_read(&lb, &seq, out, sizeof(out)), 0);
    CHECK(seq == 0);
}

static void test_small_writes(void)
{
    struct logbuf lb;
    char storage[64];
    char out[128];
    u64 seq = 0;

    CHECK_EQ(logbuf_init(&lb, storage, sizeof(storage)), 0);
    logbuf_write(&lb, "hello\n", 6);
    logbuf_write(&lb, "", 0);
    logbuf_write(&lb, NULL, 0);
    logbuf_write(&lb, "world\n", 6);
    CHECK(lb.head == 12);
    CHECK(logbuf_first_seq(&lb) == 0);
    CHECK_EQ(read_all(&lb, &seq, out, sizeof(out), 100), 12);
    CHECK(strcmp(out, "hello\nworld\n") == 0);
    CHECK(seq == 12);

    /* Caught up: nothing more, until the next write. */
    CHECK_EQ(logbuf_read(&lb, &seq, out, sizeof(out)), 0);
    logbuf_write(&lb, "x", 1);
    CHECK_EQ(logbuf_read(&lb, &seq, out, sizeof(out)), 1);
    CHECK(out[0] == 'x' && seq == 13);

    /* A zero-length read and a reader ahead of head copy nothing. */
    u64 s0 = 0;
    CHECK_EQ(logbuf_read(&lb, &s0, NULL, 0), 0);
    u64 ahead = 1000;
    CHECK_EQ(logbuf_read(&lb, &ahead, out, sizeof(out)), 0);
    CHECK(ahead == 1000);
}

static void test_partial_reads(void)
{
    struct logbuf lb;
    char storage[32];
    char out[64];
    u64 seq = 0;
    const char *msg = "one\ntwo\nthree\n";

    CHECK_EQ(logbuf_init(&lb, storage, sizeof(storage)), 0);
    logbuf_write(&lb, msg, strlen(msg));
    CHECK_EQ(logbuf_read(&lb, &seq, out, 5), 5);
    CHECK(memcmp(out, "one\nt", 5) == 0);
    CHECK(seq == 5);
    CHECK_EQ(logbuf_read(&lb, &seq, out, 1), 1);
    CHECK(out[0] == 'w');
    CHECK_EQ(read_all(&lb, &seq, out, sizeof(out), 3), strlen(msg) - 6);
    CHECK(strcmp(out, msg + 6) == 0);
}

static void test_wraparound(void)
{
    struct logbuf lb;
    char storage[16];
    char out[64];
    u64 seq = 0;

    CHECK_EQ(logbuf_init(&lb, storage, sizeof(storage)), 0);
    logbuf_write(&lb, "0123456789\n", 11);
    CHECK_EQ(read_all(&lb, &seq, out, sizeof(out), 64), 11);
    /* Crosses the end of the storage. */
    logbuf_write(&lb, "abcdefghi\n", 10);
    CHECK(lb.head == 21);
    CHECK(seq == 11);
    CHECK_EQ(read_all(&lb, &seq, out, sizeof(out), 64), 10);
    CHECK(strcmp(out, "abcdefghi\n") == 0);
    /* Held: bytes 5..20, "56789\nabcdefghi\n"; the first line start is 11. */
    CHECK(logbuf_first_seq(&lb) == 11);
    u64 old = 0;
    CHECK_EQ(read_all(&lb, &old, out, sizeof(out), 4), 10);
    CHECK(strcmp(out, "abcdefghi\n") == 0);
}

static void test_write_larger_than_buffer(void)
{
    struct logbuf lb;
    char storage[16];
    char out[64];
    u64 seq = 0;
    const char *big = "first line\nsecond line\nthird\n"; /* 29 bytes */

    CHECK_EQ(logbuf_init(&lb, storage, sizeof(storage)), 0);
    logbuf_write(&lb, "zz", 2);
    logbuf_write(&lb, big, strlen(big));
    CHECK(lb.head == 31);
    /* Held: the last 16 bytes "cond line\nthird\n"; the line start is "third". */
    CHECK(logbuf_first_seq(&lb) == 25);
    CHECK_EQ(read_all(&lb, &seq, out, sizeof(out), 64), 6);
    CHECK(strcmp(out, "third\n") == 0);

    /* No newline held except the last byte: the oldest byte is used. */
    CHECK_EQ(logbuf_init(&lb, storage, sizeof(storage)), 0);
    logbuf_write(&lb, "abcdefghijklmnopqrstuvwxyz\n", 27);
    CHECK(logbuf_first_seq(&lb) == 11);
    seq = 3;
    CHECK_EQ(read_all(&lb, &seq, out, sizeof(out), 64), 16);
    CHECK(strcmp(out, "lmnopqrstuvwxyz\n") == 0);

    /* No newline at all. */
    CHECK_EQ(logbuf_init(&lb, storage, sizeof(storage)), 0);
    logbuf_write(&lb, "abcdefghijklmnopqrstuvwxyz", 26);
    CHECK(logbuf_first_seq(&lb) == 10);

    /* Exactly one buffer full: nothing lost yet. */
    CHECK_EQ(logbuf_init(&lb, storage, sizeof(storage)), 0);
    logbuf_write(&lb, "0123456789abcde\n", 16);
    CHECK(logbuf_first_seq(&lb) == 0);
    seq = 0;
    CHECK_EQ(read_all(&lb, &seq, out, sizeof(out), 64), 16);
    CHECK(strcmp(out, "0123456789abcde\n") == 0);
}

static void test_reader_falls_behind(void)
{
    struct logbuf lb;
    char storage[64];
    char model[4096];
    char out[128];
    size_t mlen = 0;
    u64 seq = 0;

    CHECK_EQ(logbuf_init(&lb, storage, sizeof(storage)), 0);
    for (int i = 0; i < 40; i++) {
        char line[32];
        int n = snprintf(line, sizeof(line), "message number %d\n", i);
        logbuf_write(&lb, line, (size_t)n);
        memcpy(model + mlen, line, (size_t)n);
        mlen += (size_t)n;
    }
    CHECK(lb.head == mlen);
    u64 first = logbuf_first_seq(&lb);
    CHECK(first >= mlen - sizeof(storage));
    CHECK(model[first - 1] == '\n');
    size_t n = read_all(&lb, &seq, out, sizeof(out), 7);
    CHECK(seq == mlen);
    CHECK_EQ(n, mlen - first);
    CHECK(memcmp(out, model + first, n) == 0);
    CHECK(strncmp(out, "message number", 14) == 0);
}

static u64 model_first_seq(const char *model, u64 total, size_t size)
{
    if (total <= size) {
        return 0;
    }
    u64 oldest = total - size;
    for (u64 s = oldest; s + 1 < total; s++) {
        if (model[s] == '\n') {
            return s + 1;
        }
    }
    return oldest;
}

static void test_randomized(void)
{
    enum { MODEL_MAX = 1 << 20 };
    char *model = malloc(MODEL_MAX);
    char *out = malloc(MODEL_MAX);
    static const size_t sizes[] = {1, 2, 16, 64, 256};

    CHECK(model && out);
    for (size_t si = 0; si < ARRAY_SIZE(sizes); si++) {
        size_t size = sizes[si];
        char storage[256];
        struct logbuf lb;
        u64 total = 0;
        u64 readers[3] = {0, 0, 0};

        if (logbuf_init(&lb, storage, size) != 0) {
            harness_case_failed = 1;
            break;
        }
        for (int iter = 0; iter < 2000 && !harness_case_failed; iter++) {
            size_t len = (size_t)(rng() % (2 * size + 3));
            if (total + len > MODEL_MAX) {
                break;
            }
            char chunk[1024];
            for (size_t i = 0; i < len; i++) {
                u64 r = rng() % 8;
                chunk[i] = r == 0 ? '\n' : (char)('a' + rng() % 26);
            }
            logbuf_write(&lb, chunk, len);
            memcpy(model + total, chunk, len);
            total += len;
            if (lb.head != total || logbuf_first_seq(&lb) != model_first_seq(model, total, size)) {
                printf("  size %zu iter %d: head %llu first %llu, model first %llu\n", size, iter,
                       (unsigned long long)lb.head, (unsigned long long)logbuf_first_seq(&lb),
                       (unsigned long long)model_first_seq(model, total, size));
                harness_case_failed = 1;
                break;
            }
            /* Readers: 0 reads every time, 1 sometimes, 2 rarely. */
            for (int r = 0; r < 3; r++) {
                if (r == 1 && rng() % 4 != 0) {
                    continue;
                }
                if (r == 2 && rng() % 50 != 0) {
                    continue;
                }
                u64 start = readers[r] < total - MIN(total, (u64)size)
                                ? model_first_seq(model, total, size)
                                : readers[r];
                size_t chunk_len = 1 + (size_t)(rng() % (size + 4));
                size_t want =
                    (size_t)(rng() % 3 == 0 ? (rng() % (total - start + 1)) : total - start);
                size_t got = 0;
                u64 seq = readers[r];
                size_t n;
                /* At least one call, so a zero-length read still catches up. */
                do {
                    n = logbuf_read(&lb, &seq, out + got, MIN(chunk_len, want - got));
                    got += n;
                } while (n != 0 && got < want);
                if (got != want || seq != start + got || memcmp(out, model + start, got) != 0) {
                    printf("  size %zu iter %d reader %d: got %zu want %zu\n", size, iter, r, got,
                           want);
                    harness_case_failed = 1;
                    break;
                }
                readers[r] = seq;
            }
        }
    }
    free(model);
    free(out);
}

int main(void)
{
    RUN(test_init);
    RUN(test_small_writes);
    RUN(test_partial_reads);
    RUN(test_wraparound);
    RUN(test_write_larger_than_buffer);
    RUN(test_reader_falls_behind);
    RUN(test_randomized);
    HARNESS_EXIT();
}
