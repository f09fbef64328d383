// SPDX-License-Identifier: MIT
/* ChaCha20-based CSPRNG (see include/kernel/random.h). Each request runs
 * ChaCha20 under the current key with a fresh counter, then derives the
 * next key from one more block, so earlier output cannot be recomputed
 * from a later state. Requests are served in chunks so interrupts are
 * never disabled for long. */
#include <arch/x86_64/cpu.h>
#include <kernel/compiler.h>
#include <kernel/random.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <kernel/time.h>

#define CHUNK 256 /* bytes produced per lock hold */

static spinlock_t rng_lock = SPINLOCK_INIT("random");
static u32 rng_key[8];
static u64 rng_counter;
static bool rng_seeded;

static inline u32 rotl(u32 v, int n)
{
    return (v << n) | (v >> (32 - n));
}

#define QR(a, b, c, d)                                                                             \
    do {                                                                                           \
        a += b;                                                                                    \
        d = rotl(d ^ a, 16);                                                                       \
        c += d;                                                                                    \
        b = rotl(b ^ c, 12);                                                                       \
        a += b;                                                                                    \
        d = rotl(d ^ a, 8);                                                                        \
        c += d;                                                                                    \
        b = rotl(b ^ c, 7);                                                                        \
    } while (0)

/* One 64-byte ChaCha20 block of key at counter (nonce 0). */
static void chacha20_block(const u32 key[8], u64 counter, u32 out[16])
{
    u32 in[16] = {
        0x61707865, 0x3320646e, 0x79622d32, 0x6b206574, key[0], key[1],       key[2],
        key[3],     key[4],     key[5],     key[6],     key[7], (u32)counter, (u32)(counter >> 32),
        0,          0,
    };
    u32 x[16];

    memcpy(x, in, sizeof(x));
    for (int i = 0; i < 10; i++) {
        QR(x[0], x[4], x[8], x[12]);
        QR(x[1], x[5], x[9], x[13]);
        QR(x[2], x[6], x[10], x[14]);
        QR(x[3], x[7], x[11], x[15]);
        QR(x[0], x[5], x[10], x[15]);
        QR(x[1], x[6], x[11], x[12]);
        QR(x[2], x[7], x[8], x[13]);
        QR(x[3], x[4], x[9], x[14]);
    }
    for (int i = 0; i < 16; i++) {
        out[i] = x[i] + in[i];
    }
}

static bool hw_random(u64 *v, bool seed)
{
    u8 ok;

    for (int tries = 0; tries < 10; tries++) {
        if (seed) {
            __asm__ __volatile__("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok));
        } else {
            __asm__ __volatile__("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
        }
        if (ok) {
            return true;
        }
    }
    return false;
}

/* Folds data into the key: key = first 32 bytes of ChaCha20(key ^ data). */
static void mix_locked(const void *data, size_t len)
{
    spin_assert_held(&rng_lock);
    const u8 *p = data;
    u32 block[16];

    while (len > 0) {
        size_t n = MIN(len, sizeof(rng_key));
        u8 *k = (u8 *)rng_key;
        for (size_t i = 0; i < n; i++) {
            k[i] ^= p[i];
        }
        chacha20_block(rng_key, ~rng_counter, block);
        memcpy(rng_key, block, sizeof(rng_key));
        p += n;
        len -= n;
    }
    memset(block, 0, sizeof(block));
}

static void seed_locked(void)
{
    spin_assert_held(&rng_lock);
    u64 s[12], sec;
    u32 nsec;
    int n = 0;

    s[n++] = rdtsc();
    clock_realtime(&sec, &nsec);
    s[n++] = sec;
    s[n++] = nsec;
    s[n++] = (u64)(uintptr_t)&s; /* stack address: a little per-boot variance */
    for (int i = 0; i < 4; i++) {
        u64 v;
        if ((cpu_features.rdseed && hw_random(&v, true)) ||
            (cpu_features.rdrand && hw_random(&v, false))) {
            s[n++] = v;
        }
    }
    s[n++] = rdtsc();
    mix_locked(s, (size_t)n * sizeof(u64));
    memset(s, 0, sizeof(s));
    rng_seeded = true;
}

void random_add_entropy(const void *buf, size_t len)
{
    u64 t = rdtsc();
    u64 flags = spin_lock_irqsave(&rng_lock);

    if (!rng_seeded) {
        seed_locked();
    }
    mix_locked(&t, sizeof(t));
    mix_locked(buf, len);
    spin_unlock_irqrestore(&rng_lock, flags);
}

void get_random_bytes(void *buf, size_t len)
{
    u8 *out = buf;

    while (len > 0) {
        size_t chunk = MIN(len, (size_t)CHUNK);
        u32 block[16];
        u64 flags = spin_lock_irqsave(&rng_lock);

        if (!rng_seeded) {
            seed_locked();
        }
        for (size_t done = 0; done < chunk; done += sizeof(block)) {
            chacha20_block(rng_key, rng_counter++, block);
            memcpy(out + done, block, MIN(sizeof(block), chunk - done));
        }
        /* Fast key erasure: the next key comes from a block never output. */
        chacha20_block(rng_key, rng_counter++, block);
        memcpy(rng_key, block, sizeof(rng_key));
        spin_unlock_irqrestore(&rng_lock, flags);
        memset(block, 0, sizeof(block));
        out += chunk;
        len -= chunk;
    }
}

u64 get_random_u64(void)
{
    u64 v;
    get_random_bytes(&v, sizeof(v));
    return v;
}
