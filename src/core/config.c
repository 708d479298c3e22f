/*
 * config.c - danchu.conf through libinih (see config.h).
 */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "str.h"

static void copy(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src);
}

void config_defaults(struct config *c)
{
    memset(c, 0, sizeof *c);
    copy(c->db, sizeof c->db, "sqlite:danchu.db");
    copy(c->listen, sizeof c->listen, "127.0.0.1:8080");
    copy(c->base_url, sizeof c->base_url, "http://127.0.0.1:8080");
    c->threads = 0; /* one HTTP worker per processor (http/server.c) */
    c->submit_per_hour = 20;
}

int config_set(struct config *c, const char *key, const char *value)
{
    if (strcmp(key, "db") == 0) {
        copy(c->db, sizeof c->db, value);
    } else if (strcmp(key, "listen") == 0) {
        copy(c->listen, sizeof c->listen, value);
    } else if (strcmp(key, "base_url") == 0) {
        copy(c->base_url, sizeof c->base_url, value);
        size_t n = strlen(c->base_url);
        while (n && c->base_url[n - 1] == '/')
            c->base_url[--n] = '\0';
        c->secure_cookies = strncmp(c->base_url, "https://", 8) == 0;
    } else if (strcmp(key, "threads") == 0) {
        if (parse_int(value, 0, 256, &c->threads))
            return ERR_INVALID;
    } else if (strcmp(key, "calendar_dir") == 0) {
        copy(c->calendar_dir, sizeof c->calendar_dir, value);
    } else if (strcmp(key, "sms_webhook") == 0) {
        copy(c->sms_webhook, sizeof c->sms_webhook, value);
    } else if (strcmp(key, "smtp_url") == 0) {
        copy(c->smtp_url, sizeof c->smtp_url, value);
    } else if (strcmp(key, "smtp_from") == 0) {
        copy(c->smtp_from, sizeof c->smtp_from, value);
    } else if (strcmp(key, "smtp_user") == 0) {
        copy(c->smtp_user, sizeof c->smtp_user, value);
    } else if (strcmp(key, "smtp_password") == 0) {
        copy(c->smtp_password, sizeof c->smtp_password, value);
    } else if (strcmp(key, "notify_webhook") == 0) {
        copy(c->notify_webhook, sizeof c->notify_webhook, value);
    } else if (strcmp(key, "submit_per_hour") == 0) {
        if (parse_int(value, 0, 1000000, &c->submit_per_hour))
            return ERR_INVALID;
    } else {
        return ERR_INVALID;
    }
    return 0;
}

struct load_ctx {
    struct config *c; /* being filled */
    char *err;        /* message out */
    unsigned err_len; /* its size */
    int failed;       /* first error seen */
};

static int on_pair(void *user, const char *section, const char *name, const char *value)
{
    struct load_ctx *ctx = user;
    if (section[0] && strcmp(section, "danchu") != 0)
        return 1;
    if (config_set(ctx->c, name, value) != 0 && !ctx->failed) {
        ctx->failed = 1;
        snprintf(ctx->err, ctx->err_len, "unknown key or bad value: %s = %s", name, value);
    }
    return 1;
}

int config_load(struct config *c, const char *path, int required, char *err, unsigned err_len)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        if (!required && errno == ENOENT)
            return 0;
        snprintf(err, err_len, "cannot open %s: %s", path, strerror(errno));
        return ERR_IO;
    }
    struct load_ctx ctx = {c, err, err_len, 0};
    int line = ini_parse_file(f, on_pair, &ctx);
    fclose(f);
    if (line > 0) {
        snprintf(err, err_len, "%s: syntax error on line %d", path, line);
        return ERR_INVALID;
    }
    return ctx.failed ? ERR_INVALID : 0;
}
