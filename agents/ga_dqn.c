/* agents/ga_dqn.c: the learner `dqn` and its registry row (parameters, the cross-check of
 * settings, the agent-file payload). The per-update work is three batched forward passes
 * (online on obs and next, target on next), one backward pass and an Adam step that visits
 * only the first-layer rows the batch used. No training fast path: act and update serve. */
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE */
#include "ga_dqn.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ga_agent.h"
#include "ga_qlearn.h"
#include "ga_schedule.h"

/* Entries written past a feature list's end (features writes four per cell). */
#define GA_DQN_IDX_SLACK 4

typedef int32_t v4i __attribute__((vector_size(16)));

/* Active features of obs as ga_obs_active lists them (tests check the two agree), through the
 * per-code table: no decoding of codes in the loop that runs for every sampled transition.
 * Branch-free: every cell writes four entries and advances by its count, so idx needs
 * GA_DQN_IDX_SLACK entries of room past the last feature (a branch per feature mispredicted
 * on every mixed view). The cells and the carried items share the cell layout; then facing, x
 * and y in full view, and one feature per perceived flag that is set (format 2). */
static int features(const GaDqn *d, const uint8_t *obs, int32_t *idx)
{
    const GaObsSpec *s = &d->spec;
    int codes = s->vw * s->vh + s->n_carry;
    /* A pointer that advances and the cell's offset carried in a vector: 11 instructions a
     * cell where an index and a multiply took 14 (measured: the lists 1.6 times as fast). */
    int32_t *out = idx;
    v4i base = {0, 0, 0, 0};
    const v4i step = {GA_OBS_CELL_FEATURES, GA_OBS_CELL_FEATURES, GA_OBS_CELL_FEATURES,
                      GA_OBS_CELL_FEATURES};
    for (int i = 0; i < codes; i++) {
        size_t c = obs[i];
        v4i f;
        memcpy(&f, d->code_idx[c], sizeof f);
        f += base;
        memcpy(out, &f, sizeof f);
        out += d->code_n[c];
        base += step;
    }
    int n = (int)(out - idx);
    int tail = codes * GA_OBS_CELL_FEATURES;
    idx[n++] = tail + (obs[codes] & 3);
    if (s->full) {
        idx[n++] = tail + 4 + obs[codes + 1];
        idx[n++] = tail + 4 + s->vw + obs[codes + 2];
    }
    if (s->n_flags) {
        int flags = tail + 4 + (s->full ? s->vw + s->vh : 0);
        const uint8_t *fb = obs + codes + 1 + (s->full ? 2 : 0);
        for (int f = 0; f < s->n_flags; f++)
            if (fb[f])
                idx[n++] = flags + f;
    }
    return n;
}

/* Float arrays start on a cache line: the passes load 8 or 16 floats at a time from rows of
 * 64 (the first layer's) and of the batch's activations and signals, and a load that straddles
 * two lines costs two (measured: a misaligned first-layer pass took 1.4 times as long). */
#define GA_DQN_ALIGN 64

static void *alloc_lines(size_t bytes)
{
    return aligned_alloc(GA_DQN_ALIGN, (bytes + GA_DQN_ALIGN - 1) / GA_DQN_ALIGN * GA_DQN_ALIGN);
}

/* The replay ring: megabytes read at random positions, a page-table walk per sampled
 * transition on 4 KiB pages. Where the system offers them (Linux's transparent huge pages in
 * "madvise" or "always" mode), 2 MiB pages make those walks rare (measured: training 2-4%
 * faster). */
static void *alloc_ring(size_t bytes)
{
#if defined(MADV_HUGEPAGE)
    size_t huge = (size_t)2 << 20;
    if (bytes >= huge) {
        bytes = (bytes + huge - 1) / huge * huge;
        void *p = aligned_alloc(huge, bytes);
        if (p)
            madvise(p, bytes, MADV_HUGEPAGE); /* advice only: failing, 4 KiB pages serve */
        return p;
    }
#endif
    return malloc(bytes ? bytes : 1);
}

/* Floats from one parameter-shaped array to the next in the block: whole lines. */
static size_t block_stride(size_t n_params)
{
    size_t per_line = GA_DQN_ALIGN / sizeof(float);
    return (n_params + per_line - 1) / per_line * per_line;
}

int ga_dqn_init(GaDqn *d, const GaDqnParams *p, const GaObsSpec *spec, int64_t total_steps,
                uint64_t seed, GaErr *err)
{
    memset(d, 0, sizeof *d);
    d->p = *p;
    d->spec = *spec;
    d->total_steps = total_steps;
    if (spec->vw < 1)
        return ga_err_set(err, GA_EINVAL, "dqn: needs the observation layout of a scenario");
    int sizes[GA_MLP_MAX_LAYERS + 1], nl = 0;
    sizes[nl++] = ga_obs_feature_size(spec);
    for (int i = 0; i < GA_MLP_MAX_LAYERS - 1 && p->hidden[i] > 0; i++)
        sizes[nl++] = p->hidden[i];
    sizes[nl] = GA_NUM_ACTIONS;
    if (ga_mlp_init(&d->net, sizes, nl))
        return ga_err_set(err, GA_EINVAL, "dqn: hidden layers must have 1 to %d units",
                          GA_MLP_MAX_WIDTH);
    size_t np = d->net.n_params, B = (size_t)p->batch, obs = (size_t)spec->size;
    size_t na = (size_t)ga_obs_max_active(spec), aw = (size_t)d->net.act_width;
    d->cap = p->buffer;
    /* The buffer's pages are touched only as transitions arrive, so an allocation that
     * succeeds can still outgrow the machine hours later: refuse now what the planned steps
     * would fill beyond its memory. */
    double fill = total_steps > 0 && total_steps < d->cap ? (double)total_steps : (double)d->cap;
    double need = fill * (2.0 * (double)obs + 2 + sizeof *d->r_rew);
    double have = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
    if (have > 0 && need > have)
        return ga_err_set(err, GA_ENOMEM,
                          "dqn: %.0f transitions of %zu-byte observations need %.1f GB of "
                          "replay buffer; this machine has %.1f GB",
                          fill, obs, need / 1e9, have / 1e9);
    size_t stride = block_stride(np);
    d->block = alloc_lines(5 * stride * sizeof *d->block);
    if (d->block)
        memset(d->block, 0, 5 * stride * sizeof *d->block);
    d->r_obs = alloc_ring((size_t)d->cap * obs);
    d->r_next = alloc_ring((size_t)d->cap * obs);
    d->r_act = malloc((size_t)d->cap);
    d->r_term = malloc((size_t)d->cap);
    d->r_rew = malloc((size_t)d->cap * sizeof *d->r_rew);
    d->idx = malloc((B * na + GA_DQN_IDX_SLACK) * sizeof *d->idx);
    d->idx2 = malloc((B * na + GA_DQN_IDX_SLACK) * sizeof *d->idx2);
    d->off = malloc((B + 1) * sizeof *d->off);
    d->off2 = malloc((B + 1) * sizeof *d->off2);
    d->act_s = alloc_lines(B * aw * sizeof(float));
    d->act_n = alloc_lines(B * aw * sizeof(float));
    d->act_t = alloc_lines(B * aw * sizeof(float));
    d->dout = alloc_lines(B * GA_NUM_ACTIONS * sizeof(float));
    d->delta = alloc_lines(ga_mlp_delta_size(&d->net, p->batch) * sizeof(float));
    d->lists = malloc(ga_mlp_list_size(&d->net, p->batch) * sizeof *d->lists);
    GaMlpRows *br = &d->by_row;
    br->words = (p->batch + 63) / 64;
    size_t distinct = B * na < (size_t)sizes[0] ? B * na : (size_t)sizes[0];
    br->row = malloc(distinct * sizeof *br->row);
    br->mask = malloc(distinct * (size_t)br->words * sizeof *br->mask);
    br->inputs = sizes[0];
    d->pick = malloc(B * sizeof *d->pick);
    br->seen = calloc((size_t)sizes[0], sizeof *br->seen);
    if (!d->block || !d->r_obs || !d->r_next || !d->r_act || !d->r_term || !d->r_rew || !d->idx ||
        !d->idx2 || !d->off || !d->off2 || !d->act_s || !d->act_n || !d->act_t || !d->dout ||
        !d->delta || !d->lists || !br->row || !br->mask || !br->seen || !d->pick) {
        ga_dqn_free(d);
        return ga_err_set(err, GA_ENOMEM, "dqn: out of memory for a %d-transition buffer",
                          p->buffer);
    }
    d->params = d->block;
    d->target = d->block + stride;
    d->grad = d->block + 2 * stride;
    d->mom1 = d->block + 3 * stride;
    d->mom2 = d->block + 4 * stride;
    GaRng init = ga_rng_make(ga_rng_derive(seed, GA_DOMAIN_AGENT, 1));
    ga_mlp_init_params(&d->net, d->params, &init);
    memcpy(d->target, d->params, np * sizeof *d->params);
    d->rng = ga_rng_make(ga_rng_derive(seed, GA_DOMAIN_AGENT, 2));
    if (p->ensemble > 0) {
        int es[3] = {sizes[0], p->ensemble_hidden, GA_NUM_ACTIONS};
        if (ga_mlp_init(&d->ens_net, es, 2)) {
            ga_dqn_free(d);
            return ga_err_set(err, GA_EINVAL, "dqn: ensemble members must have 1 to %d units",
                              GA_MLP_MAX_WIDTH);
        }
        size_t ne = d->ens_net.n_params * (size_t)p->ensemble;
        d->ens_params = alloc_lines(ne * sizeof *d->ens_params);
        d->ens_train = calloc(3 * ne, sizeof *d->ens_train);
        d->ens_act = alloc_lines(B * (size_t)d->ens_net.act_width * sizeof(float));
        d->ens_dout = alloc_lines(B * GA_NUM_ACTIONS * sizeof(float));
        d->ens_delta = alloc_lines(ga_mlp_delta_size(&d->ens_net, p->batch) * sizeof(float));
        d->ens_lists = malloc(ga_mlp_list_size(&d->ens_net, p->batch) * sizeof *d->ens_lists);
        d->ens_y = malloc(B * sizeof(float));
        if (!d->ens_params || !d->ens_train || !d->ens_act || !d->ens_dout || !d->ens_delta ||
            !d->ens_lists || !d->ens_y) {
            ga_dqn_free(d);
            return ga_err_set(err, GA_ENOMEM, "dqn: out of memory for the novelty ensemble");
        }
        /* Streams of their own (the main network's are 1 and 2), so that the main network
         * learns exactly what it learns without an ensemble. */
        d->ens_init = ga_rng_make(ga_rng_derive(seed, GA_DOMAIN_AGENT, 3));
        d->ens_rng = ga_rng_make(ga_rng_derive(seed, GA_DOMAIN_AGENT, 4));
        for (int k = 0; k < p->ensemble; k++)
            ga_mlp_init_params(&d->ens_net, d->ens_params + (size_t)k * d->ens_net.n_params,
                               &d->ens_init);
    }
    /* The table, from ga_obs_active itself on a one-cell observation of each code. */
    GaObsSpec one;
    ga_obs_spec_init(&one, 0, 1, 1);
    for (int c = 0; c < 256; c++) {
        uint8_t o[3] = {(uint8_t)c, GA_LOOK_FLOOR, 0};
        int32_t idx[8];
        int n = ga_obs_active(&one, o, idx) - 1; /* less the facing feature */
        d->code_n[c] = (uint8_t)n;
        for (int k = 0; k < n; k++)
            d->code_idx[c][k] = idx[k];
    }
    return GA_OK;
}

void ga_dqn_release_training(GaDqn *d)
{
    /* params come first in the block: a block of them alone keeps them, on a line as before
     * (realloc would not keep the alignment). Out of memory, the whole block stays. (Not after
     * a failed init: no block, or no network shape yet.) */
    if (d->block && d->net.n_params > 0) {
        float *p = alloc_lines(d->net.n_params * sizeof *d->block);
        if (p) {
            memcpy(p, d->block, d->net.n_params * sizeof *d->block);
            free(d->block);
            d->block = p;
        }
    }
    d->params = d->block;
    d->target = d->grad = d->mom1 = d->mom2 = NULL;
    free(d->r_obs);
    free(d->r_next);
    free(d->r_act);
    free(d->r_term);
    free(d->r_rew);
    free(d->idx);
    free(d->idx2);
    free(d->off);
    free(d->off2);
    free(d->act_s);
    free(d->act_n);
    free(d->act_t);
    free(d->dout);
    free(d->delta);
    free(d->lists);
    free(d->by_row.row);
    free(d->by_row.mask);
    free(d->by_row.seen);
    memset(&d->by_row, 0, sizeof d->by_row);
    free(d->pick);
    d->pick = NULL;
    d->picked = 0;
    d->r_obs = d->r_next = d->r_act = d->r_term = NULL;
    d->r_rew = NULL;
    d->idx = d->idx2 = d->off = d->off2 = NULL;
    d->act_s = d->act_n = d->act_t = d->dout = d->delta = NULL;
    d->lists = NULL;
    d->cap = d->size = d->head = 0;
    free(d->ens_train);
    free(d->ens_act);
    free(d->ens_dout);
    free(d->ens_delta);
    free(d->ens_lists);
    free(d->ens_y);
    d->ens_train = d->ens_act = d->ens_dout = d->ens_delta = d->ens_y = NULL;
    d->ens_lists = NULL;
}

void ga_dqn_free(GaDqn *d)
{
    free(d->block); /* first: release_training would copy the weights to keep them */
    d->block = NULL;
    ga_dqn_release_training(d);
    free(d->ens_params);
    memset(d, 0, sizeof *d);
}

double ga_dqn_epsilon(const GaDqn *d)
{
    return ga_linear_decay(d->p.eps_start, d->p.eps_end, d->p.eps_decay, d->steps, d->total_steps);
}

/* Largest observation and activation row one sample can need (checked in ga_dqn_init's
 * shapes: widths <= GA_MLP_MAX_WIDTH, layers <= GA_MLP_MAX_LAYERS). */
#define MAX_ACTIVE ((GA_MAX_W * GA_MAX_H + GA_MAX_CARRY) * 4 + 3 + GA_MAX_FLAGS)
#define MAX_ACT (GA_MLP_MAX_LAYERS * GA_MLP_MAX_WIDTH)

void ga_dqn_values(const GaDqn *d, const uint8_t *obs, float *q)
{
    int32_t idx[MAX_ACTIVE + GA_DQN_IDX_SLACK], off[2] = {0, 0};
    _Alignas(64) float act[MAX_ACT];
    off[1] = features(d, obs, idx);
    const float *out = ga_mlp_forward(&d->net, d->params, 1, idx, off, act);
    memcpy(q, out, GA_NUM_ACTIONS * sizeof *q);
}

int ga_dqn_act(const GaDqn *d, const uint8_t *obs, int explore, GaRng *rng)
{
    if (explore && ga_rng_uniform(rng) < ga_dqn_epsilon(d))
        return (int)ga_rng_below(rng, GA_NUM_ACTIONS);
    float q[GA_NUM_ACTIONS];
    ga_dqn_values(d, obs, q);
    return ga_qlearn_argmax(q, rng);
}

/* The ensemble's step on the batch the main network just learned from (its features in
 * d->idx, its targets in d->ens_y): each member on the samples its mask keeps, with the main
 * network's loss, clipping and optimiser. The first step also measures the members'
 * disagreement before any training (ens_scale), on the main network's greedy actions. */
static void ensemble_learn(GaDqn *d, const int *pick, int n, int n_rows)
{
    const GaMlp *e = &d->ens_net;
    int K = d->p.ensemble, na = GA_NUM_ACTIONS, aw = e->act_width;
    int last = e->off_act[e->n_layers - 1];
    int main_last = d->net.off_act[d->net.n_layers - 1];
    size_t np = e->n_params, ne = np * (size_t)K;
    float *grad = d->ens_train, *mom1 = grad + ne, *mom2 = mom1 + ne;
    int measure = d->ens_scale == 0;
    double sum[GA_DQN_MAX_BATCH], sq[GA_DQN_MAX_BATCH];
    int greedy[GA_DQN_MAX_BATCH];
    if (measure)
        for (int b = 0; b < n; b++) {
            const float *qs = d->act_s + (size_t)b * d->net.act_width + main_last;
            int best = 0;
            for (int a = 1; a < na; a++)
                best = qs[a] > qs[best] ? a : best;
            greedy[b] = best;
            sum[b] = sq[b] = 0;
        }
    GaAdam o = {(float)d->p.lr, 0.9f, 0.999f, 1e-8f};
    for (int m = 0; m < K; m++) {
        float *pm = d->ens_params + (size_t)m * np;
        ga_mlp_forward(e, pm, n, d->idx, d->off, d->ens_act);
        int used = 0;
        for (int b = 0; b < n; b++) {
            const float *q = d->ens_act + (size_t)b * aw + last;
            if (measure) {
                sum[b] += q[greedy[b]];
                sq[b] += (double)q[greedy[b]] * q[greedy[b]];
            }
            float *g = d->ens_dout + (size_t)b * na;
            memset(g, 0, (size_t)na * sizeof *g);
            if (ga_rng_uniform(&d->ens_rng) < 0.5) {
                int a = d->r_act[pick[b]];
                float td = q[a] - d->ens_y[b];
                g[a] = (td > 1.0f ? 1.0f : td < -1.0f ? -1.0f : td) / (float)n;
                used++;
            }
        }
        if (!used)
            continue; /* its gradients are still zero, as Adam left them */
        float *gm = grad + (size_t)m * np;
        ga_mlp_backward(e, pm, n, d->idx, d->off, &d->by_row, d->ens_act, d->ens_dout, d->ens_delta,
                        d->ens_lists, gm);
        if (d->p.max_grad_norm > 0)
            ga_mlp_clip(e, gm, d->by_row.row, n_rows, (float)d->p.max_grad_norm);
        ga_mlp_adam(e, &o, d->updates, pm, gm, mom1 + (size_t)m * np, mom2 + (size_t)m * np,
                    d->by_row.row, n_rows);
    }
    if (measure) {
        double s = 0;
        for (int b = 0; b < n; b++) {
            double mean = sum[b] / K, var = sq[b] / K - mean * mean;
            s += sqrt(var > 0 ? var : 0);
        }
        d->ens_scale = s / n;
    }
}

double ga_dqn_disagreement(const GaDqn *d, const uint8_t *obs)
{
    if (!d->ens_params)
        return NAN;
    int32_t idx[MAX_ACTIVE + GA_DQN_IDX_SLACK], off[2] = {0, 0};
    _Alignas(64) float act[MAX_ACT];
    off[1] = features(d, obs, idx);
    const float *q = ga_mlp_forward(&d->net, d->params, 1, idx, off, act);
    int best = 0;
    for (int a = 1; a < GA_NUM_ACTIONS; a++)
        best = q[a] > q[best] ? a : best;
    if (!(d->ens_scale > 0))
        return 1.0; /* no update yet: nothing learned, everything new */
    int K = d->p.ensemble;
    double sum = 0, sq = 0;
    for (int m = 0; m < K; m++) {
        const float *qm = ga_mlp_forward(
            &d->ens_net, d->ens_params + (size_t)m * d->ens_net.n_params, 1, idx, off, act);
        sum += qm[best];
        sq += (double)qm[best] * qm[best];
    }
    double mean = sum / K, var = sq / K - mean * mean;
    double score = sqrt(var > 0 ? var : 0) / d->ens_scale;
    return score < 1 ? score : 1.0;
}

/* Asks for the transitions at ring positions pick[0..n): they lie anywhere in a ring of
 * megabytes. (Inline: as a function GCC may drop it, prefetches having no effect it sees.) */
static inline __attribute__((always_inline)) void prefetch(const GaDqn *d, const int *pick, int n)
{
    size_t obs = (size_t)d->spec.size;
    for (int b = 0; b < n; b++) {
        size_t at = (size_t)pick[b] * obs;
        __builtin_prefetch(d->r_obs + at);
        __builtin_prefetch(d->r_obs + at + obs - 1);
        __builtin_prefetch(d->r_next + at);
        __builtin_prefetch(d->r_next + at + obs - 1);
        __builtin_prefetch(d->r_act + pick[b]);
        __builtin_prefetch(d->r_rew + pick[b]);
        __builtin_prefetch(d->r_term + pick[b]);
    }
}

/* An update's sample: batch positions uniform over a ring holding size transitions. */
static void draw(GaDqn *d, int size)
{
    for (int b = 0; b < d->p.batch; b++)
        d->pick[b] = (int)ga_rng_below(&d->rng, (uint32_t)size);
    d->picked = 1;
}

float ga_dqn_learn(GaDqn *d, const int *pick, int n)
{
    const GaMlp *net = &d->net;
    size_t obs = (size_t)d->spec.size;
    int na = GA_NUM_ACTIONS, aw = net->act_width, last = net->off_act[net->n_layers - 1];
    assert(n >= 1 && n <= d->p.batch && d->r_obs);
    /* Ask for all the sampled transitions first, so their cache misses overlap instead of
     * stalling the feature lists one by one (the lists spent most of their time waiting for
     * the observation bytes). ga_dqn_update asked one update ahead already, but some lines
     * leave the cache in between: asking again here measured 2% faster than not. */
    prefetch(d, pick, n);
    d->off[0] = d->off2[0] = 0;
    for (int b = 0; b < n; b++) {
        int k = pick[b];
        int c1 = features(d, d->r_obs + (size_t)k * obs, d->idx + d->off[b]);
        int c2 = features(d, d->r_next + (size_t)k * obs, d->idx2 + d->off2[b]);
        d->off[b + 1] = d->off[b] + c1;
        d->off2[b + 1] = d->off2[b] + c2;
    }
    ga_mlp_rows(&d->by_row, n, d->idx, d->off);
    int n_rows = d->by_row.n;
    ga_mlp_forward(net, d->params, n, d->idx, d->off, d->act_s);
    ga_mlp_forward(net, d->params, n, d->idx2, d->off2, d->act_n);
    ga_mlp_forward(net, d->target, n, d->idx2, d->off2, d->act_t);
    float loss = 0;
    for (int b = 0; b < n; b++) {
        int k = pick[b];
        const float *qs = d->act_s + (size_t)b * aw + last;
        const float *qn = d->act_n + (size_t)b * aw + last;
        const float *qt = d->act_t + (size_t)b * aw + last;
        /* Double DQN: the online network picks the next action, the target network values it
         * (first maximum, so no random draw is spent here). */
        int best = 0;
        for (int a = 1; a < na; a++)
            best = qn[a] > qn[best] ? a : best;
        float y = d->r_rew[k] + (d->r_term[k] ? 0.0f : (float)d->p.gamma * qt[best]);
        if (d->ens_y)
            d->ens_y[b] = y;
        float td = qs[d->r_act[k]] - y;
        float *g = d->dout + (size_t)b * na;
        memset(g, 0, (size_t)na * sizeof *g);
        /* Huber loss with threshold 1: quadratic inside, linear outside; mean over the batch. */
        float at = td < 0 ? -td : td;
        loss += at <= 1.0f ? 0.5f * td * td : at - 0.5f;
        g[d->r_act[k]] = (td > 1.0f ? 1.0f : td < -1.0f ? -1.0f : td) / (float)n;
    }
    ga_mlp_backward(net, d->params, n, d->idx, d->off, &d->by_row, d->act_s, d->dout, d->delta,
                    d->lists, d->grad);
    if (d->p.max_grad_norm > 0)
        ga_mlp_clip(net, d->grad, d->by_row.row, n_rows, (float)d->p.max_grad_norm);
    GaAdam o = {(float)d->p.lr, 0.9f, 0.999f, 1e-8f};
    d->updates++;
    ga_mlp_adam(net, &o, d->updates, d->params, d->grad, d->mom1, d->mom2, d->by_row.row, n_rows);
    if (d->ens_y)
        ensemble_learn(d, pick, n, n_rows);
    /* A weight gone NaN or infinite shows in the next loss, whichever weight it is (every
     * forward pass reads the hidden layers; a first-layer row the batches never read is
     * caught by the scan before saving). One branch per batch. */
    if (!isfinite(loss) && !d->bad_step)
        d->bad_step = d->steps;
    return loss / (float)n;
}

void ga_dqn_update(GaDqn *d, const uint8_t *obs, int a, float r, const uint8_t *next,
                   int terminated)
{
    assert(d->r_obs); /* not after ga_dqn_release_training */
    size_t sz = (size_t)d->spec.size;
    int k = d->head;
    memcpy(d->r_obs + (size_t)k * sz, obs, sz);
    memcpy(d->r_next + (size_t)k * sz, next, sz);
    d->r_act[k] = (uint8_t)a;
    d->r_rew[k] = r;
    d->r_term[k] = (uint8_t)(terminated != 0);
    d->head = (d->head + 1) % d->cap;
    d->size += d->size < d->cap;
    d->steps++;
    if (d->steps >= d->p.learning_starts && d->steps % d->p.train_freq == 0) {
        int n = d->p.batch;
        if (!d->picked)
            draw(d, d->size);
        ga_dqn_learn(d, d->pick, n);
        /* The next update comes train_freq steps later, with that many more transitions (up
         * to the capacity): its sample is drawn now, the same draws from the same stream as
         * then, and its transitions are asked for, to arrive during those steps. */
        int64_t later = (int64_t)d->size + d->p.train_freq;
        draw(d, later < d->cap ? (int)later : d->cap);
        prefetch(d, d->pick, n);
    }
    if (d->steps % d->p.target_update == 0)
        memcpy(d->target, d->params, d->net.n_params * sizeof *d->params);
}

/* ---- the learner ---------------------------------------------------------------------- */

/* Defaults: the settings of the speed comparison with Stable-Baselines3 (64-64, batch 32, an
 * update every 4 steps, Huber loss, gradient norm 10), with a shorter target period and
 * exploration schedule that suit gridworld episodes of tens of steps. */
static const GaParamSpec PARAMS[] = {
    {"hidden1", 64, 1, GA_MLP_MAX_WIDTH, 1, "units of the first hidden layer"},
    {"hidden2", 64, 0, GA_MLP_MAX_WIDTH, 1, "units of the second hidden layer (0: none)"},
    {"hidden3", 0, 0, GA_MLP_MAX_WIDTH, 1, "units of a third hidden layer (0: none)"},
    {"lr", 5e-4, 1e-7, 1.0, 0, "Adam step size"},
    {"gamma", 0.97, 0.0, 1.0, 0, "discount"},
    {"eps_start", 1.0, 0.0, 1.0, 0, "exploration rate at the start"},
    {"eps_end", 0.05, 0.0, 1.0, 0, "exploration rate after the decay"},
    {"eps_decay", 0.3, 0.0, 1.0, 0, "fraction of training over which epsilon decays"},
    {"batch", 32, 1, GA_DQN_MAX_BATCH, 1, "transitions per update"},
    {"buffer", 100000, 1, 1e8, 1, "replay buffer capacity, transitions"},
    {"learning_starts", 1000, 1, 2e9, 1, "steps before the first update"},
    {"train_freq", 4, 1, 1e6, 1, "environment steps per update"},
    {"target_update", 1000, 1, 2e9, 1, "steps between target-network copies"},
    {"max_grad_norm", 10, 0, 1e6, 0, "gradient-norm clip (0: none)"},
    {"ensemble", 0, 0, 16, 1,
     "novelty ensemble members, 2 or more (0: none; novelty then from the cell counts)"},
    {"ensemble_hidden", 32, 1, GA_MLP_MAX_WIDTH, 1, "units of each ensemble member's hidden layer"},
};

static int check(const GaAgent *ag, const char *where, GaErr *err)
{
    double buffer = ga_agent_param(ag, "buffer"), batch = ga_agent_param(ag, "batch");
    if (ga_agent_param(ag, "hidden2") == 0 && ga_agent_param(ag, "hidden3") > 0)
        return ga_err_set(err, GA_EINVAL,
                          "%s.hidden3: a third hidden layer needs a second (hidden2 is 0)", where);
    if (ga_agent_param(ag, "ensemble") == 1)
        return ga_err_set(err, GA_EINVAL,
                          "%s.ensemble: one member cannot disagree with itself (2 or more, or 0)",
                          where);
    if (buffer < batch)
        return ga_err_set(err, GA_EINVAL, "%s.buffer: %.0f transitions cannot fill a batch of %.0f",
                          where, buffer, batch);
    return GA_OK;
}

static int init(void *state, const GaAgent *ag, int64_t total_steps, uint64_t seed, GaErr *err)
{
    GaDqnParams p = {
        .hidden = {(int)ga_agent_param(ag, "hidden1"), (int)ga_agent_param(ag, "hidden2"),
                   (int)ga_agent_param(ag, "hidden3")},
        .lr = ga_agent_param(ag, "lr"),
        .gamma = ga_agent_param(ag, "gamma"),
        .eps_start = ga_agent_param(ag, "eps_start"),
        .eps_end = ga_agent_param(ag, "eps_end"),
        .eps_decay = ga_agent_param(ag, "eps_decay"),
        .max_grad_norm = ga_agent_param(ag, "max_grad_norm"),
        .batch = (int)ga_agent_param(ag, "batch"),
        .buffer = (int)ga_agent_param(ag, "buffer"),
        .learning_starts = (int)ga_agent_param(ag, "learning_starts"),
        .train_freq = (int)ga_agent_param(ag, "train_freq"),
        .target_update = (int)ga_agent_param(ag, "target_update"),
        .ensemble = (int)ga_agent_param(ag, "ensemble"),
        .ensemble_hidden = (int)ga_agent_param(ag, "ensemble_hidden"),
    };
    return ga_dqn_init(state, &p, &ag->spec, total_steps, seed, err);
}

static void free_state(void *state)
{
    ga_dqn_free(state);
}

static void release_training(void *state)
{
    ga_dqn_release_training(state);
}

static int act(const void *state, const uint8_t *obs, int explore, GaRng *rng)
{
    return ga_dqn_act(state, obs, explore, rng);
}

static void update(void *state, const uint8_t *obs, int a, float r, const uint8_t *next,
                   int terminated)
{
    ga_dqn_update(state, obs, a, r, next, terminated);
}

static void values(const void *state, const uint8_t *obs, float *q)
{
    ga_dqn_values(state, obs, q);
}

static double novelty_score(const void *state, const uint8_t *obs)
{
    return ga_dqn_disagreement(state, obs);
}

/* Why the network's weights cannot be used, or NULL: what loading refuses, and what training
 * must not save. */
static const char *unusable(const GaDqn *d)
{
    for (size_t i = 0; i < d->net.n_params; i++)
        if (!isfinite(d->params[i]))
            return "a network weight is not finite (NaN or infinity)";
    if (!(ga_mlp_output_bound(&d->net, d->params) <= GA_DQN_MAX_OUTPUT))
        return "network weights so large that a forward pass could overflow a float";
    size_t ne = d->ens_net.n_params;
    for (int m = 0; d->ens_params && m < d->p.ensemble; m++) {
        const float *pm = d->ens_params + (size_t)m * ne;
        for (size_t i = 0; i < ne; i++)
            if (!isfinite(pm[i]))
                return "an ensemble weight is not finite (NaN or infinity)";
        if (!(ga_mlp_output_bound(&d->ens_net, pm) <= GA_DQN_MAX_OUTPUT))
            return "ensemble weights so large that a forward pass could overflow a float";
    }
    if (!(d->ens_scale >= 0 && d->ens_scale < INFINITY))
        return "the ensemble's scale is negative or not finite";
    return NULL;
}

static int64_t diverged(const void *state, int full, const char **why)
{
    const GaDqn *d = state;
    if (d->bad_step) {
        *why = "the loss is not finite (NaN or infinity)";
        return d->bad_step;
    }
    if (full && (*why = unusable(d)))
        return d->steps > 0 ? d->steps : 1;
    return 0;
}

/* Payload: steps (u64); the layout the network reads: full, vw, vh (u32 each); the number of
 * network parameters (u64) and the online weights; with an ensemble (the parameter ensemble >
 * 0, agent-file version 4), its scale (f64) and every member's weights. The target network, replay
 * ring and optimiser state are training state and are not kept. The `full` word also holds a format
 * 2 layout: n_carry - 1 in bits 8-15, n_flags in bits 16-23. Both are 0 in format 1, so those files
 * keep their bytes, and an older gridalign refuses a format 2 agent as a bad layout instead of
 * feeding its network the wrong inputs. */
static void save(const void *state, GaPayloadOut *o)
{
    const GaDqn *d = state;
    const GaObsSpec *s = &d->spec;
    ga_payload_put_u64(o, (uint64_t)d->steps);
    ga_payload_put_u32(o, (uint32_t)s->full | (uint32_t)(s->n_carry - 1) << 8 |
                              (uint32_t)s->n_flags << 16);
    ga_payload_put_u32(o, (uint32_t)s->vw);
    ga_payload_put_u32(o, (uint32_t)s->vh);
    ga_payload_put_u64(o, d->net.n_params);
    ga_payload_put(o, d->params, d->net.n_params * sizeof(float));
    if (d->ens_params) {
        ga_payload_put(o, &d->ens_scale, sizeof d->ens_scale);
        ga_payload_put(o, d->ens_params,
                       d->ens_net.n_params * (size_t)d->p.ensemble * sizeof(float));
    }
}

static int load(GaPayloadIn *in)
{
    int64_t steps = (int64_t)ga_payload_get_u64(in);
    uint32_t layout = ga_payload_get_u32(in);
    int vw = (int)ga_payload_get_u32(in), vh = (int)ga_payload_get_u32(in);
    int full = (int)(layout & 0xFF), n_carry = (int)(layout >> 8 & 0xFF) + 1,
        n_flags = (int)(layout >> 16 & 0xFF);
    GaObsSpec spec;
    if (ga_payload_bad(in) || layout >> 24 || (full != 0 && full != 1) ||
        ga_obs_spec_init(&spec, full, vw, vh) || ga_obs_spec_extra(&spec, n_carry, n_flags) ||
        spec.size != in->obs_size)
        return ga_payload_corrupt(in, "bad observation layout");
    uint64_t n = ga_payload_get_u64(in);
    if (ga_payload_bad(in))
        return ga_payload_corrupt(in, "truncated header");
    void *state;
    int rc = ga_payload_build(in, &spec, steps, &state);
    if (rc)
        return rc;
    GaDqn *d = state;
    d->steps = steps;
    size_t ens = d->ens_params ? d->ens_net.n_params * (size_t)d->p.ensemble * sizeof(float) : 0;
    if (n != d->net.n_params ||
        ga_payload_left(in) != n * sizeof(float) + (ens ? sizeof d->ens_scale + ens : 0))
        return ga_payload_corrupt(in, "network size does not match its header");
    ga_payload_get(in, d->params, n * sizeof(float));
    if (ens) {
        ga_payload_get(in, &d->ens_scale, sizeof d->ens_scale);
        ga_payload_get(in, d->ens_params, ens);
    }
    /* A checksum-valid file can still hold values no training run gives (a corrupted file, a
     * diverged run): refused here, since a NaN or overflowing Q-value must not pick actions. */
    const char *why = unusable(d);
    if (why)
        return ga_payload_corrupt(in, why);
    memcpy(d->target, d->params, n * sizeof(float));
    return GA_OK;
}

const GaLearner ga_learner_dqn = {
    .name = "dqn",
    .summary = "DQN on a small MLP: replay, target network, double-DQN targets, Adam",
    .params = PARAMS,
    .n_params = (int)(sizeof PARAMS / sizeof PARAMS[0]),
    /* A step (a forward pass, and every 4 steps a batched update) costs about 45 tabular ones
     * at the default settings (bench on strawberry: 134k steps/s where qlearn trains 6.0M; it
     * was 200 before the speed-ups of issue 18). Orders jobs and weights shard splits only. */
    .step_cost = 45.0,
    .state_size = sizeof(GaDqn),
    .check = check,
    .init = init,
    .free = free_state,
    .release_training = release_training,
    .act = act,
    .update = update,
    .values = values,
    .novelty_score = novelty_score,
    .diverged = diverged,
    .save = save,
    .load = load,
};

const GaDqn *ga_dqn_of(const GaAgent *ag)
{
    return ag->learner == &ga_learner_dqn ? ag->state : NULL;
}
