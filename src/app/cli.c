/*
 * cli.c - the subcommands of the danchu binary (see main.c): option
 * parsing, help texts and what each command does.
 */
#include <errno.h>
#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "disclosure/disclosure.h"
#include "auth/auth.h"
#include "units/units.h"

/* Options every command understands, plus the positional arguments. */
struct opts {
    const char *db;          /* --db URL */
    const char *listen;      /* --listen ADDR:PORT */
    const char *config;      /* --config FILE */
    const char *unit;        /* --unit CODE */
    const char *role;        /* --role ROLE */
    const char *login;       /* --login NAME */
    const char *name;        /* --name "Display name" */
    const char *format;      /* --format json|text */
    const char *households;  /* --households N (demo) */
    const char *disclosures; /* --disclosures N (demo: items per commune) */
    const char *kind;        /* --kind disclosure (import document) */
    const char *category;    /* --category CK01..CK14 */
    const char *title;       /* --title T */
    const char *decision;    /* --decision dd/mm/yyyy */
    const char *owner;       /* --owner NAME (import document: who answers for the plan) */
    const char *case_id;     /* --case ID (escrow recover) */
    const char *cases;       /* --cases N (demo: residents' cases per commune) */
    const char *to;          /* --to LOGIN (escrow recover) */
    const char *topic;       /* --topic YK1..YK9 (import document --kind draft) */
    int draft;               /* --draft: import document without publishing */
    int dry_run;             /* --dry-run: import document --kind draft prints the outline */
    int password_stdin;      /* --password-stdin */
    int quiet;               /* --quiet: no request log */
    int no_serve;            /* --no-serve (demo) */
    int help;                /* --help */
    const char *pos[4];      /* positional arguments */
    int n_pos;               /* their count */
};

static int parse_opts(int argc, char **argv, struct opts *o)
{
    static const struct {
        const char *name; /* option */
        size_t off;       /* where its value goes */
    } valued[] = {
        {"--db", offsetof(struct opts, db)},
        {"--listen", offsetof(struct opts, listen)},
        {"--config", offsetof(struct opts, config)},
        {"--unit", offsetof(struct opts, unit)},
        {"--role", offsetof(struct opts, role)},
        {"--login", offsetof(struct opts, login)},
        {"--name", offsetof(struct opts, name)},
        {"--format", offsetof(struct opts, format)},
        {"--households", offsetof(struct opts, households)},
        {"--disclosures", offsetof(struct opts, disclosures)},
        {"--kind", offsetof(struct opts, kind)},
        {"--category", offsetof(struct opts, category)},
        {"--title", offsetof(struct opts, title)},
        {"--decision", offsetof(struct opts, decision)},
        {"--owner", offsetof(struct opts, owner)},
        {"--case", offsetof(struct opts, case_id)},
        {"--cases", offsetof(struct opts, cases)},
        {"--to", offsetof(struct opts, to)},
        {"--topic", offsetof(struct opts, topic)},
    };
    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            o->help = 1;
            continue;
        }
        if (strcmp(a, "--password-stdin") == 0) {
            o->password_stdin = 1;
            continue;
        }
        if (strcmp(a, "--quiet") == 0) {
            o->quiet = 1;
            continue;
        }
        if (strcmp(a, "--no-serve") == 0) {
            o->no_serve = 1;
            continue;
        }
        if (strcmp(a, "--draft") == 0) {
            o->draft = 1;
            continue;
        }
        if (strcmp(a, "--dry-run") == 0) {
            o->dry_run = 1;
            continue;
        }
        int found = 0;
        for (size_t k = 0; k < sizeof valued / sizeof valued[0]; k++) {
            size_t n = strlen(valued[k].name);
            if (strncmp(a, valued[k].name, n) != 0 || (a[n] != '\0' && a[n] != '='))
                continue;
            const char *v = a[n] == '=' ? a + n + 1 : (i + 1 < argc ? argv[++i] : NULL);
            if (!v) {
                fprintf(stderr, "danchu: %s needs a value\n", valued[k].name);
                return 2;
            }
            *(const char **)((char *)o + valued[k].off) = v;
            found = 1;
            break;
        }
        if (found)
            continue;
        if (a[0] == '-' && a[1]) {
            fprintf(stderr, "danchu: unknown option %s (try --help)\n", a);
            return 2;
        }
        if (o->n_pos == 4) {
            fprintf(stderr, "danchu: too many arguments\n");
            return 2;
        }
        o->pos[o->n_pos++] = a;
    }
    return 0;
}

/* Config: defaults, then danchu.conf (or --config), then flags. */
static int load_config(struct app *app, const struct opts *o)
{
    char err[512];
    config_defaults(&app->cfg);
    const char *path = o->config ? o->config : "danchu.conf";
    if (config_load(&app->cfg, path, o->config != NULL, err, sizeof err) != 0) {
        fprintf(stderr, "danchu: %s\n", err);
        return 1;
    }
    if (o->db)
        config_set(&app->cfg, "db", o->db);
    if (o->listen)
        config_set(&app->cfg, "listen", o->listen);
    return 0;
}

static const char common_help[] =
    "  --db URL         sqlite:PATH or postgres://user@host:port/name\n"
    "                   (default: 'db' in danchu.conf, else sqlite:danchu.db)\n"
    "  --config FILE    read settings from FILE instead of ./danchu.conf\n";

static int begin(int argc, char **argv, struct opts *o, struct app *app, const char *usage)
{
    int rc = parse_opts(argc, argv, o);
    if (rc)
        return rc;
    if (o->help) {
        printf("%s\nOptions:\n%s", usage, common_help);
        return -1;
    }
    memset(app, 0, sizeof *app);
    return load_config(app, o);
}

/* Runs fn inside one transaction on a fresh connection. */
static int in_tx(struct app *app, int (*fn)(struct db *, void *), void *arg)
{
    struct db *db;
    int rc = store_connect(app->store, &db);
    if (rc)
        return rc;
    if ((rc = db_begin(db)) == 0) {
        rc = fn(db, arg);
        if (rc == 0)
            rc = db_commit(db);
        else
            db_rollback(db);
    }
    db_close(db);
    return rc;
}

int app_cmd_serve(int argc, char **argv)
{
    struct opts o;
    struct app app;
    int rc = begin(argc, argv, &o, &app,
                   "Usage: danchu serve [--db URL] [--listen ADDR:PORT] [--quiet]\n\n"
                   "Serves the portal and back office. Default listen address 127.0.0.1:8080.\n"
                   "Stops cleanly on SIGTERM or Ctrl-C: requests in flight are answered and\n"
                   "pending writes committed first.\n"
                   "  --listen ADDR:PORT   where to listen\n"
                   "  --quiet              no request log lines");
    if (rc)
        return rc < 0 ? 0 : rc;
    if (app_open(&app, 1)) {
        app_close(&app);
        return 1;
    }
    rc = app_serve(&app, o.quiet);
    app_close(&app);
    return rc;
}

/* The escrow key a new installation makes: its recovery form, shown once. */
struct escrow_job {
    char recovery[AUTH_RECOVERY_SIZE]; /* out: the key to print */
    int made;                          /* 1 when a key was made now */
};

/* Makes the escrow key unless the database has one. */
static int run_escrow_first(struct db *db, void *arg)
{
    struct escrow_job *e = arg;
    int64_t id;
    unsigned char pk[AUTH_BOX_KEY];
    int rc = auth_escrow_current(db, &id, pk);
    if (rc != ERR_NOT_FOUND)
        return rc;
    e->made = 1;
    if ((rc = auth_escrow_create(db, e->recovery, &id)) != 0)
        return rc;
    return audit_append(db, 0, 0, "escrow.create", "", "");
}

static int run_escrow_new(struct db *db, void *arg)
{
    struct escrow_job *e = arg;
    int64_t id;
    e->made = 1;
    int rc = auth_escrow_create(db, e->recovery, &id);
    if (rc)
        return rc;
    return audit_append(db, 0, 0, "escrow.create", "", "");
}

static void print_recovery(const char *recovery)
{
    printf("\nRecovery key (print it, keep it offline in the commune's safe; it is shown only "
           "once):\n\n    %s\n\n"
           "It opens every sealed denunciation if the officials holding one leave or forget their\n"
           "password: danchu escrow recover --case ID --to LOGIN reads it from standard input.\n",
           recovery);
}

int app_cmd_init(int argc, char **argv)
{
    struct opts o;
    struct app app;
    int rc = begin(argc, argv, &o, &app,
                   "Usage: danchu init [--db URL]\n\n"
                   "Creates the database (a new SQLite file, or an existing empty PostgreSQL\n"
                   "database) and applies every migration.");
    if (rc)
        return rc < 0 ? 0 : rc;
    rc = app_open(&app, 1);
    struct escrow_job e = {{0}, 0};
    if (rc == 0 && (rc = in_tx(&app, run_escrow_first, &e)) != 0)
        fprintf(stderr, "danchu: cannot create the recovery key (%s)\n", err_name(rc));
    if (rc == 0) {
        printf("danchu: database %s is ready\n", app.cfg.db);
        if (e.made)
            print_recovery(e.recovery);
    }
    sodium_memzero(e.recovery, sizeof e.recovery);
    app_close(&app);
    return rc ? 1 : 0;
}

/* Reads a password from standard input: the first line, without its newline. */
static int read_password(char *out, size_t n)
{
    if (!fgets(out, (int)n, stdin))
        return ERR_INVALID;
    size_t k = strlen(out);
    while (k && (out[k - 1] == '\n' || out[k - 1] == '\r'))
        out[--k] = '\0';
    return k ? 0 : ERR_INVALID;
}

/* Arguments of `escrow recover`. */
struct escrow_recover {
    int64_t case_id;   /* --case */
    const char *login; /* --to */
    const char *key;   /* the recovery key as typed */
    char err[256];     /* why not */
};

static int run_escrow_recover(struct db *db, void *arg)
{
    struct escrow_recover *e = arg;
    return feedback_escrow_recover(db, e->case_id, e->key, e->login, e->err, sizeof e->err);
}

int app_cmd_escrow(int argc, char **argv)
{
    struct opts o;
    struct app app;
    int rc =
        begin(argc, argv, &o, &app,
              "Usage: danchu escrow create\n"
              "       danchu escrow recover --case ID --to LOGIN < recovery-key\n\n"
              "The recovery key opens every sealed denunciation (the identity of its sender)\n"
              "when the officials holding it are gone or forgot their password.\n"
              "  create    make a new recovery key: new cases are sealed to it (print it once;\n"
              "            keep the old one for the cases sealed before)\n"
              "  recover   read a recovery key from the first line of stdin and give the\n"
              "            case's key to the account LOGIN (it must have signed in once)");
    if (rc)
        return rc < 0 ? 0 : rc;
    int create = o.n_pos == 1 && strcmp(o.pos[0], "create") == 0;
    int recover = o.n_pos == 1 && strcmp(o.pos[0], "recover") == 0;
    int64_t case_id = 0;
    if (!create && !(recover && o.case_id && o.to &&
                     parse_int64(str_c(o.case_id), 1, INT64_MAX, &case_id) == 0)) {
        fprintf(stderr, "danchu: usage: danchu escrow create | escrow recover --case ID --to "
                        "LOGIN\n");
        return 2;
    }
    struct escrow_recover e = {case_id, o.to, NULL, ""};
    char line[256] = "";
    if (recover) {
        if (read_password(line, sizeof line) != 0) {
            fprintf(stderr, "danchu: give the recovery key on standard input\n");
            return 2;
        }
        e.key = line;
    }
    if (app_open(&app, 1)) {
        app_close(&app);
        return 1;
    }
    struct escrow_job job = {{0}, 0};
    rc = create ? in_tx(&app, run_escrow_new, &job) : in_tx(&app, run_escrow_recover, &e);
    sodium_memzero(line, sizeof line);
    if (rc)
        fprintf(stderr, "danchu: %s\n", e.err[0] ? e.err : err_name(rc));
    else if (create)
        print_recovery(job.recovery);
    else
        printf("danchu: case %lld is now sealed to %s too\n", (long long)case_id, o.to);
    sodium_memzero(job.recovery, sizeof job.recovery);
    app_close(&app);
    return rc ? 1 : 0;
}

/* Arguments of `apikeys add` and `apikeys revoke`. */
struct apikey_job {
    const char *unit;                  /* add: --unit CODE, a commune */
    const char *name;                  /* add: --name, the application */
    char key[FEEDBACK_APIKEY_LEN + 1]; /* add: the new key, printed once */
    int64_t id;                        /* add: the new key's id; revoke: the key revoked */
};

static int run_apikey_add(struct db *db, void *arg)
{
    struct apikey_job *j = arg;
    struct unit u;
    if (units_get_commune(db, j->unit, &u) != 0) {
        fprintf(stderr, "danchu: %s is not the code of a commune (xã, phường, đặc khu)\n", j->unit);
        return ERR_NOT_FOUND;
    }
    return feedback_apikey_add(db, u.id, j->name, j->key, &j->id);
}

static int run_apikey_revoke(struct db *db, void *arg)
{
    struct apikey_job *j = arg;
    return feedback_apikey_revoke(db, j->id);
}

/* `apikeys list`: one line per key, never the key itself (it is not stored). */
static int apikeys_list(struct app *app)
{
    struct db *db;
    json_t *keys = NULL;
    int rc = store_connect(app->store, &db);
    if (rc)
        return rc;
    if ((rc = feedback_apikeys_json(db, &keys)) == 0) {
        size_t i;
        json_t *k;
        json_array_foreach(keys, i, k)
        {
            struct unit u;
            char made[20], revoked[20] = "live";
            units_format_time(json_integer_value(json_object_get(k, "created_at")), made);
            if (!json_is_null(json_object_get(k, "revoked_at")))
                units_format_time(json_integer_value(json_object_get(k, "revoked_at")), revoked);
            printf("%-5lld %-10s %s…  %s  %-16s %s\n",
                   (long long)json_integer_value(json_object_get(k, "id")),
                   units_get_id(db, json_integer_value(json_object_get(k, "unit_id")), &u) == 0
                       ? u.code
                       : "?",
                   json_string_value(json_object_get(k, "prefix")), made, revoked,
                   json_string_value(json_object_get(k, "name")));
        }
        json_decref(keys);
    }
    db_close(db);
    return rc;
}

int app_cmd_apikeys(int argc, char **argv)
{
    struct opts o;
    struct app app;
    int rc = begin(argc, argv, &o, &app,
                   "Usage: danchu apikeys add --unit CODE --name NAME\n"
                   "       danchu apikeys list\n"
                   "       danchu apikeys revoke ID\n\n"
                   "Keys of the applications that send a commune phản ánh and kiến nghị through\n"
                   "Open311 GeoReport v2 (/open311/v2/, docs/open311.md). Reading needs no key.\n"
                   "  add      make a key for commune CODE and print it once on standard output\n"
                   "           (the database keeps only its SHA-256)\n"
                   "  list     every key: id, commune, first characters, made, revoked, name\n"
                   "  revoke   key ID stops working at once");
    if (rc)
        return rc < 0 ? 0 : rc;
    int add = o.n_pos == 1 && strcmp(o.pos[0], "add") == 0 && o.unit && o.name && o.name[0];
    int list = o.n_pos == 1 && strcmp(o.pos[0], "list") == 0;
    struct apikey_job j = {o.unit, o.name, "", 0};
    int revoke = o.n_pos == 2 && strcmp(o.pos[0], "revoke") == 0 &&
                 parse_int64(str_c(o.pos[1]), 1, INT64_MAX, &j.id) == 0;
    if (!add && !list && !revoke) {
        fprintf(stderr, "danchu: usage: danchu apikeys add --unit CODE --name NAME | apikeys "
                        "list | apikeys revoke ID\n");
        return 2;
    }
    if (app_open(&app, 1)) {
        app_close(&app);
        return 1;
    }
    if (add) {
        feedback_apikey_new(j.key);
        if ((rc = in_tx(&app, run_apikey_add, &j)) == 0) {
            printf("%s\n", j.key);
            fprintf(stderr,
                    "danchu: API key %lld of %s for \"%s\": shown only this once; put it in the "
                    "application's settings\n",
                    (long long)j.id, o.unit, o.name);
        }
        sodium_memzero(j.key, sizeof j.key);
    } else if (list) {
        rc = apikeys_list(&app);
    } else if ((rc = in_tx(&app, run_apikey_revoke, &j)) == 0) {
        printf("danchu: API key %lld revoked\n", (long long)j.id);
    } else if (rc == ERR_NOT_FOUND) {
        fprintf(stderr, "danchu: no live API key %lld (see danchu apikeys list)\n",
                (long long)j.id);
    }
    if (rc && rc != ERR_NOT_FOUND)
        fprintf(stderr, "danchu: %s\n", err_name(rc));
    app_close(&app);
    return rc ? 1 : 0;
}

int app_cmd_migrate(int argc, char **argv)
{
    struct opts o;
    struct app app;
    int rc = begin(argc, argv, &o, &app,
                   "Usage: danchu migrate [--db URL]\n\n"
                   "Applies the migrations this version of danchu has and the database lacks,\n"
                   "each in its own transaction.");
    if (rc)
        return rc < 0 ? 0 : rc;
    if ((rc = app_open(&app, 0)) == 0) {
        char err[512];
        int n = 0;
        rc = store_migrate(app.store, &n, err, sizeof err);
        if (rc)
            fprintf(stderr, "danchu: migration failed: %s\n", err);
        else
            printf("danchu: %d migration(s) applied\n", n);
    }
    app_close(&app);
    return rc ? 1 : 0;
}

/* Arguments of `users add`. */
struct user_add {
    const struct opts *o;  /* the options */
    const char *hash;      /* argon2id hash or NULL (pending account) */
    int64_t id;            /* new account id */
    int has_keys;          /* keys made from the password (a role that handles sealed cases) */
    struct auth_keys keys; /* those keys */
};

static int run_user_add(struct db *db, void *arg)
{
    struct user_add *u = arg;
    struct unit unit;
    int rc = units_get(db, u->o->unit, &unit);
    if (rc) {
        fprintf(stderr, "danchu: no unit with code %s\n", u->o->unit);
        return rc;
    }
    struct auth_user existing;
    if (auth_account_by_login(db, u->o->login, &existing) == 0) {
        u->id = existing.id;
    } else {
        rc = auth_account_create_hash(db, u->o->login, u->o->name ? u->o->name : u->o->login,
                                      u->hash ? u->hash : "", "", unit.id, &u->id);
        if (rc) {
            fprintf(stderr, "danchu: cannot create account %s (%s)\n", u->o->login, err_name(rc));
            return rc;
        }
    }
    if ((rc = auth_role_grant(db, u->id, unit.id, u->o->role)) != 0) {
        fprintf(stderr, "danchu: cannot grant role %s\n", u->o->role);
        return rc;
    }
    if (u->has_keys && (rc = auth_keys_save_new(db, u->id, &u->keys)) != 0)
        return rc;
    return audit_append(db, 0, unit.id, "users.add", u->o->login, u->o->role);
}

int app_cmd_users(int argc, char **argv)
{
    struct opts o;
    struct app app;
    int rc = begin(argc, argv, &o, &app,
                   "Usage: danchu users add --unit CODE --role ROLE --login NAME\n"
                   "                        [--name \"Họ và tên\"] [--password-stdin]\n\n"
                   "Adds an account (or grants another role to an existing one). The role is\n"
                   "held on the unit and every unit below it. Roles: resident village_head\n"
                   "front_board officer unit_admin chairperson inspection_board\n"
                   "investment_board council front province_admin.\n"
                   "Without --password-stdin the account waits for a password (pending).\n"
                   "  --password-stdin   read the password from the first line of stdin");
    if (rc)
        return rc < 0 ? 0 : rc;
    if (o.n_pos < 1 || strcmp(o.pos[0], "add") != 0 || !o.unit || !o.role || !o.login) {
        fprintf(stderr, "danchu: usage: danchu users add --unit CODE --role ROLE --login NAME\n");
        return 2;
    }
    enum auth_role role;
    if (auth_role_parse(o.role, &role) != 0) {
        fprintf(stderr, "danchu: unknown role %s (see danchu users --help)\n", o.role);
        return 2;
    }
    char hash[AUTH_HASH_SIZE];
    struct user_add u = {&o, NULL, 0, 0, {{0}, {0}}};
    if (o.password_stdin) {
        char pw[256];
        const char *why = NULL;
        if (read_password(pw, sizeof pw) != 0 || auth_password_check(pw, &why) != 0) {
            fprintf(stderr, "danchu: password refused: %s\n", why ? why : "empty");
            return 1;
        }
        if (auth_init() != 0 || auth_password_hash(pw, hash) != 0)
            return 1;
        /* A role that handles sealed cases gets its key pair now, from the same password. */
        if (auth_perm_has_role("feedback.manage", role)) {
            if (auth_keys_make(pw, &u.keys) != 0)
                return 1;
            u.has_keys = 1;
        }
        sodium_memzero(pw, sizeof pw);
        u.hash = hash;
    }
    if (app_open(&app, 1)) {
        app_close(&app);
        return 1;
    }
    rc = in_tx(&app, run_user_add, &u);
    if (rc == 0)
        printf("danchu: %s holds %s on %s\n", o.login, o.role, o.unit);
    app_close(&app);
    return rc ? 1 : 0;
}

int app_cmd_units(int argc, char **argv)
{
    struct opts o;
    struct app app;
    int rc = begin(argc, argv, &o, &app,
                   "Usage: danchu units list [--format json|text]\n\n"
                   "Lists the administrative units: code, kind, name and parent code.\n"
                   "JSON: {\"units\": [{\"code\", \"kind\", \"name\", \"parent\"}]}.");
    if (rc)
        return rc < 0 ? 0 : rc;
    if (o.n_pos < 1 || strcmp(o.pos[0], "list") != 0) {
        fprintf(stderr, "danchu: usage: danchu units list [--format json]\n");
        return 2;
    }
    if (app_open(&app, 1)) {
        app_close(&app);
        return 1;
    }
    struct db *db;
    json_t *m = NULL;
    if ((rc = store_connect(app.store, &db)) == 0) {
        rc = units_list_json(db, &m);
        db_close(db);
    }
    if (rc == 0 && o.format && strcmp(o.format, "json") == 0) {
        json_dumpf(m, stdout, JSON_INDENT(2));
        putchar('\n');
    } else if (rc == 0) {
        size_t i;
        json_t *u;
        json_array_foreach(json_object_get(m, "units"), i, u)
        {
            printf("%-12s %-18s %-12s %s\n", json_string_value(json_object_get(u, "code")),
                   json_string_value(json_object_get(u, "kind")),
                   json_string_value(json_object_get(u, "parent")),
                   json_string_value(json_object_get(u, "name")));
        }
    }
    json_decref(m);
    app_close(&app);
    return rc ? 1 : 0;
}

/* Reads a whole file into a heap buffer (owned by the caller). */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct buf b;
    buf_init(&b, NULL);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    if (!b.ptr)
        buf_append(&b, "", 0);
    *len = b.len;
    return b.ptr;
}

/* Arguments of an import. */
struct import_job {
    const char *text;                 /* file bytes */
    size_t len;                       /* their length */
    const char *unit;                 /* --unit CODE (households) */
    json_t *errors;                   /* units import: bad lines */
    int added, updated;               /* units import: counts */
    struct roll_import_report report; /* households import */
    struct arena *a;                  /* for the roll */
};

static int run_import_units(struct db *db, void *arg)
{
    struct import_job *j = arg;
    return units_import_csv(db, 0, j->text, j->len, j->errors, &j->added, &j->updated);
}

static int run_import_households(struct db *db, void *arg)
{
    struct import_job *j = arg;
    struct unit u;
    if (units_get(db, j->unit, &u) != 0) {
        fprintf(stderr, "danchu: no unit with code %s\n", j->unit);
        return ERR_NOT_FOUND;
    }
    return units_roll_import(db, j->a, 0, u.id, j->text, j->len, &j->report);
}

static void print_errors(json_t *errors)
{
    size_t i;
    json_t *e;
    json_array_foreach(errors, i, e)
    {
        json_int_t line = json_integer_value(json_object_get(e, "line"));
        const char *msg = json_string_value(json_object_get(e, "message"));
        if (line)
            fprintf(stderr, "  dòng %lld: %s\n", (long long)line, msg);
        else
            fprintf(stderr, "  tệp: %s\n", msg);
    }
}

/* danchu import document --kind draft ...: a draft for consultation (see the usage text). With
 * --dry-run, the recognised outline as JSON on stdout and nothing saved (no database needed). */
static int import_draft(const struct opts *o, struct app *app)
{
    if (o->n_pos != 2 || (!o->dry_run && !o->unit)) {
        fprintf(stderr, "danchu: usage: danchu import document --unit CODE --kind draft "
                        "[--topic YK1..YK9] [--title T] [--dry-run] FILE\n");
        return 2;
    }
    int topic = 9;
    if (o->topic && (parse_int(o->topic[0] == 'Y' && o->topic[1] == 'K' ? o->topic + 2 : o->topic,
                               1, 9, &topic) != 0)) {
        fprintf(stderr, "danchu: --topic must be YK1 to YK9, not '%s'\n", o->topic);
        return 2;
    }
    struct consultation_import in = {o->unit, topic, o->title, o->pos[1], o->dry_run};
    json_t *outline = NULL;
    int64_t id = 0;
    char err[512] = "";
    int rc;
    if (o->dry_run) {
        struct consultation_env env = {0};
        rc = consultation_import_file(NULL, &env, 0, &in, &id, &outline, err, sizeof err);
    } else {
        if (app_open(app, 1)) {
            app_close(app);
            return 1;
        }
        rc = consultation_import_file(app->store, &app->cs, 0, &in, &id, NULL, err, sizeof err);
    }
    if (rc == 0 && o->dry_run) {
        json_dumpf(outline, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        putchar('\n');
    } else if (rc == 0) {
        printf("danchu: %s imported as consultation %lld (draft, not yet open): "
               "%s/quan-ly/gop-y/%lld\n",
               o->pos[1], (long long)id, app->cfg.base_url, (long long)id);
    } else {
        fprintf(stderr, "danchu: %s not imported: %s\n", o->pos[1], err[0] ? err : err_name(rc));
    }
    json_decref(outline);
    if (!o->dry_run)
        app_close(app);
    return rc ? 1 : 0;
}

/* danchu import document ...: one file as a disclosure item (see the usage text). */
static int import_document(const struct opts *o, struct app *app)
{
    if (o->kind && strcmp(o->kind, "draft") == 0)
        return import_draft(o, app);
    if (o->n_pos != 2 || !o->unit || !o->kind || !o->category) {
        fprintf(stderr, "danchu: usage: danchu import document --unit CODE --kind disclosure "
                        "--category CK01..CK14 [--title T] [--decision dd/mm/yyyy] "
                        "[--owner NAME] [--draft] FILE\n");
        return 2;
    }
    if (strcmp(o->kind, "disclosure") != 0) {
        fprintf(stderr, "danchu: --kind must be disclosure or draft, not %s\n", o->kind);
        return 2;
    }
    int cat = dc_category_parse(o->category);
    if (!cat) {
        fprintf(stderr, "danchu: --category must be CK01 to CK14, not '%s'\n", o->category);
        return 2;
    }
    if (app_open(app, 1)) {
        app_close(app);
        return 1;
    }
    struct disclosure_import in = {o->unit,   cat,       o->title, o->decision,
                                   !o->draft, o->pos[1], o->owner};
    int64_t id = 0;
    char err[512] = "";
    int rc = disclosure_import_file(app->store, &app->dc, 0, &in, &id, err, sizeof err);
    if (rc == 0)
        printf("danchu: %s imported as item %lld (%s): %s/thong-tin/%lld\n", o->pos[1],
               (long long)id, o->draft ? "draft" : "published", app->cfg.base_url, (long long)id);
    else
        fprintf(stderr, "danchu: %s not imported: %s\n", o->pos[1], err[0] ? err : err_name(rc));
    app_close(app);
    return rc ? 1 : 0;
}

int app_cmd_import(int argc, char **argv)
{
    struct opts o;
    struct app app;
    int rc =
        begin(argc, argv, &o, &app,
              "Usage: danchu import units FILE\n"
              "       danchu import households --unit CODE FILE\n"
              "       danchu import document --unit CODE --kind disclosure --category CK01..CK14\n"
              "                              [--title T] [--decision dd/mm/yyyy] [--owner NAME]\n"
              "                              [--draft] FILE\n"
              "       danchu import document --unit CODE --kind draft [--topic YK1..YK9]\n"
              "                              [--title T] [--dry-run] FILE\n\n"
              "units: a CSV with header code,kind,name,parent (UTF-8).\n"
              "households: the village head's roll as CSV or XLSX; columns found by\n"
              "header name (mã hộ, họ và tên, ngày sinh, giới tính, quan hệ với chủ hộ,\n"
              "thôn, địa chỉ, số điện thoại, CCCD). The file is applied whole or not at\n"
              "all; every bad row is listed with its line number.\n"
              "document: a text, Markdown or Word (.docx) file published as a disclosure\n"
              "item of the commune CODE in the given category (CK01..CK14); the title is\n"
              "--title or the file's first heading or line; the decision date defaults to\n"
              "today; --owner names the official who answers for its disclosure plan;\n"
              "--draft keeps it unpublished.\n"
              "document --kind draft: a draft put to consultation (dân bàn) in the commune\n"
              "or agency CODE, on topic YK1..YK9 (default YK9); its structure (preamble,\n"
              "Chương, Mục, Điều, khoản, điểm, dash items, Phụ lục, tables, signature,\n"
              "Nơi nhận) is recognised into sections residents comment on. It is saved as\n"
              "a draft for an official to check and open. --dry-run prints the recognised\n"
              "outline as JSON ({\"sections\": [...]}) and saves nothing.");
    if (rc)
        return rc < 0 ? 0 : rc;
    if (o.n_pos >= 1 && strcmp(o.pos[0], "document") == 0)
        return import_document(&o, &app);
    if (o.n_pos != 2 || (strcmp(o.pos[0], "units") && strcmp(o.pos[0], "households")) ||
        (strcmp(o.pos[0], "households") == 0 && !o.unit)) {
        fprintf(stderr, "danchu: usage: danchu import units FILE | "
                        "danchu import households --unit CODE FILE\n");
        return 2;
    }
    struct import_job j = {0};
    j.text = slurp(o.pos[1], &j.len);
    if (!j.text) {
        fprintf(stderr, "danchu: cannot read %s: %s\n", o.pos[1], strerror(errno));
        return 1;
    }
    if (app_open(&app, 1)) {
        free((char *)j.text);
        app_close(&app);
        return 1;
    }
    if (strcmp(o.pos[0], "units") == 0) {
        j.errors = json_array();
        rc = in_tx(&app, run_import_units, &j);
        if (rc == ERR_INVALID) {
            fprintf(stderr, "danchu: %s rejected, nothing imported:\n", o.pos[1]);
            print_errors(j.errors);
        } else if (rc == 0) {
            printf("danchu: %d unit(s) added, %d updated\n", j.added, j.updated);
        }
        json_decref(j.errors);
    } else {
        j.unit = o.unit;
        j.a = arena_new(0);
        fprintf(stderr, "danchu: reading %s (%zu bytes)...\n", o.pos[1], j.len);
        rc = in_tx(&app, run_import_households, &j);
        if (rc == ERR_INVALID && j.report.errors) {
            fprintf(stderr, "danchu: %s rejected, nothing imported (%zu error(s)):\n", o.pos[1],
                    json_array_size(j.report.errors));
            print_errors(j.report.errors);
        } else if (rc == 0) {
            printf("danchu: %d household(s) added, %d updated; %d member(s) added, %d updated; "
                   "%d representative change(s)\n",
                   j.report.added_households, j.report.updated_households, j.report.added_members,
                   j.report.updated_members, j.report.rep_changes);
            size_t nm = json_array_size(j.report.missing);
            if (nm) {
                printf("danchu: %zu household(s) of %s are not in the file (kept):", nm, o.unit);
                for (size_t i = 0; i < nm && i < 50; i++)
                    printf(" %s", json_string_value(json_array_get(j.report.missing, i)));
                printf(nm > 50 ? " ...\n" : "\n");
            }
        } else {
            fprintf(stderr, "danchu: import failed: %s\n", err_name(rc));
        }
        json_decref(j.report.errors);
        json_decref(j.report.missing);
        arena_free(j.a);
    }
    free((char *)j.text);
    app_close(&app);
    return rc ? 1 : 0;
}

int app_cmd_backup(int argc, char **argv)
{
    struct opts o;
    struct app app;
    int rc = begin(argc, argv, &o, &app,
                   "Usage: danchu backup [--db URL] FILE\n\n"
                   "Writes a consistent copy while danchu keeps serving: a SQLite database\n"
                   "file (online backup API), or a plain-SQL dump on PostgreSQL.");
    if (rc)
        return rc < 0 ? 0 : rc;
    if (o.n_pos != 1) {
        fprintf(stderr, "danchu: usage: danchu backup FILE\n");
        return 2;
    }
    if (app_open(&app, 0)) {
        app_close(&app);
        return 1;
    }
    char err[512] = "";
    rc = store_backup(app.store, o.pos[0], err, sizeof err);
    if (rc)
        fprintf(stderr, "danchu: backup failed: %s\n", err);
    else
        printf("danchu: backup written to %s\n", o.pos[0]);
    app_close(&app);
    return rc ? 1 : 0;
}

int app_cmd_audit(int argc, char **argv)
{
    struct opts o;
    struct app app;
    int rc = begin(argc, argv, &o, &app,
                   "Usage: danchu audit verify [--db URL]\n\n"
                   "Recomputes the hash chain of the audit log. Exits 0 when intact, 1 and\n"
                   "names the first altered row when any row was changed, removed or reordered.");
    if (rc)
        return rc < 0 ? 0 : rc;
    if (o.n_pos != 1 || strcmp(o.pos[0], "verify") != 0) {
        fprintf(stderr, "danchu: usage: danchu audit verify\n");
        return 2;
    }
    if (app_open(&app, 0)) {
        app_close(&app);
        return 1;
    }
    struct db *db;
    int64_t n = 0, bad = 0;
    if ((rc = store_connect(app.store, &db)) == 0) {
        rc = audit_verify(db, &n, &bad);
        db_close(db);
    }
    if (rc == 0)
        printf("danchu: audit log intact (%lld rows)\n", (long long)n);
    else if (rc == ERR_CONFLICT)
        printf("danchu: audit log ALTERED at row %lld (of %lld checked)\n", (long long)bad,
               (long long)n);
    else
        fprintf(stderr, "danchu: audit verify failed: %s\n", err_name(rc));
    app_close(&app);
    return rc ? 1 : 0;
}

/* ---- demo --------------------------------------------------------------------------------- */

/* One demo account. */
struct demo_account {
    const char *login; /* login name */
    const char *name;  /* display name */
    const char *role;  /* role id */
    int where;         /* 0 province, 1 the ward, 2 its first group, 3 the rural commune */
};

static const struct demo_account demo_accounts[] = {
    {"tinh", "Sở Nội vụ (quản trị tỉnh)", "province_admin", 0},
    {"chutich", "Nguyễn Văn Chủ tịch", "chairperson", 1},
    {"canbo", "Trần Thị Cán bộ", "officer", 1},
    {"quantri", "Lê Văn Quản trị", "unit_admin", 1},
    {"truongthon", "Phạm Văn Tổ trưởng", "village_head", 2},
    {"mattran", "Hoàng Thị Mặt trận", "front_board", 2},
    {"thanhtra", "Vũ Văn Thanh tra", "inspection_board", 1},
    {"giamsat", "Đặng Thị Giám sát", "investment_board", 1},
    {"hdnd", "Bùi Văn Hội đồng", "council", 1},
    {"mttq", "Đỗ Thị Mặt trận Tổ quốc", "front", 1},
    {"nguoidan", "Ngô Văn Người dân", "resident", 2},
    {"truongthon2", "Dương Văn Trưởng thôn", "village_head", 4},
};

static const char demo_password[] = "danchu2026";

/* What the demo builds and then prints. */
struct demo_job {
    int households;                /* how many */
    int cases;                     /* residents' requests per commune */
    const struct feedback_env *fb; /* their rules */
    const struct decision_env *dm; /* the decision rules */
    const char *hash;              /* the demo password's hash */
    char codes[5][32];             /* province, ward, first group, rural commune, first village */
    char recovery[AUTH_RECOVERY_SIZE]; /* the demo's recovery key (printed) */
};

static int run_demo_accounts(struct db *db, void *arg)
{
    struct demo_job *d = arg;
    int64_t officer = 0, resident = 0, residents[8];
    size_t n_residents = 0;
    json_t *m = NULL;
    int rc = units_list_json(db, &m);
    if (rc)
        return rc;
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(m, "units"), i, u)
    {
        const char *kind = json_string_value(json_object_get(u, "kind"));
        const char *code = json_string_value(json_object_get(u, "code"));
        if (strcmp(kind, "province") == 0 && !d->codes[0][0])
            snprintf(d->codes[0], 32, "%s", code);
        else if (strcmp(kind, "ward") == 0 && !d->codes[1][0])
            snprintf(d->codes[1], 32, "%s", code);
        else if (strcmp(kind, "commune_rural") == 0 && !d->codes[3][0])
            snprintf(d->codes[3], 32, "%s", code);
    }
    json_array_foreach(json_object_get(m, "units"), i, u)
    {
        const char *code = json_string_value(json_object_get(u, "code"));
        const char *parent = json_string_value(json_object_get(u, "parent"));
        if (!d->codes[2][0] && strcmp(parent, d->codes[1]) == 0)
            snprintf(d->codes[2], 32, "%s", code);
        if (!d->codes[4][0] && strcmp(parent, d->codes[3]) == 0)
            snprintf(d->codes[4], 32, "%s", code);
    }
    json_decref(m);
    for (size_t k = 0; k < sizeof demo_accounts / sizeof demo_accounts[0]; k++) {
        const struct demo_account *a = &demo_accounts[k];
        struct unit unit;
        if ((rc = units_get(db, d->codes[a->where], &unit)) != 0)
            return rc;
        int64_t id;
        if ((rc = auth_account_create_hash(db, a->login, a->name, d->hash, "", unit.id, &id)) != 0)
            return rc;
        if ((rc = auth_role_grant(db, id, unit.id, a->role)) != 0)
            return rc;
        if ((rc = audit_append(db, 0, unit.id, "users.add", a->login, a->role)) != 0)
            return rc;
        if (strcmp(a->role, "officer") == 0 && a->where == 1)
            officer = id;
        if (strcmp(a->role, "resident") == 0 && a->where == 2 && !resident)
            resident = id;
        if ((a->where == 1 || a->where == 2) && n_residents < 8 &&
            (strcmp(a->role, "resident") == 0 || strcmp(a->role, "village_head") == 0 ||
             strcmp(a->role, "front_board") == 0))
            residents[n_residents++] = id;
        /* Reminders go somewhere (the outbox keeps them while no smtp_url is set). */
        char email[AUTH_EMAIL_MAX + 1];
        snprintf(email, sizeof email, "%s@demo.example", a->login);
        if ((rc = auth_account_set_email(db, id, email)) != 0)
            return rc;
        /* Officials who handle denunciations get their key pair, as a first sign-in would. */
        enum auth_role role;
        if (auth_role_parse(a->role, &role) == 0 && auth_perm_has_role("feedback.manage", role)) {
            struct auth_keys keys;
            if ((rc = auth_keys_make(demo_password, &keys)) != 0 ||
                (rc = auth_keys_save(db, id, &keys)) != 0)
                return rc;
        }
    }
    int64_t escrow_id;
    if ((rc = auth_escrow_create(db, d->recovery, &escrow_id)) != 0)
        return rc;
    /* Residents' requests in both communes, the ward's handled by its officer. */
    if (d->cases > 0 &&
        (rc = feedback_demo_build(db, d->fb, d->codes[1], officer, d->cases, 2026, stderr)) != 0)
        return rc;
    if (d->cases > 0 &&
        (rc = feedback_demo_build(db, d->fb, d->codes[3], 0, d->cases, 2027, stderr)) != 0)
        return rc;
    /* Consultations on drafts in the ward: open, published, not yet open. */
    if ((rc = consultation_demo_build(db, d->codes[1], officer, residents, n_residents)) != 0)
        return rc;
    /* Decisions by household in the ward's villages: one finished of each form, one open. */
    return decision_demo_build(db, d->dm, d->codes[1], officer, resident);
}

int app_cmd_demo(int argc, char **argv)
{
    struct opts o;
    struct app app;
    int rc = begin(argc, argv, &o, &app,
                   "Usage: danchu demo [--db URL] [--listen ADDR:PORT] [--households N]\n"
                   "                   [--no-serve] [--quiet]\n\n"
                   "Builds a demo province (2 communes, their villages and residential groups,\n"
                   "3,000 households with generated Vietnamese names, one account per role)\n"
                   "into the database, prints the logins and serves it. An existing SQLite demo\n"
                   "file is replaced; a PostgreSQL database must be empty.\n"
                   "  --households N   how many households (default 3000)\n"
                   "  --disclosures N  disclosure items per commune (default 60)\n"
                   "  --cases N        residents' requests and cases per commune (default 36)\n"
                   "  --no-serve       build and exit");
    if (rc)
        return rc < 0 ? 0 : rc;
    struct demo_job d = {3000, 36, &app.fb, &app.dm, NULL, {{0}}, {0}};
    if (o.households && parse_int(o.households, 1, 1000000, &d.households) != 0) {
        fprintf(stderr, "danchu: --households takes a number from 1 to 1000000\n");
        return 2;
    }
    int n_disclosures = 60;
    if (o.disclosures && parse_int(o.disclosures, 0, 10000000, &n_disclosures) != 0) {
        fprintf(stderr, "danchu: --disclosures takes a number from 0 to 10000000\n");
        return 2;
    }
    if (o.cases && parse_int(o.cases, 0, 10000000, &d.cases) != 0) {
        fprintf(stderr, "danchu: --cases takes a number from 0 to 10000000\n");
        return 2;
    }
    if (strncmp(app.cfg.db, "sqlite:", 7) == 0) {
        const char *path = app.cfg.db + 7;
        static const char *const suffix[] = {"", "-wal", "-shm"};
        for (size_t i = 0; i < 3; i++) {
            char p[4200];
            snprintf(p, sizeof p, "%s%s", path, suffix[i]);
            if (unlink(p) != 0 && errno != ENOENT) {
                fprintf(stderr, "danchu: cannot replace %s: %s\n", p, strerror(errno));
                return 1;
            }
        }
    }
    if (app_open(&app, 1)) {
        app_close(&app);
        return 1;
    }
    struct db *db;
    if ((rc = store_connect(app.store, &db)) != 0) {
        app_close(&app);
        return 1;
    }
    json_t *m = NULL;
    if (units_list_json(db, &m) == 0 && json_array_size(json_object_get(m, "units"))) {
        fprintf(stderr, "danchu: %s already holds units; the demo needs an empty database\n",
                app.cfg.db);
        json_decref(m);
        db_close(db);
        app_close(&app);
        return 1;
    }
    json_decref(m);
    uint64_t t0 = log_now_us();
    rc = units_demo_build(db, d.households, stderr);
    /* Each commune's disclosures: a full portal, items in every state. */
    if (rc == 0 && n_disclosures > 0 && (rc = units_list_json(db, &m)) == 0) {
        size_t i;
        json_t *u;
        unsigned seed = 2026;
        json_array_foreach(json_object_get(m, "units"), i, u)
        {
            const char *kind = json_string_value(json_object_get(u, "kind"));
            if (rc || (strcmp(kind, "ward") && strcmp(kind, "commune_rural") &&
                       strcmp(kind, "special_zone")))
                continue;
            rc = disclosure_demo_build(db, &app.dc, json_string_value(json_object_get(u, "code")),
                                       n_disclosures, seed++, stderr);
        }
        json_decref(m);
    }
    db_close(db);
    char hash[AUTH_HASH_SIZE];
    if (rc == 0 && (rc = auth_password_hash(demo_password, hash)) == 0) {
        d.hash = hash;
        rc = in_tx(&app, run_demo_accounts, &d);
    }
    if (rc) {
        fprintf(stderr, "danchu: demo failed: %s\n", err_name(rc));
        app_close(&app);
        return 1;
    }
    fprintf(stderr, "demo: built in %.1f s\n", (double)(log_now_us() - t0) / 1e6);
    printf("\nDemo ready at http://%s/\nLogins (password for all: %s):\n", app.cfg.listen,
           demo_password);
    for (size_t k = 0; k < sizeof demo_accounts / sizeof demo_accounts[0]; k++)
        printf("  %-12s %-18s on %s\n", demo_accounts[k].login, demo_accounts[k].role,
               d.codes[demo_accounts[k].where]);
    printf("Recovery key of sealed denunciations (demo only; a real one is printed once by\n"
           "danchu init): %s\n",
           d.recovery);
    fflush(stdout);
    if (o.no_serve) {
        app_close(&app);
        return 0;
    }
    rc = app_serve(&app, o.quiet);
    app_close(&app);
    return rc;
}
