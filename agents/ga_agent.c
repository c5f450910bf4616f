/* agents/ga_agent.c: agent construction and the agent file. The file is built in memory and
 * written in one atomic step; every read during loading is bounds-checked, so a damaged file
 * gives an error, never a crash. Little-endian hosts only (the layout is the memory layout). */
#include "ga_agent.h"

#include <stdlib.h>
#include <string.h>

#include "ga_hash.h"
#include "ga_io.h"

const char *const ga_agent_names[] = {"qlearn", "dqn", NULL};

static const GaParamSpec QLEARN_SPEC[] = {
    {"alpha", 0.1, 0.0, 1.0, 0, "step size"},
    {"gamma", 0.97, 0.0, 1.0, 0, "discount"},
    {"eps_start", 1.0, 0.0, 1.0, 0, "exploration rate at the start"},
    {"eps_end", 0.05, 0.0, 1.0, 0, "exploration rate after the decay"},
    {"eps_decay", 0.5, 0.0, 1.0, 0, "fraction of training over which epsilon decays"},
    {"q_init", 0.0, -1e6, 1e6, 0, "value of unseen state-action pairs"},
    {"table_bits", 22, 4, 30, 1, "the Q-table holds 2^table_bits states"},
};

static int unknown_agent(const char *name, GaErr *err)
{
    char known[128] = "";
    for (int i = 0; ga_agent_names[i]; i++) {
        strncat(known, ga_agent_names[i], sizeof known - strlen(known) - 1);
        if (ga_agent_names[i + 1])
            strncat(known, ", ", sizeof known - strlen(known) - 1);
    }
    return ga_err_set(err, GA_EINVAL, "unknown agent \"%s\" (known: %s)", name, known);
}

/* Defaults: the settings of the speed comparison with Stable-Baselines3 (64-64, batch 32, an
 * update every 4 steps, Huber loss, gradient norm 10), with a shorter target period and
 * exploration schedule that suit gridworld episodes of tens of steps. */
static const GaParamSpec DQN_SPEC[] = {
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
};

const GaParamSpec *ga_agent_param_spec(const char *name, int *n)
{
    if (strcmp(name, "qlearn") == 0) {
        *n = (int)(sizeof QLEARN_SPEC / sizeof QLEARN_SPEC[0]);
        return QLEARN_SPEC;
    }
    if (strcmp(name, "dqn") == 0) {
        *n = (int)(sizeof DQN_SPEC / sizeof DQN_SPEC[0]);
        return DQN_SPEC;
    }
    *n = 0;
    return NULL;
}

static double param(const GaAgent *ag, const char *name);

/* Settings each in range that do not fit together. */
static int cross_check(const GaAgent *ag, const char *name, const char *where, GaErr *err)
{
    if (strcmp(name, "dqn") != 0)
        return GA_OK;
    if (param(ag, "hidden2") == 0 && param(ag, "hidden3") > 0)
        return ga_err_set(err, GA_EINVAL,
                          "%s.hidden3: a third hidden layer needs a second (hidden2 is 0)", where);
    if (param(ag, "buffer") < param(ag, "batch"))
        return ga_err_set(err, GA_EINVAL, "%s.buffer: %.0f transitions cannot fill a batch of %.0f",
                          where, param(ag, "buffer"), param(ag, "batch"));
    return GA_OK;
}

int ga_agent_check(const char *name, const GaParam *given, int n_given, const char *where,
                   GaErr *err)
{
    int n;
    const GaParamSpec *spec = ga_agent_param_spec(name, &n);
    if (!spec)
        return unknown_agent(name, err);
    GaParam tmp[GA_MAX_AGENT_PARAMS];
    return ga_param_resolve(spec, n, given, n_given, where, name, tmp, err);
}

int ga_agent_check_all(const char *name, const GaParam *given, int n_given, const char *where,
                       GaErr *err)
{
    int n;
    const GaParamSpec *spec = ga_agent_param_spec(name, &n);
    if (!spec)
        return unknown_agent(name, err);
    static const GaAgent zero;
    GaAgent tmp = zero;
    int rc = ga_param_resolve(spec, n, given, n_given, where, name, tmp.param, err);
    if (rc)
        return rc;
    tmp.n_params = n;
    return cross_check(&tmp, name, where, err);
}

static double param(const GaAgent *ag, const char *name)
{
    for (int i = 0; i < ag->n_params; i++)
        if (strcmp(ag->param[i].name, name) == 0)
            return ag->param[i].value;
    return 0.0;
}

static int build(GaAgent *ag, const char *where, int64_t total_steps, uint64_t seed, GaErr *err)
{
    if (ag->kind == GA_AGENT_DQN) {
        GaDqnParams p = {
            .hidden = {(int)param(ag, "hidden1"), (int)param(ag, "hidden2"),
                       (int)param(ag, "hidden3")},
            .lr = param(ag, "lr"),
            .gamma = param(ag, "gamma"),
            .eps_start = param(ag, "eps_start"),
            .eps_end = param(ag, "eps_end"),
            .eps_decay = param(ag, "eps_decay"),
            .max_grad_norm = param(ag, "max_grad_norm"),
            .batch = (int)param(ag, "batch"),
            .buffer = (int)param(ag, "buffer"),
            .learning_starts = (int)param(ag, "learning_starts"),
            .train_freq = (int)param(ag, "train_freq"),
            .target_update = (int)param(ag, "target_update"),
        };
        int rc = cross_check(ag, "dqn", where, err);
        if (rc)
            return rc;
        return ga_dqn_init(&ag->dqn, &p, &ag->spec, total_steps, seed, err);
    }
    GaQParams p = {
        .alpha = param(ag, "alpha"),
        .gamma = param(ag, "gamma"),
        .eps_start = param(ag, "eps_start"),
        .eps_end = param(ag, "eps_end"),
        .eps_decay = param(ag, "eps_decay"),
        .q_init = param(ag, "q_init"),
        .table_bits = (int)param(ag, "table_bits"),
    };
    return ga_qlearn_init(&ag->ql, &p, ag->obs_size, total_steps, err);
}

int ga_agent_init(GaAgent *ag, const char *name, const GaParam *given, int n_given,
                  const char *where, int obs_size, int64_t total_steps, uint64_t seed, GaErr *err)
{
    GaObsSpec spec = {0, 0, 0, obs_size};
    return ga_agent_create(ag, name, given, n_given, where, &spec, total_steps, seed, err);
}

int ga_agent_create(GaAgent *ag, const char *name, const GaParam *given, int n_given,
                    const char *where, const GaObsSpec *spec, int64_t total_steps, uint64_t seed,
                    GaErr *err)
{
    memset(ag, 0, sizeof *ag);
    int n;
    const GaParamSpec *table = ga_agent_param_spec(name, &n);
    if (!table)
        return unknown_agent(name, err);
    int rc = ga_param_resolve(table, n, given, n_given, where, name, ag->param, err);
    if (rc)
        return rc;
    ag->kind = strcmp(name, "dqn") == 0 ? GA_AGENT_DQN : GA_AGENT_QLEARN;
    ag->n_params = n;
    snprintf(ag->name, sizeof ag->name, "%s", name);
    ag->obs_size = spec->size;
    ag->spec = *spec;
    ag->rng = ga_rng_make(ga_rng_derive(seed, GA_DOMAIN_AGENT, 0));
    return build(ag, where, total_steps, seed, err);
}

void ga_agent_free(GaAgent *ag)
{
    ga_qlearn_free(&ag->ql);
    ga_dqn_free(&ag->dqn);
}

void ga_agent_release_training(GaAgent *ag)
{
    if (ag->kind == GA_AGENT_DQN)
        ga_dqn_release_training(&ag->dqn);
}

void ga_agent_values(const GaAgent *ag, const uint8_t *obs, float *q)
{
    if (ag->kind == GA_AGENT_DQN)
        ga_dqn_values(&ag->dqn, obs, q);
    else
        ga_qlearn_values(&ag->ql, obs, q);
}

/* ---- the file ------------------------------------------------------------------------- */

typedef struct {
    uint8_t *p;
    size_t n, cap;
    int oom;
} Buf;

static void put(Buf *b, const void *data, size_t n)
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

static void put_u32(Buf *b, uint32_t v)
{
    put(b, &v, 4);
}

static void put_u64(Buf *b, uint64_t v)
{
    put(b, &v, 8);
}

typedef struct {
    const uint8_t *p;
    size_t n, off;
    int bad;
} Rd;

static void get(Rd *r, void *out, size_t n)
{
    if (r->bad || r->n - r->off < n) {
        r->bad = 1;
        memset(out, 0, n);
        return;
    }
    memcpy(out, r->p + r->off, n);
    r->off += n;
}

static uint32_t get_u32(Rd *r)
{
    uint32_t v;
    get(r, &v, 4);
    return v;
}

static uint64_t get_u64(Rd *r)
{
    uint64_t v;
    get(r, &v, 8);
    return v;
}

int ga_agent_save(const GaAgent *ag, const char *path, uint64_t scenario_hash, GaErr *err)
{
    Buf b = {0};
    put(&b, GA_AGENT_MAGIC, 8);
    put_u32(&b, GA_AGENT_VERSION);
    char name[32] = {0};
    snprintf(name, sizeof name, "%s", ag->name);
    put(&b, name, sizeof name);
    put_u64(&b, scenario_hash);
    put_u32(&b, (uint32_t)ag->obs_size);
    put_u32(&b, (uint32_t)ag->n_params);
    for (int i = 0; i < ag->n_params; i++) {
        put(&b, ag->param[i].name, sizeof ag->param[i].name);
        put(&b, &ag->param[i].value, 8);
    }
    if (ag->kind == GA_AGENT_DQN) {
        /* The layout the network reads, then its weights (the target network, replay buffer
         * and optimiser state are training state and are not kept). */
        put_u64(&b, (uint64_t)ag->dqn.steps);
        put_u32(&b, (uint32_t)ag->spec.full);
        put_u32(&b, (uint32_t)ag->spec.vw);
        put_u32(&b, (uint32_t)ag->spec.vh);
        put_u64(&b, ag->dqn.net.n_params);
        put(&b, ag->dqn.params, ag->dqn.net.n_params * sizeof(float));
    } else {
        put_u64(&b, (uint64_t)ag->ql.steps);
        put_u64(&b, ag->ql.n);
        for (uint64_t s = 0; s < ag->ql.cap; s++) {
            if (ag->ql.keys[s] == 0)
                continue;
            put_u64(&b, ag->ql.keys[s]);
            put(&b, &ag->ql.q[s * GA_NUM_ACTIONS], GA_NUM_ACTIONS * sizeof(float));
        }
    }
    put_u64(&b, ga_hash_bytes(b.p, b.n));
    int rc = b.oom ? ga_err_set(err, GA_ENOMEM, "%s: out of memory serialising the agent", path)
                   : ga_io_write_atomic(path, b.p, b.n, err);
    free(b.p);
    return rc;
}

static int corrupt(const char *path, const char *why, GaErr *err)
{
    return ga_err_set(err, GA_EFORMAT, "%s: not a usable gridalign agent file: %s", path, why);
}

int ga_agent_load(GaAgent *ag, const char *path, uint64_t *scenario_hash, GaErr *err)
{
    memset(ag, 0, sizeof *ag);
    char *data;
    size_t len;
    int rc = ga_io_read_file(path, &data, &len, err);
    if (rc)
        return rc;
    Rd r = {(const uint8_t *)data, len, 0, 0};
    char magic[8];
    /* Magic, version and checksum at the least; shorter is truncated whatever it holds. */
    if (len < 8 + 4 + 8) {
        int magic_ok = len >= 8 && memcmp(data, GA_AGENT_MAGIC, 8) == 0;
        free(data);
        return corrupt(path, magic_ok ? "truncated" : "wrong magic number", err);
    }
    get(&r, magic, 8);
    if (r.bad || memcmp(magic, GA_AGENT_MAGIC, 8) != 0) {
        free(data);
        return corrupt(path, "wrong magic number", err);
    }
    uint32_t version = get_u32(&r);
    if (version != GA_AGENT_VERSION) {
        free(data);
        return ga_err_set(err, GA_EFORMAT, "%s: agent file version %u, this gridalign reads %d",
                          path, version, GA_AGENT_VERSION);
    }
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
    get(&r, name, sizeof name);
    name[31] = '\0';
    *scenario_hash = get_u64(&r);
    int obs_size = (int)get_u32(&r);
    uint32_t n_params = get_u32(&r);
    if (r.bad || n_params > GA_MAX_AGENT_PARAMS || obs_size <= 0 || obs_size > 4096) {
        free(data);
        return corrupt(path, "bad header", err);
    }
    GaParam given[GA_MAX_AGENT_PARAMS];
    for (uint32_t i = 0; i < n_params; i++) {
        get(&r, given[i].name, sizeof given[i].name);
        given[i].name[sizeof given[i].name - 1] = '\0';
        get(&r, &given[i].value, 8);
    }
    int64_t steps = (int64_t)get_u64(&r);
    GaObsSpec spec = {0, 0, 0, obs_size};
    int is_dqn = strcmp(name, "dqn") == 0;
    if (is_dqn) {
        int full = (int)get_u32(&r), vw = (int)get_u32(&r), vh = (int)get_u32(&r);
        if (r.bad || (full != 0 && full != 1) || ga_obs_spec_init(&spec, full, vw, vh) ||
            spec.size != obs_size) {
            free(data);
            return corrupt(path, "bad observation layout", err);
        }
    }
    uint64_t n = get_u64(&r);
    if (r.bad) {
        free(data);
        return corrupt(path, "truncated header", err);
    }
    GaErr perr;
    rc = ga_agent_create(ag, name, given, (int)n_params, path, &spec, steps, 0, &perr);
    if (rc) {
        free(data);
        ga_agent_free(ag);
        if (rc == GA_ENOMEM) /* the file is fine; the machine is short of memory */
            return ga_err_set(err, GA_ENOMEM, "%s: %s", path, perr.msg);
        return corrupt(path, perr.msg, err);
    }
    if (is_dqn) {
        ag->dqn.steps = steps;
        if (n != ag->dqn.net.n_params || r.n - r.off != n * sizeof(float)) {
            free(data);
            ga_agent_free(ag);
            return corrupt(path, "network size does not match its header", err);
        }
        get(&r, ag->dqn.params, n * sizeof(float));
        memcpy(ag->dqn.target, ag->dqn.params, n * sizeof(float));
        free(data);
        return GA_OK;
    }
    ag->ql.steps = steps;
    if (r.n - r.off != n * (8 + GA_NUM_ACTIONS * sizeof(float))) {
        free(data);
        ga_agent_free(ag);
        return corrupt(path, "table size does not match its header", err);
    }
    for (uint64_t i = 0; i < n; i++) {
        uint64_t key = get_u64(&r);
        float v[GA_NUM_ACTIONS];
        get(&r, v, sizeof v);
        if (key == 0 || ga_qlearn_put(&ag->ql, key, v) != 0) {
            free(data);
            ga_agent_free(ag);
            return corrupt(path, "bad table entry", err);
        }
    }
    free(data);
    return GA_OK;
}
