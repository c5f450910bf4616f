/* tests/test_mlp.c: the MLP (agents/ga_mlp.c): shapes and offsets, initialisation bounds, the
 * forward pass against hand-computed and double-precision references, every layer's gradient
 * against central finite differences, the batched passes against one-sample-at-a-time scalar
 * code bit for bit, and Adam and gradient clipping against their formulas. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_mlp.h"
#include "ga_rng.h"

Suite *ga_test_suite(void);

static float *falloc(size_t n)
{
    float *p = calloc(n ? n : 1, sizeof *p);
    ck_assert_ptr_nonnull(p);
    return p;
}

static void make(GaMlp *m, const int *sizes, int n_layers)
{
    ck_assert_int_eq(ga_mlp_init(m, sizes, n_layers), 0);
}

/* ---- shapes ---------------------------------------------------------------------------- */

START_TEST(test_init_offsets)
{
    GaMlp m;
    int s[] = {5, 4, 3};
    make(&m, s, 2);
    ck_assert_int_eq(m.n_layers, 2);
    ck_assert_int_eq(m.size[0], 5);
    ck_assert_int_eq(m.size[1], 4);
    ck_assert_int_eq(m.size[2], 3);
    ck_assert_uint_eq(m.off_w[0], 0);
    ck_assert_uint_eq(m.off_b[0], 20);
    ck_assert_uint_eq(m.off_w[1], 24);
    ck_assert_uint_eq(m.off_b[1], 36);
    ck_assert_uint_eq(m.n_params, 39);
    /* Each layer's outputs on a line of 16 floats. */
    ck_assert_uint_eq(m.off_act[0], 0);
    ck_assert_uint_eq(m.off_act[1], 16);
    ck_assert_int_eq(m.act_width, 32);

    /* One layer: a linear map. */
    int one[] = {7, 2};
    make(&m, one, 1);
    ck_assert_uint_eq(m.off_b[0], 14);
    ck_assert_uint_eq(m.n_params, 16);
    ck_assert_int_eq(m.act_width, 16);

    /* The most layers and the widest units; the input may be wider (it is sparse). */
    int big[] = {5000, GA_MLP_MAX_WIDTH, 3, GA_MLP_MAX_WIDTH, 1};
    make(&m, big, GA_MLP_MAX_LAYERS);
    size_t want = 0;
    for (int l = 0; l < GA_MLP_MAX_LAYERS; l++) {
        ck_assert_uint_eq(m.off_w[l], want);
        want += (size_t)big[l] * (size_t)big[l + 1];
        ck_assert_uint_eq(m.off_b[l], want);
        want += (size_t)big[l + 1];
    }
    ck_assert_uint_eq(m.n_params, want);
    ck_assert_int_eq(m.act_width, GA_MLP_MAX_WIDTH + 16 + GA_MLP_MAX_WIDTH + 16);
    ck_assert_uint_eq(m.off_act[1], GA_MLP_MAX_WIDTH);
    ck_assert_uint_eq(m.off_act[3], GA_MLP_MAX_WIDTH + 16 + GA_MLP_MAX_WIDTH);
    /* The widest nets still fit dqn's stack buffer of GA_MLP_MAX_LAYERS * GA_MLP_MAX_WIDTH. */
    int wide[] = {5000, GA_MLP_MAX_WIDTH - 1, GA_MLP_MAX_WIDTH, GA_MLP_MAX_WIDTH - 7,
                  GA_MLP_MAX_WIDTH};
    make(&m, wide, GA_MLP_MAX_LAYERS);
    ck_assert_int_eq(m.act_width, GA_MLP_MAX_LAYERS * GA_MLP_MAX_WIDTH);
}
END_TEST

START_TEST(test_init_rejects)
{
    GaMlp m;
    int s[GA_MLP_MAX_LAYERS + 2] = {4, 4, 4, 4, 4, 4};
    ck_assert_int_eq(ga_mlp_init(&m, s, 0), -1);
    ck_assert_int_eq(ga_mlp_init(&m, s, -1), -1);
    ck_assert_int_eq(ga_mlp_init(&m, s, GA_MLP_MAX_LAYERS + 1), -1);
    ck_assert_int_eq(ga_mlp_init(&m, s, GA_MLP_MAX_LAYERS), 0);

    /* A size of 0 (or less) anywhere, and a hidden or output layer wider than the maximum. */
    for (int l = 0; l <= 3; l++) {
        int t[4] = {6, 5, 4, 3};
        t[l] = 0;
        ck_assert_msg(ga_mlp_init(&m, t, 3) == -1, "size[%d] = 0 accepted", l);
        t[l] = -2;
        ck_assert_msg(ga_mlp_init(&m, t, 3) == -1, "size[%d] = -2 accepted", l);
        if (l > 0) {
            t[l] = GA_MLP_MAX_WIDTH + 1;
            ck_assert_msg(ga_mlp_init(&m, t, 3) == -1, "size[%d] = %d accepted", l,
                          GA_MLP_MAX_WIDTH + 1);
            t[l] = GA_MLP_MAX_WIDTH;
            ck_assert_msg(ga_mlp_init(&m, t, 3) == 0, "size[%d] = %d refused", l, GA_MLP_MAX_WIDTH);
        }
    }
}
END_TEST

/* ---- initialisation -------------------------------------------------------------------- */

START_TEST(test_init_params_bounds)
{
    GaMlp m;
    int s[] = {30, 40, 9, 4};
    make(&m, s, 3);
    float *p = falloc(m.n_params), *q = falloc(m.n_params);
    for (size_t i = 0; i < m.n_params; i++)
        p[i] = NAN; /* every parameter must be written */
    GaRng r = ga_rng_make(17);
    ga_mlp_init_params(&m, p, &r);
    ck_assert_uint_ne(r.s, 17); /* it drew from the generator */

    int bad = 0;
    for (int l = 0; l < m.n_layers; l++) {
        double bound = 1.0 / sqrt((double)s[l]);
        size_t n = (size_t)s[l] * (size_t)s[l + 1] + (size_t)s[l + 1];
        float lo = INFINITY, hi = -INFINITY;
        for (size_t i = m.off_w[l]; i < m.off_w[l] + n; i++) {
            if (!(fabsf(p[i]) <= bound))
                bad++;
            lo = p[i] < lo ? p[i] : lo;
            hi = p[i] > hi ? p[i] : hi;
        }
        ck_assert_int_eq(bad, 0);
        /* Uniform over the whole interval, not a constant or a corner of it. */
        ck_assert_msg(lo < -0.5 * bound && hi > 0.5 * bound, "layer %d spans [%g, %g] of +-%g", l,
                      lo, hi, bound);
        /* The biases are drawn too. */
        float b0 = p[m.off_b[l]];
        int same = 1;
        for (int j = 1; j < s[l + 1]; j++)
            same &= p[m.off_b[l] + (size_t)j] == b0;
        ck_assert_msg(!same, "layer %d: all biases equal", l);
    }

    /* Deterministic for a fixed generator state, different for another. */
    GaRng r2 = ga_rng_make(17);
    ga_mlp_init_params(&m, q, &r2);
    ck_assert_int_eq(memcmp(p, q, m.n_params * sizeof *p), 0);
    ck_assert_uint_eq(r.s, r2.s);
    GaRng r3 = ga_rng_make(18);
    ga_mlp_init_params(&m, q, &r3);
    ck_assert_int_ne(memcmp(p, q, m.n_params * sizeof *p), 0);
    free(p);
    free(q);
}
END_TEST

/* ---- forward --------------------------------------------------------------------------- */

/* Sizes [3, 2, 1]; W0 is (in, out) = (3, 2). */
static const float TINY[] = {
    1.0f,  -1.0f,  /* W0 row of input 0 */
    2.0f,  0.5f,   /* input 1 */
    -3.0f, 1.0f,   /* input 2 */
    0.5f,  -0.25f, /* b0 */
    2.0f,  -1.0f,  /* W1 (2, 1) */
    0.1f,          /* b1 */
};

START_TEST(test_forward_tiny)
{
    GaMlp m;
    int s[] = {3, 2, 1};
    make(&m, s, 2);
    ck_assert_uint_eq(m.n_params, sizeof TINY / sizeof TINY[0]);
    /* Sample 0: inputs {0, 1}: h = relu(0.5 + 1 + 2, -0.25 - 1 + 0.5) = (3.5, 0); out = 0.1 + 7.
     * Sample 1: {2}: h = relu(-2.5, 0.75) = (0, 0.75); out = 0.1 - 0.75.
     * Sample 2: no input: h = relu(0.5, -0.25) = (0.5, 0); out = 0.1 + 1.
     * Sample 3: {0, 1, 2}: h = (0.5, 0.25); out = 0.1 + 1 - 0.25. */
    int32_t idx[] = {0, 1, 2, 0, 1, 2};
    int32_t off[] = {0, 2, 3, 3, 6};
    const int aw = m.act_width; /* the hidden pair and the output, each on a line of 16 */
    ck_assert_int_eq(aw, 32);
    float act[4 * 32];
    float *out = ga_mlp_forward(&m, TINY, 4, idx, off, act);
    ck_assert_ptr_eq(out, act + 16);
    const float h[4][2] = {{3.5f, 0}, {0, 0.75f}, {0.5f, 0}, {0.5f, 0.25f}};
    const float want[4] = {7.1f, -0.65f, 1.1f, 0.85f};
    for (int b = 0; b < 4; b++) {
        ck_assert_float_eq_tol(act[b * aw + 0], h[b][0], 1e-6);
        ck_assert_float_eq_tol(act[b * aw + 1], h[b][1], 1e-6);
        ck_assert_float_eq_tol(out[b * aw], want[b], 1e-6);
    }

    /* Backward of dLoss/dout = 1 for sample 0 alone: db1 = 1, dW1 = h = (3.5, 0), and through
     * the one active ReLU db0 = (2, 0) and rows 0 and 1 of W0 get (2, 0); row 2 nothing. */
    float g[11] = {0}, delta[128], dout[1] = {1.0f};
    int32_t lists[8];
    ck_assert_uint_le(ga_mlp_delta_size(&m, 1), 128);
    ck_assert_uint_le(ga_mlp_list_size(&m, 1), 8);
    ga_mlp_forward(&m, TINY, 1, idx, off, act);
    ga_mlp_backward(&m, TINY, 1, idx, off, NULL, act, dout, delta, lists, g);
    const float gw[11] = {2, 0, 2, 0, 0, 0, 2, 0, 3.5f, 0, 1};
    for (int i = 0; i < 11; i++)
        ck_assert_msg(fabsf(g[i] - gw[i]) < 1e-6f, "g[%d] = %g, want %g", i, g[i], gw[i]);
}
END_TEST

/* Double-precision forward pass written from the definition. */
static void ref_forward(const GaMlp *m, const float *p, int n_act, const int32_t *act_idx,
                        double *out)
{
    double x[GA_MLP_MAX_WIDTH], y[GA_MLP_MAX_WIDTH];
    for (int l = 0; l < m->n_layers; l++) {
        int in = m->size[l], o = m->size[l + 1];
        const float *w = p + m->off_w[l], *bias = p + m->off_b[l];
        for (int j = 0; j < o; j++) {
            double z = bias[j];
            if (l == 0)
                for (int k = 0; k < n_act; k++)
                    z += w[(size_t)act_idx[k] * o + j];
            else
                for (int i = 0; i < in; i++)
                    z += x[i] * w[(size_t)i * o + j];
            y[j] = l < m->n_layers - 1 && z < 0 ? 0 : z;
        }
        memcpy(x, y, (size_t)o * sizeof *x);
    }
    memcpy(out, x, (size_t)m->size[m->n_layers] * sizeof *out);
}

/* A batch of sparse inputs: every sample but #2 (empty) lists row 1 and a random subset of
 * rows below n_used; rows from n_used on appear in no sample. */
typedef struct {
    int batch;
    int32_t idx[64], off[9];
} Batch;

static void make_batch(Batch *bt, int n_used, int batch, GaRng *r)
{
    ck_assert_int_le(batch, 8);
    ck_assert_int_le(n_used * batch, 64);
    bt->batch = batch;
    bt->off[0] = 0;
    int n = 0;
    for (int b = 0; b < batch; b++) {
        if (b != 2) {
            bt->idx[n++] = 1;
            for (int i = 0; i < n_used; i++)
                if (i != 1 && ga_rng_below(r, 2))
                    bt->idx[n++] = i;
        }
        bt->off[b + 1] = n;
    }
}

/* Whether position j of a sample's activations holds a unit's output (not padding). */
static int is_unit(const GaMlp *m, int j)
{
    for (int l = 0; l < m->n_layers; l++)
        if ((size_t)j >= m->off_act[l] && (size_t)j < m->off_act[l] + (size_t)m->size[l + 1])
            return 1;
    return 0;
}

/* Loss = sum_b sum_j c[b, j] * out[b, j], in double. Also reports whether the on/off pattern
 * of the hidden ReLUs differs from `pattern` (then the loss is not linear in between). */
static double loss_of(const GaMlp *m, const float *p, const Batch *bt, const double *c, float *act,
                      const uint8_t *pattern, int *kink)
{
    const float *out = ga_mlp_forward(m, p, bt->batch, bt->idx, bt->off, act);
    int no = m->size[m->n_layers], hid = (int)m->off_act[m->n_layers - 1];
    double s = 0;
    for (int b = 0; b < bt->batch; b++) {
        for (int j = 0; j < no; j++)
            s += c[b * no + j] * out[(size_t)b * m->act_width + j];
        for (int j = 0; j < hid; j++)
            *kink |= (act[(size_t)b * m->act_width + j] > 0.0f) != pattern[b * hid + j];
    }
    return s;
}

/* Checks ga_mlp_backward on net `sizes` against central differences of the loss for every
 * parameter. Rows of W0 that no sample lists must get exactly no gradient and keep what g held
 * there. A parameter whose step of +-h switches a ReLU is skipped (a kink between the two
 * points); at most a few may be. */
static void check_gradients(const int *sizes, int n_layers, int batch, uint64_t seed)
{
    GaMlp m;
    make(&m, sizes, n_layers);
    const int inputs = sizes[0], n_used = inputs - 3, no = sizes[n_layers], out0 = sizes[1];
    const int hid = (int)m.off_act[n_layers - 1]; /* the hidden layers' outputs and padding */
    size_t np = m.n_params;
    float *p = falloc(np), *g = falloc(np), *act = falloc((size_t)batch * (size_t)m.act_width);
    float *delta = falloc(ga_mlp_delta_size(&m, batch)), *dout = falloc((size_t)(batch * no));
    int32_t *lists = calloc(ga_mlp_list_size(&m, batch), sizeof *lists);
    ck_assert_ptr_nonnull(lists);
    double *c = calloc((size_t)(batch * no), sizeof *c);
    uint8_t *pattern = calloc((size_t)(batch * hid) + 1, 1);
    ck_assert(c && pattern);
    GaRng r = ga_rng_make(seed);
    ga_mlp_init_params(&m, p, &r);
    Batch bt;
    make_batch(&bt, n_used, batch, &r);
    for (int i = 0; i < batch * no; i++) {
        c[i] = 2.0 * ga_rng_uniform(&r) - 1.0;
        dout[i] = (float)c[i];
    }

    /* The forward pass agrees with the reference; some ReLUs are off and some on. */
    const float *out = ga_mlp_forward(&m, p, batch, bt.idx, bt.off, act);
    double worst = 0, ref[GA_MLP_MAX_WIDTH];
    int inactive = 0, active = 0;
    for (int b = 0; b < batch; b++) {
        ref_forward(&m, p, bt.off[b + 1] - bt.off[b], bt.idx + bt.off[b], ref);
        for (int j = 0; j < no; j++) {
            double e = fabs(out[(size_t)b * m.act_width + j] - ref[j]) / (1.0 + fabs(ref[j]));
            worst = e > worst ? e : worst;
        }
        for (int j = 0; j < hid; j++) {
            float v = act[(size_t)b * m.act_width + j];
            pattern[b * hid + j] = v > 0.0f;
            if (!is_unit(&m, j))
                continue;
            inactive += v == 0.0f;
            active += v > 0.0f;
        }
    }
    ck_assert_msg(worst < 1e-5, "forward differs from the reference by %g", worst);
    if (n_layers > 1)
        ck_assert_msg(inactive > 0 && active > 0, "%d ReLUs off, %d on", inactive, active);

    /* Analytic gradient; unused rows of W0 hold a marker that must survive. */
    const float MARK = 12345.0f;
    for (int i = n_used; i < inputs; i++)
        for (int j = 0; j < out0; j++)
            g[m.off_w[0] + (size_t)i * out0 + j] = MARK;
    ga_mlp_forward(&m, p, batch, bt.idx, bt.off, act);
    ga_mlp_backward(&m, p, batch, bt.idx, bt.off, NULL, act, dout, delta, lists, g);

    int fails = 0, marks_lost = 0, checked = 0, skipped = 0, nonzero = 0;
    double worst_err = 0;
    char first[256] = "";
    for (size_t k = 0; k < np; k++) {
        int row = k < m.off_b[0] ? (int)(k / (size_t)out0) : -1;
        float keep = p[k];
        const float h = 1e-3f;
        int kink = 0;
        p[k] = keep + h;
        float up = p[k];
        double lp = loss_of(&m, p, &bt, c, act, pattern, &kink);
        p[k] = keep - h;
        float dn = p[k];
        double lm = loss_of(&m, p, &bt, c, act, pattern, &kink);
        p[k] = keep;
        double fd = (lp - lm) / ((double)up - (double)dn);
        if (row >= n_used) {
            /* An input no sample lists: no effect on the loss, no gradient, g untouched. */
            marks_lost += g[k] != MARK;
            if (fd != 0.0 && !first[0])
                snprintf(first, sizeof first, "unused row %d: finite difference %g", row, fd);
            fails += fd != 0.0;
            continue;
        }
        if (kink) {
            skipped++;
            continue;
        }
        checked++;
        nonzero += g[k] != 0.0f;
        double err = fabs(g[k] - fd);
        worst_err = err > worst_err ? err : worst_err;
        if (err > 1e-3 + 1e-2 * fabs(fd)) {
            if (!first[0])
                for (int l = n_layers - 1; l >= 0; l--)
                    if (k >= m.off_w[l]) {
                        snprintf(first, sizeof first,
                                 "layer %d %s, parameter %zu (W0 row %d): backward %g, finite "
                                 "difference %g",
                                 l, k >= m.off_b[l] ? "bias" : "weight", k, row, (double)g[k], fd);
                        break;
                    }
            fails++;
        }
    }
    ck_assert_msg(marks_lost == 0, "%d gradients of unused W0 rows were written", marks_lost);
    ck_assert_msg(fails == 0,
                  "sizes[1]=%d, %d layers: %d of %zu gradients wrong (worst error %g); first: %s",
                  out0, n_layers, fails, np, worst_err, first);
    ck_assert_msg(skipped * 20 <= checked, "%d parameters skipped at a kink, %d checked", skipped,
                  checked);
    ck_assert_int_eq(checked + skipped, (int)np - 3 * out0);
    ck_assert_msg(nonzero * 3 > checked, "only %d of %d gradients are nonzero", nonzero, checked);

    /* The gradient is accumulated: a second backward pass adds the same amount. */
    float *g2 = falloc(np);
    memcpy(g2, g, np * sizeof *g);
    ga_mlp_backward(&m, p, batch, bt.idx, bt.off, NULL, act, dout, delta, lists, g2);
    int not_doubled = 0;
    for (size_t k = 0; k < np; k++) {
        int unused = k < m.off_b[0] && (int)(k / (size_t)out0) >= n_used;
        float want = unused ? MARK : 2.0f * g[k];
        not_doubled += fabsf(g2[k] - want) > 1e-5f * (1.0f + fabsf(want));
    }
    ck_assert_int_eq(not_doubled, 0);

    free(g2);
    free(pattern);
    free(c);
    free(dout);
    free(delta);
    free(lists);
    free(act);
    free(g);
    free(p);
}

START_TEST(test_grad_one_layer)
{
    int s[] = {9, 5};
    check_gradients(s, 1, 3, 1);
    int w[] = {11, 37}; /* a vector block of 32 outputs plus a tail of 5 */
    check_gradients(w, 1, 4, 2);
}
END_TEST

START_TEST(test_grad_two_layers)
{
    int s[] = {10, 6, 4};
    check_gradients(s, 2, 3, 3);
    int w[] = {12, 40, 5};
    check_gradients(w, 2, 4, 4);
}
END_TEST

START_TEST(test_grad_three_layers)
{
    int s[] = {10, 7, 9, 3};
    check_gradients(s, 3, 4, 5);
    int w[] = {12, 40, 37, 5};
    check_gradients(w, 3, 5, 6);
}
END_TEST

START_TEST(test_grad_four_layers)
{
    int s[] = {9, 8, 33, 7, 3};
    check_gradients(s, 4, 3, 7);
}
END_TEST

/* ---- the same bits as one sample at a time ------------------------------------------------ */

/* The order of every sum as the MLP defined it before batching (issue 18), one sample at a
 * time, in plain scalar code: each output unit is its bias plus the listed rows, or the nonzero
 * inputs' terms, in input order; each gradient element sums the samples in order; the signal
 * below an on unit is dot() of its weight row and the layer's signal: eight partial sums over
 * the 8-float blocks, folded ((0+1)+(2+3))+((4+5)+(6+7)), then the last out % 8 terms one by
 * one. The batched code must give exactly these floats. */
static float ref_dot(int n, const float *x, const float *y)
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

static void ref_forward_bits(const GaMlp *m, const float *p, int batch, const int32_t *idx,
                             const int32_t *off, float *act)
{
    for (int b = 0; b < batch; b++) {
        float *row = act + (size_t)b * m->act_width;
        for (int l = 0; l < m->n_layers; l++) {
            int in = m->size[l], out = m->size[l + 1];
            const float *w = p + m->off_w[l], *bias = p + m->off_b[l];
            const float *x = l ? row + m->off_act[l - 1] : NULL;
            float *h = row + m->off_act[l];
            for (int j = 0; j < out; j++) {
                float a = bias[j];
                if (l == 0)
                    for (int k = off[b]; k < off[b + 1]; k++)
                        a += w[(size_t)idx[k] * out + j];
                else
                    for (int i = 0; i < in; i++)
                        if (x[i] != 0.0f)
                            a += x[i] * w[(size_t)i * out + j];
                h[j] = l < m->n_layers - 1 ? (a > 0.0f ? a : 0.0f) : a;
            }
        }
    }
}

static void ref_backward_bits(const GaMlp *m, const float *p, int batch, const int32_t *idx,
                              const int32_t *off, const float *act, const float *dout, float *g)
{
    int nl = m->n_layers;
    float d[GA_MLP_MAX_WIDTH], below[GA_MLP_MAX_WIDTH];
    for (int b = 0; b < batch; b++) {
        const float *row = act + (size_t)b * m->act_width;
        memcpy(d, dout + (size_t)b * m->size[nl], (size_t)m->size[nl] * sizeof *d);
        for (int l = nl - 1; l >= 0; l--) {
            int in = m->size[l], out = m->size[l + 1];
            float *gw = g + m->off_w[l], *gb = g + m->off_b[l];
            for (int j = 0; j < out; j++)
                gb[j] += d[j];
            if (l == 0) {
                for (int k = off[b]; k < off[b + 1]; k++)
                    for (int j = 0; j < out; j++)
                        gw[(size_t)idx[k] * out + j] += d[j];
                break;
            }
            const float *x = row + m->off_act[l - 1], *w = p + m->off_w[l];
            for (int i = 0; i < in; i++) {
                below[i] = 0.0f;
                if (x[i] == 0.0f)
                    continue;
                for (int j = 0; j < out; j++)
                    gw[(size_t)i * out + j] += x[i] * d[j];
                below[i] = ref_dot(out, w + (size_t)i * out, d);
            }
            memcpy(d, below, (size_t)in * sizeof *d);
        }
    }
}

/* Net `sizes` on `batch` random samples of about a third of the inputs each: the batched
 * forward and backward passes equal the references bit for bit (memcmp), twice in a row so the
 * gradient is accumulated on top of a nonzero block. Biases are spread so that a good share of
 * the ReLUs is off. */
static void check_bits(const int *sizes, int n_layers, int batch, uint64_t seed)
{
    GaMlp m;
    make(&m, sizes, n_layers);
    GaRng r = ga_rng_make(seed);
    size_t np = m.n_params, aw = (size_t)m.act_width;
    int inputs = sizes[0], no = sizes[n_layers];
    float *p = falloc(np), *g = falloc(np), *g_ref = falloc(np);
    float *act = falloc((size_t)batch * aw), *act_ref = falloc((size_t)batch * aw);
    float *dout = falloc((size_t)batch * (size_t)no);
    float *delta = falloc(ga_mlp_delta_size(&m, batch));
    int32_t *lists = calloc(ga_mlp_list_size(&m, batch), sizeof *lists);
    int32_t *idx = calloc((size_t)batch * (size_t)inputs + 1, sizeof *idx);
    int32_t *off = calloc((size_t)batch + 1, sizeof *off);
    ck_assert(lists && idx && off);
    ga_mlp_init_params(&m, p, &r);
    for (int l = 0; l < n_layers; l++)
        for (int j = 0; j < sizes[l + 1]; j++)
            p[m.off_b[l] + j] = (float)(ga_rng_uniform(&r) - 0.6);
    for (int b = 0; b < batch; b++) {
        off[b + 1] = off[b];
        for (int i = 0; i < inputs; i++)
            if (ga_rng_below(&r, 3) == 0)
                idx[off[b + 1]++] = i;
    }
    for (size_t k = 0; k < (size_t)batch * (size_t)no; k++)
        dout[k] = (float)(2.0 * ga_rng_uniform(&r) - 1.0);
    /* NaN in the act buffers: every value the references compare must be written. */
    for (size_t k = 0; k < (size_t)batch * aw; k++)
        act[k] = act_ref[k] = NAN;
    const float *out = ga_mlp_forward(&m, p, batch, idx, off, act);
    ck_assert_ptr_eq(out, act + m.off_act[n_layers - 1]);
    ref_forward_bits(&m, p, batch, idx, off, act_ref);
    ck_assert_msg(memcmp(act, act_ref, (size_t)batch * aw * sizeof *act) == 0,
                  "forward of %d layers, batch %d: not the reference's bits", n_layers, batch);
    int off_units = 0, on_units = 0;
    for (size_t k = 0; k < (size_t)batch * aw; k++)
        if (k % aw < m.off_act[n_layers - 1] && is_unit(&m, (int)(k % aw))) {
            off_units += act[k] == 0.0f;
            on_units += act[k] != 0.0f;
        }
    if (off_units + on_units >= 40) /* all but the tiniest nets */
        ck_assert_msg(off_units * 10 > on_units && on_units * 10 > off_units, "%d ReLUs off, %d on",
                      off_units, on_units);
    /* Both first-layer paths: sample by sample (no rows) and input by input. */
    size_t listed = (size_t)off[batch];
    float *g_rows = falloc(np);
    int words = (batch + 63) / 64;
    GaMlpRows br = {.words = words,
                    .inputs = inputs,
                    .row = calloc(listed + 1, sizeof(int32_t)),
                    .mask = calloc((listed + 1) * (size_t)words, sizeof(uint64_t)),
                    .seen = calloc((size_t)inputs, sizeof(uint64_t))};
    ck_assert(br.row && br.mask && br.seen);
    ga_mlp_rows(&br, batch, idx, off);
    for (int rep = 0; rep < 2; rep++) {
        ga_mlp_backward(&m, p, batch, idx, off, NULL, act, dout, delta, lists, g);
        ga_mlp_backward(&m, p, batch, idx, off, &br, act, dout, delta, lists, g_rows);
        ref_backward_bits(&m, p, batch, idx, off, act_ref, dout, g_ref);
        ck_assert_msg(memcmp(g, g_ref, np * sizeof *g) == 0,
                      "backward of %d layers, batch %d, pass %d: not the reference's bits",
                      n_layers, batch, rep + 1);
        ck_assert_msg(memcmp(g_rows, g_ref, np * sizeof *g) == 0,
                      "backward by input of %d layers, batch %d, pass %d: not the reference's "
                      "bits",
                      n_layers, batch, rep + 1);
    }
    free(br.row);
    free(br.mask);
    free(br.seen);
    free(g_rows);
    free(p);
    free(g);
    free(g_ref);
    free(act);
    free(act_ref);
    free(dout);
    free(delta);
    free(lists);
    free(idx);
    free(off);
}

START_TEST(test_rows_by_input)
{
    /* Three samples listing inputs of 10: the distinct inputs in the order first listed, each
     * with the bits of its samples; a second batch on the same scratch (no clearing) forgets
     * the first. */
    const int32_t idx[] = {4, 7, 2, /**/ 7, 9, /**/ 2, 4, 9, 0};
    const int32_t off[] = {0, 3, 5, 9};
    int32_t row[9];
    uint64_t mask[9], seen[10] = {0};
    GaMlpRows br = {.words = 1, .inputs = 10, .row = row, .mask = mask, .seen = seen};
    ga_mlp_rows(&br, 3, idx, off);
    ck_assert_int_eq(br.n, 5);
    const int32_t want_row[] = {4, 7, 2, 9, 0};
    const uint64_t want_mask[] = {5, 3, 5, 6, 4};
    ck_assert_mem_eq(br.row, want_row, sizeof want_row);
    ck_assert_mem_eq(br.mask, want_mask, sizeof want_mask);
    /* The second batch: its lists start at off[0] = 5 within idx, as dqn's never do, and an
     * input the first batch listed must not count as already seen. */
    const int32_t off2[] = {5, 7, 9};
    ga_mlp_rows(&br, 2, idx, off2);
    ck_assert_int_eq(br.n, 4);
    const int32_t want_row2[] = {2, 4, 9, 0};
    const uint64_t want_mask2[] = {1, 1, 2, 2}; /* samples numbered within this batch */
    ck_assert_mem_eq(br.row, want_row2, sizeof want_row2);
    ck_assert_mem_eq(br.mask, want_mask2, sizeof want_mask2);

    /* A layout of two words with a batch of under 64 samples (the branch-free path): the
     * second words are cleared, whatever they held. */
    uint64_t mask2[2 * 9], seen2[10] = {0};
    memset(mask2, 0xFF, sizeof mask2);
    GaMlpRows two = {.words = 2, .inputs = 10, .row = row, .mask = mask2, .seen = seen2};
    ga_mlp_rows(&two, 3, idx, off);
    ck_assert_int_eq(two.n, 5);
    for (int k = 0; k < 5; k++) {
        ck_assert_uint_eq(mask2[2 * k], want_mask[k]);
        ck_assert_uint_eq(mask2[2 * k + 1], 0);
    }

    /* Batches past 64 samples take more words: sample 64 in the second, sample 130 in the
     * third. */
    int32_t idx3[131], off3[132], row3[131];
    uint64_t mask3[3 * 131], seen3[10] = {0};
    for (int b = 0; b <= 130; b++) {
        off3[b] = b;
        idx3[b] = b == 64 || b == 130 ? 3 : 5;
    }
    off3[131] = 131;
    GaMlpRows big = {.words = 3, .inputs = 10, .row = row3, .mask = mask3, .seen = seen3};
    ga_mlp_rows(&big, 131, idx3, off3);
    ck_assert_int_eq(big.n, 2);
    ck_assert_int_eq(big.row[0], 5);
    ck_assert_int_eq(big.row[1], 3);
    ck_assert_uint_eq(big.mask[0], ~(uint64_t)0);
    ck_assert_uint_eq(big.mask[1], ~(uint64_t)1);
    ck_assert_uint_eq(big.mask[2], 3); /* samples 128 and 129 */
    ck_assert_uint_eq(big.mask[3], 0);
    ck_assert_uint_eq(big.mask[4], 1);
    ck_assert_uint_eq(big.mask[5], (uint64_t)1 << 2);

    /* The tag wraps after 2^32 - 1 batches: the scratch is cleared then, so an entry left by
     * the batch 2^32 tags back (input 7 in slot 3 under tag 1) is not taken as seen. */
    br.tag = UINT32_MAX;
    seen[7] = (uint64_t)1 << 32 | 3;
    const int32_t one[] = {7}, off1[] = {0, 1};
    ga_mlp_rows(&br, 1, one, off1);
    ck_assert_uint_eq(br.tag, 1);
    ck_assert_int_eq(br.n, 1); /* input 7 new, in slot 0 */
    ck_assert_int_eq(br.row[0], 7);
    ck_assert_uint_eq(br.mask[0], 1);
    ck_assert_uint_eq(seen[7], (uint64_t)1 << 32 | 0);
}
END_TEST

START_TEST(test_bits_dqn_shapes)
{
    /* The default DQN (64-64 to 7 actions) and the bench's 256-256, batches of 32 and 1 (the
     * acting pass). */
    int dqn[] = {300, 64, 64, 7}, big[] = {300, 256, 256, 7};
    check_bits(dqn, 3, 32, 1);
    check_bits(dqn, 3, 1, 2);
    check_bits(big, 3, 32, 3);
    check_bits(big, 3, 1, 4);
}
END_TEST

START_TEST(test_bits_odd_shapes)
{
    /* Every block path: 64 and 32 wide blocks, single vectors, tails of out % 8 read whole
     * (out >= 4) or one by one (out < 4), outputs under 8 with hidden widths not a multiple of
     * 8, one layer, four layers. */
    int a[] = {40, 100, 37, 3}, b[] = {25, 9, 33, 7, 1}, c[] = {30, 2, 5}, d[] = {17, 11};
    int e[] = {50, 72, 12, 70, 6}, f[] = {20, 1, 1};
    check_bits(a, 3, 7, 5);
    check_bits(a, 3, 130, 11); /* samples past 64: three words of sample bits per input */
    check_bits(b, 4, 9, 6);
    check_bits(c, 2, 5, 7);
    check_bits(d, 1, 3, 8);
    check_bits(e, 4, 33, 9);
    check_bits(f, 2, 4, 10);
}
END_TEST

/* ---- Adam ------------------------------------------------------------------------------ */

/* Sizes [4, 2, 1]: W0 (4, 2) at 0, b0 at 8, W1 (2, 1) at 10, b1 at 12; 13 parameters. */
#define AN 13

/* One Adam step in double on the parameters in `mask`, the formula of Kingma and Ba with the
 * bias corrections of step t. */
static void adam_ref(const GaAdam *o, int t, double *p, const double *g, double *m1, double *m2,
                     const int *mask)
{
    double c1 = 1.0 - pow(o->beta1, t), c2 = 1.0 - pow(o->beta2, t);
    for (int i = 0; i < AN; i++) {
        if (!mask[i])
            continue;
        m1[i] = o->beta1 * m1[i] + (1.0 - o->beta1) * g[i];
        m2[i] = o->beta2 * m2[i] + (1.0 - o->beta2) * g[i] * g[i];
        p[i] -= o->lr * (m1[i] / c1) / (sqrt(m2[i] / c2) + o->eps);
    }
}

START_TEST(test_adam_steps)
{
    GaMlp m;
    int s[] = {4, 2, 1};
    make(&m, s, 2);
    ck_assert_uint_eq(m.n_params, AN);
    GaAdam o = {0.01f, 0.9f, 0.999f, 1e-8f};
    float p[AN], g[AN], m1[AN] = {0}, m2[AN] = {0};
    double pd[AN], m1d[AN] = {0}, m2d[AN] = {0};
    for (int i = 0; i < AN; i++)
        pd[i] = p[i] = 0.1f * (float)(i - 6);
    /* Three steps with rows {1, 3}, then {3} (row 1 rests), then {0, 1}; row 2 never. */
    static const int32_t rows[3][2] = {{1, 3}, {3, 0}, {0, 1}};
    static const int n_rows[3] = {2, 1, 2};
    static const float grads[3][AN] = {
        {0, 0, 0.5f, -2.0f, 0, 0, 1e-3f, 3.0f, 0.25f, -0.75f, 1.5f, 0.0f, -1.0f},
        {0, 0, 0, 0, 0, 0, -0.5f, 0.0f, -0.25f, 0.5f, 1.0f, 2.0f, 0.5f},
        {4.0f, -4.0f, 0.0f, 1.0f, 0, 0, 0, 0, 0.1f, 0.2f, -0.3f, 0.4f, 0.0f},
    };
    for (int t = 1; t <= 3; t++) {
        int mask[AN] = {0};
        for (int r = 0; r < n_rows[t - 1]; r++)
            mask[rows[t - 1][r] * 2] = mask[rows[t - 1][r] * 2 + 1] = 1;
        for (int i = 8; i < AN; i++)
            mask[i] = 1;
        double gd[AN];
        for (int i = 0; i < AN; i++) {
            /* Rows not listed hold a marker gradient that Adam must neither use nor clear. */
            g[i] = mask[i] ? grads[t - 1][i] : 99.0f;
            gd[i] = g[i];
        }
        float p0[AN], m10[AN], m20[AN], g0[AN];
        memcpy(p0, p, sizeof p);
        memcpy(g0, g, sizeof g);
        memcpy(m10, m1, sizeof m1);
        memcpy(m20, m2, sizeof m2);
        adam_ref(&o, t, pd, gd, m1d, m2d, mask);
        ga_mlp_adam(&m, &o, t, p, g, m1, m2, rows[t - 1], n_rows[t - 1]);
        for (int i = 0; i < AN; i++) {
            if (!mask[i]) {
                ck_assert_msg(p[i] == p0[i] && m1[i] == m10[i] && m2[i] == m20[i] && g[i] == 99.0f,
                              "step %d: parameter %d of an unlisted row was touched", t, i);
                continue;
            }
            ck_assert_msg(g[i] == 0.0f, "step %d: gradient %d not cleared", t, i);
            ck_assert_msg(fabs(m1[i] - m1d[i]) <= 1e-5 * fabs(m1d[i]) + 1e-15,
                          "step %d: m1[%d] = %.9g, want %.9g", t, i, m1[i], m1d[i]);
            ck_assert_msg(fabs(m2[i] - m2d[i]) <= 1e-5 * fabs(m2d[i]) + 1e-15,
                          "step %d: m2[%d] = %.9g, want %.9g", t, i, m2[i], m2d[i]);
            ck_assert_msg(fabs(p[i] - pd[i]) <= 2e-6, "step %d: p[%d] = %.9g, want %.9g", t, i,
                          p[i], pd[i]);
            /* The first step moves a parameter by lr against the sign of its gradient. */
            float sign = g0[i] > 0 ? 1.0f : g0[i] < 0 ? -1.0f : 0.0f;
            if (t == 1)
                ck_assert_msg(fabsf(p[i] - (p0[i] - sign * o.lr)) < 1e-5f,
                              "step 1: p[%d] moved from %g to %g with gradient %g", i, p0[i], p[i],
                              g0[i]);
        }
    }
    /* Row 2 never moved. */
    ck_assert_float_eq(p[4], 0.1f * (4 - 6));
    ck_assert_float_eq(p[5], 0.1f * (5 - 6));
    ck_assert_float_eq(m1[4], 0.0f);
    ck_assert_float_eq(m2[5], 0.0f);
    /* Row 1 rested at step 2: its moments decayed twice (steps 1 and 3), not three times. */
    ck_assert_double_eq_tol(m1[3], 0.9 * 0.1 * -2.0 + 0.1 * 1.0, 1e-7);
}
END_TEST

START_TEST(test_adam_no_rows)
{
    /* No rows listed: the whole first-layer weight block is left; the rest is stepped. */
    GaMlp m;
    int s[] = {3, 33, 2};
    make(&m, s, 2);
    size_t np = m.n_params;
    float *p = falloc(np), *g = falloc(np), *m1 = falloc(np), *m2 = falloc(np);
    float *p0 = falloc(np);
    GaRng r = ga_rng_make(4);
    ga_mlp_init_params(&m, p, &r);
    for (size_t i = 0; i < np; i++)
        g[i] = 1.0f;
    memcpy(p0, p, np * sizeof *p);
    GaAdam o = {0.5f, 0.9f, 0.999f, 1e-8f};
    ga_mlp_adam(&m, &o, 1, p, g, m1, m2, NULL, 0);
    int bad = 0;
    for (size_t i = 0; i < np; i++) {
        if (i < m.off_b[0])
            bad += p[i] != p0[i] || g[i] != 1.0f || m1[i] != 0.0f || m2[i] != 0.0f;
        else /* the first step is lr * g / |g| */
            bad += fabsf(p[i] - (p0[i] - 0.5f)) > 1e-6f || g[i] != 0.0f;
    }
    ck_assert_int_eq(bad, 0);
    free(p0);
    free(m2);
    free(m1);
    free(g);
    free(p);
}
END_TEST

/* ---- clipping -------------------------------------------------------------------------- */

START_TEST(test_clip)
{
    GaMlp m;
    int s[] = {6, 19, 5}; /* rows of 19: a vector block of 8 plus a tail */
    make(&m, s, 2);
    size_t np = m.n_params, from = m.off_b[0];
    ck_assert_uint_eq(from, 6 * 19);
    float *g = falloc(np), *g0 = falloc(np);
    GaRng r = ga_rng_make(8);
    for (size_t i = 0; i < np; i++)
        g[i] = (float)(2.0 * ga_rng_uniform(&r) - 1.0);
    /* Unlisted rows are large: they must count for nothing. */
    const int32_t rows[] = {4, 0, 2};
    for (int i = 0; i < 6; i++)
        if (i == 1 || i == 3 || i == 5)
            for (int j = 0; j < 19; j++)
                g[(size_t)i * 19 + (size_t)j] = 100.0f;
    double ss = 0;
    for (int k = 0; k < 3; k++)
        for (int j = 0; j < 19; j++) {
            double v = g[(size_t)rows[k] * 19 + (size_t)j];
            ss += v * v;
        }
    for (size_t i = from; i < np; i++)
        ss += (double)g[i] * g[i];
    double norm = sqrt(ss);
    memcpy(g0, g, np * sizeof *g);

    /* Below the limit: the norm is reported and nothing changes. */
    float got = ga_mlp_clip(&m, g, rows, 3, (float)(norm * 1.5));
    ck_assert_double_eq_tol(got, norm, 1e-5 * norm);
    ck_assert_int_eq(memcmp(g, g0, np * sizeof *g), 0);

    /* Above it: listed rows and later parameters scale by max/norm, other rows stay. */
    float lim = (float)(norm / 4.0);
    got = ga_mlp_clip(&m, g, rows, 3, lim);
    ck_assert_double_eq_tol(got, norm, 1e-5 * norm);
    int bad = 0;
    double after = 0;
    for (size_t i = 0; i < np; i++) {
        int row = i < from ? (int)(i / 19) : -1;
        int listed = row < 0 || row == 0 || row == 2 || row == 4;
        if (!listed) {
            bad += g[i] != 100.0f;
            continue;
        }
        bad += fabs(g[i] - g0[i] * (double)lim / norm) > 1e-6;
        after += (double)g[i] * g[i];
    }
    ck_assert_int_eq(bad, 0);
    ck_assert_double_eq_tol(sqrt(after), lim, 1e-5 * lim);

    /* A zero gradient: norm 0, no division by it. */
    memset(g, 0, np * sizeof *g);
    ck_assert_float_eq(ga_mlp_clip(&m, g, rows, 3, 1.0f), 0.0f);
    for (size_t i = 0; i < np; i++)
        bad += g[i] != 0.0f;
    ck_assert_int_eq(bad, 0);
    free(g0);
    free(g);
}
END_TEST

Suite *ga_test_suite(void)
{
    Suite *s = suite_create("mlp");
    TCase *tc = tcase_create("shape");
    tcase_add_test(tc, test_init_offsets);
    tcase_add_test(tc, test_init_rejects);
    tcase_add_test(tc, test_init_params_bounds);
    suite_add_tcase(s, tc);

    tc = tcase_create("forward");
    tcase_add_test(tc, test_forward_tiny);
    suite_add_tcase(s, tc);

    tc = tcase_create("gradient");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_grad_one_layer);
    tcase_add_test(tc, test_grad_two_layers);
    tcase_add_test(tc, test_grad_three_layers);
    tcase_add_test(tc, test_grad_four_layers);
    suite_add_tcase(s, tc);

    tc = tcase_create("bits");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_rows_by_input);
    tcase_add_test(tc, test_bits_dqn_shapes);
    tcase_add_test(tc, test_bits_odd_shapes);
    suite_add_tcase(s, tc);

    tc = tcase_create("optimiser");
    tcase_add_test(tc, test_adam_steps);
    tcase_add_test(tc, test_adam_no_rows);
    tcase_add_test(tc, test_clip);
    suite_add_tcase(s, tc);
    return s;
}
