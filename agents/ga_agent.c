/* agents/ga_agent.c: agent construction and the agent file's envelope, for any learner of the
 * registry. The file is built in memory and written in one atomic step; every read during
 * loading is bounds-checked, so a damaged file gives an error, never a crash. Little-endian
 * hosts only (the layout is the memory layout). What follows the parameters is the learner's. */
#include "ga_agent.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_hash.h"
#include "ga_io.h"

int ga_agent_check(const char *name, const GaParam *given, int n_given, const char *where,
                   GaErr *err)
{
    const GaLearner *l = ga_learner_find(name, err);
    if (!l)
        return GA_EINVAL;
    GaParam tmp[GA_MAX_AGENT_PARAMS];
    return ga_param_resolve(l->params, l->n_params, given, n_given, where, name, tmp, err);
}

int ga_agent_check_all(const char *name, const GaParam *given, int n_given, const char *where,
                       GaErr *err)
{
    const GaLearner *l = ga_learner_find(name, err);
    if (!l)
        return GA_EINVAL;
    static const GaAgent zero;
    GaAgent tmp = zero;
    int rc = ga_param_resolve(l->params, l->n_params, given, n_given, where, name, tmp.param, err);
    if (rc)
        return rc;
    tmp.learner = l;
    tmp.n_params = l->n_params;
    return l->check ? l->check(&tmp, where, err) : GA_OK;
}

double ga_agent_param(const GaAgent *ag, const char *name)
{
    for (int i = 0; i < ag->n_params; i++)
        if (strcmp(ag->param[i].name, name) == 0)
            return ag->param[i].value;
    return 0.0;
}

int ga_agent_init(GaAgent *ag, const char *name, const GaParam *given, int n_given,
                  const char *where, int obs_size, int64_t total_steps, uint64_t seed, GaErr *err)
{
    GaObsSpec spec = {.n_carry = 1, .size = obs_size};
    return ga_agent_create(ag, name, given, n_given, where, &spec, total_steps, seed, err);
}

int ga_agent_create(GaAgent *ag, const char *name, const GaParam *given, int n_given,
                    const char *where, const GaObsSpec *spec, int64_t total_steps, uint64_t seed,
                    GaErr *err)
{
    memset(ag, 0, sizeof *ag);
    const GaLearner *l = ga_learner_find(name, err);
    if (!l)
        return GA_EINVAL;
    int rc = ga_param_resolve(l->params, l->n_params, given, n_given, where, name, ag->param, err);
    if (rc)
        return rc;
    ag->learner = l;
    ag->n_params = l->n_params;
    snprintf(ag->name, sizeof ag->name, "%s", name);
    ag->obs_size = spec->size;
    ag->spec = *spec;
    ag->rng = ga_rng_make(ga_rng_derive(seed, GA_DOMAIN_AGENT, 0));
    if (l->check && (rc = l->check(ag, where, err)))
        return rc;
    ag->state = calloc(1, l->state_size);
    ag->cells = calloc((size_t)spec->size * 256, sizeof *ag->cells);
    if (!ag->state || !ag->cells) {
        ga_agent_free(ag);
        return ga_err_set(err, GA_ENOMEM, "%s: out of memory", name);
    }
    if ((rc = l->init(ag->state, ag, total_steps, seed, err)))
        ga_agent_free(ag);
    return rc;
}

void ga_agent_free(GaAgent *ag)
{
    if (ag->state) {
        ag->learner->free(ag->state);
        free(ag->state);
    }
    ag->state = NULL;
    free(ag->cells);
    ag->cells = NULL;
}

void ga_agent_release_training(GaAgent *ag)
{
    if (ag->learner->release_training)
        ag->learner->release_training(ag->state);
}

void ga_agent_values(const GaAgent *ag, const uint8_t *obs, float *q)
{
    ag->learner->values(ag->state, obs, q);
}

double ga_novelty_score(int64_t n)
{
    if (n < 0)
        return NAN;
    return n == 0 ? 1.0 : 1.0 / sqrt((double)n);
}

const char *ga_agent_novelty_what(const GaAgent *ag)
{
    const GaLearner *l = ag->learner;
    /* Whether visits are known, and whether a learner's own score is there (dqn: with an
     * ensemble or without), holds for every observation alike: one blank one says which. */
    uint8_t blank[GA_OBS_MAX] = {0};
    if (l->novelty) /* an agent file without counts: no score, as ga_agent_novelty */
        return l->novelty(ag->state, blank) < 0 ? NULL
                                                : "1 if never met in training, else 1/sqrt(visits)";
    if (l->novelty_score && !isnan(l->novelty_score(ag->state, blank)))
        return "the ensemble's disagreement, relative to an untrained ensemble's, at most 1";
    if (ag->cells)
        return "1 if a cell of the view shows a code met there at most once in training, else "
               "1/sqrt(count of its rarest cell code)";
    return NULL;
}

double ga_agent_novelty(const GaAgent *ag, const uint8_t *obs)
{
    const GaLearner *l = ag->learner;
    if (l->novelty)
        return ga_novelty_score(l->novelty(ag->state, obs));
    if (l->novelty_score) {
        double s = l->novelty_score(ag->state, obs);
        if (!isnan(s))
            return s;
    }
    return ga_agent_cell_novelty(ag, obs);
}

double ga_agent_cell_novelty(const GaAgent *ag, const uint8_t *obs)
{
    return ga_novelty_score(ga_agent_cell_min(ag, obs));
}

int ga_agent_unseen_cells(const GaAgent *ag, const uint8_t *obs, uint8_t *never)
{
    if (!ag->cells)
        return -1;
    int n = 0;
    for (int i = 0; i < ag->obs_size; i++) {
        never[i] = ga_agent_cell_count(ag, i, obs[i]) == 0;
        n += never[i];
    }
    return n;
}

int64_t ga_agent_cell_min(const GaAgent *ag, const uint8_t *obs)
{
    if (!ag->cells)
        return -1;
    uint32_t least = UINT32_MAX;
    for (int i = 0; i < ag->obs_size; i++) {
        uint32_t c = ga_agent_cell_count(ag, i, obs[i]);
        least = c < least ? c : least;
    }
    return least;
}

int ga_agent_table_fill(const GaAgent *ag, int64_t *states, int64_t *dropped)
{
    *states = *dropped = -1;
    if (!ag->learner->table_fill)
        return 0;
    ag->learner->table_fill(ag->state, states, dropped);
    return 1;
}

double ga_agent_step_cost(const char *name)
{
    const GaLearner *l = ga_learner_find(name, NULL);
    return l ? l->step_cost : 1.0;
}

/* An observation layout in words, into out (n bytes). */
static void layout_text(const GaObsSpec *s, char *out, size_t n)
{
    if (s->vw < 1) {
        snprintf(out, n, "%d-byte observations", s->size);
        return;
    }
    int k = snprintf(out, n, s->full ? "full-view %dx%d" : "%dx%d-window", s->vw, s->vh);
    snprintf(out + k, n - (size_t)k,
             " observations with %d carry byte%s and %d flag byte%s (%d bytes)", s->n_carry,
             s->n_carry == 1 ? "" : "s", s->n_flags, s->n_flags == 1 ? "" : "s", s->size);
}

int ga_agent_check_layout(const GaAgent *ag, const GaObsSpec *spec, const char *agent_path,
                          const char *scenario_path, GaErr *err)
{
    const GaObsSpec *a = &ag->spec;
    int fits = a->vw < 1 ? ag->obs_size == spec->size
                         : a->full == spec->full && a->vw == spec->vw && a->vh == spec->vh &&
                               a->n_carry == spec->n_carry && a->n_flags == spec->n_flags &&
                               a->size == spec->size;
    if (fits)
        return GA_OK;
    char mine[128], theirs[128];
    layout_text(a, mine, sizeof mine);
    layout_text(spec, theirs, sizeof theirs);
    return ga_err_set(err, GA_EFORMAT, "%s: reads %s; %s gives %s", agent_path, mine, scenario_path,
                      theirs);
}

/* ---- the file ------------------------------------------------------------------------- */

void ga_payload_put(GaPayloadOut *b, const void *data, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n > b->cap) {
        size_t nc = b->cap ? b->cap : 4096;
        while (nc < b->n + n)
            nc *= 2;
        uint8_t *np = realloc(b->p, nc);
        if (!np) {
            b->oom = 1;
            return;
        }
        b->p = np;
        b->cap = nc;
    }
    memcpy(b->p + b->n, data, n);
    b->n += n;
}

void ga_payload_put_u32(GaPayloadOut *b, uint32_t v)
{
    ga_payload_put(b, &v, 4);
}

void ga_payload_put_u64(GaPayloadOut *b, uint64_t v)
{
    ga_payload_put(b, &v, 8);
}

void ga_payload_get(GaPayloadIn *r, void *out, size_t n)
{
    if (r->bad || r->n - r->off < n) {
        r->bad = 1;
        memset(out, 0, n);
        return;
    }
    memcpy(out, r->p + r->off, n);
    r->off += n;
}

uint32_t ga_payload_get_u32(GaPayloadIn *r)
{
    uint32_t v;
    ga_payload_get(r, &v, 4);
    return v;
}

uint64_t ga_payload_get_u64(GaPayloadIn *r)
{
    uint64_t v;
    ga_payload_get(r, &v, 8);
    return v;
}

int ga_payload_bad(const GaPayloadIn *r)
{
    return r->bad;
}

size_t ga_payload_left(const GaPayloadIn *r)
{
    return r->n - r->off;
}

#define CELLS_UNKNOWN 0xFFFFFFFFu

/* The cell counts, sparse (ga_agent_save's comment gives the layout). */
static void save_cells(const GaAgent *ag, GaPayloadOut *b)
{
    if (!ag->cells) {
        ga_payload_put_u32(b, CELLS_UNKNOWN);
        return;
    }
    uint32_t n = 0;
    for (int i = 0; i < ag->obs_size * 256; i++)
        n += ag->cells[i] > 0;
    ga_payload_put_u32(b, n);
    for (int i = 0; i < ag->obs_size; i++)
        for (int c = 0; c < 256; c++) {
            uint32_t k = ga_agent_cell_count(ag, i, (uint8_t)c);
            if (k > 0) {
                ga_payload_put_u32(b, (uint32_t)(i * 256 + c));
                ga_payload_put_u32(b, k);
            }
        }
}

/* Checks the cell counts at r's position and steps over them; *at receives where their
 * entries begin and *n how many there are (CELLS_UNKNOWN: not known). The agent is built
 * later, by the learner's load, so filling waits (fill_cells). NULL, or why not. */
static const char *skip_cells(GaPayloadIn *r, int obs_size, size_t *at, uint32_t *n)
{
    *n = ga_payload_get_u32(r);
    *at = r->off;
    if (r->bad)
        return "truncated";
    if (*n == CELLS_UNKNOWN)
        return NULL;
    uint64_t total = (uint64_t)obs_size * 256;
    if (*n > total || ga_payload_left(r) / 8 < *n)
        return "cell counts do not match their header";
    int64_t last = -1;
    for (uint32_t k = 0; k < *n; k++) {
        uint32_t idx = ga_payload_get_u32(r), count = ga_payload_get_u32(r);
        if (idx >= total || (int64_t)idx <= last || count == 0)
            return "bad cell counts";
        last = idx;
    }
    return NULL;
}

static void fill_cells(GaAgent *ag, const uint8_t *data, size_t at, uint32_t n)
{
    if (n == CELLS_UNKNOWN) {
        free(ag->cells);
        ag->cells = NULL;
        return;
    }
    memset(ag->cells, 0, (size_t)ag->obs_size * 256 * sizeof *ag->cells);
    for (uint32_t k = 0; k < n; k++) {
        uint32_t e[2];
        memcpy(e, data + at + (size_t)k * 8, 8);
        ag->cells[(e[0] & 255) * (size_t)ag->obs_size + e[0] / 256] = e[1];
        ag->cells_max = e[1] > ag->cells_max ? e[1] : ag->cells_max;
    }
}

int ga_agent_save(const GaAgent *ag, const char *path, uint64_t scenario_hash, GaErr *err)
{
    GaPayloadOut b = {0};
    ga_payload_put(&b, GA_AGENT_MAGIC, 8);
    ga_payload_put_u32(&b, GA_AGENT_VERSION);
    char name[32] = {0};
    snprintf(name, sizeof name, "%s", ag->name);
    ga_payload_put(&b, name, sizeof name);
    ga_payload_put_u64(&b, scenario_hash);
    ga_payload_put_u32(&b, (uint32_t)ag->obs_size);
    ga_payload_put_u32(&b, (uint32_t)ag->n_params);
    for (int i = 0; i < ag->n_params; i++) {
        ga_payload_put(&b, ag->param[i].name, sizeof ag->param[i].name);
        ga_payload_put(&b, &ag->param[i].value, 8);
    }
    save_cells(ag, &b);
    ag->learner->save(ag->state, &b);
    ga_payload_put_u64(&b, ga_hash_bytes(b.p, b.n));
    int rc = b.oom ? ga_err_set(err, GA_ENOMEM, "%s: out of memory serialising the agent", path)
                   : ga_io_write_atomic(path, b.p, b.n, err);
    free(b.p);
    return rc;
}

static int corrupt(const char *path, const char *why, GaErr *err)
{
    return ga_err_set(err, GA_EFORMAT, "%s: not a usable gridalign agent file: %s", path, why);
}

int ga_payload_corrupt(GaPayloadIn *in, const char *why)
{
    return corrupt(in->path, why, in->err);
}

int ga_payload_build(GaPayloadIn *in, const GaObsSpec *spec, int64_t total_steps, void **state)
{
    GaObsSpec size_only = {.n_carry = 1, .size = in->obs_size};
    GaErr perr;
    int rc = ga_agent_create(in->agent, in->name, in->given, in->n_given, in->path,
                             spec ? spec : &size_only, total_steps, 0, &perr);
    if (rc) {
        if (rc == GA_ENOMEM) /* the file is fine; the machine is short of memory */
            return ga_err_set(in->err, GA_ENOMEM, "%s: %s", in->path, perr.msg);
        return corrupt(in->path, perr.msg, in->err);
    }
    *state = in->agent->state;
    return GA_OK;
}

int ga_agent_load(GaAgent *ag, const char *path, uint64_t *scenario_hash, GaErr *err)
{
    memset(ag, 0, sizeof *ag);
    char *data;
    size_t len;
    int rc = ga_io_read_file(path, &data, &len, err);
    if (rc)
        return rc;
    GaPayloadIn r = {.p = (const uint8_t *)data, .n = len, .path = path, .agent = ag, .err = err};
    char magic[8];
    /* Magic, version and checksum at the least; shorter is truncated whatever it holds. */
    if (len < 8 + 4 + 8) {
        int magic_ok = len >= 8 && memcmp(data, GA_AGENT_MAGIC, 8) == 0;
        free(data);
        return corrupt(path, magic_ok ? "truncated" : "wrong magic number", err);
    }
    ga_payload_get(&r, magic, 8);
    if (r.bad || memcmp(magic, GA_AGENT_MAGIC, 8) != 0) {
        free(data);
        return corrupt(path, "wrong magic number", err);
    }
    uint32_t version = ga_payload_get_u32(&r);
    if (version < GA_AGENT_VERSION_OLDEST || version > GA_AGENT_VERSION) {
        free(data);
        return ga_err_set(err, GA_EFORMAT, "%s: agent file version %u, this gridalign reads %d",
                          path, version, GA_AGENT_VERSION);
    }
    r.version = version;
    uint64_t sum;
    if (len < 8 + 16) {
        free(data);
        return corrupt(path, "truncated", err);
    }
    memcpy(&sum, data + len - 8, 8);
    if (sum != ga_hash_bytes(data, len - 8)) {
        free(data);
        return corrupt(path, "checksum mismatch (truncated or damaged)", err);
    }
    r.n = len - 8;
    char name[32];
    ga_payload_get(&r, name, sizeof name);
    name[31] = '\0';
    *scenario_hash = ga_payload_get_u64(&r);
    int obs_size = (int)ga_payload_get_u32(&r);
    uint32_t n_params = ga_payload_get_u32(&r);
    if (r.bad || n_params > GA_MAX_AGENT_PARAMS || obs_size <= 0 || obs_size > 4096) {
        free(data);
        return corrupt(path, "bad header", err);
    }
    GaParam given[GA_MAX_AGENT_PARAMS];
    for (uint32_t i = 0; i < n_params; i++) {
        ga_payload_get(&r, given[i].name, sizeof given[i].name);
        given[i].name[sizeof given[i].name - 1] = '\0';
        ga_payload_get(&r, &given[i].value, 8);
    }
    GaErr perr;
    const GaLearner *l = ga_learner_find(name, &perr);
    if (!l) {
        free(data);
        return corrupt(path, perr.msg, err);
    }
    r.name = name;
    r.obs_size = obs_size;
    r.given = given;
    r.n_given = (int)n_params;
    size_t cells_at = 0;
    uint32_t n_cells = CELLS_UNKNOWN; /* before version 4: not kept */
    if (version >= 4) {
        const char *why = skip_cells(&r, obs_size, &cells_at, &n_cells);
        if (why) {
            free(data);
            return corrupt(path, why, err);
        }
    }
    rc = l->load(&r);
    assert(rc != GA_OK || ag->state); /* a learner's load builds the agent */
    /* The learner checks its sizes; this catches one that reads short or past the end. */
    if (rc == GA_OK && (r.bad || ga_payload_left(&r) != 0))
        rc = corrupt(path, "payload size does not match its learner", err);
    if (rc == GA_OK)
        fill_cells(ag, (const uint8_t *)data, cells_at, n_cells);
    free(data);
    if (rc)
        ga_agent_free(ag);
    return rc;
}
