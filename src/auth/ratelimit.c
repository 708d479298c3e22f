/*
 * ratelimit.c - in-memory rate limits for sign-in and submissions.
 *
 * Each key (e.g. "login:203.0.113.7", "login:nguyenvana") is a token bucket
 * of `limit` hits refilled evenly over `window` seconds, kept as one number
 * per key - the generic cell rate algorithm: tat is the time at which the
 * bucket would be full again; a hit moves it one emission interval
 * (window / limit) later and is refused when that would put it more than a
 * window ahead of now. Times are scaled by limit so the arithmetic is exact
 * in integers.
 *
 * The table is fixed at creation (no growth, no allocation per key): keys
 * are hashed with keyed SipHash (a random key per table, so nobody can aim
 * keys at one slot) into a short probe run; when the run is full the slot
 * with the earliest tat - the least restricted key - is reused. A flood of
 * fresh keys can therefore make the table forget a key, which only ever lets
 * that key start over; it never blocks anyone wrongly.
 */
#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/internal.h"
#include "core/core.h"

#define PROBE 8
#define MAX_SLOTS ((size_t)1 << 24)

struct rl_slot {
    uint64_t key; /* SipHash of the key string, 0 for an empty slot */
    int64_t tat;  /* theoretical arrival time, in seconds * limit */
};

struct ratelimit {
    pthread_mutex_t mu;                                /* guards slots */
    unsigned char hash_key[crypto_shorthash_KEYBYTES]; /* SipHash key, random per table */
    int64_t limit;                                     /* hits allowed per window */
    int64_t window;                                    /* seconds */
    size_t n_slots;                                    /* a power of two */
    struct rl_slot *slots;                             /* n_slots entries, owned */
};

struct ratelimit *ratelimit_new(size_t n_slots, int limit, int64_t window_s)
{
    struct ratelimit *rl;
    size_t n = PROBE;
    assert(limit > 0 && limit <= 1000000);
    assert(window_s > 0 && window_s <= (int64_t)366 * 24 * 3600);
    (void)auth_init();
    while (n < n_slots && n < MAX_SLOTS)
        n <<= 1;
    rl = calloc(1, sizeof *rl);
    if (!rl)
        abort(); /* out of memory at start-up */
    rl->slots = calloc(n, sizeof *rl->slots);
    if (!rl->slots)
        abort();
    rl->n_slots = n;
    rl->limit = limit;
    rl->window = window_s;
    crypto_shorthash_keygen(rl->hash_key);
    pthread_mutex_init(&rl->mu, NULL);
    return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
    if (!rl)
        return;
    pthread_mutex_destroy(&rl->mu);
    free(rl->slots);
    free(rl);
}

static uint64_t key_hash(const struct ratelimit *rl, const char *key)
{
    unsigned char out[crypto_shorthash_BYTES];
    uint64_t h = 0;
    crypto_shorthash(out, (const unsigned char *)key, strlen(key), rl->hash_key);
    memcpy(&h, out, sizeof h);
    return h ? h : 1; /* 0 marks an empty slot */
}

/* The slot of h, or the slot to take over for it (marked empty). Called with mu held. */
static struct rl_slot *find_slot(struct ratelimit *rl, uint64_t h, int64_t now_scaled)
{
    size_t mask = rl->n_slots - 1;
    struct rl_slot *free_slot = NULL;
    struct rl_slot *oldest = NULL;
    struct rl_slot *victim;
    for (size_t i = 0; i < PROBE; i++) {
        struct rl_slot *s = &rl->slots[(h + i) & mask];
        if (s->key == h)
            return s;
        /* An empty slot, or one whose bucket is full again, is as good as free. */
        if (!free_slot && (s->key == 0 || s->tat <= now_scaled))
            free_slot = s;
        if (!oldest || s->tat < oldest->tat)
            oldest = s;
    }
    victim = free_slot ? free_slot : oldest;
    victim->key = 0;
    victim->tat = 0;
    return victim;
}

int ratelimit_hit(struct ratelimit *rl, const char *key, int64_t now)
{
    uint64_t h = key_hash(rl, key ? key : "");
    int64_t now_scaled = now * rl->limit;
    int64_t tat;
    int rc = 0;
    struct rl_slot *s;
    pthread_mutex_lock(&rl->mu);
    s = find_slot(rl, h, now_scaled);
    tat = s->key == h && s->tat > now_scaled ? s->tat : now_scaled;
    /* One hit costs window/limit seconds, i.e. `window` in scaled units. */
    tat += rl->window;
    if (tat - now_scaled > rl->window * rl->limit) {
        rc = ERR_RATE;
    } else {
        s->key = h;
        s->tat = tat;
    }
    pthread_mutex_unlock(&rl->mu);
    return rc;
}

void ratelimit_clear(struct ratelimit *rl, const char *key)
{
    uint64_t h = key_hash(rl, key ? key : "");
    size_t mask = rl->n_slots - 1;
    pthread_mutex_lock(&rl->mu);
    for (size_t i = 0; i < PROBE; i++) {
        struct rl_slot *s = &rl->slots[(h + i) & mask];
        if (s->key == h) {
            s->key = 0;
            s->tat = 0;
        }
    }
    pthread_mutex_unlock(&rl->mu);
}

int ratelimit_check(struct ratelimit *rl, const char *key, int64_t now)
{
    uint64_t h = key_hash(rl, key ? key : "");
    int64_t now_scaled = now * rl->limit;
    int rc = 0;
    pthread_mutex_lock(&rl->mu);
    struct rl_slot *s = find_slot(rl, h, now_scaled);
    int64_t tat = s->key == h && s->tat > now_scaled ? s->tat : now_scaled;
    if (tat + rl->window - now_scaled > rl->window * rl->limit)
        rc = ERR_RATE;
    pthread_mutex_unlock(&rl->mu);
    return rc;
}
