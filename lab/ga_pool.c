/* lab/ga_pool.c: pthreads and one atomic counter; no queue, no allocation per job. */
#include "ga_pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS 256

typedef struct {
    int n;
    atomic_int next;
    int finished;
    pthread_mutex_t lock;
    void (*job)(int, void *);
    void (*done)(int, int, void *);
    void *ctx;
} Pool;

static void *worker(void *arg)
{
    Pool *p = arg;
    for (;;) {
        int i = atomic_fetch_add(&p->next, 1);
        if (i >= p->n)
            break;
        p->job(i, p->ctx);
        pthread_mutex_lock(&p->lock);
        p->finished++;
        if (p->done)
            p->done(i, p->finished, p->ctx);
        pthread_mutex_unlock(&p->lock);
    }
    return NULL;
}

int ga_pool_run(int n, int threads, void (*job)(int i, void *ctx),
                void (*done)(int i, int finished, void *ctx), void *ctx)
{
    Pool p = {.n = n, .job = job, .done = done, .ctx = ctx};
    atomic_init(&p.next, 0);
    pthread_mutex_init(&p.lock, NULL);
    if (threads > n)
        threads = n;
    if (threads > MAX_THREADS)
        threads = MAX_THREADS;
    pthread_t tid[MAX_THREADS];
    int started = 0, rc = 0;
    for (int t = 1; t < threads; t++) {
        if (pthread_create(&tid[started], NULL, worker, &p) != 0) {
            rc = -1;
            break;
        }
        started++;
    }
    worker(&p);
    for (int t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    pthread_mutex_destroy(&p.lock);
    return rc;
}

int ga_pool_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

double ga_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
