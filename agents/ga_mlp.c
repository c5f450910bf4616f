/* agents/ga_mlp.c: the MLP's arithmetic. Loops are written for the compiler's vectoriser:
 * restrict-qualified rows and contiguous inner loops over output units. Nothing allocates. */
#include "ga_mlp.h"

#include <math.h>
#include <string.h>

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
        a += (size_t)sizes[l + 1];
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

static inline void axpy(int n, float a, const float *restrict x, float *restrict y)
{
    for (int j = 0; j < n; j++)
        y[j] += a * x[j];
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

/* h[0..out) = bias + sum of the weight rows of the listed inputs (the sparse binary first
 * layer). Blocks of 32 outputs stay in four vector registers across the whole sum. */
static void layer_sparse(int out, const float *w, const float *bias, const int32_t *rows,
                         int n_rows, float *h)
{
    int j0 = 0;
    for (; j0 + 32 <= out; j0 += 32) {
        v8f a0 = load8(bias + j0), a1 = load8(bias + j0 + 8);
        v8f a2 = load8(bias + j0 + 16), a3 = load8(bias + j0 + 24);
        for (int r = 0; r < n_rows; r++) {
            const float *wr = w + (size_t)rows[r] * out + j0;
            a0 += load8(wr);
            a1 += load8(wr + 8);
            a2 += load8(wr + 16);
            a3 += load8(wr + 24);
        }
        store8(h + j0, a0);
        store8(h + j0 + 8, a1);
        store8(h + j0 + 16, a2);
        store8(h + j0 + 24, a3);
    }
    if (j0 < out) {
        int n = out - j0;
        memcpy(h + j0, bias + j0, (size_t)n * sizeof *h);
        for (int r = 0; r < n_rows; r++)
            add(n, w + (size_t)rows[r] * out + j0, h + j0);
    }
}

/* h[0..out) = bias + x W for a dense x (mostly ReLU outputs: zeros are skipped). */
static void layer_dense(int in, int out, const float *w, const float *bias, const float *x,
                        float *h)
{
    int j0 = 0;
    for (; j0 + 32 <= out; j0 += 32) {
        v8f a0 = load8(bias + j0), a1 = load8(bias + j0 + 8);
        v8f a2 = load8(bias + j0 + 16), a3 = load8(bias + j0 + 24);
        for (int i = 0; i < in; i++) {
            if (x[i] == 0.0f)
                continue;
            v8f s = (v8f){0} + x[i];
            const float *wr = w + (size_t)i * out + j0;
            a0 += s * load8(wr);
            a1 += s * load8(wr + 8);
            a2 += s * load8(wr + 16);
            a3 += s * load8(wr + 24);
        }
        store8(h + j0, a0);
        store8(h + j0 + 8, a1);
        store8(h + j0 + 16, a2);
        store8(h + j0 + 24, a3);
    }
    if (j0 < out) {
        int n = out - j0;
        memcpy(h + j0, bias + j0, (size_t)n * sizeof *h);
        for (int i = 0; i < in; i++)
            if (x[i] != 0.0f)
                axpy(n, x[i], w + (size_t)i * out + j0, h + j0);
    }
}

float *ga_mlp_forward(const GaMlp *m, const float *p, int batch, const int32_t *idx,
                      const int32_t *off, float *act)
{
    int last = m->n_layers - 1;
    for (int b = 0; b < batch; b++) {
        float *row = act + (size_t)b * m->act_width;
        for (int l = 0; l < m->n_layers; l++) {
            int out = m->size[l + 1];
            float *h = row + m->off_act[l];
            if (l == 0)
                layer_sparse(out, p + m->off_w[0], p + m->off_b[0], idx + off[b],
                             off[b + 1] - off[b], h);
            else
                layer_dense(m->size[l], out, p + m->off_w[l], p + m->off_b[l],
                            row + m->off_act[l - 1], h);
            if (l < last)
                for (int j = 0; j < out; j++)
                    h[j] = h[j] > 0.0f ? h[j] : 0.0f;
        }
    }
    return act + m->off_act[last];
}

void ga_mlp_backward(const GaMlp *m, const float *p, int batch, const int32_t *idx,
                     const int32_t *off, const float *act, const float *dout, float *delta,
                     float *g)
{
    int nl = m->n_layers, width = 1;
    for (int l = 1; l < nl; l++)
        width = m->size[l] > width ? m->size[l] : width;
    for (int b = 0; b < batch; b++) {
        const float *row = act + (size_t)b * m->act_width;
        /* d: dLoss/d(pre-activation) of layer l for this sample; the layer below's goes into
         * the other half of delta. */
        const float *d = dout + (size_t)b * m->size[nl];
        float *below = delta, *spare = delta + width;
        for (int l = nl - 1; l >= 0; l--) {
            int in = m->size[l], out = m->size[l + 1];
            float *gw = g + m->off_w[l];
            add(out, d, g + m->off_b[l]);
            if (l == 0) {
                for (int k = off[b]; k < off[b + 1]; k++)
                    add(out, d, gw + (size_t)idx[k] * out);
                break;
            }
            const float *x = row + m->off_act[l - 1];
            const float *w = p + m->off_w[l];
            for (int i = 0; i < in; i++) {
                if (x[i] == 0.0f) {
                    /* The ReLU below was off: no weight gradient and no signal through it. */
                    below[i] = 0.0f;
                    continue;
                }
                axpy(out, x[i], d, gw + (size_t)i * out);
                below[i] = dot(out, w + (size_t)i * out, d);
            }
            d = below;
            float *t = below;
            below = spare;
            spare = t;
        }
    }
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
