/* lab/ga_pool.h: a parallel for-loop over independent jobs, and the clock that times them.
 * Jobs are handed out in index order; each writes only its own result slot, so results do not
 * depend on the thread count. */
#ifndef GA_POOL_H
#define GA_POOL_H

/* Runs job(i, ctx) for i in [0, n) on `threads` threads (the caller's thread is one of them).
 * After each job, done(i, finished_so_far, ctx) runs under a lock (may be NULL).
 * Returns 0, or -1 when a thread could not be started (the remaining jobs then run on the
 * threads that did start). */
int ga_pool_run(int n, int threads, void (*job)(int i, void *ctx),
                void (*done)(int i, int finished, void *ctx), void *ctx);

/* Seconds on a monotonic clock, for timing work (never for results). */
double ga_now(void);

/* Cores online, at least 1. */
int ga_pool_cores(void);

#endif
