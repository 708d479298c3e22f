/*
 * log.h - log lines on stderr: one line per event, "time level message".
 *
 * Request lines carry method, path, status, bytes and microseconds. Never
 * log personal data of a denouncer, passwords, tokens or cookies.
 */
#ifndef DANCHU_CORE_LOG_H
#define DANCHU_CORE_LOG_H

#include <stddef.h>
#include <stdint.h>

enum log_level { LOG_DEBUG = 0, LOG_INFO = 1, LOG_WARN = 2, LOG_ERROR = 3 };

void log_set_level(enum log_level lvl);
/* Turns request lines off (benchmarks); errors still print. */
void log_set_requests(int on);
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_request(const char *method, const char *path, int status, uint64_t bytes, uint64_t micros);
/* Monotonic microseconds. */
uint64_t log_now_us(void);

#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
