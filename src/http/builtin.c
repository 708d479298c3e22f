/*
 * builtin.c - routes every deployment has: /healthz and /metrics.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http/internal.h"

static const char sql_ping[] = "SELECT 1";

/* GET /healthz - public. 200 "ok" when the database answers, else 503. */
static int healthz(struct http_request *r, struct http_response *res)
{
    struct db_stmt *st;
    int rc = db_prepare(r->db, sql_ping, &st);
    if (rc == 0) {
        rc = db_step(st) == DB_ROW ? 0 : ERR_DB;
        db_reset(st);
    }
    if (rc != 0)
        return ERR_UNAVAILABLE;
    buf_init(&res->body, r->a);
    buf_puts(&res->body, "ok\n");
    res->content_type = "text/plain; charset=utf-8";
    return 0;
}

static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, resident = 0;
    if (!f)
        return 0;
    if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
        resident = 0;
    fclose(f);
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

void metrics_observe(struct http_server *srv, int status, uint64_t us)
{
    int cls = status / 100;
    if (cls < 1 || cls > 5)
        cls = 0;
    atomic_fetch_add(&srv->n_requests[cls], 1);
    atomic_fetch_add(&srv->request_us, us);
}

/* GET /metrics - public, Prometheus text format. */
static int metrics(struct http_request *r, struct http_response *res)
{
    struct http_server *srv = r->srv;
    struct store_stats st;
    store_stats(srv->cfg.store, &st);
    struct buf *b = &res->body;
    buf_init(b, r->a);
    buf_puts(b, "# HELP danchu_http_requests_total HTTP requests by status class.\n"
                "# TYPE danchu_http_requests_total counter\n");
    static const char *cls[] = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};
    for (int i = 0; i < 6; i++)
        buf_printf(b, "danchu_http_requests_total{code=\"%s\"} %llu\n", cls[i],
                   (unsigned long long)atomic_load(&srv->n_requests[i]));
    buf_printf(b,
               "# HELP danchu_http_request_seconds_total Time spent answering requests.\n"
               "# TYPE danchu_http_request_seconds_total counter\n"
               "danchu_http_request_seconds_total %.6f\n",
               (double)atomic_load(&srv->request_us) / 1e6);
    buf_printf(b,
               "# HELP danchu_http_inflight Requests being answered.\n"
               "# TYPE danchu_http_inflight gauge\ndanchu_http_inflight %ld\n"
               "# HELP danchu_http_suspended Requests waiting for a durable write.\n"
               "# TYPE danchu_http_suspended gauge\ndanchu_http_suspended %ld\n",
               atomic_load(&srv->inflight), atomic_load(&srv->suspended));
    buf_printf(b,
               "# HELP danchu_page_cache_hits_total Anonymous pages served from cache.\n"
               "# TYPE danchu_page_cache_hits_total counter\ndanchu_page_cache_hits_total %llu\n"
               "# HELP danchu_page_cache_misses_total Cacheable pages rendered.\n"
               "# TYPE danchu_page_cache_misses_total counter\n"
               "danchu_page_cache_misses_total %llu\n",
               (unsigned long long)atomic_load(&srv->cache_hits),
               (unsigned long long)atomic_load(&srv->cache_misses));
    buf_printf(b,
               "# HELP danchu_write_batches_total Transactions committed by the writer.\n"
               "# TYPE danchu_write_batches_total counter\ndanchu_write_batches_total %llu\n"
               "# HELP danchu_write_jobs_total Writes committed through the queue.\n"
               "# TYPE danchu_write_jobs_total counter\ndanchu_write_jobs_total %llu\n"
               "# HELP danchu_write_job_errors_total Writes that failed.\n"
               "# TYPE danchu_write_job_errors_total counter\n"
               "danchu_write_job_errors_total %llu\n",
               (unsigned long long)st.batches, (unsigned long long)st.jobs,
               (unsigned long long)st.job_errors);
    buf_printf(b,
               "# HELP danchu_process_resident_bytes Resident memory.\n"
               "# TYPE danchu_process_resident_bytes gauge\n"
               "danchu_process_resident_bytes %ld\n"
               "# HELP danchu_process_uptime_seconds Seconds since start.\n"
               "# TYPE danchu_process_uptime_seconds gauge\n"
               "danchu_process_uptime_seconds %lld\n",
               rss_kb() * 1024, (long long)(time(NULL) - srv->started));
    res->content_type = "text/plain; version=0.0.4; charset=utf-8";
    return 0;
}

static const struct http_route builtin_routes[] = {
    {"GET", "/healthz", healthz, NULL, NULL, NULL, HTTP_RAW, NULL, 0, 0},
    {"GET", "/metrics", metrics, NULL, NULL, NULL, HTTP_RAW, NULL, 0, 0},
};

void builtin_routes_add(struct http_server *srv)
{
    srv->started = time(NULL);
    http_add_routes(srv, builtin_routes, sizeof builtin_routes / sizeof builtin_routes[0]);
}
