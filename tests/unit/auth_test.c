/*
 * auth_test.c - accounts, passwords, sessions, CSRF, unit-scoped roles, rate
 * limits and the audit chain (src/auth).
 *
 * What a person notices: a wrong password and an unknown login get the same
 * answer in the same time; a session ends after 12 hours or at sign-out; a
 * commune officer sees her villages but not the next commune; the eleventh
 * sign-in attempt in ten minutes is refused; anyone editing the audit log by
 * hand is caught by "danchu audit verify".
 *
 * The database tests run on a fresh SQLite file, and again on PostgreSQL
 * (in a database of its own, dropped at the end) when DANCHU_TEST_PG_URL is set.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "auth/auth.h"
#include "core/core.h"
#include "store/store.h"

/* ---- fixtures -------------------------------------------------------------------------- */

/* Units: province 1; communes 10 and 20; village 11 under 10, village 21 under 20. */
enum { PROVINCE = 1, COMMUNE_A = 10, VILLAGE_A1 = 11, COMMUNE_B = 20, VILLAGE_B1 = 21 };
static const int64_t anc_province[] = {0};
static const int64_t anc_commune[] = {PROVINCE};
static const int64_t anc_village_a1[] = {COMMUNE_A, PROVINCE};
static const int64_t anc_village_b1[] = {COMMUNE_B, PROVINCE};

static const char units_sql[] =
    "INSERT INTO units (id, code, kind, name, name_fold, parent_id, created_at) VALUES"
    " (1, 'T01', 'province', 'Tỉnh Thử', 'tinh thu', NULL, 0),"
    " (10, 'X10', 'commune_rural', 'Xã A', 'xa a', 1, 0),"
    " (11, 'X10-T1', 'village', 'Thôn A1', 'thon a1', 10, 0),"
    " (20, 'X20', 'commune_rural', 'Xã B', 'xa b', 1, 0),"
    " (21, 'X20-T1', 'village', 'Thôn B1', 'thon b1', 20, 0)";

/* Test-only SQL for tampering with the log by hand. */
static const char sql_nth_audit_id[] = "SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET $1";
static const char sql_tamper_detail[] = "UPDATE audit_log SET detail = 'x' WHERE id = $1";
static const char sql_delete_audit[] = "DELETE FROM audit_log WHERE id = $1";
static const char sql_count_sessions[] = "SELECT count(*) FROM sessions WHERE account_id = $1";
static const char sql_session_token_hash[] =
    "SELECT token_hash FROM sessions WHERE account_id = $1";

struct fixture {
    struct store *s;    /* the opened database */
    struct db *db;      /* this thread's connection */
    char path[256];     /* SQLite file, "" on PostgreSQL */
    char pg_db[64];     /* private PostgreSQL database, "" on SQLite */
    char base_url[512]; /* DANCHU_TEST_PG_URL, for creating and dropping pg_db */
};

static int finish_setup(struct fixture *f, void **state)
{
    char err[256];
    int rc = store_migrate(f->s, NULL, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "migrate: %s\n", err);
        return -1;
    }
    if (store_connect(f->s, &f->db) != 0)
        return -1;
    if (db_exec(f->db, units_sql) != 0) {
        fprintf(stderr, "units: %s\n", db_errmsg(f->db));
        return -1;
    }
    *state = f;
    return 0;
}

static int setup_sqlite(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    char url[300];
    char err[256];
    int fd;
    if (auth_init() != 0)
        return -1;
    snprintf(f->path, sizeof f->path, "/tmp/danchu_auth_test_XXXXXX");
    fd = mkstemp(f->path);
    if (fd < 0)
        return -1;
    close(fd);
    unlink(f->path);
    snprintf(url, sizeof url, "sqlite:%s", f->path);
    if (store_open(url, &f->s, err, sizeof err) != 0) {
        fprintf(stderr, "store_open: %s\n", err);
        return -1;
    }
    return finish_setup(f, state);
}

/* Runs one statement on a fresh connection to url (database creation and removal). */
static int pg_admin(const char *url, const char *sql)
{
    struct store *s = NULL;
    struct db *db = NULL;
    char err[256];
    int rc = store_open(url, &s, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "store_open: %s\n", err);
        return rc;
    }
    if ((rc = store_connect(s, &db)) == 0) {
        rc = db_exec(db, sql);
        if (rc != 0)
            fprintf(stderr, "%s: %s\n", sql, db_errmsg(db));
        db_close(db);
    }
    store_close(s);
    return rc;
}

/* url with its database name replaced by name: postgres://user@host:port/NAME?params. */
static int pg_url_with_db(const char *url, const char *name, char *out, size_t size)
{
    const char *q = strchr(url, '?');
    const char *end = q ? q : url + strlen(url);
    const char *slash = end;
    while (slash > url && *slash != '/')
        slash--;
    if (slash <= url + strlen("postgres://") - 1)
        return -1;
    int n = snprintf(out, size, "%.*s/%s%s", (int)(slash - url), url, name, q ? q : "");
    return n > 0 && (size_t)n < size ? 0 : -1;
}

static int setup_pg(void **state)
{
    const char *base = getenv("DANCHU_TEST_PG_URL");
    struct fixture *f = calloc(1, sizeof *f);
    char sql[256];
    char url[700];
    char err[256];
    if (auth_init() != 0 || !base)
        return -1;
    snprintf(f->base_url, sizeof f->base_url, "%s", base);
    snprintf(f->pg_db, sizeof f->pg_db, "danchu_auth_test_%ld", (long)getpid());
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", f->pg_db);
    if (pg_admin(base, sql) != 0)
        return -1;
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", f->pg_db);
    if (pg_admin(base, sql) != 0)
        return -1;
    if (pg_url_with_db(base, f->pg_db, url, sizeof url) != 0)
        return -1;
    if (store_open(url, &f->s, err, sizeof err) != 0) {
        fprintf(stderr, "store_open: %s\n", err);
        return -1;
    }
    return finish_setup(f, state);
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    if (!f)
        return 0;
    if (f->db)
        db_close(f->db);
    if (f->s)
        store_close(f->s);
    if (f->path[0]) {
        char p[300];
        unlink(f->path);
        snprintf(p, sizeof p, "%s-wal", f->path);
        unlink(p);
        snprintf(p, sizeof p, "%s-shm", f->path);
        unlink(p);
    }
    if (f->pg_db[0]) {
        char sql[256];
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", f->pg_db);
        pg_admin(f->base_url, sql);
    }
    free(f);
    return 0;
}

static struct db *fx_db(void **state)
{
    return ((struct fixture *)*state)->db;
}

/* Runs one-parameter test SQL and returns the first column of the first row (or -1). */
static int64_t query_int(struct db *db, const char *sql, int64_t arg)
{
    struct db_stmt *st = NULL;
    int64_t v = -1;
    assert_int_equal(db_prepare(db, sql, &st), 0);
    assert_int_equal(db_bind_int(st, 1, arg), 0);
    if (db_step(st) == DB_ROW)
        v = db_col_int(st, 0);
    db_reset(st);
    return v;
}

static void exec_int(struct db *db, const char *sql, int64_t arg)
{
    struct db_stmt *st = NULL;
    assert_int_equal(db_prepare(db, sql, &st), 0);
    assert_int_equal(db_bind_int(st, 1, arg), 0);
    assert_int_equal(db_step(st), DB_DONE);
    db_reset(st);
}

/* A user holding the given grants, as auth_session_lookup would return it. */
static struct auth_user user_with(size_t n, const struct auth_grant *g)
{
    struct auth_user u;
    memset(&u, 0, sizeof u);
    u.id = 42;
    u.status = AUTH_STATUS_ACTIVE;
    snprintf(u.login, sizeof u.login, "canbo");
    for (size_t i = 0; i < n; i++)
        u.grants[i] = g[i];
    u.n_grants = n;
    return u;
}

/* ---- passwords (no database) ----------------------------------------------------------- */

static void password_hash_verify_and_wrong(void **state)
{
    char h[AUTH_HASH_SIZE];
    assert_int_equal(auth_password_hash("mat-khau-dai", h), 0);
    assert_true(strncmp(h, "$argon2id$", 10) == 0);
    assert_int_equal(auth_password_verify(h, "mat-khau-dai"), 0);
    assert_int_equal(auth_password_verify(h, "mat-khau-dal"), ERR_UNAUTH);
    assert_int_equal(auth_password_verify(h, ""), ERR_UNAUTH);
    assert_int_equal(auth_password_verify("", "mat-khau-dai"), ERR_UNAUTH);
}

static void password_minimum_length_8_with_vietnamese_message(void **state)
{
    const char *msg = NULL;
    char h[AUTH_HASH_SIZE];
    assert_int_equal(auth_password_check("1234567", &msg), ERR_INVALID);
    assert_non_null(msg);
    assert_non_null(strstr(msg, "ít nhất 8 ký tự"));
    assert_int_equal(auth_password_check("12345678", &msg), 0);
    /* Eight Vietnamese letters are eight characters, though sixteen-plus bytes. */
    assert_int_equal(auth_password_check("\xe1\xba\xad\xe1\xba\xad\xe1\xba\xad\xe1\xba\xad"
                                         "\xe1\xba\xad\xe1\xba\xad\xe1\xba\xad",
                                         &msg),
                     ERR_INVALID);
    assert_int_equal(auth_password_check("\xe1\xba\xad\xe1\xba\xad\xe1\xba\xad\xe1\xba\xad"
                                         "\xe1\xba\xad\xe1\xba\xad\xe1\xba\xad\xe1\xba\xad",
                                         &msg),
                     0);
    assert_int_equal(auth_password_check("abc\xff\xfe"
                                         "defgh",
                                         &msg),
                     ERR_INVALID);
    assert_int_equal(auth_password_hash("short", h), ERR_INVALID);
}

/* "mật khẩu 1" typed precomposed and decomposed: the same password. */
static void password_nfc_and_nfd_match(void **state)
{
    static const char nfc[] = "m\xe1\xba\xadt kh\xe1\xba\xa9u 1";
    static const char nfd[] = "ma\xcc\xa3\xcc\x82t kha\xcc\x82\xcc\x89u 1";
    char h[AUTH_HASH_SIZE];
    assert_string_not_equal(nfc, nfd);
    assert_int_equal(auth_password_hash(nfd, h), 0);
    assert_int_equal(auth_password_verify(h, nfc), 0);
    assert_int_equal(auth_password_verify(h, nfd), 0);
}

/* A key pair's secret opens with its password only, typed in NFC or NFD; two pairs made from
 * one password differ (salt and key are random). */
static void keys_open_with_their_password_only(void **state)
{
    static const char nfc[] = "m\xe1\xba\xadt kh\xe1\xba\xa9u 1";
    static const char nfd[] = "ma\xcc\xa3\xcc\x82t kha\xcc\x82\xcc\x89u 1";
    struct auth_keys k, k2;
    unsigned char sk[AUTH_BOX_KEY], pk[AUTH_BOX_KEY];
    assert_int_equal(auth_keys_make(nfc, &k), 0);
    assert_int_equal(auth_keys_make(nfc, &k2), 0);
    assert_memory_not_equal(k.pk, k2.pk, AUTH_BOX_KEY);
    assert_memory_not_equal(k.wrapped, k2.wrapped, AUTH_WRAPPED_SIZE);
    assert_int_equal(auth_keys_unwrap(&k, nfd, sk), 0);
    crypto_scalarmult_base(pk, sk);
    assert_memory_equal(pk, k.pk, AUTH_BOX_KEY);
    assert_int_equal(auth_keys_unwrap(&k, "mat khau 1", sk), ERR_UNAUTH);
    assert_int_equal(auth_keys_unwrap(&k, "", sk), ERR_UNAUTH);
    /* A wrapped secret altered by one bit opens with nothing. */
    k.wrapped[AUTH_WRAPPED_SIZE - 1] ^= 1;
    assert_int_equal(auth_keys_unwrap(&k, nfc, sk), ERR_UNAUTH);
}

/* The recovery key reads back typed with spaces, in lower case or without dashes; one wrong
 * digit or a missing group is caught by its check before any use. */
static void recovery_key_reads_back_and_catches_typos(void **state)
{
    struct db *db = fx_db(state);
    char rec[AUTH_RECOVERY_SIZE];
    int64_t id;
    assert_int_equal(auth_escrow_create(db, rec, &id), 0);
    assert_int_equal(strlen(rec), AUTH_RECOVERY_SIZE - 1);
    assert_int_equal(strncmp(rec, "DC1-", 4), 0);
    unsigned char stored[AUTH_BOX_KEY], sk[AUTH_BOX_KEY], pk[AUTH_BOX_KEY];
    int64_t cur;
    assert_int_equal(auth_escrow_current(db, &cur, stored), 0);
    assert_int_equal(cur, id);
    assert_int_equal(auth_recovery_parse(rec, sk, pk), 0);
    assert_memory_equal(pk, stored, AUTH_BOX_KEY);
    char loose[200];
    size_t k = 0;
    for (const char *p = rec; *p; p++)
        if (*p != '-') {
            loose[k++] = (char)(*p >= 'A' && *p <= 'F' ? *p - 'A' + 'a' : *p);
            if (k % 9 == 0)
                loose[k++] = ' ';
        }
    loose[k] = '\0';
    assert_int_equal(auth_recovery_parse(loose, sk, pk), 0);
    assert_memory_equal(pk, stored, AUTH_BOX_KEY);
    char typo[AUTH_RECOVERY_SIZE];
    memcpy(typo, rec, sizeof typo);
    typo[10] = typo[10] == '0' ? '1' : '0';
    assert_int_equal(auth_recovery_parse(typo, sk, pk), ERR_INVALID);
    typo[10] = rec[10];
    typo[AUTH_RECOVERY_SIZE - 6] = '\0'; /* a group short */
    assert_int_equal(auth_recovery_parse(typo, sk, pk), ERR_INVALID);
    assert_int_equal(auth_recovery_parse("", sk, pk), ERR_INVALID);
    assert_int_equal(auth_recovery_parse(NULL, sk, pk), ERR_INVALID);
}

/* Keys are stored once at first sign-in (a second save_new keeps the first), replaced by a reset,
 * and only holders with keys of a role on the unit itself are listed. */
static void keys_saved_once_and_holders_listed(void **state)
{
    struct db *db = fx_db(state);
    int64_t chair, officer;
    int64_t unit = COMMUNE_A;
    assert_int_equal(
        auth_account_create(db, "keys.chair", "Chủ tịch", "mat khau 1", "", unit, &chair), 0);
    assert_int_equal(
        auth_account_create(db, "keys.off", "Cán bộ", "mat khau 1", "", unit, &officer), 0);
    assert_int_equal(auth_role_grant(db, chair, unit, "chairperson"), 0);
    assert_int_equal(auth_role_grant(db, officer, unit, "officer"), 0);
    struct auth_key_holder h[4];
    size_t n = 9;
    assert_int_equal(auth_key_holders(db, unit, "chairperson", h, 4, &n), 0);
    assert_int_equal(n, 0); /* no keys yet */
    struct auth_keys k1, k2, got;
    assert_int_equal(auth_keys_make("mat khau 1", &k1), 0);
    assert_int_equal(auth_keys_make("mat khau 1", &k2), 0);
    assert_int_equal(auth_keys_save_new(db, chair, &k1), 0);
    assert_int_equal(auth_keys_save_new(db, chair, &k2), 0);
    assert_int_equal(auth_keys_get(db, chair, &got), 0);
    assert_memory_equal(got.pk, k1.pk, AUTH_BOX_KEY);
    assert_int_equal(auth_keys_save(db, chair, &k2), 0);
    assert_int_equal(auth_keys_get(db, chair, &got), 0);
    assert_memory_equal(got.pk, k2.pk, AUTH_BOX_KEY);
    assert_int_equal(auth_keys_get(db, officer, &got), ERR_NOT_FOUND);
    assert_int_equal(auth_key_holders(db, unit, "chairperson", h, 4, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(h[0].account_id, chair);
    assert_string_equal(h[0].display_name, "Chủ tịch");
    assert_int_equal(auth_key_holders(db, unit, "officer", h, 4, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(auth_keys_save(db, officer, &k1), 0);
    int64_t units[1] = {unit};
    assert_int_equal(auth_key_holders_perm(db, units, 1, "feedback.manage", h, 4, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(auth_key_holders(db, unit, "nobody", h, 4, &n), ERR_INVALID);
}

static void login_names_fold_to_lower_case(void **state)
{
    char out[AUTH_LOGIN_MAX + 1];
    const char *msg = NULL;
    assert_int_equal(auth_login_fold("NguyenVanA", out, &msg), 0);
    assert_string_equal(out, "nguyenvana");
    assert_int_equal(auth_login_fold("0912.345.678", out, NULL), 0);
    assert_int_equal(auth_login_fold("ab", out, &msg), ERR_INVALID);
    assert_non_null(msg);
    assert_int_equal(auth_login_fold("nguy\xe1\xbb\x85n", out, NULL), ERR_INVALID);
    assert_int_equal(auth_login_fold("a b c", out, NULL), ERR_INVALID);
    assert_int_equal(auth_login_fold("a'--", out, NULL), ERR_INVALID);
}

/* ---- CSRF (no database) ---------------------------------------------------------------- */

static void csrf_compare(void **state)
{
    struct auth_user u = user_with(0, NULL);
    char other[AUTH_HEX_SIZE];
    auth_random_hex(u.csrf);
    auth_random_hex(other);
    assert_int_equal(auth_csrf_check(&u, u.csrf, strlen(u.csrf)), 0);
    assert_int_equal(auth_csrf_check(&u, other, strlen(other)), ERR_CSRF);
    /* A prefix, an empty token, a missing token. */
    assert_int_equal(auth_csrf_check(&u, u.csrf, 63), ERR_CSRF);
    assert_int_equal(auth_csrf_check(&u, "", 0), ERR_CSRF);
    assert_int_equal(auth_csrf_check(&u, NULL, 0), ERR_CSRF);
    /* Outside a session there is no token to match, not even the empty one. */
    u.csrf[0] = '\0';
    assert_int_equal(auth_csrf_check(&u, "", 0), ERR_CSRF);
    assert_int_equal(auth_csrf_check(NULL, other, 64), ERR_CSRF);
}

static void anonymous_csrf_bound_to_visitor_and_secret(void **state)
{
    unsigned char secret[AUTH_SECRET_BYTES];
    unsigned char secret2[AUTH_SECRET_BYTES];
    char visitor[AUTH_HEX_SIZE];
    char visitor2[AUTH_HEX_SIZE];
    char tok[AUTH_HEX_SIZE];
    char tok_again[AUTH_HEX_SIZE];
    auth_secret_new(secret);
    auth_secret_new(secret2);
    auth_random_hex(visitor);
    auth_random_hex(visitor2);
    assert_int_equal(auth_anon_csrf(secret, visitor, tok), 0);
    assert_int_equal(strlen(tok), 64);
    assert_int_equal(auth_anon_csrf(secret, visitor, tok_again), 0);
    assert_string_equal(tok, tok_again); /* stateless: same visitor, same token */
    assert_int_equal(auth_anon_csrf_check(secret, visitor, tok, strlen(tok)), 0);
    assert_int_equal(auth_anon_csrf_check(secret, visitor2, tok, strlen(tok)), ERR_CSRF);
    assert_int_equal(auth_anon_csrf_check(secret2, visitor, tok, strlen(tok)), ERR_CSRF);
    tok[10] = tok[10] == 'a' ? 'b' : 'a';
    assert_int_equal(auth_anon_csrf_check(secret, visitor, tok, strlen(tok)), ERR_CSRF);
    assert_int_equal(auth_anon_csrf(secret, "not-a-visitor", tok), ERR_INVALID);
    assert_int_equal(auth_anon_csrf_check(secret, "", "", 0), ERR_CSRF);
}

/* ---- roles (no database) --------------------------------------------------------------- */

static void role_on_commune_covers_its_village_not_sibling_commune(void **state)
{
    struct auth_grant g[] = {{AUTH_ROLE_OFFICER, COMMUNE_A}};
    struct auth_user u = user_with(1, g);
    assert_true(auth_can(&u, "roll.edit", COMMUNE_A, anc_commune, 1));
    assert_true(auth_can(&u, "roll.edit", VILLAGE_A1, anc_village_a1, 2));
    assert_true(auth_can(&u, "officer", VILLAGE_A1, anc_village_a1, 2));
    assert_false(auth_can(&u, "roll.edit", COMMUNE_B, anc_commune, 1));
    assert_false(auth_can(&u, "roll.edit", VILLAGE_B1, anc_village_b1, 2));
    assert_false(auth_can(&u, "roll.edit", PROVINCE, anc_province, 0));
    /* A role the user does not hold, on a unit she covers. */
    assert_false(auth_can(&u, "chairperson", COMMUNE_A, anc_commune, 1));
    assert_false(auth_can(&u, "users.manage", COMMUNE_A, anc_commune, 1));
}

static void role_on_village_does_not_cover_commune(void **state)
{
    struct auth_grant g[] = {{AUTH_ROLE_VILLAGE_HEAD, VILLAGE_A1}};
    struct auth_user u = user_with(1, g);
    assert_true(auth_can(&u, "roll.edit", VILLAGE_A1, anc_village_a1, 2));
    assert_true(auth_can(&u, "resident.confirm", VILLAGE_A1, anc_village_a1, 2));
    assert_false(auth_can(&u, "roll.edit", COMMUNE_A, anc_commune, 1));
    assert_false(auth_can(&u, "village_head", COMMUNE_A, anc_commune, 1));
    assert_false(auth_can(&u, "roll.view", VILLAGE_B1, anc_village_b1, 2));
}

static void province_role_covers_every_commune(void **state)
{
    struct auth_grant g[] = {{AUTH_ROLE_PROVINCE_ADMIN, PROVINCE}};
    struct auth_user u = user_with(1, g);
    assert_true(auth_can(&u, "units.edit", VILLAGE_B1, anc_village_b1, 2));
    assert_true(auth_can(&u, "roll.view", COMMUNE_A, anc_commune, 1));
    /* Province admin is not a village head; the role name is exact. */
    assert_false(auth_can(&u, "village_head", VILLAGE_B1, anc_village_b1, 2));
}

static void anonymous_disabled_and_unknown_names_are_denied(void **state)
{
    struct auth_grant g[] = {{AUTH_ROLE_UNIT_ADMIN, COMMUNE_A}};
    struct auth_user u = user_with(1, g);
    assert_false(auth_can(NULL, "roll.view", COMMUNE_A, anc_commune, 1));
    assert_false(auth_can(&u, "roll.delete", COMMUNE_A, anc_commune, 1));
    assert_false(auth_can(&u, "", COMMUNE_A, anc_commune, 1));
    assert_false(auth_can(&u, NULL, COMMUNE_A, anc_commune, 1));
    assert_true(auth_can_anywhere(&u, "users.manage"));
    assert_false(auth_can_anywhere(&u, "resident"));
    u.status = AUTH_STATUS_DISABLED;
    assert_false(auth_can(&u, "users.manage", COMMUNE_A, anc_commune, 1));
    assert_false(auth_can_anywhere(&u, "users.manage"));
}

static void permission_table(void **state)
{
    static const char *const editors[] = {"village_head", "officer", "unit_admin", "chairperson",
                                          "province_admin"};
    static const char *const viewers_only[] = {"front_board", "inspection_board", "council",
                                               "front"};
    enum auth_role r;
    for (size_t i = 0; i < sizeof editors / sizeof editors[0]; i++) {
        assert_int_equal(auth_role_parse(editors[i], &r), 0);
        assert_true(auth_perm_has_role("roll.edit", r));
        assert_true(auth_perm_has_role("roll.view", r));
    }
    for (size_t i = 0; i < sizeof viewers_only / sizeof viewers_only[0]; i++) {
        assert_int_equal(auth_role_parse(viewers_only[i], &r), 0);
        assert_true(auth_perm_has_role("roll.view", r));
        assert_false(auth_perm_has_role("roll.edit", r));
        assert_false(auth_perm_has_role("roll.import", r));
    }
    /* resident.confirm: exactly village_head, officer, unit_admin. */
    for (int i = 0; i < AUTH_ROLE_COUNT; i++) {
        int want =
            i == AUTH_ROLE_VILLAGE_HEAD || i == AUTH_ROLE_OFFICER || i == AUTH_ROLE_UNIT_ADMIN;
        assert_int_equal(auth_perm_has_role("resident.confirm", (enum auth_role)i), want);
        assert_true(auth_perm_has_role("units.view", (enum auth_role)i));
    }
    /* A resident sees the unit list and nothing of the roll. */
    assert_false(auth_perm_has_role("roll.view", AUTH_ROLE_RESIDENT));
    assert_false(auth_perm_has_role("audit.view", AUTH_ROLE_RESIDENT));
    assert_false(auth_perm_has_role("users.manage", AUTH_ROLE_OFFICER));
    assert_true(auth_perm_has_role("users.manage", AUTH_ROLE_UNIT_ADMIN));
    assert_true(auth_perm_has_role("audit.view", AUTH_ROLE_INSPECTION_BOARD));
    assert_true(auth_perm_known("units.edit"));
    assert_false(auth_perm_known("officer"));
    /* Every role id round-trips. */
    for (int i = 0; i < AUTH_ROLE_COUNT; i++) {
        assert_int_equal(auth_role_parse(auth_role_name((enum auth_role)i), &r), 0);
        assert_int_equal(r, i);
    }
    assert_int_equal(auth_role_parse("admin", &r), ERR_INVALID);
}

/* ---- rate limits (no database) --------------------------------------------------------- */

static void ratelimit_trips_at_11th_try_and_recovers_after_window(void **state)
{
    struct ratelimit *rl = ratelimit_new(1024, 10, 600);
    const int64_t t0 = 1760000000;
    for (int i = 0; i < 10; i++)
        assert_int_equal(ratelimit_hit(rl, "login:203.0.113.7", t0 + i), 0);
    assert_int_equal(ratelimit_hit(rl, "login:203.0.113.7", t0 + 10), ERR_RATE);
    /* Still refused a minute later: the bucket refills one attempt per 60 s. */
    assert_int_equal(ratelimit_hit(rl, "login:203.0.113.7", t0 + 59), ERR_RATE);
    /* Another address and the login name are counted apart. */
    assert_int_equal(ratelimit_hit(rl, "login:203.0.113.8", t0 + 10), 0);
    assert_int_equal(ratelimit_hit(rl, "login:nguyenvana", t0 + 10), 0);
    /* After the window the full allowance is back. */
    for (int i = 0; i < 10; i++)
        assert_int_equal(ratelimit_hit(rl, "login:203.0.113.7", t0 + 610 + i), 0);
    assert_int_equal(ratelimit_hit(rl, "login:203.0.113.7", t0 + 620), ERR_RATE);
    /* Clearing forgets the key at once. */
    ratelimit_clear(rl, "login:203.0.113.7");
    assert_int_equal(ratelimit_hit(rl, "login:203.0.113.7", t0 + 621), 0);
    ratelimit_free(rl);
}

static void ratelimit_refills_evenly(void **state)
{
    struct ratelimit *rl = ratelimit_new(64, 10, 600);
    const int64_t t0 = 1760000000;
    for (int i = 0; i < 10; i++)
        assert_int_equal(ratelimit_hit(rl, "k", t0), 0);
    assert_int_equal(ratelimit_hit(rl, "k", t0 + 59), ERR_RATE);
    /* One attempt comes back every 60 seconds. */
    assert_int_equal(ratelimit_hit(rl, "k", t0 + 60), 0);
    assert_int_equal(ratelimit_hit(rl, "k", t0 + 60), ERR_RATE);
    ratelimit_free(rl);
}

static void ratelimit_memory_stays_bounded_under_a_flood(void **state)
{
    struct ratelimit *rl = ratelimit_new(64, 10, 600);
    const int64_t t0 = 1760000000;
    char key[64];
    for (int i = 0; i < 10; i++)
        assert_int_equal(ratelimit_hit(rl, "login:attacker", t0), 0);
    for (int i = 0; i < 100000; i++) {
        snprintf(key, sizeof key, "login:10.0.%d.%d", i / 256, i % 256);
        assert_int_equal(ratelimit_hit(rl, key, t0 + 1), 0);
    }
    /* The flood pushed out other flood keys, not the key that is being held back... */
    assert_int_equal(ratelimit_hit(rl, "login:attacker", t0 + 2), ERR_RATE);
    /* ...and a newcomer still gets in: nobody is blocked who should not be. */
    assert_int_equal(ratelimit_hit(rl, "login:newcomer", t0 + 2), 0);
    ratelimit_free(rl);
}

struct rl_thread_arg {
    struct ratelimit *rl; /* shared table */
    int allowed;          /* hits this thread got through */
};

static void *rl_thread(void *p)
{
    struct rl_thread_arg *a = p;
    for (int i = 0; i < 200; i++)
        if (ratelimit_hit(a->rl, "login:shared", 1760000000) == 0)
            a->allowed++;
    return NULL;
}

static void ratelimit_is_exact_across_threads(void **state)
{
    struct ratelimit *rl = ratelimit_new(256, 10, 600);
    pthread_t th[4];
    struct rl_thread_arg args[4];
    int total = 0;
    for (int i = 0; i < 4; i++) {
        args[i].rl = rl;
        args[i].allowed = 0;
        assert_int_equal(pthread_create(&th[i], NULL, rl_thread, &args[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        total += args[i].allowed;
    }
    assert_int_equal(total, 10);
    ratelimit_free(rl);
}

/* ---- accounts, sign-in, sessions (database) -------------------------------------------- */

static void account_create_and_login(void **state)
{
    struct db *db = fx_db(state);
    struct auth_user u;
    int64_t id = 0, id2 = 0;
    assert_int_equal(auth_account_create(db, "NguyenVanA", "Nguyễn Văn A", "mat-khau-1",
                                         "0912345678", COMMUNE_A, &id),
                     0);
    assert_true(id > 0);
    /* Logins are folded: the same name in other case is taken, and signs in. */
    assert_int_equal(auth_account_create(db, "nguyenvana", "Khác", "mat-khau-2", NULL, 0, &id2),
                     ERR_CONFLICT);
    assert_int_equal(auth_login(db, "NGUYENVANA", "mat-khau-1", &u), 0);
    assert_int_equal(u.id, id);
    assert_string_equal(u.login, "nguyenvana");
    assert_string_equal(u.display_name, "Nguyễn Văn A");
    assert_int_equal(u.unit_id, COMMUNE_A);
    assert_int_equal(u.needs_rehash, 0);
    assert_int_equal(u.csrf[0], '\0');
    assert_int_equal(auth_account_by_login(db, "nguyenVANa", &u), 0);
    assert_int_equal(u.id, id);
    assert_int_equal(auth_account_by_login(db, "khongco", &u), ERR_NOT_FOUND);
    /* Bad input is refused before anything is stored. */
    assert_int_equal(auth_account_create(db, "x", "X", "mat-khau-1", NULL, 0, &id2), ERR_INVALID);
    assert_int_equal(auth_account_create(db, "ngan", "X", "1234567", NULL, 0, &id2), ERR_INVALID);
    assert_int_equal(auth_account_create(db, "sdt", "X", "mat-khau-1", "abc", 0, &id2),
                     ERR_INVALID);
    assert_int_equal(auth_account_create(db, "tenxau", "a\x01z", "mat-khau-1", NULL, 0, &id2),
                     ERR_INVALID);
}

static void login_unknown_and_wrong_password_same_error_same_time(void **state)
{
    struct db *db = fx_db(state);
    struct auth_user u;
    int64_t id = 0;
    uint64_t t0, t_wrong, t_unknown;
    assert_int_equal(
        auth_account_create(db, "tranthib", "Trần Thị B", "dung-mat-khau", NULL, 0, &id), 0);
    t0 = log_now_us();
    assert_int_equal(auth_login(db, "tranthib", "sai-mat-khau", &u), ERR_UNAUTH);
    t_wrong = log_now_us() - t0;
    assert_int_equal(u.id, 0);
    t0 = log_now_us();
    assert_int_equal(auth_login(db, "khongtontai", "sai-mat-khau", &u), ERR_UNAUTH);
    t_unknown = log_now_us() - t0;
    assert_int_equal(u.id, 0);
    /* The same Argon2 work: an unknown login is not answered visibly faster. */
    assert_true(t_unknown * 4 > t_wrong);
    assert_true(t_wrong * 4 > t_unknown);
    /* A login that cannot exist and an empty password get the same answer too. */
    assert_int_equal(auth_login(db, "x", "sai-mat-khau", &u), ERR_UNAUTH);
    assert_int_equal(auth_login(db, "tranthib", "", &u), ERR_UNAUTH);
    assert_int_equal(auth_login(db, "tranthib", NULL, &u), ERR_UNAUTH);
    assert_int_equal(auth_login(db, "tranthib", "dung-mat-khau", &u), 0);
    assert_int_equal(u.id, id);
}

static void pending_account_cannot_sign_in_until_password_set(void **state)
{
    struct db *db = fx_db(state);
    struct auth_user u;
    int64_t id = 0;
    char tok[AUTH_HEX_SIZE];
    assert_int_equal(
        auth_account_create(db, "0988111222", "Lê Văn C", NULL, "0988111222", VILLAGE_A1, &id), 0);
    assert_int_equal(auth_account_by_login(db, "0988111222", &u), 0);
    assert_int_equal(u.status, AUTH_STATUS_PENDING);
    assert_int_equal(auth_login(db, "0988111222", "", &u), ERR_UNAUTH);
    assert_int_equal(auth_login(db, "0988111222", "bat-ky-mat-khau", &u), ERR_UNAUTH);
    assert_int_equal(auth_password_set(db, id, "ngan"), ERR_INVALID);
    assert_int_equal(auth_password_set(db, id, "mat-khau-moi"), 0);
    assert_int_equal(auth_login(db, "0988111222", "mat-khau-moi", &u), 0);
    assert_int_equal(u.status, AUTH_STATUS_ACTIVE);
    /* Changing the password signs out every session. */
    assert_int_equal(auth_session_create(db, id, 1000, tok, NULL), 0);
    assert_int_equal(auth_password_set(db, id, "mat-khau-khac"), 0);
    assert_int_equal(auth_session_lookup(db, tok, 1001, &u), ERR_UNAUTH);
    assert_int_equal(auth_login(db, "0988111222", "mat-khau-moi", &u), ERR_UNAUTH);
    assert_int_equal(auth_password_set(db, 999999, "mat-khau-khac"), ERR_NOT_FOUND);
}

static void session_create_lookup_expire_delete(void **state)
{
    struct db *db = fx_db(state);
    struct auth_user u;
    int64_t id = 0;
    char tok[AUTH_HEX_SIZE], csrf[AUTH_HEX_SIZE], tok2[AUTH_HEX_SIZE];
    const int64_t now = 1760000000;
    struct db_stmt *st = NULL;
    assert_int_equal(
        auth_account_create(db, "phamvand", "Phạm Văn D", "mat-khau-d", NULL, COMMUNE_A, &id), 0);
    assert_int_equal(auth_role_grant(db, id, COMMUNE_A, "officer"), 0);
    assert_int_equal(auth_role_grant(db, id, VILLAGE_A1, "village_head"), 0);
    assert_int_equal(auth_session_create(db, id, now, tok, csrf), 0);
    assert_int_equal(strlen(tok), 64);
    assert_int_equal(strlen(csrf), 64);
    assert_string_not_equal(tok, csrf);

    /* The database keeps only the token's hash. */
    assert_int_equal(db_prepare(db, sql_session_token_hash, &st), 0);
    assert_int_equal(db_bind_int(st, 1, id), 0);
    assert_int_equal(db_step(st), DB_ROW);
    assert_string_not_equal(db_col_text(st, 0), tok);
    assert_int_equal(db_col_len(st, 0), 64);
    db_reset(st);

    assert_int_equal(auth_session_lookup(db, tok, now + 1, &u), 0);
    assert_int_equal(u.id, id);
    assert_string_equal(u.login, "phamvand");
    assert_string_equal(u.display_name, "Phạm Văn D");
    assert_string_equal(u.csrf, csrf);
    assert_int_equal(u.n_grants, 2);
    assert_true(auth_can(&u, "roll.edit", VILLAGE_A1, anc_village_a1, 2));
    assert_true(auth_can(&u, "village_head", VILLAGE_A1, anc_village_a1, 2));
    assert_false(auth_can(&u, "roll.edit", COMMUNE_B, anc_commune, 1));
    assert_int_equal(auth_csrf_check(&u, csrf, strlen(csrf)), 0);

    /* Twelve hours, not a second more, however active the session was. */
    assert_int_equal(auth_session_lookup(db, tok, now + AUTH_SESSION_TTL_S - 1, &u), 0);
    assert_int_equal(auth_session_lookup(db, tok, now + AUTH_SESSION_TTL_S, &u), ERR_UNAUTH);
    assert_int_equal(u.id, 0);

    /* A wrong, truncated or upper-cased token is no session. */
    assert_int_equal(auth_session_create(db, id, now, tok2, NULL), 0);
    tok2[0] = tok2[0] == 'a' ? 'b' : 'a';
    assert_int_equal(auth_session_lookup(db, tok2, now, &u), ERR_UNAUTH);
    assert_int_equal(auth_session_lookup(db, "", now, &u), ERR_UNAUTH);
    assert_int_equal(auth_session_lookup(db, NULL, now, &u), ERR_UNAUTH);
    assert_int_equal(auth_session_lookup(db, "' OR 1=1 --", now, &u), ERR_UNAUTH);

    /* Sign-out deletes the row; signing out twice is harmless. */
    assert_int_equal(auth_session_create(db, id, now, tok, NULL), 0);
    assert_int_equal(auth_session_lookup(db, tok, now, &u), 0);
    assert_int_equal(auth_session_delete(db, tok), 0);
    assert_int_equal(auth_session_lookup(db, tok, now, &u), ERR_UNAUTH);
    assert_int_equal(auth_session_delete(db, tok), 0);

    /* Purge removes the expired ones. */
    int64_t n = -1;
    assert_int_equal(auth_session_purge(db, now + AUTH_SESSION_TTL_S, &n), 0);
    assert_true(n >= 2);
    assert_int_equal(query_int(db, sql_count_sessions, id), 0);
}

static void disabled_account_loses_its_sessions(void **state)
{
    struct db *db = fx_db(state);
    struct auth_user u;
    int64_t id = 0;
    char tok[AUTH_HEX_SIZE];
    assert_int_equal(
        auth_account_create(db, "hoangvane", "Hoàng Văn E", "mat-khau-e", NULL, 0, &id), 0);
    assert_int_equal(auth_session_create(db, id, 1000, tok, NULL), 0);
    assert_int_equal(auth_session_lookup(db, tok, 1001, &u), 0);
    assert_int_equal(auth_account_set_status(db, id, AUTH_STATUS_DISABLED), 0);
    assert_int_equal(auth_session_lookup(db, tok, 1002, &u), ERR_UNAUTH);
    assert_int_equal(auth_login(db, "hoangvane", "mat-khau-e", &u), ERR_UNAUTH);
    assert_int_equal(auth_account_set_status(db, id, AUTH_STATUS_ACTIVE), 0);
    assert_int_equal(auth_login(db, "hoangvane", "mat-khau-e", &u), 0);
}

static void role_grant_and_revoke(void **state)
{
    struct db *db = fx_db(state);
    struct auth_user u;
    int64_t id = 0;
    assert_int_equal(auth_account_create(db, "vuthif", "Vũ Thị F", "mat-khau-f", NULL, 0, &id), 0);
    assert_int_equal(auth_role_grant(db, id, COMMUNE_B, "inspection_board"), 0);
    assert_int_equal(auth_role_grant(db, id, COMMUNE_B, "inspection_board"), 0); /* twice */
    assert_int_equal(auth_role_grant(db, id, COMMUNE_B, "superuser"), ERR_INVALID);
    assert_int_equal(auth_account_by_login(db, "vuthif", &u), 0);
    assert_int_equal(u.n_grants, 1);
    assert_int_equal(u.grants[0].role, AUTH_ROLE_INSPECTION_BOARD);
    assert_int_equal(u.grants[0].unit_id, COMMUNE_B);
    assert_true(auth_can(&u, "audit.view", VILLAGE_B1, anc_village_b1, 2));
    assert_false(auth_can(&u, "roll.edit", VILLAGE_B1, anc_village_b1, 2));
    assert_int_equal(auth_role_revoke(db, id, COMMUNE_B, "inspection_board"), 0);
    assert_int_equal(auth_role_revoke(db, id, COMMUNE_B, "inspection_board"), ERR_NOT_FOUND);
    assert_int_equal(auth_account_by_login(db, "vuthif", &u), 0);
    assert_int_equal(u.n_grants, 0);
    assert_false(auth_can(&u, "audit.view", VILLAGE_B1, anc_village_b1, 2));
}

/* ---- audit log (database) -------------------------------------------------------------- */

/* Empties the log and appends n rows in one transaction. */
static void audit_fill(struct db *db, int n)
{
    char detail[64];
    assert_int_equal(db_exec(db, "DELETE FROM audit_log"), 0);
    assert_int_equal(db_begin(db), 0);
    for (int i = 0; i < n; i++) {
        snprintf(detail, sizeof detail, "status: draft -> posted (%d)", i);
        assert_int_equal(audit_append(db, i % 3 == 0 ? 0 : 7, i % 2 ? COMMUNE_A : 0,
                                      "disclosure.post", "disclosure:1", detail),
                         0);
    }
    assert_int_equal(db_commit(db), 0);
}

static void audit_append_100_then_verify_ok(void **state)
{
    struct db *db = fx_db(state);
    int64_t n = 0, bad = -1;
    assert_int_equal(db_exec(db, "DELETE FROM audit_log"), 0);
    assert_int_equal(audit_verify(db, &n, &bad), 0); /* an empty log is intact */
    assert_int_equal(n, 0);
    audit_fill(db, 100);
    assert_int_equal(audit_verify(db, &n, &bad), 0);
    assert_int_equal(n, 100);
    assert_int_equal(bad, 0);
    /* Appending after a verify continues the chain. */
    assert_int_equal(audit_append(db, 7, COMMUNE_B, "account.create", "account:9", ""), 0);
    assert_int_equal(audit_verify(db, &n, &bad), 0);
    assert_int_equal(n, 101);
    assert_int_equal(audit_append(db, 7, 0, "", "x", "y"), ERR_INVALID);
}

static void audit_edit_by_hand_is_reported_at_row_50(void **state)
{
    struct db *db = fx_db(state);
    int64_t n = 0, bad = 0, id50;
    audit_fill(db, 100);
    id50 = query_int(db, sql_nth_audit_id, 49);
    assert_true(id50 > 0);
    exec_int(db, sql_tamper_detail, id50);
    assert_int_equal(audit_verify(db, &n, &bad), ERR_CONFLICT);
    assert_int_equal(bad, id50);
    assert_int_equal(n, 50);
}

static void audit_deleted_row_is_caught(void **state)
{
    struct db *db = fx_db(state);
    int64_t n = 0, bad = 0, id30, id31;
    audit_fill(db, 100);
    id30 = query_int(db, sql_nth_audit_id, 29);
    id31 = query_int(db, sql_nth_audit_id, 30);
    exec_int(db, sql_delete_audit, id30);
    assert_int_equal(audit_verify(db, &n, &bad), ERR_CONFLICT);
    assert_int_equal(bad, id31); /* the row that followed the deleted one */
}

static void audit_first_row_deleted_is_caught(void **state)
{
    struct db *db = fx_db(state);
    int64_t bad = 0, id1, id2;
    audit_fill(db, 5);
    id1 = query_int(db, sql_nth_audit_id, 0);
    id2 = query_int(db, sql_nth_audit_id, 1);
    exec_int(db, sql_delete_audit, id1);
    assert_int_equal(audit_verify(db, NULL, &bad), ERR_CONFLICT);
    assert_int_equal(bad, id2);
}

struct audit_thread_arg {
    struct store *s; /* shared store; each thread takes its own connection */
    int rc;          /* first failure, 0 when all appends committed */
};

static void *audit_thread(void *p)
{
    struct audit_thread_arg *a = p;
    struct db *db = NULL;
    if ((a->rc = store_connect(a->s, &db)) != 0)
        return NULL;
    for (int i = 0; i < 25 && a->rc == 0; i++) {
        if ((a->rc = db_begin(db)) != 0)
            break;
        a->rc = audit_append(db, 7, COMMUNE_A, "feedback.answer", "feedback:1", "a");
        if (a->rc == 0)
            a->rc = audit_append(db, 7, COMMUNE_A, "feedback.close", "feedback:1", "b");
        if (a->rc == 0)
            a->rc = db_commit(db);
        else
            db_rollback(db);
    }
    db_close(db);
    return NULL;
}

/* Writers on several connections at once still build one chain, not a fork. */
static void audit_concurrent_appenders_keep_one_chain(void **state)
{
    struct fixture *f = *state;
    pthread_t th[4];
    struct audit_thread_arg args[4];
    int64_t n = 0, bad = 0;
    assert_int_equal(db_exec(f->db, "DELETE FROM audit_log"), 0);
    for (int i = 0; i < 4; i++) {
        args[i].s = f->s;
        args[i].rc = 0;
        assert_int_equal(pthread_create(&th[i], NULL, audit_thread, &args[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(args[i].rc, 0);
    }
    assert_int_equal(audit_verify(f->db, &n, &bad), 0);
    assert_int_equal(n, 200);
}

#define DB_TESTS                                                                                   \
    cmocka_unit_test(account_create_and_login),                                                    \
        cmocka_unit_test(login_unknown_and_wrong_password_same_error_same_time),                   \
        cmocka_unit_test(pending_account_cannot_sign_in_until_password_set),                       \
        cmocka_unit_test(session_create_lookup_expire_delete),                                     \
        cmocka_unit_test(disabled_account_loses_its_sessions),                                     \
        cmocka_unit_test(role_grant_and_revoke),                                                   \
        cmocka_unit_test(audit_append_100_then_verify_ok),                                         \
        cmocka_unit_test(audit_edit_by_hand_is_reported_at_row_50),                                \
        cmocka_unit_test(audit_deleted_row_is_caught),                                             \
        cmocka_unit_test(audit_first_row_deleted_is_caught),                                       \
        cmocka_unit_test(audit_concurrent_appenders_keep_one_chain),                               \
        cmocka_unit_test(recovery_key_reads_back_and_catches_typos),                               \
        cmocka_unit_test(keys_saved_once_and_holders_listed)

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(password_hash_verify_and_wrong),
        cmocka_unit_test(password_minimum_length_8_with_vietnamese_message),
        cmocka_unit_test(password_nfc_and_nfd_match),
        cmocka_unit_test(keys_open_with_their_password_only),
        cmocka_unit_test(login_names_fold_to_lower_case),
        cmocka_unit_test(csrf_compare),
        cmocka_unit_test(anonymous_csrf_bound_to_visitor_and_secret),
        cmocka_unit_test(role_on_commune_covers_its_village_not_sibling_commune),
        cmocka_unit_test(role_on_village_does_not_cover_commune),
        cmocka_unit_test(province_role_covers_every_commune),
        cmocka_unit_test(anonymous_disabled_and_unknown_names_are_denied),
        cmocka_unit_test(permission_table),
        cmocka_unit_test(ratelimit_trips_at_11th_try_and_recovers_after_window),
        cmocka_unit_test(ratelimit_refills_evenly),
        cmocka_unit_test(ratelimit_memory_stays_bounded_under_a_flood),
        cmocka_unit_test(ratelimit_is_exact_across_threads),
    };
    const struct CMUnitTest sqlite_tests[] = {DB_TESTS};
    const struct CMUnitTest pg_tests[] = {DB_TESTS};
    int failed = 0;
    log_set_level(LOG_ERROR);
    failed += cmocka_run_group_tests_name("auth", pure, NULL, NULL);
    failed += cmocka_run_group_tests_name("auth_sqlite", sqlite_tests, setup_sqlite, teardown);
    if (getenv("DANCHU_TEST_PG_URL") && *getenv("DANCHU_TEST_PG_URL"))
        failed += cmocka_run_group_tests_name("auth_postgres", pg_tests, setup_pg, teardown);
    else
        printf("SKIPPED auth_postgres: DANCHU_TEST_PG_URL is not set\n");
    return failed ? 1 : 0;
}
