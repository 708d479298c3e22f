/*
 * log.c - log lines on stderr (see log.h). Each line is written with one
 * write(2) so lines from worker threads never interleave.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static enum log_level log_level = LOG_INFO;
static int log_requests = 1;

void log_set_level(enum log_level lvl)
{
    log_level = lvl;
}

void log_set_requests(int on)
{
    log_requests = on;
}

uint64_t log_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static size_t stamp(char *out, size_t n)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    return strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void emit(const char *line, size_t n)
{
    ssize_t w = write(2, line, n);
    (void)w;
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    if (lvl < log_level)
        return;
    char line[2048];
    size_t off = stamp(line, sizeof line);
    off += (size_t)snprintf(line + off, sizeof line - off, " %s ", names[lvl]);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line + off, sizeof line - off - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    off += (size_t)n;
    if (off > sizeof line - 2)
        off = sizeof line - 2;
    line[off++] = '\n';
    emit(line, off);
}

void log_request(const char *method, const char *path, int status, uint64_t bytes, uint64_t micros)
{
    if (!log_requests || log_level > LOG_INFO)
        return;
    char line[1024];
    size_t off = stamp(line, sizeof line);
    int n = snprintf(line + off, sizeof line - off - 1, " req %s %.512s %d %llu %lluus", method,
                     path, status, (unsigned long long)bytes, (unsigned long long)micros);
    if (n < 0)
        n = 0;
    off += (size_t)n;
    if (off > sizeof line - 2)
        off = sizeof line - 2;
    line[off++] = '\n';
    emit(line, off);
}
