/* agents/ga_mlp.c: the MLP's arithmetic. Loops are written for the compiler's vectoriser:
 * restrict-qualified rows and contiguous inner loops over output units. Nothing allocates. */
#include "ga_mlp.h"

#include <assert.h>
#include <math.h>
#include <string.h>
#if defined(__AVX__) || defined(__AVX512F__)
#include <immintrin.h>
#endif

int ga_mlp_init(GaMlp *m, const int *sizes, int n_layers)
{
    memset(m, 0, sizeof *m);
    if (n_layers < 1 || n_layers > GA_MLP_MAX_LAYERS)
        return -1;
    m->n_layers = n_layers;
    size_t p = 0, a = 0;
    for (int l = 0; l <= n_layers; l++) {
        if (sizes[l] < 1 || (l > 0 && sizes[l] > GA_MLP_MAX_WIDTH))
            return -1;
        m->size[l] = sizes[l];
    }
    for (int l = 0; l < n_layers; l++) {
        m->off_w[l] = p;
        p += (size_t)sizes[l] * (size_t)sizes[l + 1];
        m->off_b[l] = p;
        p += (size_t)sizes[l + 1];
        m->off_act[l] = a;
        a += (size_t)(sizes[l + 1] + GA_MLP_ACT_ALIGN - 1) / GA_MLP_ACT_ALIGN * GA_MLP_ACT_ALIGN;
    }
    m->n_params = p;
    m->act_width = (int)a;
    return 0;
}

double ga_mlp_output_bound(const GaMlp *m, const float *p)
{
    double bound = 1.0;
    for (int l = 0; l < m->n_layers; l++) {
        int n_in = m->size[l], n_out = m->size[l + 1];
        const float *w = p + m->off_w[l], *b = p + m->off_b[l]; /* w: (n_in, n_out) */
        double widest = 1.0;
        for (int o = 0; o < n_out; o++) {
            double sum = fabs((double)b[o]);
            for (int i = 0; i < n_in; i++)
                sum += fabs((double)w[(size_t)i * (size_t)n_out + (size_t)o]);
            if (!(sum <= widest)) /* also takes a NaN */
                widest = sum;
        }
        bound *= widest;
    }
    return bound;
}

void ga_mlp_init_params(const GaMlp *m, float *p, GaRng *rng)
{
    for (int l = 0; l < m->n_layers; l++) {
        float bound = 1.0f / sqrtf((float)m->size[l]);
        size_t n = (size_t)m->size[l] * (size_t)m->size[l + 1] + (size_t)m->size[l + 1];
        float *w = p + m->off_w[l]; /* W then b, contiguous */
        for (size_t i = 0; i < n; i++)
            w[i] = (float)(2.0 * ga_rng_uniform(rng) - 1.0) * bound;
    }
}

static inline void add(int n, const float *restrict x, float *restrict y)
{
    for (int j = 0; j < n; j++)
        y[j] += x[j];
}

/* Eight partial sums in a fixed order: the compiler may vectorise it without -ffast-math, and
 * the result is the same for every vector width. */
static inline float dot(int n, const float *restrict x, const float *restrict y)
{
    float s[8] = {0};
    int j = 0;
    for (; j + 8 <= n; j += 8)
        for (int k = 0; k < 8; k++)
            s[k] += x[j + k] * y[j + k];
    float t = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
    for (; j < n; j++)
        t += x[j] * y[j];
    return t;
}

/* 8-float vectors (GCC and Clang vector extensions; plain SSE pairs where AVX is missing).
 * Element-wise operations only and no contraction into FMA (ISO C mode), so every vector
 * width gives the same results as scalar code. */
typedef float v8f __attribute__((vector_size(32)));

static inline v8f load8(const float *p)
{
    v8f v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void store8(float *p, v8f v)
{
    memcpy(p, &v, sizeof v);
}

typedef float v16f __attribute__((vector_size(64)));

static inline v16f load16(const float *p)
{
    v16f v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void store16(float *p, v16f v)
{
    memcpy(p, &v, sizeof v);
}

typedef int32_t v8i __attribute__((vector_size(32)));

/* Entries list_on may write past its last: a whole vector of unit numbers. */
#define GA_MLP_LIST_SLACK 16

/* The first n (0 <= n < 8) floats at p in a vector, zeros after them; and back. Nothing past
 * them is read or written: they may end a block. (memcpy of n floats was a libc call each.) */
static inline v8f load_part(const float *p, int n)
{
#if defined(__AVX512VL__)
    return (v8f)_mm256_maskz_loadu_ps((__mmask8)((1u << n) - 1), p);
#elif defined(__AVX__)
    return (v8f)_mm256_maskload_ps(p, (__m256i)((v8i){0, 1, 2, 3, 4, 5, 6, 7} < n));
#else
    v8f v = {0};
    for (int j = 0; j < n; j++)
        v[j] = p[j];
    return v;
#endif
}

static inline void store_part(float *p, v8f v, int n)
{
#if defined(__AVX512VL__)
    _mm256_mask_storeu_ps(p, (__mmask8)((1u << n) - 1), (__m256)v);
#elif defined(__AVX__)
    _mm256_maskstore_ps(p, (__m256i)((v8i){0, 1, 2, 3, 4, 5, 6, 7} < n), (__m256)v);
#else
    for (int j = 0; j < n; j++)
        p[j] = v[j];
#endif
}

typedef int32_t v4i __attribute__((vector_size(16)));

#if !defined(__AVX512F__) /* list_on's table, where it cannot compress */
/* (mask of 4 units) the positions of its set bits in order, and their count */
static const int32_t NZ4[16][4] = {{0, 0, 0, 0}, {0, 0, 0, 0}, {1, 0, 0, 0}, {0, 1, 0, 0},
                                   {2, 0, 0, 0}, {0, 2, 0, 0}, {1, 2, 0, 0}, {0, 1, 2, 0},
                                   {3, 0, 0, 0}, {0, 3, 0, 0}, {1, 3, 0, 0}, {0, 1, 3, 0},
                                   {2, 3, 0, 0}, {0, 2, 3, 0}, {1, 2, 3, 0}, {0, 1, 2, 3}};
static const uint8_t NZ4_N[16] = {0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4};

static inline unsigned mask8(v8i on)
{
#if defined(__AVX__)
    return (unsigned)__builtin_ia32_movmskps256((v8f)on);
#else
    unsigned m = 0;
    for (int t = 0; t < 8; t++)
        m |= (unsigned)(on[t] & 1) << t;
    return m;
#endif
}
#endif

/* nz[0..k) = the units of h[0..n) that are on (> 0), in order; returns k. With relu (h
 * itself, or NULL), first h = h > 0 ? h : 0 in place (a NaN becomes 0, as always). Branch-free, 8
 * units at a time through a table of 4-unit masks: which ReLU units are off is close to random, and
 * a branch per unit mispredicted often, a serial count per unit cost a tenth of training. Skipping
 * the off units is what every sum always did, so the lists change no result. With AVX-512, 16
 * units at a time by compressing. nz needs GA_MLP_LIST_SLACK entries of room past n. */
static inline __attribute__((always_inline)) int list_on(int n, const float *h, float *relu,
                                                         int32_t *restrict nz)
{
    int k = 0, j = 0;
#if defined(__AVX512F__)
    /* 16 units at a time: the on units' numbers compressed to the front of a vector. */
    const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    for (; j < n; j += 16) {
        __mmask16 in = n - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - j)) - 1);
        __m512 v = _mm512_maskz_loadu_ps(in, h + j);
        __mmask16 on = _mm512_mask_cmp_ps_mask(in, v, _mm512_setzero_ps(), _CMP_GT_OQ);
        if (relu)
            _mm512_mask_storeu_ps(relu + j, in, _mm512_maskz_mov_ps(on, v));
        __m512i units =
            _mm512_maskz_compress_epi32(on, _mm512_add_epi32(iota, _mm512_set1_epi32(j)));
        _mm512_storeu_si512(nz + k, units);
        k += __builtin_popcount((unsigned)on);
    }
#else
    for (; j + 8 <= n; j += 8) {
        v8f v = load8(h + j);
        v8i on = v > (v8f){0};
        if (relu)
            store8(relu + j, (v8f)(on & (v8i)v));
        unsigned m = mask8(on);
        for (int q = 0; q < 2; q++) {
            unsigned b4 = m >> (4 * q) & 15;
            v4i list;
            memcpy(&list, NZ4[b4], sizeof list);
            list += j + 4 * q;
            memcpy(nz + k, &list, sizeof list);
            k += NZ4_N[b4];
        }
    }
    for (; j < n; j++) {
        if (relu)
            relu[j] = h[j] > 0.0f ? h[j] : 0.0f;
        nz[k] = j;
        k += h[j] > 0.0f;
    }
#endif
    return k;
}

/* h[j] = bias[j] + the sum over r of s_r * w[rows[r]][j], r in order, for the rows listed:
 * s_r = x[rows[r]] when x is given, else the row is added as it is (the sparse binary first
 * layer, whose inputs are 1). Each output unit's sum runs in the same order at every block
 * width, so the blocks change speed only. Blocks of 64 and 32 outputs stay in vector registers
 * across the whole list; the last out % 8 outputs read a whole vector when the 8 - out % 8
 * floats past the last row still lie in the bias, which follows w in every parameter block. */
static inline __attribute__((always_inline)) void rows_sum(int out, const float *w,
                                                           const float *bias, const int32_t *rows,
                                                           int n, const float *x, float *h)
{
    int j0 = 0;
#define GA_ROW(r) (w + (size_t)rows[r] * (size_t)out + j0)
#define GA_TERM(r, v) (x ? ((v8f){0} + x[rows[r]]) * (v) : (v))
    for (; j0 + 64 <= out; j0 += 64) {
        v16f a0 = load16(bias + j0), a1 = load16(bias + j0 + 16), a2 = load16(bias + j0 + 32),
             a3 = load16(bias + j0 + 48);
        for (int r = 0; r < n; r++) {
            const float *wr = GA_ROW(r);
            if (x) {
                v16f s = (v16f){0} + x[rows[r]];
                a0 += s * load16(wr);
                a1 += s * load16(wr + 16);
                a2 += s * load16(wr + 32);
                a3 += s * load16(wr + 48);
            } else {
                a0 += load16(wr);
                a1 += load16(wr + 16);
                a2 += load16(wr + 32);
                a3 += load16(wr + 48);
            }
        }
        store16(h + j0, a0);
        store16(h + j0 + 16, a1);
        store16(h + j0 + 32, a2);
        store16(h + j0 + 48, a3);
    }
    for (; j0 + 32 <= out; j0 += 32) {
        v8f a0 = load8(bias + j0), a1 = load8(bias + j0 + 8), a2 = load8(bias + j0 + 16),
            a3 = load8(bias + j0 + 24);
        for (int r = 0; r < n; r++) {
            const float *wr = GA_ROW(r);
            a0 += GA_TERM(r, load8(wr));
            a1 += GA_TERM(r, load8(wr + 8));
            a2 += GA_TERM(r, load8(wr + 16));
            a3 += GA_TERM(r, load8(wr + 24));
        }
        store8(h + j0, a0);
        store8(h + j0 + 8, a1);
        store8(h + j0 + 16, a2);
        store8(h + j0 + 24, a3);
    }
    for (; j0 + 8 <= out; j0 += 8) {
        v8f a = load8(bias + j0);
        for (int r = 0; r < n; r++)
            a += GA_TERM(r, load8(GA_ROW(r)));
        store8(h + j0, a);
    }
    int tail = out - j0;
    if (tail > 0 && 8 - tail <= out) {
        v8f a = load_part(bias + j0, tail);
        for (int r = 0; r < n; r++)
            a += GA_TERM(r, load8(GA_ROW(r)));
        store_part(h + j0, a, tail);
    } else if (tail > 0) {
        for (int j = j0; j < out; j++) {
            float a = bias[j];
            for (int r = 0; r < n; r++)
                a += x ? x[rows[r]] * w[(size_t)rows[r] * (size_t)out + j]
                       : w[(size_t)rows[r] * (size_t)out + j];
            h[j] = a;
        }
    }
#undef GA_ROW
#undef GA_TERM
}

static void layer_sparse(int out, const float *w, const float *bias, const int32_t *rows,
                         int n_rows, float *h)
{
    rows_sum(out, w, bias, rows, n_rows, NULL, h);
}

/* h = bias + x W over the listed nonzero inputs of x. */
static void layer_dense(int out, const float *w, const float *bias, const float *x,
                        const int32_t *nz, int n_nz, float *h)
{
    rows_sum(out, w, bias, nz, n_nz, x, h);
}

/* A dense layer of 4 to 7 units (the Q-values, or a narrow hidden layer) for four samples s =
 * 0..3 at once, each sample
 * by rows_sum's whole vector and in its order (the floats past a row's last lie in the next row
 * or the bias). Four independent chains of additions, where one sample alone waits an
 * addition's latency per listed row: its passes through the layers are one long chain, and the
 * wider layers' eight or more chains keep the core busy but this one does not. */
static void narrow4(int out, const float *w, const float *bias, const int32_t *const rows[4],
                    const int n[4], const float *const x[4], float *const h[4])
{
    int common = n[0];
    for (int s = 1; s < 4; s++)
        common = n[s] < common ? n[s] : common;
    v8f a[4];
    for (int s = 0; s < 4; s++)
        a[s] = load_part(bias, out);
#define GA_TERM4(s, r) (((v8f){0} + x[s][rows[s][r]]) * load8(w + (size_t)rows[s][r] * (size_t)out))
    for (int r = 0; r < common; r++)
        for (int s = 0; s < 4; s++)
            a[s] += GA_TERM4(s, r);
    for (int s = 0; s < 4; s++) {
        for (int r = common; r < n[s]; r++)
            a[s] += GA_TERM4(s, r);
        store_part(h[s], a[s], out);
    }
#undef GA_TERM4
}

float *ga_mlp_forward(const GaMlp *m, const float *p, int batch, const int32_t *idx,
                      const int32_t *off, float *act)
{
    int last = m->n_layers - 1;
    int32_t nz[4][GA_MLP_MAX_WIDTH + GA_MLP_LIST_SLACK]; /* each sample's units that are on */
    for (int b = 0; b < batch; b += 4) { /* four samples at a time, the last group smaller */
        int g = batch - b < 4 ? batch - b : 4, n_nz[4];
        float *row[4];
        for (int s = 0; s < g; s++)
            row[s] = act + (size_t)(b + s) * m->act_width;
        for (int l = 0; l < m->n_layers; l++) {
            int out = m->size[l + 1];
            const int32_t *rl[4];
            const float *xs[4];
            float *hs[4];
            int rn[4];
            for (int s = 0; s < g; s++) {
                hs[s] = row[s] + m->off_act[l];
                rl[s] = l == 0 ? idx + off[b + s] : nz[s];
                rn[s] = l == 0 ? off[b + s + 1] - off[b + s] : n_nz[s];
                xs[s] = l == 0 ? NULL : row[s] + m->off_act[l - 1];
            }
            if (g == 4 && l > 0 && out >= 4 && out < 8)
                narrow4(out, p + m->off_w[l], p + m->off_b[l], rl, rn, xs, hs);
            else if (l == 0)
                for (int s = 0; s < g; s++)
                    layer_sparse(out, p + m->off_w[0], p + m->off_b[0], rl[s], rn[s], hs[s]);
            else
                for (int s = 0; s < g; s++)
                    layer_dense(out, p + m->off_w[l], p + m->off_b[l], xs[s], rl[s], rn[s], hs[s]);
            if (l < last)
                for (int s = 0; s < g; s++)
                    n_nz[s] = list_on(out, hs[s], hs[s], nz[s]);
        }
    }
    return act + m->off_act[last];
}

static int pad8(int n)
{
    return (n + 7) & ~7;
}

/* The widest of layers from..to (sizes), at least 1. */
static int widest(const GaMlp *m, int from, int to)
{
    int w = 1;
    for (int l = from; l <= to; l++)
        w = m->size[l] > w ? m->size[l] : w;
    return w;
}

size_t ga_mlp_delta_size(const GaMlp *m, int batch)
{
    size_t w = (size_t)pad8(widest(m, 1, m->n_layers));
    /* two (batch, w) planes, a transposed output layer of under 8 units (8, w), and one
     * 8-float partial sum per sample */
    return 2 * (size_t)batch * w + 8 * w + 8 * (size_t)batch;
}

size_t ga_mlp_list_size(const GaMlp *m, int batch)
{
    /* per input unit of a hidden-fed layer: its count and the samples in which it is on */
    return (size_t)widest(m, 1, m->n_layers - 1) * ((size_t)batch + 1);
}

/* The eight partial sums of dot() folded in dot()'s order. */
static inline float fold8(v8f s)
{
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

/* fold8 of the eight vectors at s, s + 8, .. s + 56 at once, by the same additions: pairs of
 * neighbouring lanes, then pairs of those, then the two halves, each step on two vectors'
 * even and odd lanes. */
static inline v8f fold8x8(const float *s)
{
#if defined(__clang__)
#define GA_EVEN(a, b) __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14)
#define GA_ODD(a, b) __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15)
#else /* gcc before 12 has only its own spelling */
#define GA_EVEN(a, b) __builtin_shuffle(a, b, (v8i){0, 2, 4, 6, 8, 10, 12, 14})
#define GA_ODD(a, b) __builtin_shuffle(a, b, (v8i){1, 3, 5, 7, 9, 11, 13, 15})
#endif
    v8f p[4], q[2];
    for (int k = 0; k < 4; k++) {
        v8f a = load8(s + 16 * k), b = load8(s + 16 * k + 8);
        p[k] = GA_EVEN(a, b) + GA_ODD(a, b); /* (s0+s1, s2+s3, s4+s5, s6+s7) of two vectors */
    }
    for (int k = 0; k < 2; k++)
        q[k] = GA_EVEN(p[2 * k], p[2 * k + 1]) + GA_ODD(p[2 * k], p[2 * k + 1]);
    return GA_EVEN(q[0], q[1]) + GA_ODD(q[0], q[1]);
#undef GA_EVEN
#undef GA_ODD
}

/* Weight gradients and the signal below of a layer of out >= 8 units for input unit i:
 * gw[j] += x_b * d_b[j] over the samples b in on[0..n) (ascending), and dot()'s partial sums
 * of w . d_b into sp[k] (the k-th listed sample, from 0: sp need not be cleared), for the
 * 8-float blocks [j0, j1). The row of gw stays in registers across the samples; every element
 * still sums in sample order, and every partial sum in block order, as the per-sample loops
 * did. */
static void grad_blocks(int j0, int j1, int dw, const float *restrict w, float *restrict gw,
                        const float *x, int xw, const int32_t *on, int n, const float *d, float *sp)
{
    int j = j0, fresh = 1; /* sp not written yet: its sums start from 0 */
    for (; j + 64 <= j1; j += 64, fresh = 0) {
        v8f g0 = load8(gw + j), g1 = load8(gw + j + 8), g2 = load8(gw + j + 16),
            g3 = load8(gw + j + 24), g4 = load8(gw + j + 32), g5 = load8(gw + j + 40),
            g6 = load8(gw + j + 48), g7 = load8(gw + j + 56);
        v8f w0 = load8(w + j), w1 = load8(w + j + 8), w2 = load8(w + j + 16),
            w3 = load8(w + j + 24), w4 = load8(w + j + 32), w5 = load8(w + j + 40),
            w6 = load8(w + j + 48), w7 = load8(w + j + 56);
        for (int k = 0; k < n; k++) {
            const float *db = d + (size_t)on[k] * (size_t)dw + j;
            v8f s = (v8f){0} + x[(size_t)on[k] * (size_t)xw];
            v8f d0 = load8(db), d1 = load8(db + 8), d2 = load8(db + 16), d3 = load8(db + 24),
                d4 = load8(db + 32), d5 = load8(db + 40), d6 = load8(db + 48), d7 = load8(db + 56);
            g0 += s * d0;
            g1 += s * d1;
            g2 += s * d2;
            g3 += s * d3;
            g4 += s * d4;
            g5 += s * d5;
            g6 += s * d6;
            g7 += s * d7;
            v8f t = fresh ? (v8f){0} : load8(sp + 8 * k);
            t += w0 * d0;
            t += w1 * d1;
            t += w2 * d2;
            t += w3 * d3;
            t += w4 * d4;
            t += w5 * d5;
            t += w6 * d6;
            t += w7 * d7;
            store8(sp + 8 * k, t);
        }
        store8(gw + j, g0);
        store8(gw + j + 8, g1);
        store8(gw + j + 16, g2);
        store8(gw + j + 24, g3);
        store8(gw + j + 32, g4);
        store8(gw + j + 40, g5);
        store8(gw + j + 48, g6);
        store8(gw + j + 56, g7);
    }
    for (; j + 8 <= j1; j += 8, fresh = 0) {
        v8f g0 = load8(gw + j), w0 = load8(w + j);
        for (int k = 0; k < n; k++) {
            v8f d0 = load8(d + (size_t)on[k] * (size_t)dw + j);
            g0 += ((v8f){0} + x[(size_t)on[k] * (size_t)xw]) * d0;
            store8(sp + 8 * k, (fresh ? (v8f){0} : load8(sp + 8 * k)) + w0 * d0);
        }
        store8(gw + j, g0);
    }
}

void ga_mlp_rows(GaMlpRows *r, int batch, const int32_t *idx, const int32_t *off)
{
    if (r->tag == UINT32_MAX) { /* the next tag would wrap onto stale entries */
        memset(r->seen, 0, (size_t)r->inputs * sizeof *r->seen);
        r->tag = 0;
    }
    uint64_t tag = (uint64_t)++r->tag << 32;
    int n = 0, words = r->words;
    /* Local copies: the compiler cannot tell the stores below from r's own fields. */
    int32_t *restrict row = r->row;
    uint64_t *restrict mask = r->mask, *restrict seen = r->seen;
    if (batch <= 64) {
        /* Branch-free: whether an input is new is close to random, and a branch on it
         * mispredicted often. A seen input rewrites its own entries; a new one takes slot n,
         * its first word set afresh. */
        const int32_t *in = idx + off[0];
        for (int b = 0; b < batch; b++) {
            uint64_t bit = (uint64_t)1 << b;
            for (const int32_t *end = idx + off[b + 1]; in < end; in++) {
                uint64_t e = seen[*in];
                int old = (e & ~(uint64_t)UINT32_MAX) == tag;
                size_t k = old ? (size_t)(uint32_t)e : (size_t)n;
                uint64_t *mk = mask + k * (size_t)words;
                *mk = (old ? *mk : 0) | bit;
                seen[*in] = tag | k;
                row[k] = *in;
                n += !old;
            }
        }
        for (int k = 0; k < n; k++) /* the other words of a multi-word layout */
            for (int w = 1; w < words; w++)
                mask[(size_t)k * (size_t)words + (size_t)w] = 0;
        r->n = n;
        return;
    }
    for (int b = 0; b < batch; b++) {
        uint64_t bit = (uint64_t)1 << (b & 63);
        int w = b >> 6;
        for (int j = off[b]; j < off[b + 1]; j++) {
            int32_t in = idx[j];
            if ((seen[in] & ~(uint64_t)UINT32_MAX) != tag) {
                seen[in] = tag | (uint64_t)n;
                row[n] = in;
                for (int w0 = 0; w0 < words; w0++)
                    mask[(size_t)n * (size_t)words + (size_t)w0] = 0;
                n++;
            }
            mask[(size_t)(uint32_t)seen[in] * (size_t)words + (size_t)w] |= bit;
        }
    }
    r->n = n;
}

/* y[0..n) += the rows src + b * stride of the samples b set in mask[0..words), ascending; 64
 * floats at a time in registers. */
static void add_rows(int n, float *restrict y, const float *src, size_t stride,
                     const uint64_t *mask, int words)
{
    int j = 0;
    for (; j + 64 <= n; j += 64) {
        v16f a0 = load16(y + j), a1 = load16(y + j + 16), a2 = load16(y + j + 32),
             a3 = load16(y + j + 48);
        for (int w = 0; w < words; w++)
            for (uint64_t m = mask[w]; m; m &= m - 1) {
                const float *x = src + (size_t)(64 * w + __builtin_ctzll(m)) * stride + j;
                a0 += load16(x);
                a1 += load16(x + 16);
                a2 += load16(x + 32);
                a3 += load16(x + 48);
            }
        store16(y + j, a0);
        store16(y + j + 16, a1);
        store16(y + j + 32, a2);
        store16(y + j + 48, a3);
    }
    for (; j + 8 <= n; j += 8) {
        v8f a = load8(y + j);
        for (int w = 0; w < words; w++)
            for (uint64_t m = mask[w]; m; m &= m - 1)
                a += load8(src + (size_t)(64 * w + __builtin_ctzll(m)) * stride + j);
        store8(y + j, a);
    }
    for (; j < n; j++) {
        float a = y[j];
        for (int w = 0; w < words; w++)
            for (uint64_t m = mask[w]; m; m &= m - 1)
                a += src[(size_t)(64 * w + __builtin_ctzll(m)) * stride + (size_t)j];
        y[j] = a;
    }
}

void ga_mlp_backward(const GaMlp *m, const float *p, int batch, const int32_t *idx,
                     const int32_t *off, const GaMlpRows *rows, const float *act, const float *dout,
                     float *delta, int32_t *lists, float *g)
{
    assert(!rows || (batch <= GA_MLP_MAX_BATCH && rows->words >= (batch + 63) / 64));
    int nl = m->n_layers, dw = pad8(widest(m, 1, nl)), aw = m->act_width;
    /* d: dLoss/d(pre-activation) of layer l, (batch, dw), zero past the layer's width; the
     * layer below's goes into the other plane. */
    float *d = delta, *below = delta + (size_t)batch * (size_t)dw;
    float *wt = below + (size_t)batch * (size_t)dw; /* (8, dw) */
    float *sp = wt + 8 * (size_t)dw;                /* (batch, 8) */
    int n_out = m->size[nl];
    for (int b = 0; b < batch; b++) {
        float *db = d + (size_t)b * (size_t)dw;
        const float *ob = dout + (size_t)b * (size_t)n_out;
        for (int j = 0; j < dw; j++)
            db[j] = j < n_out ? ob[j] : 0.0f;
    }
    for (int l = nl - 1; l >= 1; l--) {
        int in = m->size[l], out = m->size[l + 1];
        float *gw = g + m->off_w[l], *gb = g + m->off_b[l];
        const float *w = p + m->off_w[l];
        const float *x = act + m->off_act[l - 1]; /* sample b's: x + b * aw */
        for (int b = 0; b < batch; b++)
            add(out, d + (size_t)b * (size_t)dw, gb);
        /* Input unit i is on (its ReLU passed a signal) in samples lists[in + i * batch ..],
         * ascending, lists[i] of them. */
        int32_t *cnt = lists, *on = lists + in, nz[GA_MLP_MAX_WIDTH + GA_MLP_LIST_SLACK];
        memset(cnt, 0, (size_t)in * sizeof *cnt);
        for (int b = 0; b < batch; b++) {
            int n_nz = list_on(in, x + (size_t)b * (size_t)aw, NULL, nz);
            for (int k = 0; k < n_nz; k++)
                on[(size_t)nz[k] * (size_t)batch + (size_t)cnt[nz[k]]++] = b;
        }
        memset(below, 0, (size_t)batch * (size_t)dw * sizeof *below);
        int full = out & ~7;
        for (int i = 0; i < in; i++) {
            const int32_t *oi = on + (size_t)i * (size_t)batch;
            int n = cnt[i];
            if (n == 0)
                continue;
            const float *wi = w + (size_t)i * (size_t)out;
            float *gwi = gw + (size_t)i * (size_t)out;
            if (full > 0) {
                grad_blocks(0, full, dw, wi, gwi, x + i, aw, oi, n, d, sp);
                int k = 0;
                if (full == out) /* no tail: eight samples' sums folded at once */
                    for (; k + 8 <= n; k += 8) {
                        v8f t = fold8x8(sp + 8 * k);
                        for (int q = 0; q < 8; q++)
                            below[(size_t)oi[k + q] * (size_t)dw + (size_t)i] = t[q];
                    }
                for (; k < n; k++) {
                    const float *db = d + (size_t)oi[k] * (size_t)dw;
                    float t = fold8(load8(sp + 8 * k));
                    for (int j = full; j < out; j++)
                        t += wi[j] * db[j];
                    below[(size_t)oi[k] * (size_t)dw + (size_t)i] = t;
                }
            }
            if (full == 0) {
                /* Under 8 units (the Q-values): one vector, the rows of d being zero past
                 * out. */
                v8f acc = load_part(gwi, out);
                for (int k = 0; k < n; k++)
                    acc += ((v8f){0} + x[(size_t)oi[k] * (size_t)aw + (size_t)i]) *
                           load8(d + (size_t)oi[k] * (size_t)dw);
                store_part(gwi, acc, out);
                continue;
            }
            /* The last out % 8 units' weight gradients, sample by sample in order. */
            for (int k = 0; k < n && full < out; k++) {
                const float *db = d + (size_t)oi[k] * (size_t)dw;
                float xi = x[(size_t)oi[k] * (size_t)aw + (size_t)i];
                for (int j = full; j < out; j++)
                    gwi[j] += xi * db[j];
            }
        }
        if (full == 0) {
            /* Under 8 units (the Q-values): dot() sums them one by one from 0, which is slow
             * per input unit; here 8 input units at a time, over the transposed weights. */
            int in8 = in & ~7;
            for (int j = 0; j < out; j++)
                for (int i = 0; i < in; i++)
                    wt[(size_t)j * (size_t)dw + (size_t)i] = w[(size_t)i * (size_t)out + (size_t)j];
            for (int b = 0; b < batch; b++) {
                const float *db = d + (size_t)b * (size_t)dw, *xb = x + (size_t)b * (size_t)aw;
                float *bb = below + (size_t)b * (size_t)dw;
                for (int i0 = 0; i0 < in8; i0 += 8) {
                    v8f t = {0};
                    for (int j = 0; j < out; j++)
                        t += load8(wt + (size_t)j * (size_t)dw + i0) * ((v8f){0} + db[j]);
                    v8f xv = load8(xb + i0);
                    v8i on_mask = xv != (v8f){0};
                    store8(bb + i0, (v8f)((v8i)t & on_mask));
                }
                for (int i = in8; i < in; i++) {
                    if (xb[i] == 0.0f)
                        continue;
                    float t = 0.0f;
                    for (int j = 0; j < out; j++)
                        t += w[(size_t)i * (size_t)out + (size_t)j] * db[j];
                    bb[i] = t;
                }
            }
        }
        float *t = d;
        d = below;
        below = t;
    }
    /* The sparse first layer: its bias and the rows of the active inputs. */
    int out0 = m->size[1];
    float *gw0 = g + m->off_w[0], *gb0 = g + m->off_b[0];
    if (!rows) {
        for (int b = 0; b < batch; b++) {
            const float *db = d + (size_t)b * (size_t)dw;
            add(out0, db, gb0);
            for (int k = off[b]; k < off[b + 1]; k++)
                add(out0, db, gw0 + (size_t)idx[k] * (size_t)out0);
        }
        return;
    }
    /* Input by input: each row's samples summed in registers and the row written once, where
     * adding sample by sample waits on the previous sample's store to a shared row. */
    uint64_t every[(GA_MLP_MAX_BATCH + 63) / 64]; /* the bias: every sample */
    int words = (batch + 63) / 64;
    for (int w = 0; w < words; w++)
        every[w] = batch - 64 * w >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << (batch - 64 * w)) - 1;
    add_rows(out0, gb0, d, (size_t)dw, every, words);
    for (int k = 0; k < rows->n; k++)
        add_rows(out0, gw0 + (size_t)rows->row[k] * (size_t)out0, d, (size_t)dw,
                 rows->mask + (size_t)k * (size_t)rows->words, words);
}

static void adam_range(const GaAdam *o, float c1, float c2, float *restrict p, float *restrict g,
                       float *restrict m1, float *restrict m2, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        float a = o->beta1 * m1[i] + (1.0f - o->beta1) * g[i];
        float v = o->beta2 * m2[i] + (1.0f - o->beta2) * g[i] * g[i];
        /* Moments of parameters whose gradient is mostly 0 (behind an off ReLU) decay into
         * subnormal floats, which x86 computes through slow microcode (measured: 80% of DQN
         * training time). Flushing them to 0 here is portable and changes no result that
         * matters: 1e-30 is far below eps. */
        m1[i] = fabsf(a) < 1e-30f ? 0.0f : a;
        m2[i] = v < 1e-30f ? 0.0f : v;
        p[i] -= o->lr * (m1[i] * c1) / (sqrtf(m2[i] * c2) + o->eps);
        g[i] = 0.0f;
    }
}

void ga_mlp_adam(const GaMlp *m, const GaAdam *o, int64_t t, float *p, float *g, float *mom1,
                 float *mom2, const int32_t *rows, int n_rows)
{
    float c1 = 1.0f / (1.0f - powf(o->beta1, (float)t));
    float c2 = 1.0f / (1.0f - powf(o->beta2, (float)t));
    int out0 = m->size[1];
    for (int r = 0; r < n_rows; r++) {
        size_t at = m->off_w[0] + (size_t)rows[r] * out0;
        adam_range(o, c1, c2, p + at, g + at, mom1 + at, mom2 + at, (size_t)out0);
    }
    /* Everything after the first layer's weights: its bias and all later layers. */
    size_t from = m->off_b[0];
    adam_range(o, c1, c2, p + from, g + from, mom1 + from, mom2 + from, m->n_params - from);
}

float ga_mlp_clip(const GaMlp *m, float *g, const int32_t *rows, int n_rows, float max_norm)
{
    int out0 = m->size[1];
    size_t from = m->off_b[0];
    double s = 0;
    for (int r = 0; r < n_rows; r++) {
        const float *x = g + m->off_w[0] + (size_t)rows[r] * out0;
        s += dot(out0, x, x);
    }
    s += dot((int)(m->n_params - from), g + from, g + from);
    float norm = (float)sqrt(s);
    /* A non-finite norm would carry NaN into every weight: the batch's gradient is dropped. */
    if (!isfinite(norm)) {
        for (int r = 0; r < n_rows; r++)
            memset(g + m->off_w[0] + (size_t)rows[r] * out0, 0, (size_t)out0 * sizeof *g);
        memset(g + from, 0, (m->n_params - from) * sizeof *g);
        return norm;
    }
    if (norm > max_norm && norm > 0) {
        float k = max_norm / norm;
        for (int r = 0; r < n_rows; r++) {
            float *x = g + m->off_w[0] + (size_t)rows[r] * out0;
            for (int j = 0; j < out0; j++)
                x[j] *= k;
        }
        for (size_t i = from; i < m->n_params; i++)
            g[i] *= k;
    }
    return norm;
}
