/*
 * cache.c - the anonymous page cache: rendered bytes of public pages,
 * keyed by URI (and HTML/JSON), valid while the data version is unchanged.
 *
 * Direct-mapped: a URI hashes to one slot; a newer page replaces the old.
 * Entries hold a prebuilt MHD response, so a hit costs one hash, one
 * read-lock and one MHD_queue_response: no database, no rendering.
 */
#include <stdlib.h>
#include <string.h>

#include "http/internal.h"

static uint64_t hash(const char *s, int json)
{
    return hash64(s, strlen(s), (uint64_t)json);
}

void page_cache_init(struct http_server *srv)
{
    pthread_rwlock_init(&srv->cache_lock, NULL);
    atomic_store(&srv->data_version, 1);
}

void page_cache_free(struct http_server *srv)
{
    for (size_t i = 0; i < PAGE_CACHE_SLOTS; i++) {
        free(srv->cache[i].key);
        if (srv->cache[i].resp)
            MHD_destroy_response(srv->cache[i].resp);
        srv->cache[i].key = NULL;
        srv->cache[i].resp = NULL;
    }
    pthread_rwlock_destroy(&srv->cache_lock);
}

void http_cache_bump(struct http_server *srv)
{
    atomic_fetch_add(&srv->data_version, 1);
}

uint64_t http_data_version(const struct http_request *r)
{
    return atomic_load(&r->srv->data_version);
}

static int key_eq(const char *key, const char *uri, int json)
{
    size_t n = strlen(uri);
    return strncmp(key, uri, n) == 0 && key[n] == (json ? 'J' : 'H') && key[n + 1] == '\0';
}

int page_cache_serve(struct http_server *srv, struct http_conn *c, const char *uri, int json,
                     enum MHD_Result *ok)
{
    struct page_entry *e = &srv->cache[hash(uri, json) % PAGE_CACHE_SLOTS];
    uint64_t v = atomic_load(&srv->data_version);
    int hit = 0;
    pthread_rwlock_rdlock(&srv->cache_lock);
    if (e->key && e->version == v && key_eq(e->key, uri, json)) {
        const char *inm = http_conn_header(c, "If-None-Match");
        if (inm && strcmp(inm, e->etag) == 0) {
            struct MHD_Response *r304 =
                MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
            MHD_add_response_header(r304, "ETag", e->etag);
            *ok = http_conn_queue(c, 304, r304, 0);
            MHD_destroy_response(r304);
        } else {
            *ok = http_conn_queue(c, 200, e->resp, e->len);
        }
        hit = 1;
    }
    pthread_rwlock_unlock(&srv->cache_lock);
    atomic_fetch_add(hit ? &srv->cache_hits : &srv->cache_misses, 1);
    return hit;
}

void page_cache_put(struct http_server *srv, const char *uri, int json, const char *ctype,
                    const char *body, size_t len)
{
    uint64_t v = atomic_load(&srv->data_version);
    size_t n = strlen(uri);
    char *key = malloc(n + 2);
    if (!key)
        abort();
    memcpy(key, uri, n);
    key[n] = json ? 'J' : 'H';
    key[n + 1] = '\0';
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    char etag[24];
    uint64_t h = hash64(body, len, 0);
    snprintf(etag, sizeof etag, "\"%016llx\"", (unsigned long long)h);
    MHD_add_response_header(resp, "Content-Type", ctype);
    MHD_add_response_header(resp, "ETag", etag);
    MHD_add_response_header(resp, "Cache-Control", "no-cache");
    http_add_security_headers(resp);

    struct page_entry *e = &srv->cache[hash(uri, json) % PAGE_CACHE_SLOTS];
    pthread_rwlock_wrlock(&srv->cache_lock);
    char *old_key = e->key;
    struct MHD_Response *old = e->resp;
    e->key = key;
    e->resp = resp;
    e->version = v;
    e->len = len;
    memcpy(e->etag, etag, sizeof etag);
    pthread_rwlock_unlock(&srv->cache_lock);
    free(old_key);
    if (old)
        MHD_destroy_response(old);
}
