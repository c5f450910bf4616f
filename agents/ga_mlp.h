/* agents/ga_mlp.h: a small multilayer perceptron in plain C: dense layers with ReLU between
 * them and a linear output, forward and backward over a batch, and Adam. The first layer takes
 * sparse binary inputs (lists of active one-hot features), so its cost scales with the active
 * features, not the input width. Weights are stored input-major, (in, out) per layer, so every
 * inner loop runs over contiguous output units and vectorises.
 * The model holds shapes and offsets only; parameter blocks (weights, target copy, gradients,
 * Adam moments) are flat float arrays of ga_mlp_n_params floats owned by the caller. Blocks and
 * activation buffers that start on a 64-byte line are read fastest (a 64-wide row then spans
 * whole lines); the results do not depend on it. */
#ifndef GA_MLP_H
#define GA_MLP_H

#include <stddef.h>
#include <stdint.h>

#include "ga_rng.h"

#define GA_MLP_MAX_LAYERS 4   /* weight layers */
#define GA_MLP_MAX_WIDTH 1024 /* hidden and output units per layer */
#define GA_MLP_ACT_ALIGN 16   /* floats: see GaMlp.act_width */
#define GA_MLP_MAX_BATCH 1024 /* samples of a backward pass given its inputs by input */

typedef struct {
    int n_layers;                    /* weight layers, 1..GA_MLP_MAX_LAYERS */
    int size[GA_MLP_MAX_LAYERS + 1]; /* size[0] inputs, size[n_layers] outputs */
    size_t off_w[GA_MLP_MAX_LAYERS]; /* (layer) offset of W, (size[l], size[l+1]) */
    size_t off_b[GA_MLP_MAX_LAYERS]; /* (layer) offset of b, (size[l+1]) */
    size_t n_params;
    size_t off_act[GA_MLP_MAX_LAYERS]; /* (layer) offset of its outputs in an activation buffer */
    int act_width;                     /* floats per sample in an activation buffer */
    /* Each layer's outputs take a whole number of GA_MLP_ACT_ALIGN floats (one cache line):
     * in a buffer that starts on a line, every layer's outputs of every sample do, and the
     * passes' vector loads of them never straddle two lines. */
} GaMlp;

/* Shapes: sizes[0] inputs, sizes[1..n_layers-1] hidden, sizes[n_layers] outputs. Returns 0, or
 * -1 when a size is out of range. */
int ga_mlp_init(GaMlp *m, const int *sizes, int n_layers);

/* PyTorch's default initialisation: every weight and bias uniform in +-1/sqrt(fan_in). */
void ga_mlp_init_params(const GaMlp *m, float *p, GaRng *rng);

/* A bound on every activation and output of a forward pass whose inputs lie in [0, 1]: the
 * product over layers of max(1, the largest sum of |weights| into one unit plus |bias|),
 * computed in double. Infinite or NaN when a parameter is. */
double ga_mlp_output_bound(const GaMlp *m, const float *p);

/* Forward pass of `batch` samples. Sample b's active inputs are idx[off[b] .. off[b+1]).
 * act: (batch, act_width) floats, receives every layer's output (post-ReLU for hidden layers),
 * kept for ga_mlp_backward. Returns the outputs, (batch, size[n_layers]), inside act. */
float *ga_mlp_forward(const GaMlp *m, const float *p, int batch, const int32_t *idx,
                      const int32_t *off, float *act);

/* The active inputs of a batch by input (each sample lists an input at most once): row[0..n)
 * the distinct inputs, in the order the batch first lists them; input row[k] is active in the
 * samples whose bits are set in mask[k * words
 * .. (k + 1) * words) (sample b: bit b % 64 of word b / 64). seen: scratch of one entry per
 * input (inputs of them): the batch's tag in the high 32 bits, the input's k in the low; each
 * call of ga_mlp_rows takes the next tag, so it needs no clearing between batches (start with
 * seen zeroed and tag 0; after 2^32 - 1 calls it is cleared once). row: room for the distinct
 * inputs of a batch (at most its listed inputs, and at most inputs); mask: words for each of
 * them. words = (largest batch + 63) / 64. */
typedef struct {
    int n, words, inputs;
    int32_t *row;
    uint64_t *mask;
    uint64_t *seen;
    uint32_t tag;
} GaMlpRows;

void ga_mlp_rows(GaMlpRows *r, int batch, const int32_t *idx, const int32_t *off);

/* Backward pass for the forward pass that filled act. dout: (batch, size[n_layers]) dLoss/
 * dOutput. delta: scratch of ga_mlp_delta_size floats, lists: of ga_mlp_list_size entries,
 * for this batch size. Adds the gradients to g (a parameter-shaped block), of the first
 * layer's weights only the rows of active inputs. Layer by layer over the batch, but every
 * gradient element sums its samples in sample order, as one sample at a time would. rows:
 * the batch's inputs by input (ga_mlp_rows of idx and off; then batch <= GA_MLP_MAX_BATCH),
 * or NULL, which is slower (each sample adds to its inputs' rows in memory). */
void ga_mlp_backward(const GaMlp *m, const float *p, int batch, const int32_t *idx,
                     const int32_t *off, const GaMlpRows *rows, const float *act, const float *dout,
                     float *delta, int32_t *lists, float *g);
size_t ga_mlp_delta_size(const GaMlp *m, int batch);
size_t ga_mlp_list_size(const GaMlp *m, int batch);

/* Adam, applied to every parameter except the first layer's weight rows, of which only rows[0
 * .. n_rows) are updated (lazy, as PyTorch's SparseAdam: a row's moments decay only when it
 * is used). Those rows of g and every other gradient are zeroed afterwards, ready for the next
 * batch. t: the step count after this step (>= 1), for bias correction. */
typedef struct {
    float lr, beta1, beta2, eps;
} GaAdam;

void ga_mlp_adam(const GaMlp *m, const GaAdam *o, int64_t t, float *p, float *g, float *mom1,
                 float *mom2, const int32_t *rows, int n_rows);

/* Scales every gradient the batch touched (all but the first layer's unused rows) so that their
 * joint L2 norm is at most max_norm; returns the norm before scaling. */
float ga_mlp_clip(const GaMlp *m, float *g, const int32_t *rows, int n_rows, float max_norm);

#endif
