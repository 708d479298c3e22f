/*
 * startup.c - time from exec of `danchu serve` to its first answered request.
 *
 * For each round: fork, exec the server on a migrated database, then poll
 * GET /healthz in a tight loop (connect, send, read) until it answers
 * "200"; the time from just before fork to that answer is one sample. The
 * server is then stopped with SIGTERM and reaped. Prints every sample and
 * the median, in milliseconds.
 *
 * Usage: startup ROUNDS PORT DANCHU_BIN serve --db URL --listen 127.0.0.1:PORT --quiet
 * (everything after PORT is the server's argv).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ROUNDS 100
#define GIVE_UP_S 10.0
#define LOG_PATH "build/bench/startup-server.log"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* One GET /healthz; 1 when the server answered 200, else 0. */
static int probe(int port)
{
    static const char req[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              "Connection: close\r\n\r\n";
    int ok = 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
        goto out;
    if (write(fd, req, sizeof req - 1) != (ssize_t)(sizeof req - 1))
        goto out;
    char buf[64];
    size_t got = 0;
    while (got < 12) {
        ssize_t n = read(fd, buf + got, sizeof buf - 1 - got);
        if (n <= 0)
            goto out;
        got += (size_t)n;
    }
    buf[got] = '\0';
    ok = strncmp(buf, "HTTP/1.1 200", 12) == 0 || strncmp(buf, "HTTP/1.0 200", 12) == 0;
out:
    close(fd);
    return ok;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Runs the server once; stores the time to its first 200 in *ms. 0 on success. */
static int one_round(int port, char **argv, double *ms)
{
    int rc = -1;
    if (probe(port)) {
        fprintf(stderr, "startup: something already answers on port %d\n", port);
        return -1;
    }
    double t0 = now_ms();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        /* The server's own messages go to a file, shown when a round fails. */
        int log = open(LOG_PATH, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (log >= 0) {
            dup2(log, STDOUT_FILENO);
            dup2(log, STDERR_FILENO);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    for (;;) {
        if (probe(port)) {
            *ms = now_ms() - t0;
            rc = 0;
            break;
        }
        int status = 0;
        int gone = waitpid(pid, &status, WNOHANG) == pid;
        if (now_ms() - t0 > GIVE_UP_S * 1e3 || gone) {
            fprintf(stderr, "startup: the server did not answer /healthz (%s); its output:\n",
                    gone ? "it exited" : "timed out");
            char line[512];
            FILE *f = fopen(LOG_PATH, "r");
            while (f && fgets(line, sizeof line, f))
                fputs(line, stderr);
            if (f)
                fclose(f);
            if (!gone)
                kill(pid, SIGKILL);
            break;
        }
    }
    kill(pid, SIGTERM);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
    return rc;
}

int main(int argc, char **argv)
{
    double samples[MAX_ROUNDS];
    char *end = NULL;
    long rounds = argc > 1 ? strtol(argv[1], &end, 10) : 0;
    long port = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
    if (argc < 4 || !end || *end || rounds < 1 || rounds > MAX_ROUNDS || port < 1 || port > 65535) {
        fprintf(stderr, "usage: startup ROUNDS PORT DANCHU_BIN ARGS...\n");
        return 2;
    }
    for (long i = 0; i < rounds; i++) {
        if (one_round((int)port, argv + 3, &samples[i]) != 0)
            return 1;
        printf("round %ld: %.2f ms\n", i + 1, samples[i]);
    }
    qsort(samples, (size_t)rounds, sizeof samples[0], cmp_double);
    double median =
        rounds % 2 ? samples[rounds / 2] : (samples[rounds / 2 - 1] + samples[rounds / 2]) / 2;
    printf("median_ms %.2f min_ms %.2f max_ms %.2f\n", median, samples[0], samples[rounds - 1]);
    return 0;
}
