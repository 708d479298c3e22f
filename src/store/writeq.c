/*
 * writeq.c - the write queue: group commit for writes from many threads.
 *
 * Jobs from any thread are appended to one list under a mutex. One writer
 * thread, with its own connection, takes everything queued (up to
 * WRITEQ_BATCH jobs), runs BEGIN, each job, COMMIT, and only then calls every
 * job's done(). One fsync thus covers a whole batch: that is what lets many
 * concurrent clients write faster than one durable commit per row. When a job
 * fails, the batch is rolled back and run again with each job inside
 * "SAVEPOINT w" (released on success, rolled back on failure so the others
 * still commit): a job's run() may therefore be called twice.
 *
 * Ownership: a job and its arg belong to the submitter; the queue only links
 * them through job->next until done() has been called. done() may free the job.
 */
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"

#define WRITEQ_BATCH 1000

void store_writeq_init(struct writeq *q)
{
    memset(q, 0, sizeof *q);
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->wake, NULL);
}

void store_writeq_destroy(struct writeq *q)
{
    pthread_cond_destroy(&q->wake);
    pthread_mutex_destroy(&q->mu);
}

/* Calls done() of each job of a list; done() may free its job. */
static void answer(struct write_job *list)
{
    for (struct write_job *j = list, *next; j; j = next) {
        next = j->next;
        j->next = NULL;
        if (j->done)
            j->done(j->arg, j->rc);
    }
}

/* A job's result: 0 or an ERR_* code (anything else is a bug in the job). */
static int job_run(struct db *db, struct write_job *job)
{
    int rc = job->run(db, job->arg);
    return rc > 0 ? ERR_INTERNAL : rc;
}

static const char sql_savepoint[] = "SAVEPOINT w";
static const char sql_release[] = "RELEASE w";
static const char sql_rollback_to[] = "ROLLBACK TO w";

static int run_job(struct db *db, struct write_job *job, int *broken)
{
    int rc = db_exec_static(db, sql_savepoint);
    if (rc != 0) {
        *broken = 1;
        return ERR_DB;
    }
    rc = job_run(db, job);
    if (rc == 0) {
        /* On PostgreSQL a job that ignored a failed statement cannot be released. */
        rc = db_exec_static(db, sql_release);
        if (rc == 0)
            return 0;
        rc = ERR_DB;
    }
    if (db_exec_static(db, sql_rollback_to) != 0 || db_exec_static(db, sql_release) != 0)
        *broken = 1;
    return rc;
}

enum fast { FAST_RETRY, FAST_COMMITTED, FAST_FAILED_ALONE };

/* The optimistic pass: every job in one transaction without savepoints, committed when all
 * succeed. FAST_RETRY when it was rolled back (a job failed, or the commit did) and must run
 * again with a savepoint per job; a batch of one job never needs that: its failure is rolled
 * back with the transaction (FAST_FAILED_ALONE, the job's rc set). */
static enum fast run_fast(struct db *db, struct write_job *batch, size_t n)
{
    if (db_begin(db) != 0)
        return FAST_RETRY;
    struct write_job *j;
    for (j = batch; j; j = j->next) {
        j->rc = job_run(db, j);
        if (j->rc != 0)
            break;
    }
    if (!j && db_commit(db) == 0)
        return FAST_COMMITTED;
    db_rollback(db);
    return j && n == 1 ? FAST_FAILED_ALONE : FAST_RETRY;
}

/* Runs a batch in one transaction and answers every job; the list is consumed. Savepoints
 * cost SQLite a copy of every page a job touches that the batch already changed (a fifth of
 * the write rate), so a batch first runs without them and is run again with them only when
 * one of its jobs fails. */
static void run_batch(struct writeq *q, struct write_job *batch, size_t n)
{
    struct db *db = q->db;
    int broken = 0;
    uint64_t errors = 0;
    switch (run_fast(db, batch, n)) {
    case FAST_COMMITTED:
        goto answered;
    case FAST_FAILED_ALONE:
        errors = 1;
        broken = 1; /* nothing was committed */
        goto answered;
    case FAST_RETRY:
        break;
    }
    int rc = db_begin(db);
    if (rc != 0) {
        log_error("write queue: BEGIN failed: %s", db_errmsg(db));
        broken = 1;
    }
    for (struct write_job *j = batch; j && !broken; j = j->next) {
        j->rc = run_job(db, j, &broken);
        if (j->rc != 0)
            errors++;
    }
    if (!broken) {
        rc = db_commit(db);
        if (rc != 0) {
            log_error("write queue: COMMIT of %zu jobs failed: %s", n, db_errmsg(db));
            broken = 1;
        }
    } else {
        log_error("write queue: batch of %zu jobs abandoned: %s", n, db_errmsg(db));
    }
    if (broken) {
        db_rollback(db);
        /* Nothing of this batch is durable, so every job fails - even those that ran fine. */
        for (struct write_job *j = batch; j; j = j->next)
            j->rc = ERR_DB;
        errors = n;
    }
answered:
    pthread_mutex_lock(&q->mu);
    if (!broken)
        q->stats.batches++;
    q->stats.jobs += n;
    q->stats.job_errors += errors;
    pthread_mutex_unlock(&q->mu);
    /* After COMMIT returned: now each answer may go out. */
    answer(batch);
}

static void *writer_main(void *arg)
{
    struct writeq *q = arg;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        while (!q->head && !q->stopping)
            pthread_cond_wait(&q->wake, &q->mu);
        if (!q->head)
            break; /* stopping and drained */
        struct write_job *batch = q->head, *last = q->head;
        size_t n = 1;
        while (last->next && n < WRITEQ_BATCH) {
            last = last->next;
            n++;
        }
        q->head = last->next;
        if (!q->head)
            q->tail = NULL;
        last->next = NULL;
        q->n_queued -= n;
        pthread_mutex_unlock(&q->mu);
        run_batch(q, batch, n);
        pthread_mutex_lock(&q->mu);
    }
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

int store_write_start(struct store *s)
{
    struct writeq *q = &s->wq;
    struct db *db = NULL;
    int rc = 0;

    /* The lock is held while connecting, so two concurrent starts make one writer. */
    pthread_mutex_lock(&q->mu);
    if (q->running)
        goto out;
    rc = store_connect(s, &db);
    if (rc != 0) {
        log_error("write queue: cannot connect: %s", db_errmsg(db));
        db_close(db);
        goto out;
    }
    q->db = db;
    q->stopping = 0;
    if (pthread_create(&q->thread, NULL, writer_main, q) != 0) {
        q->db = NULL;
        db_close(db);
        rc = ERR_INTERNAL;
        goto out;
    }
    q->running = 1;
out:
    pthread_mutex_unlock(&q->mu);
    return rc;
}

int store_write_submit(struct store *s, struct write_job *job)
{
    struct writeq *q = &s->wq;
    int rc = 0;

    job->next = NULL;
    job->rc = 0;
    pthread_mutex_lock(&q->mu);
    if (!q->running || q->stopping) {
        rc = ERR_UNAVAILABLE;
    } else {
        if (q->tail)
            q->tail->next = job;
        else
            q->head = job;
        q->tail = job;
        q->n_queued++;
        pthread_cond_signal(&q->wake);
    }
    pthread_mutex_unlock(&q->mu);
    return rc;
}

/* What store_write_sync() waits on. */
struct sync_wait {
    pthread_mutex_t mu; /* guards finished */
    pthread_cond_t cv;  /* signalled by done */
    int finished;       /* done() ran */
    int rc;             /* the job's result */
};

static void sync_done(void *arg, int rc)
{
    struct sync_wait *w = arg;
    pthread_mutex_lock(&w->mu);
    w->rc = rc;
    w->finished = 1;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

/* The job's run() sees its own arg; store_write_sync() needs one more level for done(). */
struct sync_job {
    struct write_job job;            /* the queued job */
    struct sync_wait wait;           /* completion */
    int (*run)(struct db *, void *); /* the caller's write */
    void *arg;                       /* the caller's argument */
};

static int sync_run(struct db *db, void *arg)
{
    struct sync_job *sj = arg;
    return sj->run(db, sj->arg);
}

static void sync_job_done(void *arg, int rc)
{
    struct sync_job *sj = arg;
    sync_done(&sj->wait, rc);
}

int store_write_sync(struct store *s, int (*run)(struct db *, void *), void *arg)
{
    struct writeq *q = &s->wq;
    struct sync_job sj;
    int rc;

    /* A job that waits for the queue from inside the queue would wait for itself. */
    pthread_mutex_lock(&q->mu);
    int self = q->running && pthread_equal(q->thread, pthread_self());
    pthread_mutex_unlock(&q->mu);
    if (self) {
        log_error("store_write_sync() called from inside a write job");
        return ERR_INTERNAL;
    }
    memset(&sj, 0, sizeof sj);
    pthread_mutex_init(&sj.wait.mu, NULL);
    pthread_cond_init(&sj.wait.cv, NULL);
    sj.run = run;
    sj.arg = arg;
    sj.job.run = sync_run;
    sj.job.done = sync_job_done;
    sj.job.arg = &sj;
    rc = store_write_submit(s, &sj.job);
    if (rc == 0) {
        pthread_mutex_lock(&sj.wait.mu);
        while (!sj.wait.finished)
            pthread_cond_wait(&sj.wait.cv, &sj.wait.mu);
        rc = sj.wait.rc;
        pthread_mutex_unlock(&sj.wait.mu);
    }
    pthread_cond_destroy(&sj.wait.cv);
    pthread_mutex_destroy(&sj.wait.mu);
    return rc;
}

void store_write_stop(struct store *s)
{
    struct writeq *q = &s->wq;
    pthread_mutex_lock(&q->mu);
    if (!q->running) {
        pthread_mutex_unlock(&q->mu);
        return;
    }
    q->stopping = 1;
    pthread_cond_signal(&q->wake);
    pthread_t t = q->thread;
    pthread_mutex_unlock(&q->mu);
    pthread_join(t, NULL);
    pthread_mutex_lock(&q->mu);
    q->running = 0;
    db_close(q->db);
    q->db = NULL;
    pthread_mutex_unlock(&q->mu);
}

void store_stats(struct store *s, struct store_stats *out)
{
    pthread_mutex_lock(&s->wq.mu);
    *out = s->wq.stats;
    pthread_mutex_unlock(&s->wq.mu);
}
