/*
 * assets.c - embedded static files (web/static/) served at /s/HASH/NAME.
 *
 * The hash in the URL changes whenever the file does, so responses carry a
 * year of immutable caching; templates get the URLs through the "asset"
 * object of every view-model ({{asset.app_css}} for web/static/app.css).
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "http/internal.h"

static const char *mime_type(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot)
        return "application/octet-stream";
    if (strcmp(dot, ".css") == 0)
        return "text/css; charset=utf-8";
    if (strcmp(dot, ".js") == 0)
        return "text/javascript; charset=utf-8";
    if (strcmp(dot, ".svg") == 0)
        return "image/svg+xml";
    if (strcmp(dot, ".png") == 0)
        return "image/png";
    if (strcmp(dot, ".ico") == 0)
        return "image/x-icon";
    if (strcmp(dot, ".woff2") == 0)
        return "font/woff2";
    if (strcmp(dot, ".txt") == 0)
        return "text/plain; charset=utf-8";
    if (strcmp(dot, ".csv") == 0)
        return "text/csv; charset=utf-8";
    return "application/octet-stream";
}

void assets_init(struct http_server *srv)
{
    static const char prefix[] = "web/static/";
    size_t n = 0;
    for (unsigned long i = 0; i < embed_count; i++)
        if (strncmp(embed_files[i].name, prefix, sizeof prefix - 1) == 0)
            n++;
    srv->assets = calloc(n ? n : 1, sizeof *srv->assets);
    if (!srv->assets)
        abort();
    srv->assets_model = json_object();
    for (unsigned long i = 0; i < embed_count; i++) {
        const struct embed_file *f = &embed_files[i];
        if (strncmp(f->name, prefix, sizeof prefix - 1) != 0)
            continue;
        const char *name = f->name + sizeof prefix - 1;
        unsigned char h[16];
        char hex[33];
        crypto_generichash(h, sizeof h, f->data, f->len, NULL, 0);
        hex_encode(h, sizeof h, hex);
        struct http_asset *as = &srv->assets[srv->n_assets++];
        snprintf(as->url, sizeof as->url, "/s/%.10s/%s", hex, name);
        snprintf(as->etag, sizeof as->etag, "\"%.16s\"", hex);
        as->len = f->len;
        as->resp = MHD_create_response_from_buffer(f->len, (void *)f->data, MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(as->resp, "Content-Type", mime_type(name));
        MHD_add_response_header(as->resp, "Cache-Control", "public, max-age=31536000, immutable");
        MHD_add_response_header(as->resp, "ETag", as->etag);
        MHD_add_response_header(as->resp, "X-Content-Type-Options", "nosniff");
        /* Model key: file name with every non-alphanumeric byte as '_'. */
        char key[128];
        size_t k = 0;
        for (const char *p = name; *p && k < sizeof key - 1; p++)
            key[k++] =
                ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
                    ? *p
                    : '_';
        key[k] = '\0';
        json_object_set_new(srv->assets_model, key, json_string(as->url));
    }
}

void assets_free(struct http_server *srv)
{
    for (size_t i = 0; i < srv->n_assets; i++)
        MHD_destroy_response(srv->assets[i].resp);
    free(srv->assets);
    json_decref(srv->assets_model);
}
