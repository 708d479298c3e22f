/*
 * decision_codes.c - the ballot cards of a decision made outside the server, for the online
 * voting benchmark (bench/decision.sh) and the closing-rush crash test
 * (tests/crash/decision_rush.sh), which set up a village of many thousand households with SQL.
 *
 *   decision_codes CARD_KEY DECISION_ID IDS_FILE CARDS_CSV CODES_FILE
 *
 * For each household id of IDS_FILE (one per line) it derives the card's one-time code as the
 * server does (dm_card_code in src/decision/env.c: HMAC-SHA256 of "card:<decision>:<household>"
 * keyed by the hex CARD_KEY, each of the first 10 bytes mapped onto a 31-character alphabet)
 * and its stored hash (dm_code_hash: SHA-256 hex of the code). CARDS_CSV gets one row of
 * decision_cards per household - decision_id,household_id,code_hash,0,0: all five columns in
 * table order, for sqlite3's .import and psql's \copy alike - and CODES_FILE the plaintext code,
 * one a line in the same order, for the load generators. The scripts check one code against
 * the server before using the rest, so a change of the derivation cannot go unnoticed.
 *
 * Prints the number of cards on stdout; exits 0, 1 on an I/O error, 2 on bad usage.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define CODE_LEN 10 /* DM_CODE_LEN */

/* As src/decision/env.c: letters and digits without look-alikes. */
static const char alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

static void card_code(const unsigned char *key, int64_t decision_id, int64_t hid, char *out)
{
    char msg[64];
    int n = snprintf(msg, sizeof msg, "card:%" PRId64 ":%" PRId64, decision_id, hid);
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256(mac, (const unsigned char *)msg, (unsigned long long)n, key);
    for (int i = 0; i < CODE_LEN; i++)
        out[i] = alphabet[mac[i] % (sizeof alphabet - 1)];
    out[CODE_LEN] = '\0';
}

static void code_hash(const char *code, char *out)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)code, strlen(code));
    sodium_bin2hex(out, 65, h, sizeof h);
}

static int parse_id(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    while (*end == '\n' || *end == '\r' || *end == ' ')
        end++;
    if (errno || end == s || *end || v < 1)
        return -1;
    *out = (int64_t)v;
    return 0;
}

int main(int argc, char **argv)
{
    unsigned char key[crypto_auth_hmacsha256_KEYBYTES] = {0};
    size_t key_len = 0;
    int64_t decision_id;
    if (argc != 6 || parse_id(argv[2], &decision_id) != 0 ||
        sodium_hex2bin(key, sizeof key, argv[1], strlen(argv[1]), NULL, &key_len, NULL) != 0 ||
        key_len != sizeof key) {
        fprintf(stderr, "usage: decision_codes CARD_KEY(64 hex) DECISION_ID IDS_FILE CARDS_CSV "
                        "CODES_FILE\n");
        return 2;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "decision_codes: libsodium did not initialise\n");
        return 1;
    }
    FILE *ids = fopen(argv[3], "r");
    FILE *cards = fopen(argv[4], "w");
    FILE *codes = fopen(argv[5], "w");
    int rc = 1;
    long n = 0;
    if (!ids || !cards || !codes) {
        fprintf(stderr, "decision_codes: %s\n", strerror(errno));
        goto out;
    }
    char line[64];
    while (fgets(line, sizeof line, ids)) {
        int64_t hid;
        char code[CODE_LEN + 1], hash[65];
        if (line[0] == '\n')
            continue;
        if (parse_id(line, &hid) != 0) {
            fprintf(stderr, "decision_codes: %s: not a household id: %s", argv[3], line);
            goto out;
        }
        card_code(key, decision_id, hid, code);
        code_hash(code, hash);
        fprintf(cards, "%" PRId64 ",%" PRId64 ",%s,0,0\n", decision_id, hid, hash);
        fprintf(codes, "%s\n", code);
        n++;
    }
    if (ferror(ids) || ferror(cards) || ferror(codes)) {
        fprintf(stderr, "decision_codes: I/O error\n");
        goto out;
    }
    printf("%ld\n", n);
    rc = 0;
out:
    sodium_memzero(key, sizeof key);
    if (ids)
        fclose(ids);
    if (cards && fclose(cards) != 0)
        rc = 1;
    if (codes && fclose(codes) != 0)
        rc = 1;
    return rc;
}
